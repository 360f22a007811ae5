/**
 * Billy's API v2 as this package reads it: JSON shapes, and every assumption we could not confirm.
 *
 * Billy publishes no schema. The shapes below come from public clients and fixtures (see the api notes).
 * Everything marked [I] (inferred) or [U] (unknown) is decided HERE and nowhere else; the client, the
 * mapper and the sandbox emulator all read these constants, and the README lists them under
 * "Verify against your account".
 */

/** Billy sends numbers as JSON numbers; a user's own JSON may carry strings. Both are accepted. */
export type BillyNumber = number | string;

export interface BillyMeta {
	statusCode: number;
	success: boolean;
	time?: number;
	paging?: BillyPaging;
}

export interface BillyPaging {
	page: number;
	pageCount: number;
	pageSize: number;
	total: number;
	firstUrl?: string;
	previousUrl?: string;
	nextUrl?: string;
	lastUrl?: string;
}

export interface BillyOrganization {
	id: string;
	name: string;
	street?: string | null;
	zipcode?: string | null;
	city?: string | null;
	countryId?: string | null;
	phone?: string | null;
	email?: string | null;
	registrationNo?: string | null;
	baseCurrencyId?: string | null;
	hasVat?: boolean;
	localeId?: string | null;
	paymentTermsMode?: string | null;
	paymentTermsDays?: number | null;
	[key: string]: unknown;
}

export interface BillyContact {
	id: string;
	organizationId?: string;
	type: 'company' | 'person';
	name: string;
	createdTime?: string;
	countryId?: string | null;
	street?: string | null;
	cityId?: string | null;
	cityText?: string | null;
	stateId?: string | null;
	stateText?: string | null;
	zipcodeId?: string | null;
	zipcodeText?: string | null;
	contactNo?: string | null;
	phone?: string | null;
	currencyId?: string | null;
	/** CVR for Danish companies; company registration number elsewhere. */
	registrationNo?: string | null;
	/** Foreign VAT number, with or without its country prefix [I: seen only in one client]. */
	vatNo?: string | null;
	/** EAN / GLN location number (13 digits). */
	ean?: string | null;
	localeId?: string | null;
	isCustomer?: boolean;
	isSupplier?: boolean;
	isArchived?: boolean;
	isSalesTaxExempt?: boolean;
	[key: string]: unknown;
}

export interface BillyContactPerson {
	id: string;
	contactId: string;
	isPrimary: boolean;
	name?: string | null;
	email?: string | null;
	phone?: string | null;
}

export interface BillyCity {
	id: string;
	name: string;
	countryId?: string;
	county?: string;
	stateId?: string | null;
}

export interface BillyTaxRate {
	id: string;
	name: string;
	abbreviation?: string | null;
	description?: string | null;
	/** A fraction: 0.25 is 25 % (see TAX_RATE_IS_FRACTION). */
	rate: BillyNumber;
	isActive?: boolean;
	appliesToSales?: boolean;
	appliesToPurchases?: boolean;
	[key: string]: unknown;
}

export interface BillyInvoiceLine {
	id: string;
	invoiceId?: string;
	productId?: string | null;
	description?: string | null;
	quantity: BillyNumber;
	unitPrice: BillyNumber;
	/** Line total excluding VAT, after discount (see LINE_AMOUNT_IS_NET). */
	amount?: BillyNumber | null;
	tax?: BillyNumber | null;
	taxRateId?: string | null;
	discountText?: string | null;
	discountMode?: 'cash' | 'percent' | null;
	discountValue?: BillyNumber | null;
	priority?: number;
	unit?: string | null;
	[key: string]: unknown;
}

export type BillyInvoiceState = 'draft' | 'approved' | 'voided';

export interface BillyInvoice {
	id: string;
	organizationId?: string;
	/** `invoice` or `creditNote` (also `credit_note`, see isCreditNoteType). */
	type: string;
	createdTime: string;
	approvedTime?: string | null;
	contactId: string;
	attContactPersonId?: string | null;
	entryDate: string;
	paymentTermsMode?: string | null;
	paymentTermsDays?: number | null;
	dueDate?: string | null;
	state: BillyInvoiceState;
	sentState?: string;
	invoiceNo?: string | null;
	taxMode?: 'incl' | 'excl';
	amount: BillyNumber;
	tax: BillyNumber;
	grossAmount?: BillyNumber;
	currencyId: string;
	exchangeRate?: BillyNumber | null;
	balance?: BillyNumber;
	isPaid?: boolean;
	creditedInvoiceId?: string | null;
	contactMessage?: string | null;
	lineDescription?: string | null;
	downloadUrl?: string | null;
	orderNo?: string | null;
	externalId?: string | null;
	lines?: BillyInvoiceLine[];
	[key: string]: unknown;
}

/** Billy's error body. */
export interface BillyErrorBody {
	meta?: BillyMeta;
	errorMessage?: string;
	errorCode?: string;
	helpUrl?: string;
	validationErrors?: Record<string, { message?: string } | string>;
}

// ------------------------------------------------------------------------------------------------------------
// ASSUMPTIONS — "Verify against your account". Each is [C] confirmed, [I] inferred or [U] unknown.
// ------------------------------------------------------------------------------------------------------------

/** [C] Production base URL (v2). */
export const BILLY_PRODUCTION_URL = 'https://api.billysbilling.com/v2';

/** [C] The access token travels in this header. */
export const TOKEN_HEADER = 'X-Access-Token';

/** [C] `page` is 1-based; [C] `pageSize` allows at most 1000. */
export const FIRST_PAGE = 1;
export const MAX_PAGE_SIZE = 1000;

/**
 * [C] `include=invoice.lines:embed,invoice.contact:sideload` nests the lines and adds a root `contacts` array.
 * [I] `contact.city:sideload`, `contact.contactPersons:sideload` and `invoiceLine.taxRate:sideload` chain the same way
 * on a list page, so one request per page carries everything a document needs (no per-invoice detail calls).
 */
export const INVOICE_LIST_INCLUDE = [
	'invoice.lines:embed',
	'invoice.contact:sideload',
	'contact.city:sideload',
	'contact.contactPersons:sideload',
].join(',');

/** [I] Contact list/get: persons and city sideloaded alongside. */
export const CONTACT_INCLUDE = ['contact.city:sideload', 'contact.contactPersons:sideload'].join(',');

/**
 * [I] Polling order: `sortProperty=approvedTime` ascending, filtered with `minApprovedTime` (inclusive). Billy
 * has no `changesSince`; an approved invoice only changes by payment or voiding. Times are `YYYY-MM-DDTHH:MM:SS`
 * in UTC [U: the zone is not documented], so equal strings can hold several invoices — the cursor handles that.
 */
export const POLL_SORT_PROPERTY = 'approvedTime';

/** [C]/[I] Credit notes: `type` is `creditNote`; one public Java client says `credit_note`. Both are accepted. */
export function isCreditNoteType(type: unknown): boolean {
	return type === 'creditNote' || type === 'credit_note';
}

/** [I] Credit note amounts are positive, like invoices. A negative credit note is flipped by the mapper. */
export const CREDIT_NOTE_AMOUNTS_POSITIVE = true;

/** [I] Tax rates are fractions (0.25). A value above 1 is read as a percentage (25) to be safe. */
export const TAX_RATE_IS_FRACTION = true;

/**
 * [I] With `taxMode: 'incl'` a line's `unitPrice` includes VAT, while line and invoice `amount` are net and `tax`
 * is the VAT ([C] for the invoice: amount 374.4 + tax 93.6 = 468 = sum of the gross unit prices).
 * [I] Billy's per-line arithmetic, which the emulator's generator follows and the mapper re-derives exactly:
 *   base  = round2(quantity × unitPrice)
 *   after = base − cash discount, or round2(base × (1 − percent / 100))
 *   excl: net = after, tax = round2(net × rate);  incl: gross = after, net = round2(gross / (1 + rate)), tax = gross − net
 * Invoice `amount` = Σ net, `tax` = Σ tax, `grossAmount` = amount + tax.
 */
export const LINE_AMOUNT_IS_NET = true;

/** [I] A cash discount (`discountMode: 'cash'`) is an amount off the line total, in the line's tax mode. */
export const CASH_DISCOUNT_IS_LINE_TOTAL = true;

/**
 * [I] A text line (a heading or remark in the line list) has no product, a zero price and a zero amount.
 * Such lines become invoice notes, not EN 16931 lines.
 */
export function isTextLine(line: BillyInvoiceLine): boolean {
	const zero = (v: unknown) => v === null || v === undefined || v === '' || Number(v) === 0;
	return !line.productId && zero(line.unitPrice) && zero(line.amount) && !!line.description?.trim();
}

/**
 * [U] `downloadUrl` is pre-signed and may not need the token. The shared request path always authenticates, so the
 * client follows it only on Billy's own hosts (the API host, *.billysbilling.com, *.billy.dk).
 */
export const DOWNLOAD_URL_NEEDS_TOKEN = false;

/**
 * [I] Billy's `unit` names (English, plural as the web app shows them) → UN/ECE Rec 20 (and Rec 21) codes.
 * Unknown units fall back to C62 ("one").
 */
export const UNIT_CODES: Record<string, string> = {
	piece: 'C62',
	pieces: 'C62',
	pcs: 'C62',
	stk: 'C62',
	hour: 'HUR',
	hours: 'HUR',
	timer: 'HUR',
	minute: 'MIN',
	minutes: 'MIN',
	day: 'DAY',
	days: 'DAY',
	dage: 'DAY',
	week: 'WEE',
	weeks: 'WEE',
	month: 'MON',
	months: 'MON',
	måned: 'MON',
	year: 'ANN',
	years: 'ANN',
	km: 'KMT',
	kilometers: 'KMT',
	m: 'MTR',
	meters: 'MTR',
	m2: 'MTK',
	m3: 'MTQ',
	kg: 'KGM',
	kilograms: 'KGM',
	g: 'GRM',
	tonnes: 'TNE',
	l: 'LTR',
	liters: 'LTR',
	package: 'XPK',
	packages: 'XPK',
	box: 'XBX',
	boxes: 'XBX',
	set: 'SET',
	sets: 'SET',
	kwh: 'KWH',
};

/**
 * [I] Billy has no field that says what kind of VAT a tax rate is. A non-zero rate is standard (S). A zero rate
 * is classified from its name/abbreviation/description (Danish and English wording of Billy's predefined rates);
 * an unrecognised zero rate is exempt (E). A line without `taxRateId` is exempt too. Users can override per
 * tax rate id (node option "VAT Category per Tax Rate").
 */
export const ZERO_RATE_PATTERNS: { category: 'AE' | 'K' | 'G' | 'Z' | 'E'; pattern: RegExp }[] = [
	{ category: 'AE', pattern: /omvendt|reverse|ydelse|service/i },
	{ category: 'K', pattern: /\bEU\b.*(vare|goods)|(vare|goods).*\bEU\b|intra/i },
	{ category: 'G', pattern: /eksport|export|uden for eu|outside (the )?eu|verden|world/i },
	{ category: 'Z', pattern: /nulsats|zero.?rated|0 ?% ?moms/i },
	{ category: 'E', pattern: /fritag|momsfri|exempt/i },
];

/** [I] Exemption reasons written for the zero-rate categories (BT-120 / BT-121). */
export const EXEMPTION_REASONS: Record<'AE' | 'K' | 'G' | 'E', { code?: string; text: string }> = {
	AE: { code: 'VATEX-EU-AE', text: 'Omvendt betalingspligt (reverse charge)' },
	K: { code: 'VATEX-EU-IC', text: 'Momsfri levering inden for EU (intra-community supply)' },
	G: { code: 'VATEX-EU-G', text: 'Eksport uden for EU (export outside the EU)' },
	E: { text: 'Momsfritaget salg (VAT exempt)' },
};

/** [I] Error codes Billy uses for auth failures (mapped to "check your access token"). */
export const AUTH_ERROR_CODES = ['AUTHENTICATION_REQUIRED', 'OAUTH_INVALID_ACCESS_TOKEN', 'INVALID_ACCESS_TOKEN'];

/** [U] No documented rate limit. We keep to 2 requests per second per token. */
export const REQUESTS_PER_SECOND = 2;
