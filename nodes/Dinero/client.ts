/**
 * Dinero API client: the only place that knows Dinero's URLs, paging, auth quirks and error shapes.
 *
 * ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────
 * ASSUMPTIONS — every [I] (inferred) / [U] (unknown) reading of the Dinero API lives in this block, and the sandbox
 * emulator (test/sandbox/dinero) behaves the same way. The README's "Verify against your account" lists them.
 * ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────
 */
import { dec, plain } from '../shared/einvoice/decimal';
import type { VatCategory } from '../shared/einvoice/model';

export const DINERO = {
	/** Production API and token endpoints [C]. */
	apiUrl: 'https://api.dinero.dk',
	vismaAuthorizeUrl: 'https://connect.visma.com/connect/authorize',
	vismaTokenUrl: 'https://connect.visma.com/connect/token',
	legacyTokenUrl: 'https://authz.dinero.dk/dineroapi/oauth/token',
	/** Paths on the sandbox emulator's single host for the two token endpoints. */
	sandboxVismaTokenPath: '/connect/token',
	sandboxVismaAuthorizePath: '/connect/authorize',
	sandboxLegacyTokenPath: '/dineroapi/oauth/token',

	/** 100 requests per minute per organisation [C]; our limiter never exceeds it. */
	requestsPerMinute: 100,
	/** Largest page [C]; pages count from 0 [C]. */
	maxPageSize: 1000,

	/** Draft placeholder number (Int64.MaxValue) [C]. */
	draftNumber: '9223372036854775807',
	/** Statuses of booked documents [C]; `Draft` is never emitted. `OverPaid` is also spelt `Overpaid` [C]. */
	bookedStatuses: ['Booked', 'Paid', 'OverPaid', 'Overpaid', 'Overdue'],
	paidStatuses: ['Paid', 'OverPaid', 'Overpaid'],

	/**
	 * List fields requested for invoices and credit notes. `ProductLines` is asked for too: if the list returns lines
	 * the detail GET per document is skipped. [I] The list probably ignores it, so one detail GET per document remains.
	 */
	documentListFields:
		'Guid,Number,Status,PaymentStatus,Date,PaymentDate,Currency,ContactGuid,ContactName,Description,ExternalReference,TotalExclVat,TotalVat,TotalInclVat,TotalInclVatInDkk,MailOutStatus,CreatedAt,UpdatedAt,DeletedAt,CreditNoteFor,ProductLines',
	contactListFields:
		'ContactGuid,ExternalReference,Name,Street,ZipCode,City,CountryKey,Phone,Email,AttPerson,VatNumber,EanNumber,IsPerson,PaymentConditionType,PaymentConditionNumberOfDays,CreatedAt,UpdatedAt,DeletedAt',
	/**
	 * Sorting lists by `UpdatedAt` ascending is accepted [I] (documented default: `VoucherNumber,VoucherDate`), and
	 * `changesSince` is inclusive and takes Dinero's own zone-less timestamp format [I]. The poll cursor overlaps by
	 * one timestamp and de-duplicates, so an exclusive reading loses nothing either.
	 */
	changesSort: 'UpdatedAt',
	/** Dinero numbers documents in booking order, invoices and credit notes in one series [C: shared series; I: order]. */
	numbersFollowBookingOrder: true,
	/** Credit notes name the invoice they credit in `CreditNoteFor` (a guid) [I]. */
	creditNoteReferenceField: 'CreditNoteFor',
	/** Contact filter on lists: `queryFilter=ContactGuid eq '<guid>'` [I: grammar]. */
	contactFilter: (guid: string) => `ContactGuid eq '${guid.replace(/'/g, '')}'`,
	/** The PDF: the same GET with `Accept: application/octet-stream` [C]; booked documents only [C]. */
	pdfAccept: 'application/octet-stream',
	/** Timestamps carry no zone; we treat them as opaque, ordered strings and never convert them [I]. */
} as const;

/**
 * Account VAT codes → EN 16931 VAT categories [I: Dinero's code names; the chart's U25 is confirmed as typical].
 * Unknown codes fall back on the VAT type's rate: above 0 → S at that rate; 0 → E with the VAT type's name as reason.
 */
export const DINERO_VAT_CODES: Record<string, { category: VatCategory; exemptionReason?: string; exemptionReasonCode?: string }> = {
	U25: { category: 'S' },
	UMF: { category: 'E', exemptionReason: 'Momsfritaget salg (momslovens § 13)' },
	UEUV: { category: 'K', exemptionReason: 'Intra-community supply of goods', exemptionReasonCode: 'VATEX-EU-IC' },
	UEUY: { category: 'AE', exemptionReason: 'Reverse charge (omvendt betalingspligt)', exemptionReasonCode: 'VATEX-EU-AE' },
	UEXP: { category: 'G', exemptionReason: 'Export outside the EU', exemptionReasonCode: 'VATEX-EU-G' },
};

/** Dinero `Unit` values [C: enum] → UN/ECE Recommendation 20/21 codes [I: mapping]. Unknown units → C62 (one). */
export const DINERO_UNITS: Record<string, string> = {
	hours: 'HUR',
	parts: 'H87',
	km: 'KMT',
	day: 'DAY',
	week: 'WEE',
	month: 'MON',
	kilogram: 'KGM',
	cubicmetre: 'MTQ',
	set: 'SET',
	litre: 'LTR',
	box: 'XBX',
	case: 'XCS',
	carton: 'XCT',
	metre: 'MTR',
	package: 'XPK',
	shipment: 'SX',
	squaremetre: 'MTK',
	session: 'C62',
	tonne: 'TNE',
};

/** VAT rate in percent: Dinero's `VatRate` is a fraction (0.25) [I]; a value above 1 is taken as a percentage. */
export function vatRatePercent(rate: number | string | undefined | null): string {
	const value = dec(rate === undefined || rate === null || rate === '' ? '0' : rate, 'VAT rate');
	return plain(value.gt(1) ? value : value.times(100));
}
