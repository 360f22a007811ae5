/**
 * EN 16931 calculation of the document totals (BG-22) and the VAT breakdown (BG-23).
 *
 * Rounding follows the standard: line net amounts (BT-131), allowance/charge amounts and every document
 * total are rounded to 2 decimals; unit prices keep their precision. VAT per category (BT-117) is the
 * rounded product of the category's taxable amount and rate (BR-CO-17), and BT-110 is their sum.
 */
import { HUNDRED, ZERO, dec, money, round } from './decimal';
import type Big from 'big.js';
import type { AllowanceCharge, Invoice, InvoiceLine, Totals, VatBreakdown, VatCategory, VatInfo } from './model';

/** Thrown when the computed totals disagree with the booked ones beyond what the rules allow. */
export class TotalsMismatchError extends Error {
	constructor(
		message: string,
		readonly computed: string,
		readonly booked: string,
	) {
		super(message);
		this.name = 'TotalsMismatchError';
	}
}

/** BR-CO-17 accepts ±1.00 between BT-117 and taxable × rate per category. */
export const VAT_CATEGORY_TOLERANCE = dec('1');

/** Amount of an allowance or charge: given, or base × percent / 100 rounded to 2 decimals. */
export function allowanceChargeAmount(ac: AllowanceCharge, field: string): Big {
	if (ac.amount !== undefined && ac.amount !== '') return round(dec(ac.amount, `${field} amount`));
	if (ac.baseAmount !== undefined && ac.percent !== undefined) {
		return round(
			dec(ac.baseAmount, `${field} base amount`)
				.times(dec(ac.percent, `${field} percent`))
				.div(HUNDRED),
		);
	}
	throw new Error(`${field} has neither an amount nor a base amount with a percentage`);
}

/**
 * Line net amount (BT-131): quantity × net price / base quantity + charges − allowances, rounded to 2.
 * A given `netAmount` is respected (it is what the source booked); preflight checks it (BR-CO-10 family).
 */
export function lineNetAmount(line: InvoiceLine): Big {
	if (line.netAmount !== undefined && line.netAmount !== '')
		return round(dec(line.netAmount, `line ${line.id} net amount`));
	return computeLineNetAmount(line);
}

/** BT-131 as EN 16931 defines it, ignoring any given value. */
export function computeLineNetAmount(line: InvoiceLine): Big {
	const where = `line ${line.id}`;
	const quantity = dec(line.quantity, `${where} quantity`);
	const price = dec(line.price.amount, `${where} price`);
	const base = line.price.baseQuantity ? dec(line.price.baseQuantity, `${where} base quantity`) : undefined;
	let net = base && !base.eq(0) ? quantity.times(price).div(base) : quantity.times(price);
	net = round(net);
	for (const ac of line.allowanceCharges ?? []) {
		const amount = allowanceChargeAmount(ac, `${where} ${ac.isCharge ? 'charge' : 'allowance'}`);
		net = ac.isCharge ? net.plus(amount) : net.minus(amount);
	}
	return net;
}

/** Key of a VAT breakdown row: category and rate. */
export function vatKey(vat: VatInfo): string {
	return `${vat.category}|${vat.rate === undefined || vat.category === 'O' ? '' : dec(vat.rate).toFixed()}`;
}

interface CategoryAccumulator {
	category: VatCategory;
	rate?: string;
	taxable: Big;
	exemptionReason?: string;
	exemptionReasonCode?: string;
}

/**
 * Compute the totals of an invoice. Pure: returns a new `Totals` and leaves the invoice untouched.
 * When the source booked VAT per category (`invoice.booked.vatByCategory`), the booked amount is used as
 * BT-117 as long as it is within the BR-CO-17 tolerance; otherwise the computed value stands.
 */
export function computeTotals(invoice: Invoice): Totals {
	const categories = new Map<string, CategoryAccumulator>();
	const accumulate = (vat: VatInfo, amount: Big) => {
		const key = vatKey(vat);
		let acc = categories.get(key);
		if (!acc) {
			acc = {
				category: vat.category,
				rate: vat.category === 'O' ? undefined : vat.rate === undefined ? undefined : dec(vat.rate).toFixed(),
				taxable: ZERO,
			};
			categories.set(key, acc);
		}
		acc.taxable = acc.taxable.plus(amount);
		if (!acc.exemptionReason && vat.exemptionReason) acc.exemptionReason = vat.exemptionReason;
		if (!acc.exemptionReasonCode && vat.exemptionReasonCode) acc.exemptionReasonCode = vat.exemptionReasonCode;
	};

	let lineNetTotal = ZERO;
	for (const line of invoice.lines) {
		const net = lineNetAmount(line);
		lineNetTotal = lineNetTotal.plus(net);
		accumulate(line.vat, net);
	}

	let allowanceTotal = ZERO;
	let chargeTotal = ZERO;
	let hasAllowance = false;
	let hasCharge = false;
	(invoice.allowanceCharges ?? []).forEach((ac, i) => {
		const label = `document ${ac.isCharge ? 'charge' : 'allowance'} ${i + 1}`;
		const amount = allowanceChargeAmount(ac, label);
		if (ac.isCharge) {
			chargeTotal = chargeTotal.plus(amount);
			hasCharge = true;
		} else {
			allowanceTotal = allowanceTotal.plus(amount);
			hasAllowance = true;
		}
		if (!ac.vat) throw new Error(`${label} has no VAT category`);
		accumulate(ac.vat, ac.isCharge ? amount : amount.times(-1));
	});

	const booked = new Map<string, Big>();
	for (const b of invoice.booked?.vatByCategory ?? []) {
		booked.set(vatKey({ category: b.category, rate: b.rate }), dec(b.taxAmount, 'booked VAT'));
	}

	let vatTotal = ZERO;
	const vatBreakdown: VatBreakdown[] = [];
	for (const [key, acc] of categories) {
		const rate = acc.rate === undefined ? ZERO : dec(acc.rate);
		const computed = round(acc.taxable.times(rate).div(HUNDRED));
		const bookedAmount = booked.get(key);
		const taxAmount =
			bookedAmount && bookedAmount.minus(acc.taxable.times(rate).div(HUNDRED)).abs().lte(VAT_CATEGORY_TOLERANCE)
				? round(bookedAmount)
				: computed;
		vatTotal = vatTotal.plus(taxAmount);
		const row: VatBreakdown = {
			category: acc.category,
			taxableAmount: money(acc.taxable),
			taxAmount: money(taxAmount),
		};
		if (acc.rate !== undefined) row.rate = acc.rate;
		if (acc.exemptionReason) row.exemptionReason = acc.exemptionReason;
		if (acc.exemptionReasonCode) row.exemptionReasonCode = acc.exemptionReasonCode;
		vatBreakdown.push(row);
	}

	const taxExclusive = lineNetTotal.minus(allowanceTotal).plus(chargeTotal);
	const taxInclusive = taxExclusive.plus(vatTotal);
	const prepaid = invoice.prepaidAmount ? round(dec(invoice.prepaidAmount, 'prepaid amount')) : undefined;
	const rounding = invoice.roundingAmount ? round(dec(invoice.roundingAmount, 'rounding amount')) : undefined;
	const payable = taxInclusive.minus(prepaid ?? ZERO).plus(rounding ?? ZERO);

	const totals: Totals = {
		lineNetTotal: money(lineNetTotal),
		taxExclusive: money(taxExclusive),
		vatTotal: money(vatTotal),
		taxInclusive: money(taxInclusive),
		payable: money(payable),
		vatBreakdown,
	};
	if (hasAllowance) totals.allowanceTotal = money(allowanceTotal);
	if (hasCharge) totals.chargeTotal = money(chargeTotal);
	if (prepaid) totals.prepaid = money(prepaid);
	if (rounding) totals.rounding = money(rounding);
	if (invoice.taxCurrency) {
		const tc = invoice.taxCurrency;
		if (tc.vatTotal !== undefined) totals.vatTotalInTaxCurrency = money(dec(tc.vatTotal, 'tax currency VAT total'));
		else if (tc.exchangeRate !== undefined)
			totals.vatTotalInTaxCurrency = money(vatTotal.times(dec(tc.exchangeRate, 'exchange rate')));
	}
	return totals;
}

/** Return the invoice with `totals` computed (a shallow copy; the input is not changed). */
export function withTotals(invoice: Invoice): Invoice {
	return { ...invoice, totals: computeTotals(invoice) };
}

/**
 * Reconcile computed totals with what the source booked (ARCHITECTURE rule 4).
 * - A payable difference is absorbed into BT-114 only when the booking itself is a rounding of the
 *   payable amount (less than 1.00, e.g. to whole kroner).
 * - VAT differences beyond the per-category tolerance fail with both figures named.
 * Returns the invoice with `totals` (and possibly `roundingAmount`) set.
 */
export function reconcile(invoice: Invoice): Invoice {
	let result = withTotals(invoice);
	const booked = invoice.booked;
	if (!booked) return result;
	const totals = result.totals!;
	if (booked.vatTotal !== undefined) {
		const diff = dec(booked.vatTotal, 'booked VAT total').minus(totals.vatTotal).abs();
		const tolerance = VAT_CATEGORY_TOLERANCE.times(Math.max(1, totals.vatBreakdown.length));
		if (diff.gt(tolerance)) {
			throw new TotalsMismatchError(
				`Invoice ${invoice.number}: computed VAT ${totals.vatTotal} differs from booked VAT ${money(dec(booked.vatTotal))}`,
				totals.vatTotal,
				money(dec(booked.vatTotal)),
			);
		}
		if (!diff.eq(0) && !booked.vatByCategory && totals.vatBreakdown.length === 1) {
			// One category: the booked VAT is that category's BT-117 (within BR-CO-17's tolerance).
			result = withTotals({
				...invoice,
				booked: { ...booked, vatByCategory: [{ ...pick(totals.vatBreakdown[0]), taxAmount: booked.vatTotal }] },
			});
		}
	}
	const target = booked.payable ?? booked.taxInclusive;
	if (target !== undefined) {
		const bookedPayable = round(dec(target, 'booked payable amount'));
		const current = dec(result.totals!.payable);
		const diff = bookedPayable.minus(current);
		if (!diff.eq(0)) {
			if (diff.abs().lt(1) && invoice.roundingAmount === undefined) {
				result = withTotals({ ...result, booked, roundingAmount: money(diff) });
			} else {
				throw new TotalsMismatchError(
					`Invoice ${invoice.number}: computed payable amount ${money(current)} differs from booked total ${money(bookedPayable)}`,
					money(current),
					money(bookedPayable),
				);
			}
		}
	}
	return result;
}

function pick(row: VatBreakdown): { category: VatCategory; rate?: string } {
	return row.rate === undefined ? { category: row.category } : { category: row.category, rate: row.rate };
}
