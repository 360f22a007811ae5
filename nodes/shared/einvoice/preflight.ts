/**
 * Pre-flight checks: a native implementation of the official rules that our data can break, run on the
 * canonical invoice before a document is written. Each finding carries the official rule id and flag
 * (BR-*, BR-CO-*, BR-CL-*, BR-DEC-*, UBL-SR-*, PEPPOL-EN16931-*, PEPPOL-COMMON-*, DK-R-*) and a path into
 * the invoice. Our own ids start with `EXPORT-` (malformed decimals, totals that disagree with the books).
 *
 * The official validator stays the judge (test/conformance); these checks exist so that a user sees every
 * problem of an invoice at once, in terms of their own data, in microseconds, without running XSLT.
 *
 * The checks look at the invoice *as the writer will write it*: line net amounts (BT-131) as given or
 * computed, totals as given (`invoice.totals`) or computed by `computeTotals`. The few assumptions on the
 * writer's mapping are kept together in "Document view" below.
 */
import Big from 'big.js';
import * as codes from './codes';
import { isValidNoOrgNumber, isValidSeOrgNumber } from './preflight-identifiers';
import { HUNDRED, ZERO, dec, money, round } from './decimal';
import type { DocumentFormat, Finding } from './findings';
import type {
	AllowanceCharge,
	Attachment,
	Identifier,
	Invoice,
	InvoiceLine,
	Party,
	PaymentMeans,
	Period,
	PostalAddress,
	Totals,
	VatBreakdown,
} from './model';
import { defaultTypeCode } from './model';
import { preflightEdifact } from '../edifact/preflight-edifact';
import { IDENTIFIER_RULES } from './preflight-identifiers';
import { preflightOioubl } from './preflight-oioubl';
import { TotalsMismatchError, computeTotals, reconcile } from './totals';

export type PreflightCheck = (invoice: Invoice, options: PreflightOptions) => Finding[];

export interface PreflightOptions {
	format: DocumentFormat;
	/** OIOUBL 2.1 only: the profile the document will be written with (default NES profile 5). */
	oioublProfileId?: string;
}

/**
 * Longest text value written into a document (attachments excepted). No business term needs more; a longer one is
 * a source error (a pasted file), and XML validators and access points refuse such documents (libxml2 runs out of
 * memory on a multi-megabyte text node).
 */
export const MAX_TEXT_LENGTH = 100_000;

function longTextFindings(invoice: Invoice): Finding[] {
	const findings: Finding[] = [];
	const visit = (value: unknown, path: string, depth: number): void => {
		if (findings.length >= 5 || depth > 12) return;
		if (typeof value === 'string') {
			if (value.length > MAX_TEXT_LENGTH)
				findings.push({
					id: 'EXPORT-TEXT-LENGTH',
					flag: 'fatal',
					message: `Text of ${value.length} characters (at most ${MAX_TEXT_LENGTH}): ${JSON.stringify(value.slice(0, 40))}…`,
					path,
				});
			return;
		}
		if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`, depth + 1));
		else if (value && typeof value === 'object')
			for (const [k, v] of Object.entries(value))
				if (k !== 'attachments') visit(v, path ? `${path}.${k}` : k, depth + 1);
	};
	visit(invoice, '', 0);
	return findings;
}

/** One rule set per output format. OIOUBL 2.1 (NemHandel F-INV…/F-LIB… rules) lives in `preflight-oioubl.ts`. */
const FORMATS: Record<DocumentFormat, PreflightCheck> = {
	'peppol-bis3': (invoice) => new PeppolChecks(invoice).run(),
	oioubl21: (invoice, options) => preflightOioubl(invoice, { profileId: options.oioublProfileId }),
	// EANCOM INVOIC: consistent totals (format-neutral) plus what EANCOM needs (GLNs, item ids).
	'edifact-d96a': (invoice) => [...new PeppolChecks(invoice).runFormatNeutral(), ...preflightEdifact(invoice)],
};

/** Check an invoice for the given format. Never throws: malformed input becomes findings. */
export function preflight(invoice: Invoice, options: PreflightOptions): Finding[] {
	const check = FORMATS[options?.format];
	if (!check) {
		return [
			{
				id: 'EXPORT-FORMAT',
				flag: 'fatal',
				message: `Unknown document format: ${String(options?.format)}`,
			},
		];
	}
	if (!invoice || typeof invoice !== 'object') {
		return [
			{
				id: 'EXPORT-INVOICE',
				flag: 'fatal',
				message: 'No invoice object to check',
			},
		];
	}
	const tooLong = longTextFindings(invoice);
	if (tooLong.length) return tooLong;
	try {
		return check(invoice, options);
	} catch (error) {
		// A last resort: a check that trips over an unexpected shape reports it instead of failing the item.
		return [
			{
				id: 'EXPORT-PREFLIGHT',
				flag: 'fatal',
				message: `Pre-flight could not check invoice ${String(invoice.number)}: ${(error as Error).message}`,
			},
		];
	}
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

type Flag = Finding['flag'];

/** A text value as the writer emits it: strings trimmed, numbers as written, anything else absent. */
function text(value: unknown): string | undefined {
	if (typeof value === 'string') {
		const trimmed = value.trim();
		return trimmed === '' ? undefined : trimmed;
	}
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

function isPresent(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

function array<T>(value: T[] | undefined): T[] {
	return Array.isArray(value) ? value : [];
}

/** XPath `round()` (half towards positive infinity) to `dp` decimals, as the schematron computes. */
function xround(value: Big, dp = 2): Big {
	if (value.c.length - value.e - 1 <= dp) return value; // nothing to round: the common case, kept cheap
	const scaled = value.times(POWERS[dp]).plus(HALF);
	let floor = scaled.round(0, 0);
	if (scaled.lt(0) && !floor.eq(scaled)) floor = floor.minus(1);
	return floor.div(POWERS[dp]);
}

const POWERS = [new Big(1), new Big(10), new Big(100)];
const HALF = new Big('0.5');
const SLACK = new Big('0.02');

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(value: string): boolean {
	const m = ISO_DATE.exec(value);
	if (!m) return false;
	const year = Number(m[1]);
	const month = Number(m[2]);
	const day = Number(m[3]);
	if (month < 1 || month > 12 || day < 1) return false;
	const days = [
		31,
		year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
		31,
		30,
		31,
		30,
		31,
		31,
		30,
		31,
		30,
		31,
	];
	return day <= days[month - 1];
}

const CATEGORY_NAMES: Record<string, string> = {
	S: 'Standard rated',
	Z: 'Zero rated',
	E: 'Exempt from VAT',
	AE: 'Reverse charge',
	K: 'Intra-community supply',
	G: 'Export outside the EU',
	O: 'Not subject to VAT',
	L: 'IGIC (Canary Islands)',
	M: 'IPSI (Ceuta and Melilla)',
};

/** Rule id prefix of each VAT category's rule family in EN 16931. */
const CATEGORY_RULES: Record<string, string> = {
	S: 'BR-S',
	Z: 'BR-Z',
	E: 'BR-E',
	AE: 'BR-AE',
	K: 'BR-IC',
	G: 'BR-G',
	O: 'BR-O',
	L: 'BR-AF',
	M: 'BR-AG',
};

/** VATEX codes that PEPPOL ties to one category (PEPPOL-EN16931-P0104…P0111). */
const VATEX_CATEGORY: Record<string, [string, string]> = {
	'VATEX-EU-G': ['G', 'PEPPOL-EN16931-P0104'],
	'VATEX-EU-O': ['O', 'PEPPOL-EN16931-P0105'],
	'VATEX-EU-IC': ['K', 'PEPPOL-EN16931-P0106'],
	'VATEX-EU-AE': ['AE', 'PEPPOL-EN16931-P0107'],
	'VATEX-EU-D': ['E', 'PEPPOL-EN16931-P0108'],
	'VATEX-EU-F': ['E', 'PEPPOL-EN16931-P0109'],
	'VATEX-EU-I': ['E', 'PEPPOL-EN16931-P0110'],
	'VATEX-EU-J': ['E', 'PEPPOL-EN16931-P0111'],
};

const DK_PAYMENT_MEANS = new Set(['1', '10', '31', '42', '48', '49', '50', '58', '59', '93', '97']);
const DK_UNSPSC_VERSIONS = new Set(['19.05.01', '19.0501', '26.08.01', '26.0801']);

/** A VAT category use: an invoice line or a document level allowance/charge. */
interface CategoryUse {
	kind: 'line' | 'allowance' | 'charge';
	category: string;
	rate?: Big;
	/** Net amount as written (line BT-131, or the allowance/charge amount), when it could be determined. */
	amount?: Big;
	/** Exemption reason and code as given (a line's are carried into the breakdown). */
	exemptionReason?: string;
	exemptionReasonCode?: string;
	path: string;
}

/** Document totals as written, parsed (BG-22, BG-23). */
interface TotalsView {
	lineNet?: Big;
	allowances?: Big;
	charges?: Big;
	taxExclusive?: Big;
	vatTotal?: Big;
	taxInclusive?: Big;
	prepaid?: Big;
	rounding?: Big;
	payable?: Big;
	vatInTaxCurrency?: Big;
	/** Presence as written, even when the value is malformed. */
	has: { vatTotal: boolean; vatInTaxCurrency: boolean };
	rows: BreakdownRow[];
}

/** A VAT breakdown row as written (BG-23). */
interface BreakdownRow {
	category: string;
	rate?: Big;
	hasRate: boolean;
	/** Exemption reason and code as the lines give them (computed rows). */
	rawReason?: string;
	rawCode?: string;
	taxable?: Big;
	tax?: Big;
	exemptionReason?: string;
	exemptionReasonCode?: string;
	path: string;
}

// ---------------------------------------------------------------------------------------------------------

class PeppolChecks {
	private readonly findings: Finding[] = [];
	/** False once a value the totals depend on is malformed; the arithmetic is then skipped. */
	private computable = true;
	private readonly uses: CategoryUse[] = [];
	private readonly isCreditNote: boolean;
	private readonly sellerCountry: string;
	private readonly buyerCountry: string;
	private readonly domesticDk: boolean;
	/** BT-115 as written, once the totals are checked. */
	private payable?: Big;

	constructor(private readonly invoice: Invoice) {
		this.isCreditNote = invoice.kind === 'creditNote';
		this.sellerCountry = text(invoice.seller?.address?.country)?.toUpperCase() ?? '';
		this.buyerCountry = text(invoice.buyer?.address?.country)?.toUpperCase() ?? '';
		this.domesticDk = this.sellerCountry === 'DK' && this.buyerCountry === 'DK';
	}

	run(): Finding[] {
		this.header();
		this.parties();
		this.delivery();
		this.paymentMeans();
		this.documentAllowanceCharges();
		this.lines();
		this.attachments();
		this.vatCategories();
		this.totals();
		this.booked();
		this.denmark();
		this.norwaySweden();
		this.netherlands();
		return this.findings;
	}

	/** Checks that do not depend on the PEPPOL syntax binding (used for formats without their own rule set yet). */
	/** The totals as pre-flight computes them (without computeTotals), for the equivalence test. */
	computedTotals(): Totals | undefined {
		this.documentAllowanceCharges();
		this.lines();
		const prepaid = this.num(this.invoice.prepaidAmount, 'prepaidAmount');
		const rounding = this.num(this.invoice.roundingAmount, 'roundingAmount');
		const view = this.computable ? this.computedView(prepaid, rounding) : undefined;
		if (!view) return undefined;
		const totals: Totals = {
			lineNetTotal: money(view.lineNet!),
			taxExclusive: money(view.taxExclusive!),
			vatTotal: money(view.vatTotal!),
			taxInclusive: money(view.taxInclusive!),
			payable: money(view.payable!),
			vatBreakdown: view.rows.map((r) => {
				const row: VatBreakdown = {
					category: r.category as VatBreakdown['category'],
					taxableAmount: money(r.taxable!),
					taxAmount: money(r.tax!),
				};
				if (r.rate) row.rate = r.rate.toFixed();
				if (r.rawReason) row.exemptionReason = r.rawReason;
				if (r.rawCode) row.exemptionReasonCode = r.rawCode;
				return row;
			}),
		};
		if (view.allowances) totals.allowanceTotal = money(view.allowances);
		if (view.charges) totals.chargeTotal = money(view.charges);
		if (view.prepaid) totals.prepaid = money(view.prepaid);
		if (view.rounding) totals.rounding = money(view.rounding);
		return totals;
	}

	runFormatNeutral(): Finding[] {
		this.documentAllowanceCharges();
		this.lines();
		this.totals();
		this.booked();
		return this.findings.filter((f) => f.id.startsWith('EXPORT-') || f.id.startsWith('BR-CO-'));
	}

	private add(id: string, message: string, path?: string, flag: Flag = 'fatal'): void {
		const finding: Finding = { id, flag, message };
		if (path !== undefined) finding.path = path;
		this.findings.push(finding);
	}

	/** Parse a decimal; a malformed one is reported (never thrown) and returns undefined. */
	private num(value: unknown, path: string, feedsTotals = true): Big | undefined {
		if (!isPresent(value)) return undefined;
		try {
			return dec(value, path);
		} catch {
			if (feedsTotals) this.computable = false;
			this.add('EXPORT-DECIMAL', `${path} is not a decimal number: ${JSON.stringify(value)}`, path);
			return undefined;
		}
	}

	/** BR-DEC / UBL-DT-01: an amount written with more than 2 decimals. */
	private maxTwoDecimals(value: unknown, path: string, decId: string | undefined, what: string): void {
		if ((typeof value !== 'string' && typeof value !== 'number') || !isPresent(value)) return;
		let written: Big;
		try {
			written = dec(value);
		} catch {
			return; // reported as EXPORT-DECIMAL
		}
		// The writer drops trailing zeros beyond 2 decimals ("10.500" is written "10.50").
		if (written.c.length - written.e - 1 <= 2) return;
		if (decId) this.add(decId, `${what} has more than 2 decimals: ${value}`, path);
		this.add('UBL-DT-01', `Amounts are written with at most 2 decimals; ${what} is ${value}`, path);
	}

	private date(value: unknown, path: string, what: string): string | undefined {
		if (!isPresent(value)) return undefined;
		const v = typeof value === 'string' ? value : String(value);
		if (v.length !== 10 || !isIsoDate(v)) {
			this.add('PEPPOL-EN16931-F001', `${what} must be a date formatted YYYY-MM-DD: ${JSON.stringify(value)}`, path);
			return undefined;
		}
		return v;
	}

	private code(set: ReadonlySet<string>, value: unknown, id: string, path: string, what: string): boolean {
		const v = text(value);
		if (v === undefined || set.has(v)) return true;
		this.add(id, `${what} ${JSON.stringify(v)} is not in the code list`, path);
		return false;
	}

	// -------------------------------------------------------------------------------------------------
	// Document level

	private header(): void {
		const inv = this.invoice;
		if (!text(inv.number)) this.add('BR-02', 'An invoice shall have an invoice number (BT-1)', 'number');
		if (!text(inv.issueDate)) this.add('BR-03', 'An invoice shall have an issue date (BT-2)', 'issueDate');
		this.date(inv.issueDate, 'issueDate', 'Issue date (BT-2)');
		this.date(inv.dueDate, 'dueDate', 'Due date (BT-9)');
		this.date(inv.taxPointDate, 'taxPointDate', 'VAT point date (BT-7)');

		const typeCode =
			inv.typeCode === undefined || inv.typeCode === null ? defaultTypeCode(inv.kind) : text(inv.typeCode);
		if (!typeCode) this.add('BR-04', 'An invoice shall have a type code (BT-3)', 'typeCode');
		else if (this.isCreditNote) {
			if (!codes.UNCL1001_CREDIT_NOTE.has(typeCode))
				this.add('BR-CL-01', `Credit note type code ${typeCode} is not in UNTDID 1001`, 'typeCode');
			if (!codes.PEPPOL_CREDIT_NOTE_TYPES.has(typeCode))
				this.add(
					'PEPPOL-EN16931-P0101',
					`Credit note type code ${typeCode} is not allowed in PEPPOL BIS 3`,
					'typeCode',
				);
		} else {
			if (!codes.UNCL1001_INVOICE.has(typeCode))
				this.add('BR-CL-01', `Invoice type code ${typeCode} is not in UNTDID 1001`, 'typeCode');
			if (!codes.PEPPOL_INVOICE_TYPES.has(typeCode))
				this.add('PEPPOL-EN16931-P0100', `Invoice type code ${typeCode} is not allowed in PEPPOL BIS 3`, 'typeCode');
			if ((typeCode === '326' || typeCode === '384') && !(this.sellerCountry === 'DE' && this.buyerCountry === 'DE'))
				this.add(
					'PEPPOL-EN16931-P0112',
					`Invoice type code ${typeCode} is only allowed between German parties`,
					'typeCode',
				);
		}

		const currency = text(inv.currency);
		if (!currency) this.add('BR-05', 'An invoice shall have a currency code (BT-5)', 'currency');
		else {
			if (!codes.ISO4217.has(currency)) {
				this.add('BR-CL-04', `Invoice currency ${currency} is not an ISO 4217 code`, 'currency');
				this.add('BR-CL-03', `Amounts would carry currencyID ${currency}, not an ISO 4217 code`, 'currency');
			}
			if (!codes.ISO4217_PEPPOL.has(currency))
				this.add('PEPPOL-EN16931-CL007', `Currency ${currency} is not an ISO 4217 code`, 'currency');
		}
		const taxCurrency = inv.taxCurrency;
		if (taxCurrency) {
			const tc = text(taxCurrency.code);
			if (tc) {
				if (!codes.ISO4217.has(tc)) {
					this.add('BR-CL-05', `Tax currency ${tc} is not an ISO 4217 code`, 'taxCurrency.code');
					this.add('BR-CL-03', `BT-111 would carry currencyID ${tc}, not an ISO 4217 code`, 'taxCurrency.code');
				}
				if (!codes.ISO4217_PEPPOL.has(tc))
					this.add('PEPPOL-EN16931-CL007', `Tax currency ${tc} is not an ISO 4217 code`, 'taxCurrency.code');
				if (tc === currency)
					this.add(
						'PEPPOL-EN16931-R005',
						'VAT accounting currency (BT-6) must differ from the invoice currency',
						'taxCurrency.code',
					);
			}
			this.num(taxCurrency.exchangeRate, 'taxCurrency.exchangeRate');
			this.num(taxCurrency.vatTotal, 'taxCurrency.vatTotal');
		}

		if (!text(inv.buyerReference) && !text(inv.orderReference) && !text(inv.salesOrderReference))
			this.add(
				'PEPPOL-EN16931-R003',
				'A buyer reference (BT-10) or purchase order reference (BT-13) must be provided',
				'buyerReference',
			);

		const notes = array(inv.notes);
		if (notes.length > 1 && !(this.sellerCountry === 'DE' && this.buyerCountry === 'DE'))
			this.add(
				'PEPPOL-EN16931-R002',
				`No more than one note is allowed on document level (found ${notes.length})`,
				'notes',
			);
		notes.forEach((note, i) => {
			const subject = text(note?.subjectCode);
			if (subject && subject.length === 3 && !codes.UNCL4451.has(subject))
				this.add('BR-CL-08', `Note subject code ${subject} is not in UNCL 4451`, `notes[${i}].subjectCode`);
		});

		array(inv.precedingInvoices).forEach((ref, i) => {
			// A reference with neither number nor date is not written at all.
			if (!text(ref?.number) && text(ref?.issueDate)) {
				for (const id of ['BR-55', 'UBL-SR-07'])
					this.add(
						id,
						'Each preceding invoice reference shall contain its number (BT-25)',
						`precedingInvoices[${i}].number`,
					);
			}
			this.date(ref?.issueDate, `precedingInvoices[${i}].issueDate`, 'Preceding invoice issue date (BT-26)');
		});

		if (inv.invoicedObject && text(inv.invoicedObject.scheme))
			this.code(
				codes.UNCL1153,
				inv.invoicedObject.scheme,
				'BR-CL-07',
				'invoicedObject.scheme',
				'Invoiced object scheme',
			);

		const period = inv.invoicingPeriod;
		if (period) {
			const descriptionCode = text(period.descriptionCode);
			if (descriptionCode) {
				if (!codes.UNCL2005.has(descriptionCode)) {
					this.add(
						'BR-CL-06',
						`VAT point date code ${descriptionCode} is not in UNTDID 2005 (3, 35, 432)`,
						'invoicingPeriod.descriptionCode',
					);
					this.add(
						'PEPPOL-EN16931-CL006',
						`Invoice period description code ${descriptionCode} is not allowed`,
						'invoicingPeriod.descriptionCode',
					);
				}
				if (text(inv.taxPointDate))
					this.add(
						'BR-CO-03',
						'VAT point date (BT-7) and VAT point date code (BT-8) are mutually exclusive',
						'taxPointDate',
					);
			}
			this.period(period, 'invoicingPeriod', 'BR-29', 'BR-CO-19', Boolean(descriptionCode));
		}
	}

	/** Period dates: format, end ≥ start, and start or end present. Returns the parsed dates. */
	private period(
		period: Period,
		path: string,
		orderRule: string,
		presenceRule: string,
		hasCode = false,
	): { start?: string; end?: string } {
		const start = this.date(period.startDate, `${path}.startDate`, 'Period start date');
		const end = this.date(period.endDate, `${path}.endDate`, 'Period end date');
		if (start && end && end < start)
			this.add(orderRule, `Period end date ${end} is before its start date ${start}`, `${path}.endDate`);
		if (!isPresent(period.startDate) && !isPresent(period.endDate) && !hasCode)
			this.add(presenceRule, 'A period shall have a start date or an end date, or both', path);
		return { start, end };
	}

	// -------------------------------------------------------------------------------------------------
	// Parties

	private parties(): void {
		const { seller, buyer, payee, taxRepresentative } = this.invoice;
		if (!seller || typeof seller !== 'object') {
			this.add('BR-06', 'An invoice shall contain the seller name (BT-27)', 'seller.name');
			this.add('BR-08', 'An invoice shall contain the seller postal address (BG-5)', 'seller.address');
		} else this.party(seller, 'seller');
		if (!buyer || typeof buyer !== 'object') {
			this.add('BR-07', 'An invoice shall contain the buyer name (BT-44)', 'buyer.name');
			this.add('BR-10', 'An invoice shall contain the buyer postal address (BG-8)', 'buyer.address');
		} else this.party(buyer, 'buyer');

		if (
			seller &&
			!text(seller.vatId) &&
			!array(seller.identifiers).some((id) => text(id?.id) && text(id?.scheme)?.toUpperCase() !== 'SEPA') &&
			!text(seller.legalId?.id)
		)
			this.add(
				'BR-CO-26',
				'The seller needs an identifier (BT-29), a legal registration id (BT-30) or a VAT id (BT-31)',
				'seller.vatId',
			);

		if (payee) {
			const name = text(payee.name);
			if (!name) {
				// UBL-SR-19…21 compare the (missing) payee name with the seller's and fail as well.
				for (const id of ['BR-17', 'UBL-SR-19', 'UBL-SR-20', 'UBL-SR-21'])
					this.add(id, 'The payee name (BT-59) shall be provided when the payee differs from the seller', 'payee.name');
			} else {
				const sellerTradingName = text(seller?.tradingName);
				const sellerIds = array(seller?.identifiers).map((id) => text(id?.id));
				if (
					(sellerTradingName !== undefined && name === sellerTradingName) ||
					(text(payee.identifier?.id) && sellerIds.includes(text(payee.identifier?.id)))
				)
					this.add('BR-17', 'The payee (BG-10) must differ from the seller: same name or identifier', 'payee.name');
				if (name === text(seller?.name)) {
					for (const id of ['UBL-SR-19', 'UBL-SR-20', 'UBL-SR-21'])
						this.add(
							id,
							'The payee name equals the seller name; leave the payee out when the seller is paid',
							'payee.name',
						);
				}
			}
			if (payee.identifier) this.identifier(payee.identifier, 'payee.identifier', 'BR-CL-10');
			if (payee.legalId) this.identifier(payee.legalId, 'payee.legalId', 'BR-CL-11');
		}

		if (taxRepresentative) {
			const tr = taxRepresentative;
			if (!text(tr.name))
				this.add('BR-18', 'The tax representative name (BT-62) shall be provided', 'taxRepresentative.name');
			if (!tr.address || typeof tr.address !== 'object')
				this.add(
					'BR-19',
					'The tax representative postal address (BG-12) shall be provided',
					'taxRepresentative.address',
				);
			else this.address(tr.address, 'taxRepresentative.address', 'BR-20');
			if (!text(tr.vatId))
				this.add('BR-56', 'The tax representative VAT identifier (BT-63) shall be provided', 'taxRepresentative.vatId');
			else this.vatPrefix(tr.vatId, 'taxRepresentative.vatId');
		}
	}

	private party(party: Party, role: 'seller' | 'buyer'): void {
		const isSeller = role === 'seller';
		if (!text(party.name))
			this.add(
				isSeller ? 'BR-06' : 'BR-07',
				`An invoice shall contain the ${role} name (${isSeller ? 'BT-27' : 'BT-44'})`,
				`${role}.name`,
			);
		if (!party.address || typeof party.address !== 'object')
			this.add(isSeller ? 'BR-08' : 'BR-10', `An invoice shall contain the ${role} postal address`, `${role}.address`);
		else this.address(party.address, `${role}.address`, isSeller ? 'BR-09' : 'BR-11');

		const endpoint = party.endpoint;
		if (!endpoint || !text(endpoint.id)) {
			this.add(
				isSeller ? 'PEPPOL-EN16931-R020' : 'PEPPOL-EN16931-R010',
				`The ${role} electronic address (${isSeller ? 'BT-34' : 'BT-49'}) must be provided`,
				`${role}.endpoint`,
			);
		} else {
			const scheme = text(endpoint.scheme);
			if (!scheme)
				this.add(
					isSeller ? 'BR-62' : 'BR-63',
					`The ${role} electronic address shall have a scheme identifier`,
					`${role}.endpoint.scheme`,
				);
			else {
				if (!codes.EAS.has(scheme))
					this.add('BR-CL-25', `Endpoint scheme ${scheme} is not in the CEF EAS code list`, `${role}.endpoint.scheme`);
				if (!codes.EAS_PEPPOL.has(scheme))
					this.add(
						'PEPPOL-EN16931-CL008',
						`Endpoint scheme ${scheme} is not a PEPPOL electronic address scheme`,
						`${role}.endpoint.scheme`,
					);
				this.identifierRule(scheme, endpoint.id, `${role}.endpoint.id`, true);
			}
		}

		const identifiers = array(party.identifiers);
		if (!isSeller && identifiers.length > 1)
			this.add('UBL-SR-16', 'Buyer identifier (BT-46) shall occur maximum once', `${role}.identifiers`);
		identifiers.forEach((id, i) => id && this.identifier(id, `${role}.identifiers[${i}]`, 'BR-CL-10'));
		if (party.legalId) this.identifier(party.legalId, `${role}.legalId`, 'BR-CL-11');
		if (text(party.vatId)) this.vatPrefix(party.vatId!, `${role}.vatId`);
		if (text(party.vatId)?.toUpperCase().startsWith('NL') && !/^NL[0-9]{9}B[0-9]{2}$/.test(text(party.vatId)!))
			this.add(
				'PEPPOL-COMMON-R056-2',
				'Dutch VAT numbers must have the format NL123456789B12',
				`${role}.vatId`,
				'warning',
			);
	}

	private address(address: PostalAddress, path: string, countryRule: string): void {
		const country = text(address.country);
		if (!country) this.add(countryRule, 'The postal address shall contain a country code', `${path}.country`);
		else this.code(codes.ISO3166, country, 'BR-CL-14', `${path}.country`, 'Country code');
	}

	private vatPrefix(vatId: string, path: string): void {
		const prefix = text(vatId)?.slice(0, 2) ?? '';
		if (!codes.VAT_PREFIXES.has(prefix))
			this.add('BR-CO-09', `VAT identifier ${vatId} must start with an ISO 3166-1 country prefix (or EL)`, path);
	}

	/** Party identifier or legal id: ICD scheme list and the scheme's PEPPOL-COMMON format rule. */
	private identifier(identifier: Identifier, path: string, listRule: 'BR-CL-10' | 'BR-CL-11'): void {
		const scheme = text(identifier.scheme);
		if (!scheme || !isPresent(identifier.id)) return;
		// BR-CL-10 accepts SEPA (bank assigned creditor id) on the seller and the payee only.
		const sepaAllowed = listRule === 'BR-CL-10' && !path.startsWith('buyer') && scheme === 'SEPA';
		if (!codes.ISO6523_ICD.has(scheme) && !sepaAllowed)
			this.add(listRule, `Identifier scheme ${scheme} is not in the ISO 6523 ICD list`, `${path}.scheme`);
		if (isPresent(identifier.id)) this.identifierRule(scheme, identifier.id, `${path}.id`, false);
	}

	private identifierRule(scheme: string, id: unknown, path: string, isEndpoint: boolean): void {
		const rule = IDENTIFIER_RULES[scheme];
		if (!rule || (rule.endpointOnly && !isEndpoint)) return;
		const raw = typeof id === 'string' ? id : String(id);
		if (!rule.test(raw, raw.replace(/\s+/g, ' ').trim()))
			this.add(
				rule.id,
				`Identifier ${JSON.stringify(raw)} with scheme ${scheme} is not a valid ${rule.what}`,
				path,
				rule.flag,
			);
	}

	private delivery(): void {
		const delivery = this.invoice.delivery;
		if (!delivery) return;
		this.date(delivery.date, 'delivery.date', 'Actual delivery date (BT-72)');
		if (delivery.address) this.address(delivery.address, 'delivery.address', 'BR-57');
		const scheme = text(delivery.locationId?.scheme);
		if (scheme)
			this.code(codes.ISO6523_ICD, scheme, 'BR-CL-26', 'delivery.locationId.scheme', 'Delivery location scheme');
	}

	// -------------------------------------------------------------------------------------------------
	// Payment

	private paymentMeans(): void {
		const means = array(this.invoice.paymentMeans);
		const codesUsed = new Set<string>();
		const paymentIds = new Set<string>();
		let cards = 0;
		let mandates = 0;
		let sepaCreditors = 0;
		let named = 0;
		means.forEach((pm, i) => {
			const path = `paymentMeans[${i}]`;
			if (!pm || typeof pm !== 'object') return;
			const code = text(pm.code);
			if (!code)
				this.add('BR-49', 'A payment instruction shall specify the payment means code (BT-81)', `${path}.code`);
			else {
				codesUsed.add(code);
				this.code(codes.UNCL4461, code, 'BR-CL-16', `${path}.code`, 'Payment means code');
			}
			const account = writtenPayeeAccount(pm);
			if ((code === '30' || code === '58') && !account) {
				this.add(
					'BR-61',
					`Payment means ${code} (credit transfer) needs the payment account identifier (BT-84)`,
					`${path}.creditTransfer.accountId`,
				);
				// The writer emits PayeeFinancialAccount only when it has content.
				if (!pm.giro && (text(pm.creditTransfer?.accountName) || text(pm.creditTransfer?.serviceProviderId)))
					this.add(
						'BR-50',
						'A credit transfer needs the payment account identifier (BT-84)',
						`${path}.creditTransfer.accountId`,
					);
			}
			if ((code === '49' || code === '59') && !text(pm.directDebit?.mandateId))
				this.add(
					'PEPPOL-EN16931-R061',
					'A direct debit needs the mandate reference (BT-89)',
					`${path}.directDebit.mandateId`,
				);
			if (pm.card) {
				cards++;
				if ((text(pm.card.accountNumber) ?? '').length > 10)
					this.add(
						'BR-51',
						'Only the last digits of a card number (BT-87) may be shown',
						`${path}.card.accountNumber`,
						'warning',
					);
			}
			if (text(pm.directDebit?.mandateId) || text(pm.directDebit?.debitedAccountId)) mandates++;
			if (text(pm.directDebit?.creditorId)) sepaCreditors++;
			if (text(pm.text)) named++;
			const paymentId = writtenPaymentId(pm);
			if (paymentId) paymentIds.add(paymentId);
		});
		if (codesUsed.size > 1)
			this.add(
				'UBL-SR-47',
				`When there is more than one payment means code they shall be equal (found ${[...codesUsed].join(', ')})`,
				'paymentMeans',
			);
		if (paymentIds.size > 1)
			this.add(
				'UBL-SR-44',
				`An invoice may have only one payment reference (found ${[...paymentIds].join(', ')})`,
				'paymentMeans',
			);
		if (cards > 1) this.add('UBL-SR-54', 'An invoice shall contain at most one payment card (BG-18)', 'paymentMeans');
		if (mandates > 1)
			this.add('UBL-SR-55', 'An invoice shall contain at most one payment mandate (BG-19)', 'paymentMeans');
		if (sepaCreditors > 1)
			this.add('UBL-SR-29', 'The bank assigned creditor identifier (BT-90) shall occur at most once', 'paymentMeans');
		if (named > 1) this.add('UBL-SR-46', 'The payment means text (BT-82) shall occur at most once', 'paymentMeans');
		// A credit note carries its due date (BT-9) in every PaymentMeans/PaymentDueDate.
		if (this.isCreditNote && text(this.invoice.dueDate) && means.length > 1)
			this.add('UBL-SR-45', 'A credit note with a due date can have only one payment means', 'paymentMeans');
	}

	// -------------------------------------------------------------------------------------------------
	// Allowances and charges

	/** Common checks of an allowance/charge; returns its amount as written (given, or base × percent). */
	private allowanceCharge(ac: AllowanceCharge, path: string, level: 'document' | 'line'): Big | undefined {
		const isCharge = Boolean(ac.isCharge);
		const doc = level === 'document';
		const ids = doc
			? isCharge
				? {
						amount: 'BR-36',
						reason: ['BR-38', 'BR-CO-22'],
						decAmount: 'BR-DEC-05',
						decBase: 'BR-DEC-06',
					}
				: {
						amount: 'BR-31',
						reason: ['BR-33', 'BR-CO-21'],
						decAmount: 'BR-DEC-01',
						decBase: 'BR-DEC-02',
					}
			: isCharge
				? {
						amount: 'BR-43',
						reason: ['BR-44', 'BR-CO-24'],
						decAmount: 'BR-DEC-27',
						decBase: 'BR-DEC-28',
					}
				: {
						amount: 'BR-41',
						reason: ['BR-42', 'BR-CO-23'],
						decAmount: 'BR-DEC-24',
						decBase: 'BR-DEC-25',
					};
		const what = `${doc ? 'Document level' : 'Line'} ${isCharge ? 'charge' : 'allowance'}`;

		const given = this.num(ac.amount, `${path}.amount`);
		if (ac.amount === null || (!isPresent(ac.amount) && (ac.baseAmount === null || ac.percent === null)))
			this.computable = false; // totals.ts cannot parse null
		const base = this.num(ac.baseAmount, `${path}.baseAmount`);
		const percent = this.num(ac.percent, `${path}.percent`);
		this.maxTwoDecimals(ac.amount, `${path}.amount`, ids.decAmount, `${what} amount`);
		this.maxTwoDecimals(ac.baseAmount, `${path}.baseAmount`, ids.decBase, `${what} base amount`);

		// The amount as written and as totals.ts sums it: the given amount, or base × percent / 100, rounded to 2.
		let amount = given ? round(given) : undefined;
		if (!isPresent(ac.amount)) {
			if (base && percent) amount = round(base.times(percent).div(HUNDRED));
			else if (!isPresent(ac.baseAmount) || !isPresent(ac.percent)) {
				this.add(ids.amount, `${what} shall have an amount`, `${path}.amount`);
				this.computable = false;
			}
		}
		if (isPresent(ac.percent) && !isPresent(ac.baseAmount))
			this.add(
				'PEPPOL-EN16931-R041',
				`${what}: the base amount must be given with the percentage`,
				`${path}.baseAmount`,
			);
		if (isPresent(ac.baseAmount) && !isPresent(ac.percent))
			this.add('PEPPOL-EN16931-R042', `${what}: the percentage must be given with the base amount`, `${path}.percent`);
		if (given && base && percent && given.minus(base.times(percent).div(HUNDRED)).abs().gt(SLACK))
			this.add(
				'PEPPOL-EN16931-R040',
				`${what} amount ${given.toFixed()} must equal base × percentage / 100 (${base.times(percent).div(HUNDRED).toFixed()})`,
				`${path}.amount`,
			);

		const reason = text(ac.reason);
		const reasonCode = text(ac.reasonCode);
		if (!reason && !reasonCode)
			for (const id of ids.reason) this.add(id, `${what} shall have a reason or a reason code`, `${path}.reason`);
		if (reasonCode) {
			if (isCharge) {
				if (!codes.UNCL7161.has(reasonCode)) {
					this.add('BR-CL-20', `Charge reason code ${reasonCode} is not in UNCL 7161`, `${path}.reasonCode`);
					this.add(
						'PEPPOL-EN16931-CL003',
						`Charge reason code ${reasonCode} is not in UNCL 7161`,
						`${path}.reasonCode`,
					);
				}
			} else if (!codes.UNCL5189.has(reasonCode)) {
				this.add('BR-CL-19', `Allowance reason code ${reasonCode} is not in UNCL 5189`, `${path}.reasonCode`);
				this.add(
					'PEPPOL-EN16931-CL002',
					`Allowance reason code ${reasonCode} is not in the UNCL 5189 subset`,
					`${path}.reasonCode`,
				);
			}
		}
		return amount;
	}

	private documentAllowanceCharges(): void {
		array(this.invoice.allowanceCharges).forEach((ac, i) => {
			const path = `allowanceCharges[${i}]`;
			if (!ac || typeof ac !== 'object') return;
			const amount = this.allowanceCharge(ac, path, 'document');
			const isCharge = Boolean(ac.isCharge);
			const category = text(ac.vat?.category);
			if (!category) {
				this.add(
					isCharge ? 'BR-37' : 'BR-32',
					`Document level ${isCharge ? 'charge' : 'allowance'} shall have a VAT category code`,
					`${path}.vat.category`,
				);
				this.computable = false;
				return;
			}
			const rate = this.num(ac.vat?.rate, `${path}.vat.rate`);
			this.use(
				{
					kind: isCharge ? 'charge' : 'allowance',
					category,
					rate,
					amount,
					exemptionReason: ac.vat?.exemptionReason,
					exemptionReasonCode: ac.vat?.exemptionReasonCode,
					path: `${path}.vat`,
				},
				ac.vat?.rate,
			);
		});
	}

	// -------------------------------------------------------------------------------------------------
	// Lines

	private lines(): void {
		const lines = this.invoice.lines;
		if (!Array.isArray(lines) || lines.length === 0) {
			this.add('BR-16', 'An invoice shall have at least one invoice line (BG-25)', 'lines');
			if (!Array.isArray(lines)) this.computable = false; // computeTotals needs an array, even an empty one
			return;
		}
		const period = this.invoice.invoicingPeriod;
		const docStart = text(period?.startDate);
		const docEnd = text(period?.endDate);
		lines.forEach((line, i) => {
			if (!line || typeof line !== 'object') {
				this.add('BR-21', 'Each invoice line shall be an object with an identifier', `lines[${i}]`);
				this.computable = false;
				return;
			}
			this.line(line, `lines[${i}]`, docStart, docEnd);
		});
	}

	private line(line: InvoiceLine, path: string, docStart?: string, docEnd?: string): void {
		if (!text(line.id)) this.add('BR-21', 'Each invoice line shall have an identifier (BT-126)', `${path}.id`);
		if (!isPresent(line.quantity)) {
			this.add('BR-22', 'Each invoice line shall have an invoiced quantity (BT-129)', `${path}.quantity`);
			this.computable = false;
		}
		const unit = text(line.unitCode);
		if (!unit) this.add('BR-23', 'Each invoice line shall have a unit of measure code (BT-130)', `${path}.unitCode`);
		else this.code(codes.UNECE_REC20_REC21, unit, 'BR-CL-23', `${path}.unitCode`, 'Unit code');
		if (!text(line.item?.name))
			this.add('BR-25', 'Each invoice line shall contain the item name (BT-153)', `${path}.item.name`);

		const quantity = this.num(line.quantity, `${path}.quantity`);
		const price = line.price;
		let priceAmount: Big | undefined;
		let baseQuantity: Big | undefined;
		if (!price || !isPresent(price.amount)) {
			this.add('BR-26', 'Each invoice line shall contain the item net price (BT-146)', `${path}.price.amount`);
			// The schematron's "PriceAmount >= 0" is false for a missing price too.
			this.add('BR-27', 'The item net price (BT-146) shall not be negative', `${path}.price.amount`);
			this.computable = false;
		} else {
			priceAmount = this.num(price.amount, `${path}.price.amount`);
			if (!priceAmount || priceAmount.lt(0))
				this.add('BR-27', 'The item net price (BT-146) shall not be negative', `${path}.price.amount`);
			baseQuantity = this.num(price.baseQuantity, `${path}.price.baseQuantity`);
			if (baseQuantity && !baseQuantity.gt(0))
				this.add(
					'PEPPOL-EN16931-R121',
					'Base quantity (BT-149) must be a positive number above zero',
					`${path}.price.baseQuantity`,
				);
			const baseUnit = text(price.baseQuantityUnitCode);
			if (baseUnit) {
				this.code(codes.UNECE_REC20_REC21, baseUnit, 'BR-CL-23', `${path}.price.baseQuantityUnitCode`, 'Unit code');
				if (unit && baseUnit !== unit)
					this.add(
						'PEPPOL-EN16931-R130',
						`Unit code of the price base quantity (${baseUnit}) must equal the invoiced quantity's (${unit})`,
						`${path}.price.baseQuantityUnitCode`,
					);
			}
			const gross = this.num(price.grossAmount, `${path}.price.grossAmount`, false);
			const discount = this.num(price.discount, `${path}.price.discount`, false);
			if (gross?.lt(0))
				this.add('BR-28', 'The item gross price (BT-148) shall not be negative', `${path}.price.grossAmount`);
			if (gross && discount && priceAmount && !gross.minus(discount).eq(priceAmount))
				this.add(
					'PEPPOL-EN16931-R046',
					`Item net price ${priceAmount.toFixed()} must equal gross price ${gross.toFixed()} minus the price discount ${discount?.toFixed() ?? '0'}`,
					`${path}.price`,
				);
		}

		// Line allowances and charges, then BT-131 as written.
		let allowances = ZERO;
		let charges = ZERO;
		let acComplete = true;
		array(line.allowanceCharges).forEach((ac, j) => {
			if (!ac || typeof ac !== 'object') return;
			const amount = this.allowanceCharge(ac, `${path}.allowanceCharges[${j}]`, 'line');
			if (!amount) acComplete = false;
			else if (ac.isCharge) charges = charges.plus(amount);
			else allowances = allowances.plus(amount);
		});
		const lineGross = () =>
			quantity!.times(baseQuantity && !baseQuantity.eq(0) ? priceAmount!.div(baseQuantity) : priceAmount!);
		let net: Big | undefined;
		// totals.ts takes any defined net amount but "" as given: null cannot be parsed.
		if (line.netAmount === null) this.computable = false;
		if (isPresent(line.netAmount)) {
			net = this.num(line.netAmount, `${path}.netAmount`);
			this.maxTwoDecimals(line.netAmount, `${path}.netAmount`, 'BR-DEC-23', 'Line net amount (BT-131)');
			if (net && quantity && priceAmount && acComplete) {
				// PEPPOL-EN16931-R120 as the schematron computes it, with its 0.02 slack.
				const expected = lineGross().plus(xround(charges)).minus(xround(allowances));
				if (net.minus(expected).abs().gt(SLACK))
					this.add(
						'PEPPOL-EN16931-R120',
						`Line net amount ${net.toFixed()} must equal quantity × price / base quantity + charges − allowances (${expected.round(2, 1).toFixed(2)})`,
						`${path}.netAmount`,
					);
			}
		} else if (quantity && priceAmount && acComplete) {
			// Computed exactly as totals.ts does: round(quantity × price / base) + charges − allowances.
			const base =
				baseQuantity && !baseQuantity.eq(0)
					? quantity.times(priceAmount).div(baseQuantity)
					: quantity.times(priceAmount);
			net = base.round(2, 1);
			if (charges !== ZERO) net = net.plus(charges);
			if (allowances !== ZERO) net = net.minus(allowances);
		}
		if (!net && !isPresent(line.netAmount)) {
			this.add('BR-24', 'The line net amount (BT-131) cannot be computed, so it is missing', `${path}.netAmount`);
			// R120 then compares 0 with what the written terms give (missing amounts count as 0).
			const written = this.writtenLineTotal(line, quantity, priceAmount, baseQuantity);
			if (written && written.abs().gt(SLACK))
				this.add(
					'PEPPOL-EN16931-R120',
					'The line net amount is missing while quantity × price is not zero',
					`${path}.netAmount`,
				);
		}

		// Line period.
		if (line.period) {
			const { start, end } = this.period(line.period, `${path}.period`, 'BR-30', 'BR-CO-20');
			if (start && docStart && start < docStart)
				this.add(
					'PEPPOL-EN16931-R110',
					`Line period start ${start} must be within the invoice period (from ${docStart})`,
					`${path}.period.startDate`,
				);
			if (end && docEnd && end > docEnd)
				this.add(
					'PEPPOL-EN16931-R111',
					`Line period end ${end} must be within the invoice period (until ${docEnd})`,
					`${path}.period.endDate`,
				);
		}

		// Item.
		const item = line.item;
		if (item) {
			if (item.standardId && isPresent(item.standardId.id)) {
				const scheme = text(item.standardId.scheme);
				if (!scheme)
					this.add(
						'BR-64',
						'The item standard identifier (BT-157) shall have a scheme identifier',
						`${path}.item.standardId.scheme`,
					);
				else
					this.code(
						codes.ISO6523_ICD,
						scheme,
						'BR-CL-21',
						`${path}.item.standardId.scheme`,
						'Item standard identifier scheme',
					);
			}
			array(item.classifications).forEach((c, j) => {
				const listId = text(c?.listId);
				if (!text(c?.code)) return;
				if (!listId)
					this.add(
						'BR-65',
						'The item classification identifier (BT-158) shall have a scheme identifier',
						`${path}.item.classifications[${j}].listId`,
					);
				else
					this.code(
						codes.ITEM_CLASSIFICATION,
						listId,
						'BR-CL-13',
						`${path}.item.classifications[${j}].listId`,
						'Item classification scheme',
					);
			});
			if (text(item.originCountry))
				this.code(codes.ISO3166, item.originCountry, 'BR-CL-15', `${path}.item.originCountry`, 'Origin country');
			array(item.attributes).forEach((a, j) => {
				if (Boolean(text(a?.name)) !== Boolean(text(a?.value)))
					this.add(
						'BR-54',
						'Each item attribute shall contain a name (BT-160) and a value (BT-161)',
						`${path}.item.attributes[${j}]`,
					);
			});
		}
		if (line.objectId && text(line.objectId.scheme))
			this.code(codes.UNCL1153, line.objectId.scheme, 'BR-CL-07', `${path}.objectId.scheme`, 'Invoiced object scheme');

		// VAT.
		const category = text(line.vat?.category);
		if (!category) {
			this.add(
				'BR-CO-04',
				'Each invoice line shall be categorized with a VAT category code (BT-151)',
				`${path}.vat.category`,
			);
			if (!line.vat) this.add('UBL-SR-48', 'Each invoice line shall have one VAT category', `${path}.vat`);
			this.computable = false;
			return;
		}
		const rate = this.num(line.vat?.rate, `${path}.vat.rate`);
		if (net === undefined) this.computable = false;
		this.use(
			{
				kind: 'line',
				category,
				rate,
				amount: net,
				exemptionReason: line.vat?.exemptionReason,
				exemptionReasonCode: line.vat?.exemptionReasonCode,
				path: `${path}.vat`,
			},
			line.vat?.rate,
		);
	}

	/** Quantity × price / base + charges − allowances from the written terms only (missing ones count as 0). */
	private writtenLineTotal(line: InvoiceLine, quantity?: Big, price?: Big, base?: Big): Big | undefined {
		if (isPresent(line.quantity) && !quantity) return undefined; // malformed: the validator stops there
		if (isPresent(line.price?.amount) && !price) return undefined;
		let total = (quantity ?? new Big(1)).times(price ?? ZERO).div(base && !base.eq(0) ? base : 1);
		for (const ac of array(line.allowanceCharges)) {
			if (!ac || !isPresent(ac.amount)) continue;
			let amount: Big;
			try {
				amount = dec(ac.amount);
			} catch {
				return undefined;
			}
			total = ac.isCharge ? total.plus(amount) : total.minus(amount);
		}
		return total;
	}

	/** Record a VAT category use and check its rate against the category (BR-x-05/06/07, BR-CL-17/18). */
	private use(use: CategoryUse, rawRate: unknown): void {
		this.uses.push(use);
		const { category, kind, rate, path } = use;
		// totals.ts parses any defined rate but O's: null or "" make the totals (and so the document) fail.
		if (category !== 'O' && rawRate !== undefined && !isPresent(rawRate)) this.computable = false;
		if (!codes.UNCL5305.has(category)) {
			this.add(
				kind === 'line' ? 'BR-CL-18' : 'BR-CL-17',
				`VAT category ${category} is not in UNCL 5305`,
				`${path}.category`,
			);
			return;
		}
		const family = CATEGORY_RULES[category];
		if (!family) return;
		const suffix = kind === 'line' ? '05' : kind === 'allowance' ? '06' : '07';
		const ruleId = `${family}-${suffix}`;
		const name = CATEGORY_NAMES[category];
		const where = kind === 'line' ? 'invoice line' : `document level ${kind}`;
		if (category === 'O') return; // no rate is written for O (BR-O-05…07 hold by construction)
		if (!isPresent(rawRate)) {
			this.add(ruleId, `An ${where} with VAT category ${category} (${name}) needs a VAT rate`, `${path}.rate`);
			return;
		}
		if (!rate) return;
		if (category === 'S' ? !rate.gt(0) : category === 'L' || category === 'M' ? rate.lt(0) : !rate.eq(0)) {
			const expected =
				category === 'S' ? 'greater than zero' : category === 'L' || category === 'M' ? 'zero or more' : '0';
			this.add(
				ruleId,
				`An ${where} with VAT category ${category} (${name}) must have a VAT rate ${expected}, not ${rate.toFixed()}`,
				`${path}.rate`,
			);
		}
	}

	private attachments(): void {
		array(this.invoice.attachments).forEach((a: Attachment, i) => {
			const path = `attachments[${i}]`;
			if (!a || typeof a !== 'object') return;
			if (!text(a.id))
				this.add('BR-52', 'Each additional supporting document shall have a reference (BT-122)', `${path}.id`);
			if (isPresent(a.contentBase64)) {
				// xs:base64Binary (the writer drops whitespace): the XSD rejects anything else.
				const content = String(a.contentBase64).replace(/\s+/g, '');
				if (content.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(content))
					this.add('EXPORT-BASE64', 'The attachment content is not valid base64', `${path}.contentBase64`);
				const mime = text(a.mimeCode);
				if (!mime) this.add('UBL-DT-06', 'An embedded document needs a MIME code', `${path}.mimeCode`);
				else if (!codes.MIME_CODES.has(mime)) {
					this.add('BR-CL-24', `MIME code ${mime} is not allowed for attachments`, `${path}.mimeCode`);
					this.add('PEPPOL-EN16931-CL001', `MIME code ${mime} is not allowed for attachments`, `${path}.mimeCode`);
				}
				if (!text(a.fileName)) this.add('UBL-DT-07', 'An embedded document needs a file name', `${path}.fileName`);
			}
		});
	}

	// -------------------------------------------------------------------------------------------------
	// VAT categories: party identifiers each category needs, and the exemption codes PEPPOL ties to one.

	private vatCategories(): void {
		const { seller, buyer, taxRepresentative } = this.invoice;
		const sellerVat = Boolean(text(seller?.vatId));
		const sellerTaxScheme = sellerVat || Boolean(text(seller?.taxRegistrationId));
		const taxRepVat = Boolean(text(taxRepresentative?.vatId));
		const buyerVat = Boolean(text(buyer?.vatId));
		const buyerLegal = Boolean(text(buyer?.legalId?.id));
		const reported = new Set<string>();
		for (const use of this.uses) {
			const family = CATEGORY_RULES[use.category];
			if (!family) continue;
			const suffix = use.kind === 'line' ? '02' : use.kind === 'allowance' ? '03' : '04';
			const id = `${family}-${suffix}`;
			if (reported.has(id)) continue;
			let ok: boolean;
			let need: string;
			switch (use.category) {
				case 'AE':
					ok = (sellerTaxScheme || taxRepVat) && (buyerVat || buyerLegal);
					need =
						'the seller VAT id or tax registration id (or tax representative VAT id) and the buyer VAT id or legal id';
					break;
				case 'K':
					ok = (sellerVat || taxRepVat) && buyerVat;
					need = 'the seller VAT id (or tax representative VAT id) and the buyer VAT id';
					break;
				case 'G':
					ok = sellerVat || taxRepVat;
					need = 'the seller VAT id (or tax representative VAT id)';
					break;
				case 'O':
					ok = !sellerVat && !taxRepVat && !buyerVat;
					need = 'no seller, tax representative or buyer VAT id';
					break;
				default:
					ok = sellerTaxScheme || taxRepVat;
					need = 'the seller VAT id or tax registration id (or tax representative VAT id)';
			}
			if (!ok) {
				reported.add(id);
				this.add(
					id,
					`VAT category ${use.category} (${CATEGORY_NAMES[use.category]}) requires ${need}`,
					use.category === 'O' ? 'seller.vatId' : use.kind === 'line' ? 'seller.vatId' : use.path,
				);
			}
		}
		const categories = new Set(this.uses.map((u) => u.category));
		if (categories.has('K')) {
			const d = this.invoice.delivery;
			const p = this.invoice.invoicingPeriod;
			if (!text(d?.date) && !(p && (isPresent(p.startDate) || isPresent(p.endDate) || isPresent(p.descriptionCode))))
				this.add(
					'BR-IC-11',
					'An intra-community supply needs the actual delivery date (BT-72) or the invoicing period (BG-14)',
					'delivery.date',
				);
			if ((text(d?.address?.country) ?? '').length < 2)
				this.add(
					'BR-IC-12',
					'An intra-community supply needs the deliver-to country code (BT-80)',
					'delivery.address.country',
				);
		}
	}

	// -------------------------------------------------------------------------------------------------
	// Totals (BG-22) and the VAT breakdown (BG-23) as written: given `invoice.totals`, or computed.

	private totals(): void {
		const inv = this.invoice;
		// Parsed for their findings; the computed totals read them again.
		const prepaid = this.num(inv.prepaidAmount, 'prepaidAmount');
		const rounding = this.num(inv.roundingAmount, 'roundingAmount');
		const given = inv.totals && typeof inv.totals === 'object' ? inv.totals : undefined;
		if (given) return this.checkTotals(this.totalsView(given, 'totals', true), 'totals');
		if (!this.computable) return this.missingTotals('see the findings above');
		const view = this.computedView(prepaid, rounding);
		if (view) return this.checkTotals(view, 'totals (computed)');
		let totals: Totals;
		try {
			totals = computeTotals(inv);
		} catch (error) {
			return this.missingTotals((error as Error).message);
		}
		this.checkTotals(this.totalsView(totals, 'totals (computed)', false), 'totals (computed)');
	}

	/** Without totals the writer emits no TaxTotal and no LegalMonetaryTotal: report what the rules then say. */
	private missingTotals(reason: string): void {
		const hasTaxCurrency = Boolean(text(this.invoice.taxCurrency?.code));
		const message = `The totals cannot be computed (${reason}), so the document has no VAT total and breakdown`;
		for (const id of ['BR-CO-15', 'BR-CO-18', 'PEPPOL-EN16931-R053']) this.add(id, message, 'totals');
		if (hasTaxCurrency)
			for (const id of ['PEPPOL-EN16931-R054', 'PEPPOL-EN16931-R055']) this.add(id, message, 'totals');
		this.breakdownPresence([]);
	}

	/** Totals given as strings (the invoice's own, or computeTotals'): parsed, with the BR-DEC checks when given. */
	private totalsView(t: Totals, path: string, given: boolean): TotalsView {
		const field = (value: unknown, name: string, decId: string, what: string, required?: string): Big | undefined => {
			if (!isPresent(value)) {
				if (required) this.add(required, `An invoice shall have the ${what}`, `totals.${name}`);
				return undefined;
			}
			if (given) this.maxTwoDecimals(value, `totals.${name}`, decId, what);
			return this.num(value, `totals.${name}`, false);
		};
		if (given && !isPresent(t.prepaid) && isPresent(this.invoice.prepaidAmount))
			this.add(
				'EXPORT-TOTALS',
				'totals.prepaid is missing although the invoice has a prepaid amount',
				'totals.prepaid',
				'warning',
			);
		const rows: BreakdownRow[] = [];
		array(t.vatBreakdown as VatBreakdown[]).forEach((row, i) => {
			const rowPath = `${path}.vatBreakdown[${i}]`;
			if (!row || typeof row !== 'object') return;
			const category = text(row.category) ?? '';
			if (!category)
				this.add('BR-47', 'Each VAT breakdown shall have a VAT category code (BT-118)', `${rowPath}.category`);
			if (!isPresent(row.taxableAmount))
				this.add('BR-45', 'Each VAT breakdown shall have a taxable amount (BT-116)', `${rowPath}.taxableAmount`);
			if (!isPresent(row.taxAmount))
				this.add('BR-46', 'Each VAT breakdown shall have a VAT amount (BT-117)', `${rowPath}.taxAmount`);
			if (given) {
				this.maxTwoDecimals(
					row.taxableAmount,
					`${rowPath}.taxableAmount`,
					'BR-DEC-19',
					'VAT category taxable amount (BT-116)',
				);
				this.maxTwoDecimals(row.taxAmount, `${rowPath}.taxAmount`, 'BR-DEC-20', 'VAT category tax amount (BT-117)');
			}
			rows.push({
				category,
				rate: this.num(row.rate, `${rowPath}.rate`, false),
				hasRate: isPresent(row.rate),
				taxable: this.num(row.taxableAmount, `${rowPath}.taxableAmount`, false),
				tax: this.num(row.taxAmount, `${rowPath}.taxAmount`, false),
				exemptionReason: text(row.exemptionReason),
				exemptionReasonCode: text(row.exemptionReasonCode),
				path: rowPath,
			});
		});
		return {
			lineNet: field(t.lineNetTotal, 'lineNetTotal', 'BR-DEC-09', 'sum of line net amounts (BT-106)', 'BR-12'),
			allowances: field(t.allowanceTotal, 'allowanceTotal', 'BR-DEC-10', 'sum of allowances (BT-107)'),
			charges: field(t.chargeTotal, 'chargeTotal', 'BR-DEC-11', 'sum of charges (BT-108)'),
			taxExclusive: field(t.taxExclusive, 'taxExclusive', 'BR-DEC-12', 'total without VAT (BT-109)', 'BR-13'),
			vatTotal: field(t.vatTotal, 'vatTotal', 'BR-DEC-13', 'total VAT amount (BT-110)'),
			taxInclusive: field(t.taxInclusive, 'taxInclusive', 'BR-DEC-14', 'total with VAT (BT-112)', 'BR-14'),
			prepaid: field(t.prepaid, 'prepaid', 'BR-DEC-16', 'paid amount (BT-113)'),
			rounding: field(t.rounding, 'rounding', 'BR-DEC-17', 'rounding amount (BT-114)'),
			payable: field(t.payable, 'payable', 'BR-DEC-18', 'amount due for payment (BT-115)', 'BR-15'),
			vatInTaxCurrency: field(
				t.vatTotalInTaxCurrency,
				'vatTotalInTaxCurrency',
				'BR-DEC-15',
				'VAT total in accounting currency (BT-111)',
			),
			has: { vatTotal: isPresent(t.vatTotal), vatInTaxCurrency: isPresent(t.vatTotalInTaxCurrency) },
			rows,
		};
	}

	/**
	 * The totals computeTotals would give, built from the amounts already parsed (about twice as fast as parsing
	 * everything again). Booked VAT per category and tax currencies take computeTotals itself (undefined here);
	 * a unit test holds the two equal on every fixture and mutation.
	 */
	private computedView(prepaidGiven?: Big, roundingGiven?: Big): TotalsView | undefined {
		const inv = this.invoice;
		if (inv.booked?.vatByCategory || inv.taxCurrency) return undefined;
		const groups = new Map<string, BreakdownRow & { sum: Big }>();
		let lineNet = ZERO;
		let allowances: Big | undefined;
		let charges: Big | undefined;
		// Lines first, then document allowances and charges: the order of computeTotals' breakdown rows.
		const ordered = [...this.uses.filter((u) => u.kind === 'line'), ...this.uses.filter((u) => u.kind !== 'line')];
		for (const u of ordered) {
			const amount = round(u.amount!);
			let signed = amount;
			if (u.kind === 'line') lineNet = lineNet.plus(amount);
			else if (u.kind === 'allowance') {
				allowances = (allowances ?? ZERO).plus(amount);
				signed = amount.times(-1);
			} else charges = (charges ?? ZERO).plus(amount);
			const rate = u.category === 'O' ? undefined : u.rate;
			const key = `${u.category}|${rate ? rate.toFixed() : ''}`;
			let row = groups.get(key);
			if (!row) {
				row = {
					category: u.category,
					rate,
					hasRate: rate !== undefined,
					sum: ZERO,
					path: 'totals (computed).vatBreakdown',
				};
				groups.set(key, row);
			}
			row.sum = row.sum.plus(signed);
			if (!row.rawReason && u.exemptionReason) row.rawReason = u.exemptionReason;
			if (!row.rawCode && u.exemptionReasonCode) row.rawCode = u.exemptionReasonCode;
		}
		let vatTotal = ZERO;
		const rows: BreakdownRow[] = [];
		let i = 0;
		for (const row of groups.values()) {
			row.path = `totals (computed).vatBreakdown[${i++}]`;
			row.taxable = round(row.sum);
			row.tax = row.rate ? round(row.sum.times(row.rate).div(HUNDRED)) : ZERO;
			row.exemptionReason = text(row.rawReason);
			row.exemptionReasonCode = text(row.rawCode);
			vatTotal = vatTotal.plus(row.tax);
			rows.push(row);
		}
		const taxExclusive = lineNet.minus(allowances ?? ZERO).plus(charges ?? ZERO);
		const taxInclusive = taxExclusive.plus(vatTotal);
		const prepaid = inv.prepaidAmount && prepaidGiven ? round(prepaidGiven) : undefined;
		const rounding = inv.roundingAmount && roundingGiven ? round(roundingGiven) : undefined;
		const payable = taxInclusive.minus(prepaid ?? ZERO).plus(rounding ?? ZERO);
		return {
			lineNet,
			allowances,
			charges,
			taxExclusive,
			vatTotal,
			taxInclusive,
			prepaid,
			rounding,
			payable: round(payable),
			has: { vatTotal: true, vatInTaxCurrency: false },
			rows,
		};
	}

	private checkTotals(t: TotalsView, path: string): void {
		const { lineNet, allowances, charges, taxExclusive, vatTotal, taxInclusive, prepaid, rounding, payable } = t;
		this.payable = payable;
		const vatInTaxCurrency = t.vatInTaxCurrency;
		const rows = t.rows;
		for (const row of rows) {
			if (row.category && !codes.UNCL5305.has(row.category))
				this.add('BR-CL-17', `VAT category ${row.category} is not in UNCL 5305`, `${row.path}.category`);
			if (!row.hasRate && row.category !== 'O')
				this.add(
					'BR-48',
					`The VAT breakdown of category ${row.category} shall have a VAT rate (BT-119)`,
					`${row.path}.rate`,
				);
		}

		// Tax currency: BT-111 present (BR-53) and with the same sign as BT-110 (PEPPOL-EN16931-R055).
		const sameCurrency = text(this.invoice.taxCurrency?.code) === text(this.invoice.currency);
		if (this.invoice.taxCurrency && text(this.invoice.taxCurrency.code) && sameCurrency) {
			// BT-6 = BT-5 (already PEPPOL-EN16931-R005): BT-110 doubles as the amount in BT-6 for BR-53 and R055.
			if (!t.has.vatInTaxCurrency)
				this.add('PEPPOL-EN16931-R054', 'A VAT accounting currency needs its own VAT total (BT-111)', 'taxCurrency');
			else
				this.add(
					'BR-CO-15',
					'BT-110 and BT-111 in the same currency: the invoice has two VAT totals',
					'taxCurrency.code',
				);
		} else if (this.invoice.taxCurrency && text(this.invoice.taxCurrency.code)) {
			if (!t.has.vatInTaxCurrency) {
				for (const id of ['BR-53', 'PEPPOL-EN16931-R054', 'PEPPOL-EN16931-R055'])
					this.add(
						id,
						'With a VAT accounting currency (BT-6) the VAT total in that currency (BT-111) shall be provided; give taxCurrency.vatTotal or exchangeRate',
						'taxCurrency',
					);
			} else if (
				vatTotal &&
				vatInTaxCurrency &&
				((vatTotal.gt(0) && vatInTaxCurrency.lt(0)) || (vatTotal.lt(0) && vatInTaxCurrency.gt(0)))
			)
				this.add(
					'PEPPOL-EN16931-R055',
					'Total VAT (BT-110) and total VAT in accounting currency (BT-111) must have the same sign',
					`${path}.vatTotalInTaxCurrency`,
				);
		}

		const uses = this.uses;
		const lineUses = uses.filter((u) => u.kind === 'line');
		const allowanceUses = uses.filter((u) => u.kind === 'allowance');
		const chargeUses = uses.filter((u) => u.kind === 'charge');
		const sum = (list: CategoryUse[]): Big | undefined =>
			list.every((u) => u.amount) ? list.reduce((acc, u) => acc.plus(u.amount!), ZERO) : undefined;

		// BR-CO-10 … BR-CO-16, as the schematron computes them.
		const sumLines = sum(lineUses);
		if (lineNet && sumLines && !lineNet.eq(xround(sumLines)))
			this.add(
				'BR-CO-10',
				`Sum of line net amounts (BT-106) ${lineNet.toFixed(2)} must equal Σ line net amounts ${xround(sumLines).toFixed(2)}`,
				`${path}.lineNetTotal`,
			);
		const sumAllowances = sum(allowanceUses);
		if (allowances ? sumAllowances && !allowances.eq(xround(sumAllowances)) : allowanceUses.length > 0)
			this.add(
				'BR-CO-11',
				`Sum of allowances (BT-107) ${allowances?.toFixed(2) ?? '(missing)'} must equal Σ document allowances ${sumAllowances ? xround(sumAllowances).toFixed(2) : ''}`,
				`${path}.allowanceTotal`,
			);
		const sumCharges = sum(chargeUses);
		if (charges ? sumCharges && !charges.eq(xround(sumCharges)) : chargeUses.length > 0)
			this.add(
				'BR-CO-12',
				`Sum of charges (BT-108) ${charges?.toFixed(2) ?? '(missing)'} must equal Σ document charges ${sumCharges ? xround(sumCharges).toFixed(2) : ''}`,
				`${path}.chargeTotal`,
			);
		if (lineNet && taxExclusive) {
			const expected = xround(lineNet.plus(charges ?? ZERO).minus(allowances ?? ZERO));
			if (!taxExclusive.eq(expected))
				this.add(
					'BR-CO-13',
					`Total without VAT (BT-109) ${taxExclusive.toFixed(2)} must equal BT-106 − BT-107 + BT-108 = ${expected.toFixed(2)}`,
					`${path}.taxExclusive`,
				);
		}
		if (!t.has.vatTotal) this.add('BR-CO-15', 'The total VAT amount (BT-110) is missing', `${path}.vatTotal`);
		if (taxExclusive && vatTotal && taxInclusive && !taxInclusive.eq(xround(taxExclusive.plus(vatTotal))))
			this.add(
				'BR-CO-15',
				`Total with VAT (BT-112) ${taxInclusive.toFixed(2)} must equal BT-109 + BT-110 = ${xround(taxExclusive.plus(vatTotal)).toFixed(2)}`,
				`${path}.taxInclusive`,
			);
		if (taxInclusive && payable) {
			const expected = rounding ? xround(payable.minus(rounding)) : payable;
			const due = prepaid ? xround(taxInclusive.minus(prepaid)) : taxInclusive;
			if (!expected.eq(due))
				this.add(
					'BR-CO-16',
					`Amount due (BT-115) ${payable.toFixed(2)} must equal BT-112 − BT-113 + BT-114 = ${xround(due.plus(rounding ?? ZERO)).toFixed(2)}`,
					`${path}.payable`,
				);
		}

		if (rows.length === 0)
			for (const id of ['BR-CO-18', 'PEPPOL-EN16931-R053', 'PEPPOL-EN16931-R054'])
				this.add(id, 'An invoice shall have at least one VAT breakdown (BG-23)', `${path}.vatBreakdown`);

		// BR-CO-14: BT-110 = Σ BT-117.
		if (vatTotal && rows.every((r) => r.tax)) {
			const total = xround(rows.reduce((acc, r) => acc.plus(r.tax!), ZERO));
			if (rows.length > 0 && !vatTotal.eq(total))
				this.add(
					'BR-CO-14',
					`Total VAT (BT-110) ${vatTotal.toFixed(2)} must equal Σ VAT category amounts ${total.toFixed(2)}`,
					`${path}.vatTotal`,
				);
		}

		for (const row of rows) this.breakdownRow(row);
		this.breakdownPresence(rows);
	}

	private breakdownRow(row: BreakdownRow): void {
		const { category, rate, taxable, tax, path } = row;
		// BR-CO-17: BT-117 = BT-116 × BT-119 / 100, within ±1.
		if (tax) {
			const expected = rate && taxable ? xround(taxable.abs().times(rate.div(HUNDRED))) : undefined;
			const ok = !rate
				? xround(tax, 0).eq(0)
				: xround(rate, 0).eq(0)
					? xround(tax, 0).eq(0)
					: expected
						? tax.abs().minus(1).lt(expected) && tax.abs().plus(1).gt(expected)
						: true;
			if (!ok)
				this.add(
					'BR-CO-17',
					`VAT amount ${tax.toFixed(2)} of category ${category} must equal taxable amount × rate / 100${expected ? ` (${expected.toFixed(2)})` : ''}`,
					`${path}.taxAmount`,
				);
			if (
				category === 'S' &&
				(!rate || (expected && !(tax.abs().minus(1).lt(expected) && tax.abs().plus(1).gt(expected))))
			)
				this.add(
					'BR-S-09',
					`VAT amount ${tax.toFixed(2)} of the standard rated breakdown must equal taxable × rate${expected ? ` (${expected.toFixed(2)})` : ', which needs a rate'}`,
					`${path}.taxAmount`,
				);
		}
		const family = CATEGORY_RULES[category];
		if (!family) return;
		const name = CATEGORY_NAMES[category];

		// BR-x-08: taxable amount = Σ lines + charges − allowances of the category (per rate for S, L, M, ±1).
		const perRate = category === 'S' || category === 'L' || category === 'M';
		const matching = this.uses.filter(
			(u) => u.category === category && (!perRate || (rate && u.rate && u.rate.eq(rate))),
		);
		if (taxable && matching.every((u) => u.amount) && !(perRate && !rate)) {
			const expected = matching.reduce(
				(acc, u) => (u.kind === 'allowance' ? acc.minus(u.amount!) : acc.plus(u.amount!)),
				ZERO,
			);
			const ok = perRate
				? matching.length > 0 && taxable.minus(1).lt(expected) && taxable.plus(1).gt(expected)
				: taxable.eq(expected);
			if (!ok)
				this.add(
					`${family}-08`,
					`Taxable amount ${taxable.toFixed(2)} of category ${category}${perRate && rate ? ` ${rate.toFixed()}%` : ''} must equal Σ its line net amounts + charges − allowances (${expected.toFixed(2)})`,
					`${path}.taxableAmount`,
				);
		}
		// BR-x-09: VAT amount zero for the zero and exempt categories.
		if (!perRate && tax && !tax.eq(0))
			this.add(`${family}-09`, `The VAT amount of category ${category} (${name}) shall be 0`, `${path}.taxAmount`);
		if (perRate && category !== 'S' && tax && rate && taxable) {
			const expected = xround(taxable.abs().times(rate.div(HUNDRED)));
			if (!(tax.abs().minus(1).lt(expected) && tax.abs().plus(1).gt(expected)))
				this.add(
					`${family}-09`,
					`VAT amount of category ${category} must equal taxable × rate (${expected.toFixed(2)})`,
					`${path}.taxAmount`,
				);
		}
		// BR-x-10: exemption reason required (E, AE, K, G, O) or forbidden (S, Z, L, M).
		const hasReason = Boolean(row.exemptionReason || row.exemptionReasonCode);
		const needsReason =
			category === 'E' || category === 'AE' || category === 'K' || category === 'G' || category === 'O';
		if (needsReason && !hasReason)
			this.add(
				`${family}-10`,
				`The VAT breakdown of category ${category} (${name}) needs an exemption reason (BT-120) or code (BT-121); set vat.exemptionReason or exemptionReasonCode on its lines`,
				`${path}.exemptionReason`,
			);
		if (!needsReason && hasReason)
			this.add(
				`${family}-10`,
				`The VAT breakdown of category ${category} (${name}) shall not have an exemption reason or code`,
				`${path}.exemptionReason`,
			);
		const code = row.exemptionReasonCode?.toUpperCase();
		if (code) {
			if (!codes.VATEX.has(code))
				this.add(
					'BR-CL-22',
					`Exemption reason code ${row.exemptionReasonCode} is not in the VATEX list`,
					`${path}.exemptionReasonCode`,
				);
			const tied = VATEX_CATEGORY[code];
			if (tied && tied[0] !== category)
				this.add(
					tied[1],
					`Exemption reason code ${code} requires VAT category ${tied[0]}, not ${category}`,
					`${path}.exemptionReasonCode`,
				);
		}
	}

	/** BR-x-01 (breakdown rows per category) and BR-O-11…14 (O excludes every other category). */
	private breakdownPresence(rows: BreakdownRow[]): void {
		const used = new Set(this.uses.map((u) => u.category));
		const count = (c: string) => rows.filter((r) => r.category === c).length;
		for (const category of Object.keys(CATEGORY_RULES)) {
			const n = count(category);
			const family = CATEGORY_RULES[category];
			const atLeastOne = category === 'S' || category === 'L' || category === 'M';
			const ok = atLeastOne ? (used.has(category) ? n > 0 : n === 0) : used.has(category) || n > 0 ? n === 1 : true;
			if (!ok)
				this.add(
					`${family}-01`,
					used.has(category)
						? `Category ${category} (${CATEGORY_NAMES[category]}) is used, so the VAT breakdown needs ${atLeastOne ? 'at least' : 'exactly'} one row for it (found ${n})`
						: `The VAT breakdown has a ${category} row but no line, allowance or charge uses category ${category}`,
					'totals.vatBreakdown',
				);
		}
		if (count('O') > 0) {
			if (rows.some((r) => r.category !== 'O'))
				this.add(
					'BR-O-11',
					'An invoice with a VAT breakdown of category O shall not have other VAT breakdowns',
					'totals.vatBreakdown',
				);
			const others = (kind: CategoryUse['kind']) => this.uses.some((u) => u.kind === kind && u.category !== 'O');
			if (others('line'))
				this.add('BR-O-12', 'An invoice with category O shall not have lines of another VAT category', 'lines');
			if (others('allowance'))
				this.add(
					'BR-O-13',
					'An invoice with category O shall not have allowances of another VAT category',
					'allowanceCharges',
				);
			if (others('charge'))
				this.add(
					'BR-O-14',
					'An invoice with category O shall not have charges of another VAT category',
					'allowanceCharges',
				);
		}
	}

	/** Booked totals (ARCHITECTURE rule 4): the document must agree with the books. */
	private booked(): void {
		if (!this.invoice.booked || !this.computable) return;
		try {
			reconcile(this.invoice);
		} catch (error) {
			if (error instanceof TotalsMismatchError) {
				this.add(
					'EXPORT-BOOKED-TOTALS',
					`${error.message} (computed ${error.computed}, booked ${error.booked})`,
					'booked',
				);
			} else {
				this.add('EXPORT-DECIMAL', `Booked totals: ${(error as Error).message}`, 'booked');
			}
		}
	}

	// -------------------------------------------------------------------------------------------------
	// Denmark (DK-R-*): Danish sellers, and Danish seller to Danish buyer.

	private denmark(): void {
		if (this.sellerCountry !== 'DK') return;
		const inv = this.invoice;
		const legal = inv.seller?.legalId;
		if (!text(legal?.id))
			this.add(
				'DK-R-002',
				'Danish sellers must provide their CVR number as legal registration id (BT-30)',
				'seller.legalId',
			);
		if (legal && isPresent(legal.id) && text(legal.scheme) !== '0184')
			this.add(
				'DK-R-014',
				'The legal registration id of a Danish seller must have scheme 0184 (CVR)',
				'seller.legalId.scheme',
			);
		if (this.isCreditNote && this.buyerCountry === 'DK') {
			// BT-115 as written (given or computed); without totals there is none to be negative.
			if (this.payable?.lt(0))
				this.add('DK-R-016', 'A Danish credit note cannot have a negative amount due (BT-115)', 'totals.payable');
		}
		if (!this.domesticDk) return;

		for (const role of ['seller', 'buyer'] as const) {
			array(inv[role]?.identifiers).forEach((id, i) => {
				if (id && isPresent(id.id) && !text(id.scheme))
					this.add(
						'DK-R-013',
						'Party identifiers between Danish parties must have a scheme',
						`${role}.identifiers[${i}].scheme`,
					);
			});
		}
		const buyerLegal = inv.buyer?.legalId;
		if (buyerLegal && isPresent(buyerLegal.id) && text(buyerLegal.scheme) !== '0184')
			this.add(
				'DK-R-017',
				'The legal registration id of a Danish buyer must have scheme 0184 (CVR)',
				'buyer.legalId.scheme',
			);

		if (!this.isCreditNote)
			array(inv.paymentMeans).forEach((pm, i) => pm && this.danishPaymentMeans(pm, `paymentMeans[${i}]`));

		array(inv.lines).forEach((line, i) => {
			const classes = array(line?.item?.classifications);
			if (
				classes.some((c) => text(c?.listId) === 'TST') &&
				!classes.some((c) => DK_UNSPSC_VERSIONS.has(text(c?.listVersionId) ?? ''))
			)
				this.add(
					'DK-R-003',
					'Danish UNSPSC classifications (TST) must give version 19.05.01 or 26.08.01',
					`lines[${i}].item.classifications`,
				);
			array(line?.allowanceCharges).forEach(
				(ac, j) => ac && this.danishTaxCharge(ac, `lines[${i}].allowanceCharges[${j}]`),
			);
		});
		array(inv.allowanceCharges).forEach((ac, i) => ac && this.danishTaxCharge(ac, `allowanceCharges[${i}]`));
	}

	// -------------------------------------------------------------------------------------------------
	// Norway (NO-R-*) and Sweden (SE-R-*): the fatal national rules for sellers there.

	private norwaySweden(): void {
		const { seller, taxRepresentative } = this.invoice;
		const vatId = text(seller?.vatId);
		// PEPPOL's $supplierCountry: the VAT prefix, else the tax representative's, else the address country.
		const supplierCountry = (vatId ?? text(taxRepresentative?.vatId) ?? this.sellerCountry).slice(0, 2).toUpperCase();
		if (supplierCountry === 'NO') {
			if (vatId?.startsWith('NO') && !(/^NO[0-9]{9}MVA$/.test(vatId) && isValidNoOrgNumber(vatId.slice(2, 11))))
				this.add(
					'NO-R-001',
					'A Norwegian VAT number is NO + a valid organisation number (9 digits) + MVA',
					'seller.vatId',
				);
			if (text(seller?.taxRegistrationId) !== 'Foretaksregisteret')
				this.add(
					'NO-R-002',
					'Most Norwegian sellers must state "Foretaksregisteret" (seller tax registration id, BT-32)',
					'seller.taxRegistrationId',
					'warning',
				);
		}
		if (this.sellerCountry !== 'SE') return;
		if (vatId?.startsWith('SE')) {
			if (vatId.length !== 14) this.add('SE-R-001', 'A Swedish VAT number has 14 characters', 'seller.vatId');
			if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(vatId.slice(2, 14)))
				this.add('SE-R-002', 'The last 12 characters of a Swedish VAT number are digits', 'seller.vatId');
			const rates = new Set<string>();
			for (const u of this.uses) if (u.category === 'S') rates.add(u.rate ? u.rate.toFixed() : '');
			for (const rate of rates)
				if (!['25', '12', '6'].includes(rate))
					this.add('SE-R-006', `Swedish standard rates are 25, 12 or 6 (not ${rate || 'missing'})`, 'lines');
		}
		const legal = seller?.legalId;
		if (legal && isPresent(legal.id)) {
			const id = String(legal.id).replace(/\s+/g, ' ').trim();
			if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(String(legal.id)))
				this.add('SE-R-003', 'Swedish organisation numbers are numeric', 'seller.legalId.id');
			if (id.length !== 10) this.add('SE-R-004', 'Swedish organisation numbers have 10 digits', 'seller.legalId.id');
			if (!isValidSeOrgNumber(id))
				this.add('SE-R-013', 'The check digit of the Swedish organisation number is wrong (Luhn)', 'seller.legalId.id');
			const fTax = text(seller?.taxRegistrationId);
			if (fTax !== undefined && fTax.replace(/\s+/g, ' ').toUpperCase() !== 'GODKÄND FÖR F-SKATT')
				this.add(
					'SE-R-005',
					'A Swedish seller tax registration must read "Godkänd för F-skatt"',
					'seller.taxRegistrationId',
				);
		}
	}

	// -------------------------------------------------------------------------------------------------
	// The Netherlands (NL-R-*): Dutch sellers.

	private netherlands(): void {
		if (this.sellerCountry !== 'NL') return;
		const inv = this.invoice;
		const domestic = this.buyerCountry === 'NL';
		const fullAddress = (a: PostalAddress | undefined) =>
			Boolean(text(a?.line1) && text(a?.city) && text(a?.postalCode));
		const kvkOrOin = (id: Identifier | undefined) =>
			!id || !isPresent(id.id) || (['0106', '0190'].includes(text(id.scheme) ?? '') && Boolean(text(id.id)));
		if (this.isCreditNote && !array(inv.precedingInvoices).some((p) => text(p?.number)))
			this.add('NL-R-001', 'A Dutch credit note must reference the invoice it credits (BT-25)', 'precedingInvoices');
		if (inv.seller?.address && !fullAddress(inv.seller.address))
			this.add('NL-R-002', 'A Dutch seller address needs street, city and post code', 'seller.address');
		if (!kvkOrOin(inv.seller?.legalId))
			this.add('NL-R-003', 'A Dutch seller legal id must be a KVK (0106) or OIN (0190) number', 'seller.legalId');
		if (domestic && inv.buyer?.address && !fullAddress(inv.buyer.address))
			this.add('NL-R-004', 'A Dutch buyer address needs street, city and post code', 'buyer.address');
		if (domestic && !kvkOrOin(inv.buyer?.legalId))
			this.add('NL-R-005', 'A Dutch buyer legal id must be a KVK (0106) or OIN (0190) number', 'buyer.legalId');
		const rep = inv.taxRepresentative;
		if (rep?.address && text(rep.address.country)?.toUpperCase() === 'NL' && !fullAddress(rep.address))
			this.add(
				'NL-R-006',
				'A Dutch tax representative address needs street, city and post code',
				'taxRepresentative.address',
			);
		const payable = this.payable;
		if (payable && (this.isCreditNote ? payable.lt(0) : payable.gt(0)) && array(inv.paymentMeans).length === 0)
			this.add('NL-R-007', 'A Dutch seller must give payment means when the buyer pays', 'paymentMeans');
		if (domestic)
			array(inv.paymentMeans).forEach((pm, i) => {
				if (!['30', '48', '49', '57', '58', '59'].includes(text(pm?.code) ?? ''))
					this.add(
						'NL-R-008',
						'Between Dutch parties the payment means code is 30, 48, 49, 57, 58 or 59',
						`paymentMeans[${i}].code`,
					);
			});
		if (
			array(inv.lines).some((l) => text(l?.orderLineReference)) &&
			!text(inv.orderReference) &&
			!text(inv.salesOrderReference)
		)
			this.add(
				'NL-R-009',
				'A Dutch invoice with order line references needs the order reference (BT-13)',
				'orderReference',
			);
	}

	private danishPaymentMeans(pm: PaymentMeans, path: string): void {
		const code = text(pm.code) ?? '';
		if (!DK_PAYMENT_MEANS.has(code))
			this.add(
				'DK-R-005',
				`Danish payment means must be one of 1, 10, 31, 42, 48, 49, 50, 58, 59, 93, 97 (not ${code})`,
				`${path}.code`,
			);
		const paymentId = writtenPaymentId(pm) ?? '';
		const account = writtenPayeeAccount(pm) ?? '';
		if ((code === '31' || code === '42') && !(account && text(pm.creditTransfer?.serviceProviderId)))
			this.add(
				'DK-R-006',
				'Payment means 31/42 need the bank account (BT-84) and the registration number (BT-86)',
				`${path}.creditTransfer`,
			);
		if (code === '49' && !(text(pm.directDebit?.mandateId) && text(pm.directDebit?.debitedAccountId)))
			this.add(
				'DK-R-007',
				'Payment means 49 needs the mandate id (BT-89) and the debited account (BT-91)',
				`${path}.directDebit`,
			);
		const prefix = paymentId.slice(0, 3);
		if (code === '50') {
			if (!['01#', '04#', '15#'].includes(prefix) || !/^[0-9]{7,8}$/.test(account))
				this.add(
					'DK-R-008',
					'Giro (50) needs a payment id starting 01#, 04# or 15# and a 7–8 digit giro account',
					path,
				);
			if ((prefix === '04#' || prefix === '15#') && paymentId.length !== 19)
				this.add('DK-R-009', 'Giro card types 04 and 15 need a 16-digit payment id', `${path}.giro.paymentId`);
		}
		if (code === '93') {
			if (!['71#', '73#', '75#'].includes(prefix) || account.length !== 8)
				this.add(
					'DK-R-010',
					'FIK (93) needs a payment id starting 71#, 73# or 75# and an 8-character creditor number',
					path,
				);
			if ((prefix === '71#' || prefix === '75#') && paymentId.length !== 18 && paymentId.length !== 19)
				this.add('DK-R-011', 'FIK card types 71 and 75 need a 15–16 digit payment id', `${path}.giro.paymentId`);
		}
	}

	private danishTaxCharge(ac: AllowanceCharge, path: string): void {
		if (text(ac.reasonCode) !== 'ZZZ') return;
		const reason = typeof ac.reason === 'string' ? ac.reason : '';
		const normalized = reason.replace(/\s+/g, ' ').trim();
		const fourDigits =
			normalized.length === 4 &&
			/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(reason) &&
			Number(reason) >= 0 &&
			Number(reason) <= 9999;
		const hashed = reason.includes('#') && !reason.startsWith('#') && !reason.endsWith('#');
		if (!fourDigits && !hashed)
			this.add(
				'DK-R-004',
				'Danish non-VAT taxes (reason code ZZZ) need a 4-digit tax category or a reason containing # (not first or last)',
				`${path}.reason`,
			);
	}
}

// ---------------------------------------------------------------------------------------------------------
// Document view: how the PEPPOL writer maps payment means (kept here so the checks follow one mapping).

/** PaymentID (BT-83) as written: the remittance information, or `<card type>#<payment id>` for Danish giro/FIK. */
export function writtenPaymentId(pm: PaymentMeans): string | undefined {
	if (pm.giro && text(pm.giro.cardType)) return `${text(pm.giro.cardType)}#${text(pm.giro.paymentId) ?? ''}`;
	return text(pm.paymentId);
}

/** PayeeFinancialAccount/ID as written: the account (BT-84), or the giro/FIK creditor number. */
export function writtenPayeeAccount(pm: PaymentMeans): string | undefined {
	if (pm.giro) return text(pm.giro.creditorId);
	return text(pm.creditTransfer?.accountId);
}

/**
 * @internal The totals pre-flight derives from the amounts it has parsed, or undefined where it defers to
 * computeTotals (booked VAT per category, tax currency) or the invoice cannot be computed. Exposed so a test can
 * hold them equal to computeTotals.
 */
export function preflightComputedTotals(invoice: Invoice): Totals | undefined {
	return new PeppolChecks(invoice).computedTotals();
}
