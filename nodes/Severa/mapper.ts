/**
 * Visma Severa → canonical invoice (pure; no n8n, no HTTP).
 *
 * Severa quirks handled here and nowhere else:
 * - money and quantities are JSON numbers (parsed through their shortest string form, never used as floats);
 * - a credit note (`isCreditNote`) books negative quantities/amounts; the canonical credit note is positive;
 * - rows carry only a VAT percentage, so the VAT category of a 0 % row is derived from where the buyer is;
 * - the customer's free-text `eInvoiceAddress` becomes an endpoint with its EAS scheme;
 * - booked VAT is rounded per row; it is matched per category so the document agrees with the books.
 */
import { ZERO, dec, money, round } from '../shared/einvoice/decimal';
import type {
	Endpoint,
	Identifier,
	Invoice,
	InvoiceLine,
	Note,
	Party,
	PaymentMeans,
	PostalAddress,
	VatCategory,
	VatInfo,
} from '../shared/einvoice/model';
import { TotalsMismatchError, reconcile, vatKey } from '../shared/einvoice/totals';
import type {
	SeveraAddress,
	SeveraBankAccount,
	SeveraCustomer,
	SeveraInvoice,
	SeveraInvoiceRow,
	SeveraOrganizationDetails,
	SeveraRowType,
} from './types';
import type Big from 'big.js';

export const SYSTEM = 'severa';

/** Thrown for Severa data that cannot become a valid invoice; the message names the invoice. */
export class SeveraMappingError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SeveraMappingError';
	}
}

export interface SeveraMapOptions {
	/**
	 * VAT category of 0 % rows: `auto` derives it from the buyer (another EU country with a VAT id → AE reverse
	 * charge; outside the EU → G export; same country → E exempt); or one category for every 0 % row.
	 */
	zeroRateCategory?: 'auto' | 'AE' | 'E' | 'Z' | 'G' | 'K' | 'O';
	/** Exemption reason text written for 0 % categories (BT-120); a sensible default per category otherwise. */
	exemptionReason?: string;
}

export interface SeveraDocument {
	invoice: SeveraInvoice;
	rows: SeveraInvoiceRow[];
	/** The billing customer (`/v1/customers/{guid}`), for the e-invoice address, operator, VAT number, e-mail. */
	customer?: SeveraCustomer;
	organization: SeveraOrganizationDetails;
	bankAccounts?: SeveraBankAccount[];
}

const EU = new Set('AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '));

const COUNTRY_NAMES: Record<string, string> = {
	finland: 'FI',
	suomi: 'FI',
	denmark: 'DK',
	danmark: 'DK',
	tanska: 'DK',
	sweden: 'SE',
	sverige: 'SE',
	ruotsi: 'SE',
	norway: 'NO',
	norge: 'NO',
	norja: 'NO',
	germany: 'DE',
	deutschland: 'DE',
	saksa: 'DE',
	estonia: 'EE',
	eesti: 'EE',
	viro: 'EE',
	netherlands: 'NL',
	'the netherlands': 'NL',
	alankomaat: 'NL',
	'united kingdom': 'GB',
	iceland: 'IS',
	poland: 'PL',
	france: 'FR',
	spain: 'ES',
	italy: 'IT',
	belgium: 'BE',
	austria: 'AT',
	ireland: 'IE',
	latvia: 'LV',
	lithuania: 'LT',
	'united states': 'US',
	usa: 'US',
	switzerland: 'CH',
};

/** ISO 3166-1 alpha-2 from what Severa returns (a code or a country name). */
export function countryCode(value: string | null | undefined): string | undefined {
	const text = (value ?? '').trim();
	if (/^[A-Za-z]{2}$/.test(text)) return text.toUpperCase();
	return COUNTRY_NAMES[text.toLowerCase()];
}

/** UN/ECE Recommendation 20 unit for Severa's free-text measurement unit (English and Finnish forms). */
const UNIT_CODES: Record<string, string> = {
	h: 'HUR',
	hr: 'HUR',
	hrs: 'HUR',
	hour: 'HUR',
	hours: 'HUR',
	t: 'HUR',
	tunti: 'HUR',
	tuntia: 'HUR',
	tim: 'HUR',
	timer: 'HUR',
	min: 'MIN',
	minute: 'MIN',
	minutes: 'MIN',
	d: 'DAY',
	day: 'DAY',
	days: 'DAY',
	pv: 'DAY',
	päivä: 'DAY',
	vrk: 'DAY',
	dag: 'DAY',
	dage: 'DAY',
	wk: 'WEE',
	week: 'WEE',
	vko: 'WEE',
	month: 'MON',
	months: 'MON',
	mo: 'MON',
	kk: 'MON',
	kuukausi: 'MON',
	mdr: 'MON',
	måned: 'MON',
	year: 'ANN',
	yr: 'ANN',
	v: 'ANN',
	vuosi: 'ANN',
	år: 'ANN',
	km: 'KMT',
	m: 'MTR',
	kg: 'KGM',
	l: 'LTR',
	pcs: 'C62',
	pc: 'C62',
	piece: 'C62',
	pieces: 'C62',
	kpl: 'C62',
	st: 'C62',
	stk: 'C62',
	ea: 'EA',
	each: 'EA',
	night: 'C62',
	nights: 'C62',
	yö: 'C62',
	lot: 'LS',
	erä: 'LS',
};
const ROW_TYPE_UNIT: Record<SeveraRowType, string> = {
	Hours: 'HUR',
	ProjectFees: 'C62',
	TravelExpenses: 'C62',
	FlatRate: 'C62',
};
const ROW_TYPE_NAME: Record<SeveraRowType, string> = {
	Hours: 'Work hours',
	ProjectFees: 'Project fee',
	TravelExpenses: 'Travel expense',
	FlatRate: 'Flat rate',
};

export function unitCode(measurementUnit: string | null | undefined, rowType?: SeveraRowType | null): string {
	const key = (measurementUnit ?? '').trim().toLowerCase().replace(/\.$/, '');
	return UNIT_CODES[key] ?? (rowType ? ROW_TYPE_UNIT[rowType] : undefined) ?? 'C62';
}

function glnValid(value: string): boolean {
	if (!/^\d{13}$/.test(value)) return false;
	let sum = 0;
	for (let i = 0; i < 12; i++) sum += Number(value[i]) * (i % 2 === 0 ? 1 : 3);
	return (10 - (sum % 10)) % 10 === Number(value[12]);
}

function cvrValid(value: string): boolean {
	if (!/^\d{8}$/.test(value)) return false;
	const weights = [2, 7, 6, 5, 4, 3, 2, 1];
	return weights.reduce((s, w, i) => s + w * Number(value[i]), 0) % 11 === 0;
}

/**
 * Endpoint (BT-49) from Severa's e-invoice address:
 * `ICD:value` as written; Finnish OVT (`0037` + business id digits [+ suffix]) → 0216; a 13-digit GLN → 0088;
 * a Danish CVR (8 digits, or `DK` + 8 digits) → 0184; a Norwegian organisation number → 0192.
 * Returns undefined for what no EAS scheme carries (e.g. a Finnish bank e-invoice address `FI…` IBAN).
 */
export function endpointFromEInvoiceAddress(
	address: string | null | undefined,
	country?: string,
): Endpoint | undefined {
	const value = (address ?? '').replace(/\s+/g, '');
	if (!value) return undefined;
	const explicit = /^(?:iso6523-actorid-upis::)?(\d{4}):(.+)$/i.exec(value);
	if (explicit) return { scheme: explicit[1], id: explicit[2] };
	if (/^0037\d{8}[A-Za-z0-9]{0,5}$/.test(value)) return { scheme: '0216', id: value.toUpperCase() };
	if (glnValid(value)) return { scheme: '0088', id: value };
	const dk = /^(?:DK)?(\d{8})$/i.exec(value);
	if (dk && (/^DK/i.test(value) || country === 'DK' || cvrValid(dk[1]))) return { scheme: '0184', id: dk[1] };
	const no = /^(?:NO)?(\d{9})(?:MVA)?$/i.exec(value);
	if (no && (country === 'NO' || /^NO/i.test(value))) return { scheme: '0192', id: no[1] };
	return undefined;
}

/** Business registration id (BT-30 / BT-47) derived from a VAT number, with its ICD scheme. */
export function legalIdFromVat(vat: string | undefined): Identifier | undefined {
	const value = (vat ?? '').replace(/[\s.-]/g, '').toUpperCase();
	let m: RegExpExecArray | null;
	if ((m = /^FI(\d{7})(\d)$/.exec(value))) return { id: `${m[1]}-${m[2]}`, scheme: '0212' };
	if ((m = /^DK(\d{8})$/.exec(value))) return { id: m[1], scheme: '0184' };
	if ((m = /^NO(\d{9})(MVA)?$/.exec(value))) return { id: m[1], scheme: '0192' };
	if ((m = /^SE(\d{10})01$/.exec(value))) return { id: m[1], scheme: '0007' };
	return undefined;
}

/** When the customer has no usable e-invoice address, an endpoint from its registration id (or e-mail). */
function derivedEndpoint(legalId: Identifier | undefined, email: string | undefined): Endpoint | undefined {
	if (legalId?.scheme === '0212') return { scheme: '0216', id: `0037${legalId.id.replace('-', '')}` };
	if (legalId?.scheme === '0184' || legalId?.scheme === '0192' || legalId?.scheme === '0007') {
		return { scheme: legalId.scheme, id: legalId.id };
	}
	if (email) return { scheme: 'EM', id: email };
	return undefined;
}

function normalizeVat(vat: string | null | undefined): string | undefined {
	const value = (vat ?? '').replace(/[\s.-]/g, '').toUpperCase();
	return value || undefined;
}

function address(
	a: SeveraAddress | null | undefined,
	fallbackCountry: string | undefined,
	where: string,
): PostalAddress {
	const country = countryCode(a?.country) ?? fallbackCountry;
	if (!country)
		throw new SeveraMappingError(`${where} has no country Severa could name as an ISO code ('${a?.country ?? ''}')`);
	const lines = (a?.addressline ?? '')
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter(Boolean);
	const result: PostalAddress = { country };
	if (lines[0]) result.line1 = lines[0];
	if (lines[1]) result.line2 = lines[1];
	if (lines[2]) result.line3 = lines.slice(2).join(', ');
	if (a?.city) result.city = a.city;
	if (a?.postalCode) result.postalCode = a.postalCode;
	if (a?.state) result.countrySubdivision = a.state;
	return result;
}

const DEFAULT_EXEMPTION: Partial<Record<VatCategory, { reason: string; code: string }>> = {
	AE: { reason: 'Reverse charge', code: 'VATEX-EU-AE' },
	G: { reason: 'Export outside the EU', code: 'VATEX-EU-G' },
	K: { reason: 'Intra-community supply', code: 'VATEX-EU-IC' },
	E: { reason: 'Exempt from VAT', code: '' },
	O: { reason: 'Not subject to VAT', code: 'VATEX-EU-O' },
};

/** VAT of a row: `S` with the row's percentage (incl. Finland's 25.5 %), or the 0 % category for this buyer. */
export function rowVat(
	rate: Big,
	buyerCountry: string,
	sellerCountry: string,
	buyerHasVatId: boolean,
	options: SeveraMapOptions,
): VatInfo {
	if (rate.gt(0)) return { category: 'S', rate: rate.toFixed() };
	let category: VatCategory;
	const setting = options.zeroRateCategory ?? 'auto';
	if (setting !== 'auto') category = setting;
	else if (buyerCountry === sellerCountry) category = 'E';
	else if (EU.has(buyerCountry) && EU.has(sellerCountry) && buyerHasVatId) category = 'AE';
	else if (!EU.has(buyerCountry)) category = 'G';
	else category = 'E';
	if (category === 'Z') return { category, rate: '0' };
	const vat: VatInfo = { category };
	if (category !== 'O') vat.rate = '0';
	const reason = options.exemptionReason || DEFAULT_EXEMPTION[category]?.reason;
	if (reason) vat.exemptionReason = reason;
	const code = DEFAULT_EXEMPTION[category]?.code;
	if (code && !options.exemptionReason) vat.exemptionReasonCode = code;
	return vat;
}

function amount(value: number | null | undefined, field: string): Big {
	if (value === null || value === undefined) throw new SeveraMappingError(`${field} is missing`);
	return dec(value, field);
}

/** Map one Severa invoice or credit note with its rows, customer, organisation and bank accounts. */
export function mapSeveraInvoice(doc: SeveraDocument, options: SeveraMapOptions = {}): Invoice {
	const { invoice: src, customer, organization } = doc;
	const label = `Severa invoice ${src.number ?? src.guid}`;
	try {
		return mapInner(doc, options, label, customer, organization);
	} catch (error) {
		if (error instanceof SeveraMappingError || error instanceof TotalsMismatchError) throw error;
		const message = (error as Error).message;
		throw new SeveraMappingError(message.includes(`${src.number}`) ? message : `${label}: ${message}`);
	}
}

function mapInner(
	doc: SeveraDocument,
	options: SeveraMapOptions,
	label: string,
	customer: SeveraCustomer | undefined,
	organization: SeveraOrganizationDetails,
): Invoice {
	const src = doc.invoice;
	if (src.number === null || src.number === undefined) {
		throw new SeveraMappingError(
			`${label} has no invoice number yet (a draft); move it to a status that numbers invoices first`,
		);
	}
	const rows = [...doc.rows].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
	if (rows.length === 0) throw new SeveraMappingError(`${label} has no invoice rows`);
	const isCreditNote = src.isCreditNote === true;
	const bookedNet = src.totalExcludingTax?.amount;
	// Severa books a credit note with negative rows; the canonical credit note carries positive amounts.
	const flip = isCreditNote && bookedNet !== null && bookedNet !== undefined && dec(bookedNet).lt(0);
	const sign = flip ? -1 : 1;

	// Seller (BG-4): the invoice's own sender snapshot first, then the organisation details.
	const sellerCountry =
		countryCode(src.senderAddress?.country) ??
		countryCode(organization.country?.code) ??
		countryCode(organization.country?.name);
	const sellerVat = normalizeVat(src.senderVatNumber) ?? normalizeVat(organization.vatNumber);
	const sellerAddress = src.senderAddress?.addressline
		? address(src.senderAddress, sellerCountry, `${label} sender address`)
		: address(
				{
					addressline: organization.address,
					postalCode: organization.postalCode,
					city: organization.city,
					country: sellerCountry,
				},
				sellerCountry,
				`${label} organisation address`,
			);
	const sellerLegal = legalIdFromVat(sellerVat);
	const seller: Party = { name: src.senderName || organization.name, address: sellerAddress };
	if (sellerVat) seller.vatId = sellerVat;
	if (sellerLegal) seller.legalId = sellerLegal;
	const sellerEndpoint =
		endpointFromEInvoiceAddress(organization.eInvoiceAddress, sellerAddress.country) ??
		derivedEndpoint(sellerLegal, undefined);
	if (sellerEndpoint) seller.endpoint = sellerEndpoint;
	const sellerContact = { name: src.senderContactName ?? undefined, phone: organization.phone ?? undefined };
	if (sellerContact.name || sellerContact.phone) seller.contact = stripUndefined(sellerContact);

	// Buyer (BG-7): the invoice's receiver snapshot, then the billing customer.
	const buyerAddress = address(
		src.receiverAddress?.addressline || src.receiverAddress?.country
			? src.receiverAddress
			: customer?.headquarterAddress,
		undefined,
		`${label} receiver address`,
	);
	const buyerVat = normalizeVat(src.receiverVatNumber) ?? normalizeVat(customer?.vatNumber);
	const buyerLegal = legalIdFromVat(buyerVat);
	const buyerEmail = src.receiverContactEmail || customer?.email || undefined;
	const buyer: Party = {
		name: src.receiverCustomerName || src.billingCustomer?.name || customer?.name || src.customer.name || '',
		address: buyerAddress,
	};
	if (!buyer.name) throw new SeveraMappingError(`${label} has no customer name`);
	if (buyerVat) buyer.vatId = buyerVat;
	if (buyerLegal) buyer.legalId = buyerLegal;
	const buyerEndpoint =
		endpointFromEInvoiceAddress(customer?.eInvoiceAddress, buyerAddress.country) ??
		derivedEndpoint(buyerLegal, buyerEmail);
	if (buyerEndpoint) buyer.endpoint = buyerEndpoint;
	const buyerContact = { name: src.receiverContactName ?? undefined, email: buyerEmail };
	if (buyerContact.name || buyerContact.email) buyer.contact = stripUndefined(buyerContact);

	// Lines (BG-25) with the booked per-row VAT kept for reconciliation.
	const perRowVat = new Map<string, { vat: VatInfo; amount: Big; taxable: Big }>();
	const lines: InvoiceLine[] = rows.map((row, index) => {
		const where = `${label} row ${index + 1}`;
		let quantity = amount(row.quantity, `${where} quantity`);
		let price = amount(row.unitPrice?.amount, `${where} unit price`);
		if (price.lt(0)) {
			// EN 16931 forbids a negative item price (BR-27): the sign moves to the quantity.
			price = price.times(-1);
			quantity = quantity.times(-1);
		}
		quantity = quantity.times(sign);
		const rate = amount(row.vatRate, `${where} VAT rate`);
		if (rate.lt(0) || rate.gt(100))
			throw new SeveraMappingError(`${where} has an impossible VAT rate ${rate.toFixed()}`);
		const vat = rowVat(rate, buyerAddress.country, sellerAddress.country, Boolean(buyerVat), options);
		const net = round(quantity.times(price));
		const key = vatKey(vat);
		const acc = perRowVat.get(key) ?? { vat, amount: ZERO, taxable: ZERO };
		acc.amount = acc.amount.plus(round(net.times(rate).div(100)));
		acc.taxable = acc.taxable.plus(net);
		perRowVat.set(key, acc);
		const rowType = row.rowType ?? undefined;
		const line: InvoiceLine = {
			id: String(index + 1),
			quantity: quantity.toFixed(),
			unitCode: unitCode(row.measurementUnit, rowType),
			price: { amount: price.toFixed() },
			vat,
			item: { name: (row.description ?? '').trim() || (rowType ? ROW_TYPE_NAME[rowType] : 'Invoice row') },
		};
		// An EN 16931 item attribute (BG-32) written into the document, not a node parameter.
		// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased
		if (rowType) line.item.attributes = [{ name: 'Row type', value: rowType }];
		if (row.code?.length) line.item.sellersId = row.code.join(' ');
		return line;
	});

	const currency = src.currency?.code;
	if (!currency) throw new SeveraMappingError(`${label} has no currency`);
	const result: Invoice = {
		kind: isCreditNote ? 'creditNote' : 'invoice',
		number: String(src.number),
		issueDate: src.date.slice(0, 10),
		currency,
		seller,
		buyer,
		lines,
	};
	if (src.dueDate && src.dueDate.slice(0, 10) >= result.issueDate) result.dueDate = src.dueDate.slice(0, 10);
	if (src.yourReference) result.buyerReference = src.yourReference;
	else if (src.receiverContactName) result.buyerReference = src.receiverContactName;
	if (src.orderNumber) result.orderReference = src.orderNumber;
	// PEPPOL needs a buyer reference or an order reference (PEPPOL-EN16931-R003); the customer number is what buyers recognise.
	if (!result.buyerReference && !result.orderReference) {
		result.buyerReference = String(
			src.billingCustomer?.number ?? src.customer.number ?? customer?.number ?? src.number,
		);
	}
	const project = src.projects?.[0];
	if (project?.number !== undefined && project.number !== null) result.projectReference = String(project.number);
	const notes: Note[] = [];
	if (src.notes?.trim()) notes.push({ text: src.notes.trim() });
	if (notes.length) result.notes = notes;
	if (isCreditNote && src.creditNoteInvoice?.number) {
		result.precedingInvoices = [{ number: String(src.creditNoteInvoice.number) }];
	}
	const terms: string[] = [];
	if (src.paymentTerm !== null && src.paymentTerm !== undefined) terms.push(`${src.paymentTerm} days net`);
	if (src.overdueInterest) terms.push(`overdue interest ${dec(src.overdueInterest).toFixed()} %`);
	if (terms.length && !isCreditNote) result.paymentTerms = terms.join(', ');

	const paymentMeans = paymentMeansFor(doc.bankAccounts ?? [], currency, src.referenceNumber ?? undefined);
	if (paymentMeans.length && !isCreditNote) result.paymentMeans = paymentMeans;

	// Booked totals (rule 4): Severa rounds VAT per row; use that per category when it is what Severa booked.
	const booked: NonNullable<Invoice['booked']> = {};
	const bookedTax = src.totalTax?.amount;
	const bookedGross = src.totalIncludingTax?.amount;
	if (bookedTax !== null && bookedTax !== undefined)
		booked.vatTotal = money(dec(bookedTax, `${label} total tax`).times(sign));
	if (bookedGross !== null && bookedGross !== undefined) {
		booked.taxInclusive = money(dec(bookedGross, `${label} total including tax`).times(sign));
	}
	const rowVatTotal = [...perRowVat.values()].reduce((s, a) => s.plus(a.amount), ZERO);
	if (booked.vatTotal !== undefined && rowVatTotal.eq(dec(booked.vatTotal))) {
		booked.vatByCategory = [...perRowVat.values()].map((a) => ({
			category: a.vat.category,
			...(a.vat.rate !== undefined && a.vat.category !== 'O' ? { rate: a.vat.rate } : {}),
			taxAmount: money(a.amount),
		}));
	}
	if (Object.keys(booked).length) result.booked = booked;

	// Tax currency (BT-6/BT-111): VAT in the organisation's currency when the invoice is in another one.
	const orgCurrency = organization.currency?.code;
	if (
		orgCurrency &&
		orgCurrency !== currency &&
		src.currencyRate &&
		[...perRowVat.values()].some((a) => !a.amount.eq(0))
	) {
		result.taxCurrency = {
			code: orgCurrency,
			exchangeRate: dec(1)
				.div(dec(src.currencyRate, `${label} currency rate`))
				.toFixed(10),
		};
	}
	return reconcile(result);
}

/** Payment instructions (BG-16) from the organisation's active bank accounts and the Finnish reference number. */
export function paymentMeansFor(accounts: SeveraBankAccount[], currency: string, reference?: string): PaymentMeans[] {
	return accounts
		.filter((a) => a.isActive !== false && a.accountNumber)
		.map((a) => {
			const accountId = a.accountNumber.replace(/\s+/g, '').toUpperCase();
			const isIban = (a.accountNumberFormat ?? 'Iban') === 'Iban' && /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(accountId);
			const means: PaymentMeans = {
				// SEPA credit transfer for euro payments to an IBAN, plain credit transfer otherwise.
				code: isIban && currency === 'EUR' ? '58' : '30',
				creditTransfer: { accountId },
			};
			if (a.bic) means.creditTransfer!.serviceProviderId = a.bic.trim();
			if (reference) means.paymentId = reference.replace(/\s+/g, '');
			return stripUndefined(means);
		});
}

function stripUndefined<T extends object>(value: T): T {
	for (const key of Object.keys(value) as (keyof T)[]) {
		const v = value[key];
		if (v === undefined) delete value[key];
		else if (v && typeof v === 'object' && !Array.isArray(v)) stripUndefined(v as object);
	}
	return value;
}

/** `json.source` of the item contract for a Severa invoice. */
export function severaSource(invoice: SeveraInvoice, account: string) {
	return {
		system: SYSTEM,
		account,
		id: invoice.guid,
		number: invoice.number === null ? '' : String(invoice.number),
		kind: invoice.isCreditNote ? 'creditNote' : 'invoice',
		customerId: invoice.billingCustomer?.guid ?? invoice.customer.guid,
		customerName: invoice.receiverCustomerName ?? invoice.billingCustomer?.name ?? invoice.customer.name ?? '',
		status: invoice.status?.name ?? invoice.status?.guid ?? '',
		updatedAt: invoice.lastUpdatedDateTime,
	};
}
