/**
 * PEPPOL participant identifiers (`iso6523-actorid-upis::<EAS>:<value>`): parsing, normalising and check-digit
 * validation for the schemes a Nordic sender meets. Any other 4-digit EAS code is accepted as is.
 */

import { hasValidCvrModulus, hasValidGs1CheckDigit, isValidNoOrgNumber } from '../einvoice/check-digits';

export const PARTICIPANT_SCHEME = 'iso6523-actorid-upis';

export interface ParticipantId {
	/** EAS / ICD code, e.g. `0184`. */
	scheme: string;
	/** Value as it goes on the wire, e.g. `12345674` or `DK12345674`. */
	value: string;
}

export interface IdentifierProblem {
	/** `error`: cannot be a valid id of that scheme (wrong length, bad check digit). */
	level: 'error' | 'warning';
	message: string;
}

interface SchemeInfo {
	name: string;
	normalise?: (value: string) => string;
	validate?: (value: string) => string | undefined;
}

const digitsOnly = (value: string) => value.replace(/[\s.-]/g, '');

/** Danish CVR: 8 digits, modulus 11 with weights 2 7 6 5 4 3 2 1. */
export const isValidCvr = hasValidCvrModulus;

/** GS1 check digit (GLN/EAN-13, GTIN) on an 8–18 digit value. */
export function isValidGs1(value: string): boolean {
	return /^\d{8,18}$/.test(value) && hasValidGs1CheckDigit(value);
}

/** Finnish business id (Y-tunnus) without the dash: 8 digits, modulus 11 with weights 7 9 10 5 8 4 2. */
export function isValidYTunnus(value: string): boolean {
	if (!/^\d{8}$/.test(value)) return false;
	const weights = [7, 9, 10, 5, 8, 4, 2];
	const remainder = weights.reduce((sum, w, i) => sum + w * Number(value[i]), 0) % 11;
	if (remainder === 1) return false;
	return (remainder === 0 ? 0 : 11 - remainder) === Number(value[7]);
}

/** Norwegian organisation number: 9 digits, modulus 11 with weights 3 2 7 6 5 4 3 2. */
export const isValidNorwegianOrgNumber = isValidNoOrgNumber;

/** Luhn (Swedish organisation number, 10 digits). */
export function isValidLuhn(value: string): boolean {
	if (!/^\d+$/.test(value)) return false;
	let total = 0;
	value
		.split('')
		.reverse()
		.forEach((ch, i) => {
			let d = Number(ch);
			if (i % 2 === 1) {
				d *= 2;
				if (d > 9) d -= 9;
			}
			total += d;
		});
	return total % 10 === 0;
}

/** Belgian enterprise number: 10 digits, the last two are 97 - (first eight mod 97). */
export function isValidBelgianEnterpriseNumber(value: string): boolean {
	if (!/^[01]\d{9}$/.test(value)) return false;
	return 97 - (Number(value.slice(0, 8)) % 97) === Number(value.slice(8));
}

const SCHEMES: Record<string, SchemeInfo> = {
	'0184': {
		name: 'DK:CVR',
		normalise: (v) => digitsOnly(v).replace(/^DK/i, ''),
		validate: (v) =>
			!/^\d{8}$/.test(v)
				? 'a CVR number has 8 digits'
				: !isValidCvr(v)
					? 'the CVR check digit (modulus 11) is wrong'
					: undefined,
	},
	'0198': {
		name: 'DK:SE / VAT',
		normalise: (v) => {
			const compact = digitsOnly(v).toUpperCase();
			return /^\d{8}$/.test(compact) ? `DK${compact}` : compact;
		},
		validate: (v) =>
			!/^DK\d{8}$/.test(v)
				? 'a Danish VAT/SE id is "DK" followed by 8 digits'
				: !isValidCvr(v.slice(2))
					? 'the check digit (modulus 11) of the VAT/SE number is wrong'
					: undefined,
	},
	'0088': {
		name: 'GLN / EAN',
		normalise: digitsOnly,
		validate: (v) =>
			!/^\d{13}$/.test(v)
				? 'a GLN/EAN location number has 13 digits'
				: !isValidGs1(v)
					? 'the GLN check digit is wrong'
					: undefined,
	},
	'0096': {
		name: 'DK:P',
		normalise: digitsOnly,
		validate: (v) => (!/^\d{10}$/.test(v) ? 'a Danish P-number has 10 digits' : undefined),
	},
	'0216': {
		name: 'FI:OVT',
		normalise: (v) => digitsOnly(v).toUpperCase(),
		validate: (v) =>
			!/^0037\d{8}[0-9A-Z]{0,5}$/.test(v)
				? 'an OVT code is 0037, the 8-digit business id and up to 5 more characters'
				: !isValidYTunnus(v.slice(4, 12))
					? 'the business id (Y-tunnus) check digit in the OVT code is wrong'
					: undefined,
	},
	'0037': {
		name: 'FI:OVT (legacy)',
		normalise: (v) => digitsOnly(v),
		validate: (v) =>
			!/^\d{8}$/.test(v) || !isValidYTunnus(v) ? 'not a valid Finnish business id (Y-tunnus)' : undefined,
	},
	'0007': {
		name: 'SE:ORGNR',
		normalise: digitsOnly,
		validate: (v) =>
			!/^\d{10}$/.test(v)
				? 'a Swedish organisation number has 10 digits'
				: !isValidLuhn(v)
					? 'the Luhn check digit is wrong'
					: undefined,
	},
	'0192': {
		name: 'NO:ORG',
		normalise: (v) => digitsOnly(v).replace(/^NO/i, '').replace(/MVA$/i, ''),
		validate: (v) =>
			!/^\d{9}$/.test(v)
				? 'a Norwegian organisation number has 9 digits'
				: !isValidNorwegianOrgNumber(v)
					? 'the organisation number check digit (modulus 11) is wrong'
					: undefined,
	},
	'0208': {
		name: 'BE:EN',
		normalise: (v) => digitsOnly(v).replace(/^BE/i, ''),
		validate: (v) =>
			!isValidBelgianEnterpriseNumber(v) ? 'not a valid Belgian enterprise number (10 digits, modulus 97)' : undefined,
	},
};

/** Human name of a scheme, e.g. `DK:CVR` for 0184, or `EAS <code>` for others. */
export function schemeName(scheme: string): string {
	return SCHEMES[scheme]?.name ?? `EAS ${scheme}`;
}

/** Normalise the value for its scheme (strip spaces and dashes, add or remove country prefixes where the scheme says). */
export function normaliseParticipant(id: ParticipantId): ParticipantId {
	const scheme = id.scheme.trim();
	const value = id.value.trim();
	const normalise = SCHEMES[scheme]?.normalise;
	return { scheme, value: normalise ? normalise(value) : value };
}

/** Problems with an identifier; an empty list means it is well-formed (and its check digit, where defined, is right). */
export function validateParticipant(id: ParticipantId): IdentifierProblem[] {
	const problems: IdentifierProblem[] = [];
	if (!/^\d{4}$/.test(id.scheme)) {
		problems.push({ level: 'error', message: `"${id.scheme}" is not an EAS/ICD scheme code (4 digits, e.g. 0184)` });
		return problems;
	}
	if (!id.value) problems.push({ level: 'error', message: 'the identifier value is empty' });
	else if (id.value.length > 50 || /[\s:]/.test(id.value))
		problems.push({
			level: 'error',
			message: 'the identifier value has spaces or colons or is longer than 50 characters',
		});
	const message = id.value ? SCHEMES[id.scheme]?.validate?.(id.value) : undefined;
	if (message) problems.push({ level: 'error', message: `${schemeName(id.scheme)} ${id.value}: ${message}` });
	return problems;
}

/**
 * Read a participant id from the forms people type: `0184:12345674`, `iso6523-actorid-upis::0184:12345674`,
 * or a separate scheme and value. The value is normalised for its scheme.
 */
export function parseParticipant(input: string | ParticipantId, scheme?: string): ParticipantId {
	if (typeof input !== 'string') return normaliseParticipant(input);
	let text = input.trim();
	const prefix = `${PARTICIPANT_SCHEME}::`;
	if (text.toLowerCase().startsWith(prefix)) text = text.slice(prefix.length);
	const match = /^(\d{4}):(.+)$/.exec(text);
	if (match) return normaliseParticipant({ scheme: match[1], value: match[2] });
	if (!scheme) throw new Error(`"${input}" is not a participant id; write it as <scheme>:<value>, e.g. 0184:12345674`);
	return normaliseParticipant({ scheme, value: text });
}

/** `0184:12345674` */
export function participantKey(id: ParticipantId): string {
	return `${id.scheme}:${id.value}`;
}

/** `iso6523-actorid-upis::0184:12345674` */
export function participantUri(id: ParticipantId): string {
	return `${PARTICIPANT_SCHEME}::${participantKey(id)}`;
}
