/**
 * Format and check-digit tests of party identifiers, as the PEPPOL-COMMON rules apply them to an endpoint
 * (BT-34/BT-49), a party identifier (BT-29/BT-46/BT-60) or a legal registration id (BT-30/BT-47/BT-61).
 */

import { hasValidGs1CheckDigit, isValidNoOrgNumber } from './check-digits';

export { isValidNoOrgNumber };

/** GS1 check digit (GLN, GTIN), as PEPPOL-COMMON-R040 tests it. */
export const isValidGln = hasValidGs1CheckDigit;

/** Belgian enterprise number (0208): 10 digits, 97 − (first 8 mod 97) = last 2. */
export function isValidBeEnterpriseNumber(value: string): boolean {
	if (!/^[0-9]{10}$/.test(value)) return false;
	return 97 - (Number(value.slice(0, 8)) % 97) === Number(value.slice(8));
}

/** Swedish organisation number (0007): 10 digits, Luhn check digit. */
export function isValidSeOrgNumber(value: string): boolean {
	if (!/^[0-9]{10}$/.test(value)) return false;
	let sum = 0;
	for (let pos = 1; pos <= 9; pos++) {
		const digit = value.charCodeAt(9 - pos) - 48;
		sum += pos % 2 === 1 ? ((digit * 2) % 10) + Math.floor((digit * 2) / 10) : digit;
	}
	return (10 - (sum % 10)) % 10 === value.charCodeAt(9) - 48;
}

/** Australian Business Number (0151): 11 digits, weighted sum mod 89. */
export function isValidAbn(value: string): boolean {
	if (!/^[0-9]{11}$/.test(value)) return false;
	const weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
	let sum = 0;
	for (let i = 0; i < 11; i++) sum += (value.charCodeAt(i) - 48 - (i === 0 ? 1 : 0)) * weights[i];
	return sum % 89 === 0;
}

/** Danish CVR (0184): 8 digits, or DK + 8 digits (the PEPPOL rule checks the format, not the modulus). */
export function isValidDkCvr(value: string): boolean {
	return /^[0-9]{8}$/.test(value) || /^DK[0-9]{8}$/.test(value);
}

export interface IdentifierRule {
	id: string;
	flag: 'fatal' | 'warning';
	/** Whether the rule applies to endpoints only (PEPPOL-COMMON-R046 on 9907). */
	endpointOnly?: boolean;
	/** The official test; `raw` is the value as written, `normalized` its whitespace-normalised form. */
	test(raw: string, normalized: string): boolean;
	what: string;
}

/** PEPPOL-COMMON rules by ICD/EAS scheme. Italian fiscal code checks (0210, 0211, 9907; warnings) are not reproduced. */
export const IDENTIFIER_RULES: Readonly<Record<string, IdentifierRule>> = {
	'0088': {
		id: 'PEPPOL-COMMON-R040',
		flag: 'fatal',
		what: 'GLN with a valid GS1 check digit',
		test: (_r, n) => isValidGln(n),
	},
	'0192': {
		id: 'PEPPOL-COMMON-R041',
		flag: 'fatal',
		what: 'Norwegian organisation number',
		test: (_r, n) => isValidNoOrgNumber(n),
	},
	'0184': {
		id: 'PEPPOL-COMMON-R042',
		flag: 'fatal',
		what: 'CVR number (8 digits or DK + 8 digits)',
		test: (r) => isValidDkCvr(r),
	},
	'0096': {
		id: 'PEPPOL-COMMON-R052',
		flag: 'fatal',
		what: 'Danish P-number (10 digits)',
		test: (r) => /^[0-9]{10}$/.test(r),
	},
	'0198': {
		id: 'PEPPOL-COMMON-R053',
		flag: 'fatal',
		what: 'Danish SE number (DK + 8 digits)',
		test: (r) => /^DK[0-9]{8}$/.test(r),
	},
	'0208': {
		id: 'PEPPOL-COMMON-R043',
		flag: 'fatal',
		what: 'Belgian enterprise number',
		test: (_r, n) => isValidBeEnterpriseNumber(n),
	},
	'0007': {
		id: 'PEPPOL-COMMON-R049',
		flag: 'fatal',
		what: 'Swedish organisation number',
		test: (_r, n) => isValidSeOrgNumber(n),
	},
	'0151': {
		id: 'PEPPOL-COMMON-R050',
		flag: 'fatal',
		what: 'Australian Business Number',
		test: (_r, n) => isValidAbn(n),
	},
	'0201': {
		id: 'PEPPOL-COMMON-R044',
		flag: 'warning',
		what: 'IPA code (6 letters or digits)',
		test: (_r, n) => /^[A-Za-z0-9]{6}$/.test(n),
	},
	'0106': {
		id: 'PEPPOL-COMMON-R054',
		flag: 'warning',
		what: 'Dutch KVK number (8 digits)',
		test: (_r, n) => /^[0-9]{8}$/.test(n),
	},
	'0190': {
		id: 'PEPPOL-COMMON-R055',
		flag: 'warning',
		what: 'Dutch OIN (20 digits)',
		test: (_r, n) => /^[0-9]{20}$/.test(n),
	},
	'9944': {
		id: 'PEPPOL-COMMON-R056-1',
		flag: 'warning',
		what: 'Dutch VAT number',
		test: (_r, n) => /^NL[0-9]{9}B[0-9]{2}$/.test(n),
	},
	'0217': {
		id: 'PEPPOL-COMMON-R057',
		flag: 'warning',
		what: 'Dutch KVK establishment number',
		test: (_r, n) => /^[0-9]{12}$/.test(n),
	},
};
