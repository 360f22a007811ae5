/**
 * Mutations of the canonical fixtures for the pre-flight ⇄ validator agreement suite.
 *
 * Each mutation changes one thing an accounting system, a mapper or a user can get wrong (a missing term, a
 * wrong total, a bad code, a wrong VAT category combination, a bad endpoint, too many decimals, a Danish
 * payment rule …) or, as a control, something harmless that must stay valid. A mutation is applied to a
 * deep copy of a few fixtures chosen so that it makes sense there; the result is written with the PEPPOL
 * writer and judged by the official validator, and the suite compares that verdict with pre-flight's.
 */
import { computeTotals, lineNetAmount } from '../../nodes/shared/einvoice/totals';
import { dec, money } from '../../nodes/shared/einvoice/decimal';
import type { Attachment, Invoice, InvoiceLine, Totals } from '../../nodes/shared/einvoice/model';

export type MutationFamily =
	| 'mandatory'
	| 'arithmetic'
	| 'decimals'
	| 'vat-category'
	| 'code-list'
	| 'endpoint'
	| 'dates'
	| 'peppol'
	| 'dk'
	| 'control';

export interface MutationSpec {
	id: string;
	family: MutationFamily;
	/** What the mutation does, for the report. */
	description: string;
	/** Fixture name prefixes ("01", "25" …) the mutation is applied to. */
	on: string[];
	apply(invoice: Invoice): void;
}

export interface MutatedInvoice {
	/** `<spec id>@<fixture prefix>`, unique. */
	name: string;
	spec: MutationSpec;
	fixture: string;
	invoice: Invoice;
}

/** A fixture base: a DK invoice, a credit note, public sector (EAN), mixed rates, allowances, EUR, FIK, delivery. */
const GENERIC = ['01', '02', '03', '12', '14', '22', '25', '36', '41', '17'];

/** Pick `count` bases from GENERIC, rotating by a per-spec offset so that every base gets used. */
let rotation = 0;
function some(count = 4, from: string[] = GENERIC): string[] {
	const picked: string[] = [];
	for (let i = 0; i < count; i++) picked.push(from[(rotation + i) % from.length]);
	rotation += count;
	return picked;
}

function clone<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

function line(inv: Invoice, index = 0): InvoiceLine {
	return inv.lines[Math.min(index, inv.lines.length - 1)];
}

/** The invoice's totals as computed, to be given explicitly (and then broken) by arithmetic mutations. */
function givenTotals(inv: Invoice, change: (totals: Totals) => void): void {
	const totals = computeTotals(inv);
	change(totals);
	inv.totals = totals;
}

function add(amount: string, delta: string): string {
	return money(dec(amount).plus(dec(delta)));
}

/** A GS1 number with its check digit computed (for valid GLN controls). */
function withGs1CheckDigit(body: string): string {
	let sum = 0;
	for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += Number(body[i]) * w;
	return body + String((10 - (sum % 10)) % 10);
}

const S25 = { category: 'S' as const, rate: '25' };

/** The first attachment with embedded content. */
function embedded(inv: Invoice): Attachment {
	return inv.attachments!.find((a) => a.contentBase64) ?? inv.attachments![0];
}

export const MUTATIONS: MutationSpec[] = [
	// ---------------------------------------------------------------- mandatory terms
	{
		id: 'no-number',
		family: 'mandatory',
		description: 'Invoice number (BT-1) blank',
		on: some(3),
		apply: (i) => void (i.number = ' '),
	},
	{
		id: 'no-issue-date',
		family: 'mandatory',
		description: 'Issue date (BT-2) missing',
		on: some(3),
		apply: (i) => void delete (i as Partial<Invoice>).issueDate,
	},
	{
		id: 'no-seller-name',
		family: 'mandatory',
		description: 'Seller name (BT-27) blank',
		on: some(3),
		apply: (i) => void (i.seller.name = ''),
	},
	{
		id: 'no-buyer-name',
		family: 'mandatory',
		description: 'Buyer name (BT-44) blank',
		on: some(3),
		apply: (i) => void (i.buyer.name = ''),
	},
	{
		id: 'no-seller-country',
		family: 'mandatory',
		description: 'Seller country (BT-40) blank',
		on: ['01', '22', '08'],
		apply: (i) => void (i.seller.address.country = ''),
	},
	{
		id: 'no-buyer-country',
		family: 'mandatory',
		description: 'Buyer country (BT-55) blank',
		on: some(3),
		apply: (i) => void (i.buyer.address.country = ''),
	},
	{
		id: 'no-buyer-address',
		family: 'mandatory',
		description: 'Buyer postal address (BG-8) missing',
		on: some(2),
		apply: (i) => void delete (i.buyer as Partial<Invoice['buyer']>).address,
	},
	{
		id: 'no-lines',
		family: 'mandatory',
		description: 'No invoice lines (BG-25)',
		on: some(2),
		apply: (i) => void (i.lines = []),
	},
	{
		id: 'no-line-id',
		family: 'mandatory',
		description: 'Line identifier (BT-126) blank',
		on: some(3),
		apply: (i) => void (line(i).id = ''),
	},
	{
		id: 'no-unit-code',
		family: 'mandatory',
		description: 'Unit code (BT-130) blank',
		on: some(3),
		apply: (i) => void (line(i, 1).unitCode = ''),
	},
	{
		id: 'no-item-name',
		family: 'mandatory',
		description: 'Item name (BT-153) blank',
		on: some(3),
		apply: (i) => void (line(i).item.name = ''),
	},
	{
		id: 'no-price',
		family: 'mandatory',
		description: 'Item net price (BT-146) missing',
		on: some(3),
		apply: (i) => void (line(i).price = { amount: '' }),
	},
	{
		id: 'no-buyer-reference',
		family: 'mandatory',
		description: 'Neither buyer reference (BT-10) nor order reference (BT-13)',
		on: some(4),
		apply: (i) => {
			delete i.buyerReference;
			delete i.orderReference;
		},
	},
	{
		id: 'no-seller-endpoint',
		family: 'mandatory',
		description: 'Seller electronic address (BT-34) missing',
		on: some(3),
		apply: (i) => void delete i.seller.endpoint,
	},
	{
		id: 'no-buyer-endpoint',
		family: 'mandatory',
		description: 'Buyer electronic address (BT-49) missing',
		on: some(3),
		apply: (i) => void delete i.buyer.endpoint,
	},
	{
		id: 'no-endpoint-scheme',
		family: 'mandatory',
		description: 'Buyer endpoint without scheme',
		on: some(3),
		apply: (i) => void (i.buyer.endpoint!.scheme = ''),
	},
	{
		id: 'no-payment-means-code',
		family: 'mandatory',
		description: 'Payment means code (BT-81) blank',
		on: some(3),
		apply: (i) => void (i.paymentMeans![0].code = ''),
	},
	{
		id: 'no-preceding-number',
		family: 'mandatory',
		description: 'Preceding invoice number (BT-25) blank',
		on: ['02', '04', '41'],
		apply: (i) => void (i.precedingInvoices![0].number = ''),
	},
	{
		id: 'no-attachment-id',
		family: 'mandatory',
		description: 'Attachment id (BT-122) blank',
		on: ['23', '45'],
		apply: (i) => void (i.attachments![0].id = ''),
	},
	{
		id: 'no-attachment-filename',
		family: 'mandatory',
		description: 'Embedded attachment without file name',
		on: ['23', '45'],
		apply: (i) => void delete embedded(i).fileName,
	},
	{
		id: 'no-taxrep-name',
		family: 'mandatory',
		description: 'Tax representative name (BT-62) blank',
		on: ['35'],
		apply: (i) => void (i.taxRepresentative!.name = ''),
	},
	{
		id: 'no-taxrep-vat',
		family: 'mandatory',
		description: 'Tax representative VAT id (BT-63) blank',
		on: ['35'],
		apply: (i) => void (i.taxRepresentative!.vatId = ''),
	},
	{
		id: 'no-payee-name',
		family: 'mandatory',
		description: 'Payee name (BT-59) blank',
		on: ['34'],
		apply: (i) => void (i.payee!.name = ''),
	},
	{
		id: 'no-seller-ids',
		family: 'mandatory',
		description: 'Seller without VAT id and legal id',
		on: ['01', '11', '25'],
		apply: (i) => {
			delete i.seller.vatId;
			delete i.seller.legalId;
		},
	},
	{
		id: 'no-allowance-reason',
		family: 'mandatory',
		description: 'Document allowance without reason or code',
		on: ['14', '16', '41'],
		apply: (i) => {
			delete i.allowanceCharges![0].reason;
			delete i.allowanceCharges![0].reasonCode;
		},
	},
	{
		id: 'no-allowance-vat',
		family: 'mandatory',
		description: 'Document allowance without VAT category',
		on: ['14', '16'],
		apply: (i) => void delete i.allowanceCharges![0].vat,
	},
	{
		id: 'no-line-allowance-reason',
		family: 'mandatory',
		description: 'Line allowance without reason or code',
		on: ['17'],
		apply: (i) => {
			delete line(i).allowanceCharges![0].reason;
			delete line(i).allowanceCharges![0].reasonCode;
		},
	},
	{
		id: 'no-line-charge-amount',
		family: 'mandatory',
		description: 'Line charge without amount',
		on: ['01', '12', '36'],
		apply: (i) => void (line(i).allowanceCharges = [{ isCharge: true, reason: 'Fragt' }]),
	},
	{
		id: 'attribute-without-value',
		family: 'mandatory',
		description: 'Item attribute without value (BT-161)',
		on: some(3),
		apply: (i) => void (line(i).item.attributes = [{ name: 'Farve', value: '' }]),
	},
	{
		id: 'standard-id-without-scheme',
		family: 'mandatory',
		description: 'Item standard id (BT-157) without scheme',
		on: some(3),
		apply: (i) => void (line(i).item.standardId = { id: withGs1CheckDigit('570123456789') }),
	},
	{
		id: 'classification-without-list',
		family: 'mandatory',
		description: 'Item classification (BT-158) without list id',
		on: some(3),
		apply: (i) => void (line(i).item.classifications = [{ code: '27112700', listId: '' }]),
	},
	{
		id: 'no-line-vat',
		family: 'mandatory',
		description: 'Line without VAT category',
		on: some(3),
		apply: (i) => void delete (line(i) as Partial<InvoiceLine>).vat,
	},
	{
		id: 'tax-currency-without-bt111',
		family: 'mandatory',
		description: 'Tax currency (BT-6) without VAT total in it (BT-111)',
		on: ['22'],
		apply: (i) => {
			delete i.taxCurrency!.exchangeRate;
			delete i.taxCurrency!.vatTotal;
		},
	},
	{
		id: 'tax-currency-added-without-rate',
		family: 'mandatory',
		description: 'Tax currency EUR added without rate or amount',
		on: ['01', '03'],
		apply: (i) => void (i.taxCurrency = { code: 'EUR' }),
	},

	{
		id: 'attachment-bad-base64',
		family: 'mandatory',
		description: 'Attachment content that is not base64',
		on: ['23', '45'],
		apply: (i) => void (i.attachments![0].contentBase64 = 'JVBERi0xLjQK%%EOF'),
	},
	{
		id: 'attachment-base64-wrapped',
		family: 'control',
		description: 'Attachment base64 wrapped over lines',
		on: ['23'],
		apply: (i) => void (i.attachments![0].contentBase64 = i.attachments![0].contentBase64!.replace(/(.{76})/g, '$1\n')),
	},

	// ---------------------------------------------------------------- arithmetic
	{
		id: 'line-net-off-3',
		family: 'arithmetic',
		description: 'Given line net amount 0.03 above quantity × price',
		on: some(4),
		apply: (i) => void (line(i).netAmount = add(money(lineNetAmount(line(i))), '0.03')),
	},
	{
		id: 'line-net-off-100',
		family: 'arithmetic',
		description: 'Given line net amount 100 above quantity × price',
		on: some(3),
		apply: (i) => void (line(i, 1).netAmount = add(money(lineNetAmount(line(i, 1))), '100')),
	},
	{
		id: 'line-net-off-1-cent',
		family: 'control',
		description: 'Given line net amount 0.01 off (within the 0.02 slack of R120)',
		on: some(3),
		apply: (i) => void (line(i).netAmount = add(money(lineNetAmount(line(i))), '0.01')),
	},
	{
		id: 'totals-given-correct',
		family: 'control',
		description: 'Totals given explicitly, equal to the computed ones',
		on: some(4),
		apply: (i) => givenTotals(i, () => {}),
	},
	{
		id: 'totals-line-net-wrong',
		family: 'arithmetic',
		description: 'Given BT-106 off by 1.00',
		on: some(3),
		apply: (i) => givenTotals(i, (t) => void (t.lineNetTotal = add(t.lineNetTotal, '1'))),
	},
	{
		id: 'totals-tax-exclusive-wrong',
		family: 'arithmetic',
		description: 'Given BT-109 off by 0.01',
		on: some(3),
		apply: (i) => givenTotals(i, (t) => void (t.taxExclusive = add(t.taxExclusive, '0.01'))),
	},
	{
		id: 'totals-vat-total-wrong',
		family: 'arithmetic',
		description: 'Given BT-110 off by 0.10',
		on: some(3),
		apply: (i) => givenTotals(i, (t) => void (t.vatTotal = add(t.vatTotal, '0.1'))),
	},
	{
		id: 'totals-tax-inclusive-wrong',
		family: 'arithmetic',
		description: 'Given BT-112 off by 5.00',
		on: some(3),
		apply: (i) => givenTotals(i, (t) => void (t.taxInclusive = add(t.taxInclusive, '5'))),
	},
	{
		id: 'totals-payable-wrong',
		family: 'arithmetic',
		description: 'Given BT-115 off by 0.01',
		on: some(3),
		apply: (i) => givenTotals(i, (t) => void (t.payable = add(t.payable, '0.01'))),
	},
	{
		id: 'totals-breakdown-taxable-wrong',
		family: 'arithmetic',
		description: 'Given BT-116 of the first row off by 2.00',
		on: some(4),
		apply: (i) =>
			givenTotals(i, (t) => void (t.vatBreakdown[0].taxableAmount = add(t.vatBreakdown[0].taxableAmount, '2'))),
	},
	{
		id: 'totals-breakdown-tax-wrong',
		family: 'arithmetic',
		description: 'Given BT-117 off by 3.00 (BT-110 and totals follow)',
		on: ['01', '03', '14', '22'],
		apply: (i) =>
			givenTotals(i, (t) => {
				const row = t.vatBreakdown.find((r) => r.category === 'S')!;
				row.taxAmount = add(row.taxAmount, '3');
				t.vatTotal = add(t.vatTotal, '3');
				t.taxInclusive = add(t.taxInclusive, '3');
				t.payable = add(t.payable, '3');
			}),
	},
	{
		id: 'totals-breakdown-tax-tolerated',
		family: 'control',
		description: 'Given BT-117 off by 0.50, within BR-CO-17 tolerance (totals follow)',
		on: ['01', '03', '14', '22'],
		apply: (i) =>
			givenTotals(i, (t) => {
				const row = t.vatBreakdown.find((r) => r.category === 'S')!;
				row.taxAmount = add(row.taxAmount, '0.5');
				t.vatTotal = add(t.vatTotal, '0.5');
				t.taxInclusive = add(t.taxInclusive, '0.5');
				t.payable = add(t.payable, '0.5');
			}),
	},
	{
		id: 'totals-allowance-total-missing',
		family: 'arithmetic',
		description: 'Given totals without BT-107 although there are allowances',
		on: ['14', '16', '41'],
		apply: (i) => givenTotals(i, (t) => void delete t.allowanceTotal),
	},
	{
		id: 'totals-charge-total-wrong',
		family: 'arithmetic',
		description: 'Given BT-108 off by 1.00',
		on: ['15'],
		apply: (i) => givenTotals(i, (t) => void (t.chargeTotal = add(t.chargeTotal!, '1'))),
	},
	{
		id: 'totals-breakdown-row-missing',
		family: 'arithmetic',
		description: 'Given totals without the Z breakdown row',
		on: ['12', '41'],
		apply: (i) => givenTotals(i, (t) => void (t.vatBreakdown = t.vatBreakdown.filter((r) => r.category !== 'Z'))),
	},
	{
		id: 'allowance-percent-mismatch',
		family: 'arithmetic',
		description: 'Allowance amount ≠ base × percentage',
		on: ['16'],
		apply: (i) => {
			const ac = i.allowanceCharges![0];
			ac.amount = add(money(dec(ac.baseAmount!).times(dec(ac.percent!)).div(100)), '1');
		},
	},
	{
		id: 'allowance-percent-without-base',
		family: 'arithmetic',
		description: 'Allowance percentage without base amount',
		on: ['14', '15', '41'],
		apply: (i) => void (i.allowanceCharges![0].percent = '5'),
	},
	{
		id: 'allowance-base-without-percent',
		family: 'arithmetic',
		description: 'Allowance base amount without percentage',
		on: ['14', '15', '41'],
		apply: (i) => void (i.allowanceCharges![0].baseAmount = '1000.00'),
	},
	{
		id: 'prepaid-added',
		family: 'control',
		description: 'A prepaid amount (BT-113) of 100.00',
		on: some(3),
		apply: (i) => void (i.prepaidAmount = '100.00'),
	},
	{
		id: 'rounding-added',
		family: 'control',
		description: 'A rounding amount (BT-114) of 0.25',
		on: some(3),
		apply: (i) => void (i.roundingAmount = '0.25'),
	},
	{
		id: 'base-quantity-zero',
		family: 'arithmetic',
		description: 'Price base quantity (BT-149) 0',
		on: ['42', '01', '12'],
		apply: (i) => void (line(i).price.baseQuantity = '0'),
	},
	{
		id: 'base-quantity-unit-differs',
		family: 'arithmetic',
		description: 'Base quantity unit differs from the invoiced unit',
		on: ['42', '01'],
		apply: (i) =>
			void (line(i).price = {
				...line(i).price,
				baseQuantity: line(i).price.baseQuantity ?? '1',
				baseQuantityUnitCode: 'KGM',
			}),
	},
	{
		id: 'base-quantity-10',
		family: 'control',
		description: 'Price per 10 units (base quantity 10)',
		on: ['01', '12', '36'],
		apply: (i) =>
			void (line(i).price = {
				amount: money(lineNetAmount(line(i))),
				baseQuantity: line(i).quantity,
				baseQuantityUnitCode: line(i).unitCode,
			}),
	},
	{
		id: 'gross-discount-mismatch',
		family: 'arithmetic',
		description: 'Gross price − discount ≠ net price',
		on: ['18'],
		apply: (i) => void (line(i).price.discount = add(line(i).price.discount!, '1')),
	},
	{
		id: 'gross-price-only',
		family: 'control',
		description: 'Gross price without explicit discount',
		on: ['18', '01'],
		apply: (i) => void (line(i).price = { amount: line(i).price.amount, grossAmount: add(line(i).price.amount, '10') }),
	},
	{
		id: 'negative-price',
		family: 'arithmetic',
		description: 'Negative item net price (BR-27)',
		on: some(3),
		apply: (i) => {
			line(i).price.amount = `-${line(i).price.amount}`;
			line(i).quantity = `-${line(i).quantity}`.replace('--', '');
		},
	},
	{
		id: 'negative-quantity-line',
		family: 'control',
		description: 'A negative line (negative quantity)',
		on: some(3),
		apply: (i) => void i.lines.push({ ...clone(line(i)), id: '99', quantity: '-1' }),
	},
	{
		id: 'credit-note-negative-total',
		family: 'dk',
		description: 'Danish credit note with negative amount due',
		on: ['02', '04', '47'],
		apply: (i) => {
			for (const l of i.lines) l.quantity = `-${l.quantity}`;
		},
	},

	// ---------------------------------------------------------------- decimals
	{
		id: 'line-net-3-decimals',
		family: 'decimals',
		description: 'Line net amount with 3 decimals',
		on: some(3),
		apply: (i) => void (line(i).netAmount = `${money(lineNetAmount(line(i)))}1`),
	},
	{
		id: 'line-net-trailing-zero',
		family: 'control',
		description: 'Line net amount written 123.450 (trailing zero)',
		on: some(3),
		apply: (i) => void (line(i).netAmount = `${money(lineNetAmount(line(i)))}0`),
	},
	{
		id: 'allowance-3-decimals',
		family: 'decimals',
		description: 'Document allowance amount with 3 decimals',
		on: ['14', '41'],
		apply: (i) => void (i.allowanceCharges![0].amount = `${i.allowanceCharges![0].amount ?? '10.00'}5`),
	},
	{
		id: 'allowance-base-3-decimals',
		family: 'decimals',
		description: 'Allowance base amount with 3 decimals',
		on: ['16'],
		apply: (i) => void (i.allowanceCharges![0].baseAmount = `${i.allowanceCharges![0].baseAmount}1`),
	},
	{
		id: 'line-charge-3-decimals',
		family: 'decimals',
		description: 'Line charge amount with 3 decimals',
		on: ['01', '12', '36'],
		apply: (i) => void (line(i).allowanceCharges = [{ isCharge: true, amount: '12.345', reason: 'Fragt' }]),
	},
	{
		id: 'payable-3-decimals',
		family: 'decimals',
		description: 'Given payable amount with 3 decimals',
		on: some(2),
		apply: (i) => givenTotals(i, (t) => void (t.payable = `${t.payable}1`)),
	},
	{
		id: 'prepaid-3-decimals',
		family: 'decimals',
		description: 'Prepaid amount with 3 decimals',
		on: some(2),
		apply: (i) => givenTotals(i, (t) => void (t.prepaid = '0.001')),
	},
	{
		id: 'price-4-decimals',
		family: 'control',
		description: 'Unit price with 4 decimals (prices keep precision)',
		on: some(3),
		apply: (i) => void (line(i).price.amount = '12.3456'),
	},
	{
		id: 'quantity-3-decimals',
		family: 'control',
		description: 'Quantity with 3 decimals',
		on: some(3),
		apply: (i) => void (line(i).quantity = '2.125'),
	},
	{
		id: 'malformed-quantity',
		family: 'decimals',
		description: 'Quantity "1,5" (decimal comma)',
		on: some(3),
		apply: (i) => void (line(i).quantity = '1,5'),
	},
	{
		id: 'malformed-price',
		family: 'decimals',
		description: 'Price "kr 100"',
		on: some(2),
		apply: (i) => void (line(i).price.amount = 'kr 100'),
	},
	{
		id: 'malformed-rate',
		family: 'decimals',
		description: 'VAT rate "25%"',
		on: some(2),
		apply: (i) => void (line(i).vat.rate = '25%'),
	},

	// ---------------------------------------------------------------- VAT categories
	{
		id: 's-rate-zero',
		family: 'vat-category',
		description: 'Standard rated line with rate 0',
		on: some(3, ['01', '03', '14', '22', '36']),
		apply: (i) => void (i.lines.find((l) => l.vat.category === 'S')!.vat.rate = '0'),
	},
	{
		id: 's-rate-missing',
		family: 'vat-category',
		description: 'Standard rated line without rate',
		on: ['01', '14', '25'],
		apply: (i) => void delete i.lines.find((l) => l.vat.category === 'S')!.vat.rate,
	},
	{
		id: 's-rate-12',
		family: 'control',
		description: 'One line at a reduced 12% rate',
		on: some(3),
		apply: (i) => void (i.lines.find((l) => l.vat.category === 'S')!.vat.rate = '12'),
	},
	{
		id: 'z-rate-25',
		family: 'vat-category',
		description: 'Zero rated line with rate 25',
		on: ['05', '12', '41'],
		apply: (i) => void (i.lines.find((l) => l.vat.category === 'Z')!.vat.rate = '25'),
	},
	{
		id: 'z-rate-missing',
		family: 'vat-category',
		description: 'Zero rated line without rate next to one with rate 0',
		on: ['05', '12'],
		apply: (i) => void delete i.lines.find((l) => l.vat.category === 'Z')!.vat.rate,
	},
	{
		id: 'z-with-reason',
		family: 'vat-category',
		description: 'Zero rated line with an exemption reason',
		on: ['05', '12', '41'],
		apply: (i) => void (i.lines.find((l) => l.vat.category === 'Z')!.vat.exemptionReason = 'Nulmoms'),
	},
	{
		id: 's-with-reason',
		family: 'vat-category',
		description: 'Standard rated line with an exemption reason',
		on: some(3),
		apply: (i) => void (i.lines.find((l) => l.vat.category === 'S')!.vat.exemptionReason = 'Fritaget'),
	},
	{
		id: 'e-without-reason',
		family: 'vat-category',
		description: 'Exempt line without exemption reason or code',
		on: ['06', '07', '13'],
		apply: (i) => {
			for (const l of i.lines)
				if (l.vat.category === 'E') {
					delete l.vat.exemptionReason;
					delete l.vat.exemptionReasonCode;
				}
		},
	},
	{
		id: 'e-rate-25',
		family: 'vat-category',
		description: 'Exempt line with rate 25',
		on: ['06', '07', '13'],
		apply: (i) => void (i.lines.find((l) => l.vat.category === 'E')!.vat.rate = '25'),
	},
	{
		id: 'e-vatex-g',
		family: 'vat-category',
		description: 'Exempt line with VATEX-EU-G',
		on: ['06', '07'],
		apply: (i) => void (i.lines.find((l) => l.vat.category === 'E')!.vat.exemptionReasonCode = 'VATEX-EU-G'),
	},
	{
		id: 'e-vatex-unknown',
		family: 'code-list',
		description: 'Exemption code VATEX-EU-999',
		on: ['07'],
		apply: (i) => void (i.lines.find((l) => l.vat.category === 'E')!.vat.exemptionReasonCode = 'VATEX-EU-999'),
	},
	{
		id: 'ae-no-buyer-vat',
		family: 'vat-category',
		description: 'Reverse charge without buyer VAT id or legal id',
		on: ['08'],
		apply: (i) => {
			delete i.buyer.vatId;
			delete i.buyer.legalId;
		},
	},
	{
		id: 'ae-no-reason',
		family: 'vat-category',
		description: 'Reverse charge without exemption reason',
		on: ['08'],
		apply: (i) => {
			for (const l of i.lines) {
				delete l.vat.exemptionReason;
				delete l.vat.exemptionReasonCode;
			}
		},
	},
	{
		id: 'ae-rate-25',
		family: 'vat-category',
		description: 'Reverse charge line with rate 25',
		on: ['08'],
		apply: (i) => void (line(i).vat.rate = '25'),
	},
	{
		id: 'k-no-delivery',
		family: 'vat-category',
		description: 'Intra-community supply without delivery date and country',
		on: ['09'],
		apply: (i) => void delete i.delivery,
	},
	{
		id: 'k-no-buyer-vat',
		family: 'vat-category',
		description: 'Intra-community supply without buyer VAT id',
		on: ['09'],
		apply: (i) => void delete i.buyer.vatId,
	},
	{
		id: 'k-vatex-ae',
		family: 'vat-category',
		description: 'Intra-community supply with VATEX-EU-AE',
		on: ['09'],
		apply: (i) => void (line(i).vat.exemptionReasonCode = 'VATEX-EU-AE'),
	},
	{
		id: 'g-no-seller-vat',
		family: 'vat-category',
		description: 'Export without seller VAT id',
		on: ['10'],
		apply: (i) => void delete i.seller.vatId,
	},
	{
		id: 'g-rate-25',
		family: 'vat-category',
		description: 'Export line with rate 25',
		on: ['10'],
		apply: (i) => void (line(i).vat.rate = '25'),
	},
	{
		id: 'o-with-seller-vat',
		family: 'vat-category',
		description: 'Outside scope with seller VAT id',
		on: ['11', '39'],
		apply: (i) => void (i.seller.vatId = 'DK29891222'),
	},
	{
		id: 'o-with-buyer-vat',
		family: 'vat-category',
		description: 'Outside scope with buyer VAT id',
		on: ['11', '39'],
		apply: (i) => void (i.buyer.vatId = 'DK35782036'),
	},
	{
		id: 'o-mixed-with-s',
		family: 'vat-category',
		description: 'Outside scope invoice with a standard rated line',
		on: ['11', '39'],
		apply: (i) => void i.lines.push({ ...clone(line(i)), id: '99', vat: { ...S25 } }),
	},
	{
		id: 'o-rate-given',
		family: 'control',
		description: 'Outside scope line with rate 0 given (not written)',
		on: ['11', '39'],
		apply: (i) => void (line(i).vat.rate = '0'),
	},
	{
		id: 'unknown-category',
		family: 'code-list',
		description: 'Line VAT category "X"',
		on: some(3),
		apply: (i) => void (line(i).vat.category = 'X' as never),
	},
	{
		id: 'allowance-s-rate-zero',
		family: 'vat-category',
		description: 'Standard rated document allowance with rate 0',
		on: ['14', '16'],
		apply: (i) => void (i.allowanceCharges![0].vat = { category: 'S', rate: '0' }),
	},
	{
		id: 'allowance-category-e',
		family: 'vat-category',
		description: 'Exempt document allowance on an S-only invoice, no reason',
		on: ['14', '15'],
		apply: (i) => void (i.allowanceCharges![0].vat = { category: 'E', rate: '0' }),
	},
	{
		id: 'seller-vat-only-taxreg',
		family: 'control',
		description: 'Seller tax registration id instead of VAT id',
		on: ['01', '03'],
		apply: (i) => {
			delete i.seller.vatId;
			i.seller.taxRegistrationId = 'DK29891222';
		},
	},

	// ---------------------------------------------------------------- code lists
	{
		id: 'currency-unknown',
		family: 'code-list',
		description: 'Currency EUX',
		on: some(3),
		apply: (i) => void (i.currency = 'EUX'),
	},
	{
		id: 'currency-sek',
		family: 'control',
		description: 'Currency SEK instead of DKK',
		on: ['01', '03'],
		apply: (i) => void (i.currency = 'SEK'),
	},
	{
		id: 'tax-currency-unknown',
		family: 'code-list',
		description: 'Tax currency DKX',
		on: ['22'],
		apply: (i) => void (i.taxCurrency!.code = 'DKX'),
	},
	{
		id: 'tax-currency-same',
		family: 'code-list',
		description: 'Tax currency equal to the invoice currency',
		on: ['22'],
		apply: (i) => void (i.taxCurrency!.code = i.currency),
	},
	{
		id: 'seller-country-unknown',
		family: 'code-list',
		description: 'Seller country XX',
		on: some(2),
		apply: (i) => void (i.seller.address.country = 'XX'),
	},
	{
		id: 'buyer-country-unknown',
		family: 'code-list',
		description: 'Buyer country DQ',
		on: some(2),
		apply: (i) => void (i.buyer.address.country = 'DQ'),
	},
	{
		id: 'delivery-country-unknown',
		family: 'code-list',
		description: 'Delivery country ZZ',
		on: ['36', '09'],
		apply: (i) => void (i.delivery!.address!.country = 'ZZ'),
	},
	{
		id: 'unit-unknown',
		family: 'code-list',
		description: 'Unit code "PCS" (not in Rec 20)',
		on: some(3),
		apply: (i) => void (line(i).unitCode = 'PCS'),
	},
	{
		id: 'unit-danish-tim',
		family: 'code-list',
		description: 'Unit code "TIM" (Danish timer, not in Rec 20)',
		on: some(2),
		apply: (i) => void (line(i).unitCode = 'TIM'),
	},
	{
		id: 'unit-danish-stk',
		family: 'control',
		description: 'Unit code "STK" (Danish stk.; valid Rec 20 code, but it means "stick")',
		on: some(2),
		apply: (i) => void (line(i).unitCode = 'STK'),
	},
	{
		id: 'unit-rec21',
		family: 'control',
		description: 'Unit code XPP (Rec 21 package)',
		on: some(2),
		apply: (i) => void (line(i).unitCode = 'XPP'),
	},
	{
		id: 'payment-means-unknown',
		family: 'code-list',
		description: 'Payment means code 101',
		on: some(3),
		apply: (i) => void (i.paymentMeans![0].code = '101'),
	},
	{
		id: 'allowance-reason-unknown',
		family: 'code-list',
		description: 'Allowance reason code 999',
		on: ['14', '16', '41'],
		apply: (i) => void (i.allowanceCharges![0].reasonCode = '999'),
	},
	{
		id: 'charge-reason-unknown',
		family: 'code-list',
		description: 'Charge reason code QQQ',
		on: ['15'],
		apply: (i) => void (i.allowanceCharges![0].reasonCode = 'QQQ'),
	},
	{
		id: 'line-allowance-reason-unknown',
		family: 'code-list',
		description: 'Line allowance reason code 12',
		on: ['17'],
		apply: (i) => void (line(i).allowanceCharges![0].reasonCode = '12'),
	},
	{
		id: 'eas-not-peppol',
		family: 'code-list',
		description: 'Buyer endpoint scheme 0037 (EAS, not PEPPOL)',
		on: some(2),
		apply: (i) => void (i.buyer.endpoint = { scheme: '0037', id: '123456789' }),
	},
	{
		id: 'eas-unknown',
		family: 'code-list',
		description: 'Seller endpoint scheme 9999',
		on: some(2),
		apply: (i) => void (i.seller.endpoint = { scheme: '9999', id: '29891222' }),
	},
	{
		id: 'icd-unknown',
		family: 'code-list',
		description: 'Buyer legal id scheme 9999',
		on: some(2),
		apply: (i) => void (i.buyer.legalId = { id: '35782036', scheme: '9999' }),
	},
	{
		id: 'identifier-scheme-unknown',
		family: 'code-list',
		description: 'Buyer identifier scheme ABC',
		on: some(2),
		apply: (i) => void (i.buyer.identifiers = [{ id: 'K-1001', scheme: 'ABC' }]),
	},
	{
		id: 'type-code-unknown',
		family: 'code-list',
		description: 'Invoice type code 999',
		on: ['01', '03', '25'],
		apply: (i) => void (i.typeCode = '999'),
	},
	{
		id: 'type-code-not-peppol',
		family: 'code-list',
		description: 'Invoice type code 385 (UNTDID, not PEPPOL)',
		on: ['01', '03'],
		apply: (i) => void (i.typeCode = '385'),
	},
	{
		id: 'credit-note-type-380',
		family: 'code-list',
		description: 'Credit note with type code 380',
		on: ['02', '04'],
		apply: (i) => void (i.typeCode = '380'),
	},
	{
		id: 'type-code-384-dk',
		family: 'peppol',
		description: 'Corrected invoice 384 between Danish parties',
		on: ['01', '03'],
		apply: (i) => void (i.typeCode = '384'),
	},
	{
		id: 'type-code-383',
		family: 'control',
		description: 'Debit note 383',
		on: ['01', '03'],
		apply: (i) => void (i.typeCode = '383'),
	},
	{
		id: 'mime-unknown',
		family: 'code-list',
		description: 'Attachment MIME application/zip',
		on: ['23', '45'],
		apply: (i) => void (embedded(i).mimeCode = 'application/zip'),
	},
	{
		id: 'origin-country-unknown',
		family: 'code-list',
		description: 'Item origin country XX',
		on: some(2),
		apply: (i) => void (line(i).item.originCountry = 'XX'),
	},
	{
		id: 'period-code-unknown',
		family: 'code-list',
		description: 'VAT point date code 5',
		on: ['01', '37'],
		apply: (i) => void (i.invoicingPeriod = { ...(i.invoicingPeriod ?? {}), descriptionCode: '5' }),
	},
	{
		id: 'note-subject-unknown',
		family: 'code-list',
		description: 'Note subject code QQQ',
		on: ['01', '43'],
		apply: (i) => void (i.notes = [{ text: 'Bemærk', subjectCode: 'QQQ' }]),
	},
	{
		id: 'note-subject-aai',
		family: 'control',
		description: 'Note subject code AAI',
		on: ['01', '03'],
		apply: (i) => void (i.notes = [{ text: 'Bemærk', subjectCode: 'AAI' }]),
	},
	{
		id: 'classification-list-unknown',
		family: 'code-list',
		description: 'Item classification list XXX',
		on: some(2),
		apply: (i) => void (line(i).item.classifications = [{ code: '1234', listId: 'XXX' }]),
	},
	{
		id: 'standard-id-scheme-unknown',
		family: 'code-list',
		description: 'Item standard id scheme 9999',
		on: some(2),
		apply: (i) => void (line(i).item.standardId = { id: '12345', scheme: '9999' }),
	},
	{
		id: 'vat-prefix-unknown',
		family: 'code-list',
		description: 'Buyer VAT id with prefix QQ',
		on: some(2),
		apply: (i) => void (i.buyer.vatId = 'QQ35782036'),
	},
	{
		id: 'vat-prefix-el',
		family: 'control',
		description: 'Greek VAT id with EL prefix (buyer in Greece)',
		on: ['08'],
		apply: (i) => {
			i.buyer.vatId = 'EL123456789';
			i.buyer.address.country = 'GR';
		},
	},

	// ---------------------------------------------------------------- endpoints and identifiers
	{
		id: 'gln-check-digit',
		family: 'endpoint',
		description: 'Buyer GLN endpoint with a wrong check digit',
		on: ['03', '04', '08'],
		apply: (i) => {
			const id = i.buyer.endpoint!.id;
			i.buyer.endpoint = { scheme: '0088', id: id.slice(0, -1) + String((Number(id.slice(-1)) + 1) % 10) };
		},
	},
	{
		id: 'gln-valid',
		family: 'control',
		description: 'Buyer GLN endpoint with a valid check digit',
		on: some(3),
		apply: (i) => void (i.buyer.endpoint = { scheme: '0088', id: withGs1CheckDigit('579800000123') }),
	},
	{
		id: 'gln-letters',
		family: 'endpoint',
		description: 'GLN endpoint with letters',
		on: some(2),
		apply: (i) => void (i.buyer.endpoint = { scheme: '0088', id: '57980000001AB' }),
	},
	{
		id: 'cvr-7-digits',
		family: 'endpoint',
		description: 'CVR endpoint with 7 digits',
		on: some(3),
		apply: (i) => void (i.seller.endpoint = { scheme: '0184', id: '2989122' }),
	},
	{
		id: 'cvr-dk-prefix',
		family: 'control',
		description: 'CVR endpoint written DK + 8 digits',
		on: some(2),
		apply: (i) => void (i.seller.endpoint = { scheme: '0184', id: 'DK29891222' }),
	},
	{
		id: 'cvr-legal-letters',
		family: 'endpoint',
		description: 'Seller CVR legal id with letters',
		on: some(2),
		apply: (i) => void (i.seller.legalId = { id: '2989122A', scheme: '0184' }),
	},
	{
		id: 'se-number-no-prefix',
		family: 'endpoint',
		description: '0198 endpoint without DK prefix',
		on: ['44', '01'],
		apply: (i) => void (i.buyer.endpoint = { scheme: '0198', id: '35782036' }),
	},
	{
		id: 'no-orgnr-check',
		family: 'endpoint',
		description: 'Norwegian org number with a wrong check digit',
		on: ['10'],
		apply: (i) => void (i.buyer.endpoint = { scheme: '0192', id: '923609017' }),
	},
	{
		id: 'no-orgnr-legal-check',
		family: 'endpoint',
		description: 'Norwegian legal id with a wrong check digit',
		on: ['10'],
		apply: (i) => void (i.buyer.legalId = { scheme: '0192', id: '923609015' }),
	},
	{
		id: 'se-orgnr-luhn',
		family: 'endpoint',
		description: 'Swedish org number identifier failing Luhn',
		on: some(2),
		apply: (i) => void (i.buyer.identifiers = [{ id: '5560000168', scheme: '0007' }]),
	},
	{
		id: 'se-orgnr-valid',
		family: 'control',
		description: 'Swedish org number identifier (valid Luhn)',
		on: some(2),
		apply: (i) => void (i.buyer.identifiers = [{ id: '5560000167', scheme: '0007' }]),
	},
	{
		id: 'be-enterprise-check',
		family: 'endpoint',
		description: 'Belgian enterprise number with a wrong check',
		on: ['08'],
		apply: (i) => void (i.buyer.endpoint = { scheme: '0208', id: '0403170702' }),
	},
	{
		id: 'p-number-short',
		family: 'endpoint',
		description: 'Danish P-number (0096) with 9 digits',
		on: some(2),
		apply: (i) => void (i.buyer.identifiers = [{ id: '101234567', scheme: '0096' }]),
	},

	// ---------------------------------------------------------------- dates
	{
		id: 'issue-date-invalid',
		family: 'dates',
		description: 'Issue date 2026-02-30',
		on: some(3),
		apply: (i) => void (i.issueDate = '2026-02-30'),
	},
	{
		id: 'due-date-danish-format',
		family: 'dates',
		description: 'Due date 02-12-2026',
		on: ['01', '03', '25'],
		apply: (i) => void (i.dueDate = '02-12-2026'),
	},
	{
		id: 'period-reversed',
		family: 'dates',
		description: 'Invoicing period ends before it starts',
		on: some(3),
		apply: (i) => void (i.invoicingPeriod = { startDate: '2026-10-31', endDate: '2026-10-01' }),
	},
	{
		id: 'line-period-outside',
		family: 'dates',
		description: 'Line period starts before the invoicing period',
		on: some(3),
		apply: (i) => {
			i.invoicingPeriod = { startDate: '2026-10-01', endDate: '2026-10-31' };
			line(i).period = { startDate: '2026-09-15', endDate: '2026-10-15' };
		},
	},
	{
		id: 'line-period-reversed',
		family: 'dates',
		description: 'Line period ends before it starts',
		on: some(2),
		apply: (i) => void (line(i).period = { startDate: '2026-10-15', endDate: '2026-10-01' }),
	},
	{
		id: 'tax-point-and-code',
		family: 'dates',
		description: 'VAT point date together with VAT point date code',
		on: some(2),
		apply: (i) => {
			i.taxPointDate = '2026-10-31';
			i.invoicingPeriod = { descriptionCode: '3' };
		},
	},
	{
		id: 'period-within',
		family: 'control',
		description: 'Invoicing period and a line period inside it',
		on: some(3),
		apply: (i) => {
			i.invoicingPeriod = { startDate: '2026-10-01', endDate: '2026-10-31' };
			line(i).period = { startDate: '2026-10-05', endDate: '2026-10-20' };
		},
	},

	// ---------------------------------------------------------------- other PEPPOL rules
	{
		id: 'two-notes',
		family: 'peppol',
		description: 'Two document notes',
		on: some(3),
		apply: (i) => void (i.notes = [{ text: 'Tak for ordren.' }, { text: 'Levering uge 45.' }]),
	},
	{
		id: 'order-reference-only',
		family: 'control',
		description: 'Only an order reference, no buyer reference',
		on: some(3),
		apply: (i) => {
			delete i.buyerReference;
			i.orderReference = 'PO-1';
		},
	},
	{
		id: 'sales-order-only',
		family: 'control',
		description: 'Only a sales order reference (written with order id NA)',
		on: some(2),
		apply: (i) => {
			delete i.buyerReference;
			delete i.orderReference;
			i.salesOrderReference = 'SO-7';
		},
	},
	{
		id: 'payment-means-differ',
		family: 'peppol',
		description: 'Two payment means with different codes',
		on: ['01', '03', '14'],
		apply: (i) =>
			void i.paymentMeans!.push({
				code: '31',
				paymentId: i.paymentMeans![0].paymentId,
				creditTransfer: { accountId: '0009876543', serviceProviderId: '9570' },
			}),
	},
	{
		id: 'payment-ids-differ',
		family: 'peppol',
		description: 'Two payment means with different payment ids',
		on: ['01', '03', '14'],
		apply: (i) => void i.paymentMeans!.push({ ...clone(i.paymentMeans![0]), paymentId: 'OTHER-REF' }),
	},
	{
		id: 'sepa-dd-no-mandate',
		family: 'peppol',
		description: 'SEPA direct debit (59) without mandate',
		on: ['22', '08'],
		apply: (i) => void (i.paymentMeans = [{ code: '59', directDebit: { debitedAccountId: 'DE89370400440532013000' } }]),
	},
	{
		id: 'credit-transfer-no-account',
		family: 'peppol',
		description: 'Credit transfer (58) without account',
		on: ['22', '08', '09'],
		apply: (i) =>
			void (i.paymentMeans = [
				{ code: '58', paymentId: 'X1', creditTransfer: { accountId: '', serviceProviderId: 'DABADKKK' } },
			]),
	},
	{
		id: 'payee-equals-seller',
		family: 'peppol',
		description: 'Payee named like the seller',
		on: ['34'],
		apply: (i) => void (i.payee!.name = i.seller.name),
	},
	{
		id: 'buyer-two-identifiers',
		family: 'peppol',
		description: 'Buyer with two identifiers',
		on: some(2),
		apply: (i) =>
			void (i.buyer.identifiers = [
				{ id: '35782036', scheme: '0184' },
				{ id: 'K-1001', scheme: '0184' },
			]),
	},
	{
		id: 'special-characters',
		family: 'control',
		description: 'Names with <, &, quotes and æøå',
		on: some(3),
		apply: (i) => {
			i.buyer.name = 'Smith & <Søn> "Æblegård" ApS';
			line(i).item.name = "Brædder 'x' < 3 m & > 1 m";
		},
	},
	{
		id: 'trading-name-and-contact',
		family: 'control',
		description: 'Seller trading name and buyer contact',
		on: some(3),
		apply: (i) => {
			i.seller.tradingName = 'Nordlys Snedkeri';
			i.buyer.contact = { name: 'Anna', email: 'anna@example.dk' };
		},
	},

	// ---------------------------------------------------------------- edges of the tolerances and roundings
	{
		id: 'line-net-off-2-cents',
		family: 'control',
		description: 'Given line net amount 0.02 off (the edge of R120)',
		on: some(3),
		apply: (i) => void (line(i).netAmount = add(money(lineNetAmount(line(i))), '0.02')),
	},
	{
		id: 'line-net-off-minus-3-cents',
		family: 'arithmetic',
		description: 'Given line net amount 0.03 below quantity × price',
		on: some(2),
		apply: (i) => void (line(i).netAmount = add(money(lineNetAmount(line(i))), '-0.03')),
	},
	{
		id: 'taxable-off-099',
		family: 'control',
		description: 'Given S taxable amount 0.99 off (inside BR-S-08 ±1)',
		on: ['01', '03', '14'],
		apply: (i) =>
			givenTotals(
				i,
				(t) =>
					void (t.vatBreakdown.find((r) => r.category === 'S')!.taxableAmount = add(
						t.vatBreakdown.find((r) => r.category === 'S')!.taxableAmount,
						'0.99',
					)),
			),
	},
	{
		id: 'taxable-off-100',
		family: 'arithmetic',
		description: 'Given S taxable amount 1.00 off (outside BR-S-08)',
		on: ['01', '03', '14'],
		apply: (i) =>
			givenTotals(
				i,
				(t) =>
					void (t.vatBreakdown.find((r) => r.category === 'S')!.taxableAmount = add(
						t.vatBreakdown.find((r) => r.category === 'S')!.taxableAmount,
						'1.00',
					)),
			),
	},
	{
		id: 'z-taxable-off-001',
		family: 'arithmetic',
		description: 'Given Z taxable amount 0.01 off (BR-Z-08 is exact)',
		on: ['05', '12'],
		apply: (i) =>
			givenTotals(
				i,
				(t) =>
					void (t.vatBreakdown.find((r) => r.category === 'Z')!.taxableAmount = add(
						t.vatBreakdown.find((r) => r.category === 'Z')!.taxableAmount,
						'0.01',
					)),
			),
	},
	{
		id: 'vat-off-exactly-1',
		family: 'arithmetic',
		description: 'Given BT-117 exactly 1.00 off (BR-CO-17 is strict), totals follow',
		on: ['01', '25'],
		apply: (i) =>
			givenTotals(i, (t) => {
				const row = t.vatBreakdown.find((r) => r.category === 'S')!;
				row.taxAmount = add(row.taxAmount, '1');
				t.vatTotal = add(t.vatTotal, '1');
				t.taxInclusive = add(t.taxInclusive, '1');
				t.payable = add(t.payable, '1');
			}),
	},
	{
		id: 'booked-vat-per-category',
		family: 'control',
		description: 'Booked VAT per category 0.40 above the computed (used as BT-117)',
		on: ['01', '03'],
		apply: (i) => {
			const row = computeTotals(i).vatBreakdown[0];
			i.booked = { vatByCategory: [{ category: row.category, rate: row.rate, taxAmount: add(row.taxAmount, '0.4') }] };
		},
	},
	{
		id: 'allowance-percent-off-2-cents',
		family: 'control',
		description: 'Allowance amount 0.02 off base × percentage (edge of R040)',
		on: ['16'],
		apply: (i) => void (i.allowanceCharges![0].amount = add(i.allowanceCharges![0].amount!, '0.02')),
	},
	{
		id: 'allowance-percent-off-3-cents',
		family: 'arithmetic',
		description: 'Allowance amount 0.03 off base × percentage',
		on: ['16'],
		apply: (i) => void (i.allowanceCharges![0].amount = add(i.allowanceCharges![0].amount!, '0.03')),
	},
	{
		id: 'half-cent-rounding',
		family: 'control',
		description: 'Quantity × price ending in half a cent (3 × 0.335)',
		on: some(3),
		apply: (i) => {
			line(i).quantity = '3';
			line(i).price = { amount: '0.335' };
		},
	},
	{
		id: 'rate-written-25-00',
		family: 'control',
		description: 'Rates 25.00 and 25 on different lines',
		on: ['01', '14', '25'],
		apply: (i) => void (line(i).vat.rate = '25.00'),
	},
	{
		id: 'allowance-other-rate',
		family: 'control',
		description: 'Document allowance at 12% with no 12% line',
		on: ['14', '01'],
		apply: (i) =>
			void (i.allowanceCharges = [
				{ isCharge: false, amount: '10.00', reason: 'Rabat', vat: { category: 'S', rate: '12' } },
			]),
	},
	{
		id: 'mixed-s-ae',
		family: 'control',
		description: 'A reverse charge line next to a standard rated one',
		on: ['08'],
		apply: (i) => void i.lines.push({ ...clone(line(i)), id: '99', vat: { ...S25 } }),
	},
	{
		id: 'credit-note-zero-total',
		family: 'control',
		description: 'Danish credit note with amount due 0 (prepaid = total)',
		on: ['02', '04'],
		apply: (i) => void (i.prepaidAmount = computeTotals(i).taxInclusive),
	},
	{
		id: 'credit-note-negative-line',
		family: 'control',
		description: 'Credit note with one negative line, positive total',
		on: ['02', '41'],
		apply: (i) => void i.lines.push({ ...clone(line(i)), id: '98', quantity: '-1' }),
	},
	{
		id: 'eur-without-tax-currency',
		family: 'control',
		description: 'EUR invoice without tax currency',
		on: ['01', '03'],
		apply: (i) => void (i.currency = 'EUR'),
	},
	{
		id: 'prepaid-full',
		family: 'control',
		description: 'Prepaid amount equal to the total (amount due 0)',
		on: ['01', '14'],
		apply: (i) => void (i.prepaidAmount = computeTotals(i).taxInclusive),
	},
	{
		id: 'credit-note-due-two-means',
		family: 'peppol',
		description: 'Credit note with due date and two payment means',
		on: ['02', '04'],
		apply: (i) => {
			i.dueDate = '2026-12-01';
			i.paymentMeans!.push(clone(i.paymentMeans![0]));
		},
	},
	{
		id: 'two-means-with-text',
		family: 'peppol',
		description: 'Two payment means with a payment means text',
		on: ['01', '03'],
		apply: (i) => {
			i.paymentMeans![0].text = 'Bankoverførsel';
			i.paymentMeans!.push(clone(i.paymentMeans![0]));
		},
	},
	{
		id: 'two-sepa-creditors',
		family: 'peppol',
		description: 'Two direct debits with creditor ids',
		on: ['30'],
		apply: (i) =>
			void i.paymentMeans!.push({
				...clone(i.paymentMeans![0]),
				directDebit: { ...i.paymentMeans![0].directDebit, creditorId: 'DK99ZZZ12345678' },
			}),
	},
	{
		id: 'buyer-sepa-identifier',
		family: 'code-list',
		description: 'Buyer identifier with scheme SEPA',
		on: ['01', '03'],
		apply: (i) => void (i.buyer.identifiers = [{ id: 'DK98ZZZ12345678', scheme: 'SEPA' }]),
	},
	{
		id: 'seller-sepa-identifier',
		family: 'control',
		description: 'Seller identifier with scheme SEPA',
		on: ['01', '03'],
		apply: (i) => void (i.seller.identifiers = [{ id: 'DK98ZZZ12345678', scheme: 'SEPA' }]),
	},
	{
		id: 'delivery-no-country',
		family: 'mandatory',
		description: 'Delivery address without country',
		on: ['36', '01'],
		apply: (i) =>
			void (i.delivery = { ...(i.delivery ?? {}), address: { line1: 'Lager 3', city: 'Vejle', country: '' } }),
	},
	{
		id: 'attachment-uri-only',
		family: 'control',
		description: 'Attachment by URI only',
		on: ['01', '03'],
		apply: (i) => void (i.attachments = [{ id: 'Tegning 1', uri: 'https://example.dk/tegning.pdf' }]),
	},
	{
		id: 'duplicate-line-ids',
		family: 'control',
		description: 'Two lines with the same id (no rule forbids it)',
		on: ['01', '12'],
		apply: (i) => void (line(i, 1).id = line(i).id),
	},
	{
		id: 'tax-point-date-only',
		family: 'control',
		description: 'VAT point date (BT-7)',
		on: ['01', '02'],
		apply: (i) => void (i.taxPointDate = '2026-10-31'),
	},
	{
		id: 'zero-allowance',
		family: 'control',
		description: 'Document allowance of 0.00',
		on: ['01', '25'],
		apply: (i) => void (i.allowanceCharges = [{ isCharge: false, amount: '0.00', reasonCode: '95', vat: { ...S25 } }]),
	},
	{
		id: 'payee-same-trading-name',
		family: 'mandatory',
		description: 'Payee named like the seller trading name',
		on: ['34'],
		apply: (i) => {
			i.seller.tradingName = 'Nordlys Snedkeri';
			i.payee!.name = 'Nordlys Snedkeri';
		},
	},
	{
		id: 'tax-rep-no-country',
		family: 'mandatory',
		description: 'Tax representative address without country',
		on: ['35'],
		apply: (i) => void (i.taxRepresentative!.address.country = ''),
	},

	// ---------------------------------------------------------------- Sweden and Norway (Severa users)
	{
		id: 'se-vat-short',
		family: 'peppol',
		description: 'Swedish seller VAT number with 13 characters',
		on: ['35'],
		apply: (i) => void (i.seller.vatId = 'SE55603607930'),
	},
	{
		id: 'se-rate-20',
		family: 'peppol',
		description: 'Swedish seller with a 20% standard rate',
		on: ['35'],
		apply: (i) => void (line(i).vat.rate = '20'),
	},
	{
		id: 'se-rate-12',
		family: 'control',
		description: 'Swedish seller with a 12% reduced rate',
		on: ['35'],
		apply: (i) => void (line(i).vat.rate = '12'),
	},
	{
		id: 'se-orgnr-check',
		family: 'peppol',
		description: 'Swedish seller legal id failing Luhn',
		on: ['35'],
		apply: (i) => void (i.seller.legalId = { id: '5560360794', scheme: '0007' }),
	},
	{
		id: 'se-f-skatt',
		family: 'control',
		description: 'Swedish seller stating Godkänd för F-skatt',
		on: ['35'],
		apply: (i) => void (i.seller.taxRegistrationId = 'Godkänd för F-skatt'),
	},
	{
		id: 'se-f-skatt-wrong',
		family: 'peppol',
		description: 'Swedish seller tax registration other than F-skatt',
		on: ['35'],
		apply: (i) => void (i.seller.taxRegistrationId = 'F-skatt'),
	},
	{
		id: 'no-seller-vat-format',
		family: 'peppol',
		description: 'Norwegian seller VAT number without MVA',
		on: ['01', '03'],
		apply: (i) => {
			i.seller = {
				...i.seller,
				vatId: 'NO923609016',
				legalId: { id: '923609016', scheme: '0192' },
				endpoint: { scheme: '0192', id: '923609016' },
				address: { ...i.seller.address, country: 'NO' },
			};
		},
	},
	{
		id: 'no-seller-valid',
		family: 'control',
		description: 'Norwegian seller with a valid VAT number',
		on: ['01', '03'],
		apply: (i) => {
			i.seller = {
				...i.seller,
				vatId: 'NO923609016MVA',
				legalId: { id: '923609016', scheme: '0192' },
				endpoint: { scheme: '0192', id: '923609016' },
				address: { ...i.seller.address, country: 'NO' },
			};
		},
	},

	// ---------------------------------------------------------------- Denmark
	{
		id: 'dk-no-seller-cvr',
		family: 'dk',
		description: 'Danish seller without legal id (CVR)',
		on: some(3),
		apply: (i) => void delete i.seller.legalId,
	},
	{
		id: 'dk-seller-cvr-scheme',
		family: 'dk',
		description: 'Danish seller legal id with scheme 0198',
		on: some(3),
		apply: (i) => void (i.seller.legalId = { id: 'DK29891222', scheme: '0198' }),
	},
	{
		id: 'dk-buyer-cvr-scheme',
		family: 'dk',
		description: 'Danish buyer legal id with scheme 0198',
		on: ['01', '03', '25'],
		apply: (i) => void (i.buyer.legalId = { id: 'DK35782036', scheme: '0198' }),
	},
	{
		id: 'dk-payment-30',
		family: 'dk',
		description: 'Payment means 30 between Danish parties',
		on: ['01', '03', '33'],
		apply: (i) => void (i.paymentMeans![0].code = '30'),
	},
	{
		id: 'dk-payment-30-foreign',
		family: 'control',
		description: 'Payment means 30 to a foreign buyer',
		on: ['08', '10'],
		apply: (i) => void (i.paymentMeans![0].code = '30'),
	},
	{
		id: 'dk-31-no-reg',
		family: 'dk',
		description: 'Payment means 31 without registration number',
		on: ['33', '34'],
		apply: (i) => void delete i.paymentMeans![0].creditTransfer!.serviceProviderId,
	},
	{
		id: 'dk-42-no-reg',
		family: 'dk',
		description: 'Payment means 42 without registration number',
		on: ['01', '03'],
		apply: (i) => void delete i.paymentMeans![0].creditTransfer!.serviceProviderId,
	},
	{
		id: 'dk-49-no-account',
		family: 'dk',
		description: 'Direct debit 49 without debited account',
		on: ['30'],
		apply: (i) => void delete i.paymentMeans![0].directDebit!.debitedAccountId,
	},
	{
		id: 'dk-49-no-mandate',
		family: 'dk',
		description: 'Direct debit 49 without mandate',
		on: ['30'],
		apply: (i) => void delete i.paymentMeans![0].directDebit!.mandateId,
	},
	{
		id: 'dk-giro-card-71',
		family: 'dk',
		description: 'Giro (50) with FIK card type 71',
		on: ['28', '29'],
		apply: (i) => void (i.paymentMeans![0].giro!.cardType = '71'),
	},
	{
		id: 'dk-giro-short-id',
		family: 'dk',
		description: 'Giro 04 with a short payment id',
		on: ['29'],
		apply: (i) => void (i.paymentMeans![0].giro!.paymentId = '123'),
	},
	{
		id: 'dk-giro-account-6',
		family: 'dk',
		description: 'Giro account with 6 digits',
		on: ['28', '29'],
		apply: (i) => void (i.paymentMeans![0].giro!.creditorId = '123456'),
	},
	{
		id: 'dk-fik-creditor-7',
		family: 'dk',
		description: 'FIK creditor number with 7 characters',
		on: ['25', '26', '27'],
		apply: (i) => void (i.paymentMeans![0].giro!.creditorId = '8541235'),
	},
	{
		id: 'dk-fik-short-id',
		family: 'dk',
		description: 'FIK 71 with a 10-digit payment id',
		on: ['25', '26'],
		apply: (i) => void (i.paymentMeans![0].giro!.paymentId = '0000000202'),
	},
	{
		id: 'dk-fik-card-04',
		family: 'dk',
		description: 'FIK (93) with giro card type 04',
		on: ['25', '27'],
		apply: (i) => void (i.paymentMeans![0].giro!.cardType = '04'),
	},
	{
		id: 'dk-identifier-no-scheme',
		family: 'dk',
		description: 'Danish buyer identifier without scheme',
		on: some(3),
		apply: (i) => void (i.buyer.identifiers = [{ id: 'K-1001' }]),
	},
	{
		id: 'dk-unspsc-version',
		family: 'dk',
		description: 'UNSPSC classification (TST) with version 13',
		on: ['37', '01'],
		apply: (i) => void (line(i).item.classifications = [{ code: '27112700', listId: 'TST', listVersionId: '13' }]),
	},
	{
		id: 'dk-unspsc-version-ok',
		family: 'control',
		description: 'UNSPSC classification (TST) with version 26.08.01',
		on: ['01', '03'],
		apply: (i) =>
			void (line(i).item.classifications = [{ code: '27112700', listId: 'TST', listVersionId: '26.08.01' }]),
	},
	{
		id: 'dk-zzz-reason',
		family: 'dk',
		description: 'Non-VAT tax charge (ZZZ) with free-text reason',
		on: ['15', '01'],
		apply: (i) =>
			void (i.allowanceCharges = [
				{ isCharge: true, amount: '25.00', reasonCode: 'ZZZ', reason: 'Miljøafgift', vat: { ...S25 } },
			]),
	},
	{
		id: 'dk-zzz-reason-ok',
		family: 'control',
		description: 'Non-VAT tax charge (ZZZ) with 4-digit tax category',
		on: ['15', '01'],
		apply: (i) =>
			void (i.allowanceCharges = [
				{ isCharge: true, amount: '25.00', reasonCode: 'ZZZ', reason: '0030', vat: { ...S25 } },
			]),
	},
	{
		id: 'dk-zzz-line-charge',
		family: 'dk',
		description: 'Line non-VAT tax (ZZZ) with reason ending in #',
		on: ['01', '12'],
		apply: (i) =>
			void (line(i).allowanceCharges = [{ isCharge: true, amount: '10.00', reasonCode: 'ZZZ', reason: 'Afgift#' }]),
	},
	{
		id: 'dk-credit-note-prepaid',
		family: 'dk',
		description: 'Danish credit note with prepaid amount above the total',
		on: ['02', '04'],
		apply: (i) => void (i.prepaidAmount = '100000.00'),
	},
];

/** Apply every mutation to each of its bases (deep copies). Bases missing from `fixtures` are skipped. */
export function generateMutations(fixtures: { name: string; invoice: Invoice }[]): MutatedInvoice[] {
	const byPrefix = new Map(fixtures.map((f) => [f.name.slice(0, 2), f]));
	const out: MutatedInvoice[] = [];
	for (const spec of MUTATIONS) {
		for (const prefix of new Set(spec.on)) {
			const fixture = byPrefix.get(prefix);
			if (!fixture) continue;
			const invoice = clone(fixture.invoice);
			spec.apply(invoice);
			out.push({ name: `${spec.id}@${prefix}`, spec, fixture: fixture.name, invoice });
		}
	}
	return out;
}
