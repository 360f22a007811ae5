/**
 * "Match customers": try each identifier a customer has, in a sensible order, and suggest an export rule for the
 * first one that receives our documents on the network.
 */
import type { DocumentFormat } from '../einvoice/findings';
import type { KnownDocumentType } from './doctypes';
import { type ParticipantId, normaliseParticipant, participantKey, validateParticipant } from './identifiers';
import type { LookupResult, ParticipantLookup } from './lookup';

/** What we may know about a customer, from an accounting system's contact or a canonical buyer. */
export interface CustomerIdentifiers {
	customerId?: string;
	name?: string;
	/** ISO 3166-1 alpha-2. */
	country?: string;
	/** An electronic address already on file (BT-49), tried first. */
	endpoint?: { scheme: string; id: string };
	/** EAN / GLN location number (0088). */
	gln?: string;
	/** Company registration number (CVR in Denmark). */
	registrationNumber?: string;
	/** VAT id with or without country prefix. */
	vatId?: string;
	/** Danish SE number (a VAT registration unit, 8 digits) → 0198 `DK<SE>`. */
	seNumber?: string;
	/** Danish P-number (production unit, 10 digits) → 0096. */
	pNumber?: string;
	/** Any other identifiers with an EAS scheme. */
	identifiers?: { scheme?: string; id: string }[];
}

export interface Candidate extends ParticipantId {
	/** Where the candidate came from, e.g. `endpoint`, `gln`, `registrationNumber`, `vatId`. */
	from: string;
}

const compact = (v: string | undefined) => (v ?? '').replace(/[\s.-]/g, '').toUpperCase();

/**
 * Candidate participant ids in the order they are tried:
 * 1. the endpoint on file, 2. EAN/GLN (a receiving location, what Danish public buyers use),
 * 3. CVR as 0184, 4. DK VAT as 0198 (then an SE number as 0198, a P-number as 0096), 5. the national schemes of NO/SE/FI/BE from their VAT or company numbers,
 * 6. other identifiers with a scheme. Ids that are malformed for their scheme are left out.
 */
export function candidatesFor(customer: CustomerIdentifiers): Candidate[] {
	const list: Candidate[] = [];
	const add = (scheme: string, value: string | undefined, from: string) => {
		if (!value) return;
		const id = normaliseParticipant({ scheme, value });
		if (validateParticipant(id).some((p) => p.level === 'error')) return;
		if (list.some((c) => participantKey(c).toLowerCase() === participantKey(id).toLowerCase())) return;
		list.push({ ...id, from });
	};
	if (customer.endpoint?.scheme && customer.endpoint.id)
		add(customer.endpoint.scheme, customer.endpoint.id, 'endpoint');
	add('0088', compact(customer.gln) || undefined, 'gln');

	const vat = compact(customer.vatId);
	const vatCountry = /^[A-Z]{2}/.test(vat) ? vat.slice(0, 2) : undefined;
	const country = (customer.country ?? vatCountry ?? '').toUpperCase();
	const registration = compact(customer.registrationNumber);
	const vatDigits = vat.replace(/^[A-Z]{2}/, '');

	if (country === 'DK' || vatCountry === 'DK' || (!country && /^\d{8}$/.test(registration))) {
		const cvr = /^\d{8}$/.test(registration) ? registration : /^\d{8}$/.test(vatDigits) ? vatDigits : undefined;
		add('0184', cvr, registration ? 'registrationNumber' : 'vatId');
		add('0198', vatCountry === 'DK' ? vat : cvr ? `DK${cvr}` : undefined, 'vatId');
		const se = compact(customer.seNumber).replace(/^DK/, '');
		if (se) add('0198', `DK${se}`, 'seNumber');
		add('0096', compact(customer.pNumber) || undefined, 'pNumber');
	}
	if (country === 'NO')
		add('0192', /^\d{9}$/.test(registration) ? registration : vatDigits.replace(/MVA$/, ''), 'registrationNumber');
	if (country === 'SE')
		add('0007', /^\d{10}$/.test(registration) ? registration : vatDigits.slice(0, 10), 'registrationNumber');
	if (country === 'FI') {
		const ytunnus = /^\d{8}$/.test(registration) ? registration : /^\d{8}$/.test(vatDigits) ? vatDigits : undefined;
		add('0216', ytunnus ? `0037${ytunnus}` : undefined, 'registrationNumber');
	}
	if (country === 'BE') add('0208', /^\d{10}$/.test(registration) ? registration : vatDigits, 'registrationNumber');
	for (const identifier of customer.identifiers ?? [])
		if (identifier.scheme && /^\d{4}$/.test(identifier.scheme)) add(identifier.scheme, identifier.id, 'identifiers');
	return list;
}

export interface MatchOptions {
	/** Format to suggest when the receiver takes both (default PEPPOL BIS 3). */
	preferredFormat?: DocumentFormat;
	/** Destination to suggest for matched customers, e.g. `maventa` (a PEPPOL access point). */
	destination?: string;
	/** Stop at the first candidate that receives our documents (default true). */
	stopAtFirstMatch?: boolean;
}

/**
 * A customer rule in flat form, so it can be stored as a Data Table row as is and read back by the Resolve
 * operation (`normaliseCustomerRule`): "activate matched customers automatically".
 */
export interface SuggestedRule {
	customerId?: string;
	activated: boolean;
	format: DocumentFormat;
	destination: string;
	/** The endpoint found, `<scheme>:<id>`, written as the buyer's electronic address (BT-49). */
	receiverEndpoint: string;
	/** Whether the receiver takes credit notes in the suggested format. */
	creditNotes: boolean;
}

export interface MatchResult {
	customerId?: string;
	name?: string;
	matched: boolean;
	reason?: string;
	participantId?: string;
	endpoint?: { scheme: string; id: string };
	matchedFrom?: string;
	receives?: Record<KnownDocumentType, boolean>;
	accessPoint?: LookupResult['accessPoint'];
	suggestedRule?: SuggestedRule;
	tried: {
		participantId: string;
		from: string;
		registered: boolean;
		reason?: string;
		error?: string;
		cached: boolean;
		ms: number;
	}[];
}

const FORMAT_TYPES: Record<DocumentFormat, { invoice: KnownDocumentType; creditNote: KnownDocumentType }> = {
	'peppol-bis3': { invoice: 'bis3Invoice', creditNote: 'bis3CreditNote' },
	oioubl21: { invoice: 'oioublInvoice', creditNote: 'oioublCreditNote' },
};

/** The format to send to a receiver, preferring `preferred` when it takes both. */
export function chooseFormat(
	receives: Record<KnownDocumentType, boolean>,
	preferred: DocumentFormat = 'peppol-bis3',
): DocumentFormat | undefined {
	const order: DocumentFormat[] = preferred === 'oioubl21' ? ['oioubl21', 'peppol-bis3'] : ['peppol-bis3', 'oioubl21'];
	return (
		order.find((f) => receives[FORMAT_TYPES[f].invoice]) ?? order.find((f) => receives[FORMAT_TYPES[f].creditNote])
	);
}

export async function matchCustomer(
	lookup: ParticipantLookup,
	customer: CustomerIdentifiers,
	options: MatchOptions = {},
): Promise<MatchResult> {
	const result: MatchResult = { customerId: customer.customerId, name: customer.name, matched: false, tried: [] };
	const candidates = candidatesFor(customer);
	if (candidates.length === 0) {
		result.reason = 'no usable identifier (endpoint, EAN/GLN, CVR or VAT id)';
		return result;
	}
	let best: { candidate: Candidate; found: LookupResult; format: DocumentFormat } | undefined;
	for (const candidate of candidates) {
		try {
			const found = await lookup.lookup(candidate);
			result.tried.push({
				participantId: found.participantId,
				from: candidate.from,
				registered: found.registered,
				reason: found.reason,
				cached: found.cached,
				ms: found.ms,
			});
			const format = found.registered ? chooseFormat(found.receives, options.preferredFormat) : undefined;
			if (format && !best) best = { candidate, found, format };
			if (best && options.stopAtFirstMatch !== false) break;
		} catch (error) {
			result.tried.push({
				participantId: `iso6523-actorid-upis::${participantKey(candidate)}`,
				from: candidate.from,
				registered: false,
				error: (error as Error).message,
				cached: false,
				ms: 0,
			});
		}
	}
	if (!best) {
		const errors = result.tried.filter((t) => t.error);
		result.reason =
			errors.length === result.tried.length
				? `lookup failed: ${errors.map((e) => e.error).join('; ')}`
				: result.tried.some((t) => t.registered)
					? 'registered, but not for invoices in BIS 3 or OIOUBL'
					: 'not registered on the network';
		return result;
	}
	const { candidate, found, format } = best;
	const endpoint = { scheme: candidate.scheme, id: candidate.value };
	result.matched = true;
	result.participantId = found.participantId;
	result.endpoint = endpoint;
	result.matchedFrom = candidate.from;
	result.receives = found.receives;
	result.accessPoint = found.accessPoint;
	result.suggestedRule = {
		...(customer.customerId ? { customerId: customer.customerId } : {}),
		activated: true,
		format,
		destination: options.destination ?? 'maventa',
		receiverEndpoint: `${endpoint.scheme}:${endpoint.id}`,
		creditNotes: found.receives[FORMAT_TYPES[format].creditNote],
	};
	return result;
}
