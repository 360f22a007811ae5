/**
 * Pre-flight checks for OIOUBL 2.1: the rules of the official OIOUBL schematron (1.17.2) that data in our canonical
 * model can break, each reported with its official rule id (F-INV…, F-LIB…; F-CRN… on credit notes where the
 * credit note schematron numbers the rule differently). Rules the writer always satisfies by construction
 * (totals, tax subtotals, scheme attributes, element order) are not repeated here; the official validator stays
 * the judge. The checks read the same tables as the writer (`oioubl-codes.ts`), so both agree on the mapping.
 */
import type Big from 'big.js';
import { HUNDRED, dec, isDecimal } from './decimal';
import type { Finding } from './findings';
import type { AllowanceCharge, Invoice, Party, PaymentMeans, Period } from './model';
import { defaultTypeCode } from './model';
import { computeTotals } from './totals';
import {
	ATTACHMENT_MIME_CODES,
	DEFAULT_PROFILE_ID,
	ENDPOINT_SCHEME_IDS,
	INVOICE_TYPE_CODES_12,
	ORDER_REQUIRED_PROFILES,
	PAYMENT_MEANS_CODES,
	oioublUnit,
	oioublIdValue,
	oioublScheme,
} from '../ubl/oioubl-codes';
import { OIOUBL_COUNTRY_CODES, OIOUBL_CURRENCY_CODES, OIOUBL_UNIT_CODES } from '../ubl/oioubl-codelists';
import { danishAccount, legalEntityId, oioublPaymentCode, oioublSubtotals, oioublTaxCurrency } from '../ubl/oioubl21';

export interface OioublPreflightOptions {
	/** The profile the document will be written with (as `writeOioubl21`'s option). */
	profileId?: string;
}

/** Check an invoice against the OIOUBL 2.1 rules our data can break. Never throws. */
export function preflightOioubl(invoice: Invoice, options: OioublPreflightOptions = {}): Finding[] {
	const findings: Finding[] = [];
	const fatal = (id: string, message: string, path?: string) => findings.push({ id, flag: 'fatal', message, path });
	if (!invoice || typeof invoice !== 'object' || !invoice.seller || !invoice.buyer || !Array.isArray(invoice.lines)) {
		fatal('EXPORT-INVALID-DATA', 'Not a canonical invoice: seller, buyer and lines are required');
		return findings;
	}
	try {
		checkInvoice(invoice, options, fatal);
	} catch (error) {
		// Malformed values (a number where text belongs, a missing object) are reported, never thrown.
		fatal('EXPORT-INVALID-DATA', `The invoice cannot be checked: ${(error as Error).message}`);
	}
	return findings;
}

function checkInvoice(invoice: Invoice, options: OioublPreflightOptions, fatal: Report): void {
	const isCredit = invoice.kind === 'creditNote';
	// The credit note schematron has its own numbers for a few document rules.
	const rule = (invoiceId: string, creditId: string) => (isCredit ? creditId : invoiceId);

	if (!invoice.number?.trim()) fatal(rule('F-INV009', 'F-CRN006'), 'The invoice number is empty', 'number');
	if (!isCredit) {
		const typeCode = invoice.typeCode ?? defaultTypeCode(invoice.kind);
		if (!INVOICE_TYPE_CODES_12.has(typeCode)) {
			fatal(
				typeCode === '390' ? 'F-INV337' : 'F-INV011',
				`Invoice type code ${typeCode} cannot be sent as OIOUBL (allowed: 380, 325, 390, 393); send a credit note or a plain invoice`,
				'typeCode',
			);
		}
	}
	const profileId = options.profileId || DEFAULT_PROFILE_ID;
	if (ORDER_REQUIRED_PROFILES.has(profileId) && !invoice.orderReference && !invoice.salesOrderReference) {
		fatal(rule('F-INV002', 'F-CRN002'), `Profile ${profileId} requires an order reference`, 'orderReference');
	}
	if (!OIOUBL_CURRENCY_CODES.has(invoice.currency)) {
		fatal('F-LIB298', `Currency ${invoice.currency} is not an ISO 4217 code OIOUBL accepts`, 'currency');
	}
	checkPeriod(invoice.invoicingPeriod, 'invoicingPeriod', fatal);

	checkParty(invoice.seller, 'seller', fatal);
	checkParty(invoice.buyer, 'buyer', fatal);
	if (!invoice.seller.endpoint && legalEntityId(invoice.seller)?.schemeId !== 'DK:CVR') {
		fatal(
			rule('F-INV031', 'F-CRN028'),
			'The seller needs an electronic address (EndpointID) or a Danish CVR number',
			'seller.endpoint',
		);
	}
	if (!legalEntityId(invoice.seller)?.id) {
		fatal('F-LIB187', 'The seller needs a company registration number (CVR) for PartyLegalEntity', 'seller.legalId');
	}
	if (!invoice.buyer.endpoint) {
		fatal(
			rule('F-INV044', 'F-CRN040'),
			'The buyer needs an electronic address (EndpointID, e.g. EAN/GLN or CVR)',
			'buyer.endpoint',
		);
	}
	if (invoice.payee && !invoice.payee.name?.trim() && !invoice.payee.identifier) {
		fatal('F-LIB022', 'The payee needs a name', 'payee.name');
	}
	if (invoice.taxRepresentative) {
		const rep = invoice.taxRepresentative;
		if (!rep.name?.trim()) fatal('F-LIB353', 'The tax representative needs a name', 'taxRepresentative.name');
		if (!rep.vatId?.trim())
			fatal('F-LIB371', 'The tax representative needs a VAT identifier', 'taxRepresentative.vatId');
		checkCountry(rep.address?.country, 'taxRepresentative.address.country', fatal);
	}
	// The credit note schematron checks neither the document delivery, payment means, nor line allowances/charges,
	// and requires no positive document allowance amounts; those checks apply to invoices only.
	if (!isCredit && invoice.delivery?.address) {
		checkCountry(invoice.delivery.address.country, 'delivery.address.country', fatal);
	}
	if (!isCredit) (invoice.paymentMeans ?? []).forEach((pm, i) => checkPaymentMeans(pm, `paymentMeans[${i}]`, fatal));
	(invoice.attachments ?? []).forEach((a, i) => {
		if (a.contentBase64 && !ATTACHMENT_MIME_CODES.has(a.mimeCode ?? 'application/pdf')) {
			fatal('F-LIB098', `Attachment mime code ${a.mimeCode} is not accepted by OIOUBL`, `attachments[${i}].mimeCode`);
		}
	});
	(invoice.allowanceCharges ?? []).forEach((ac, i) => {
		const path = `allowanceCharges[${i}]`;
		if (!ac.vat) fatal('F-LIB226', 'A document allowance or charge needs a VAT category', `${path}.vat`);
		checkAllowanceCharge(ac, path, 'document', false, fatal, isCredit);
	});

	invoice.lines.forEach((line, i) => {
		const path = `lines[${i}]`;
		if (!line.id?.trim()) fatal(rule('F-INV140', 'F-CRN084'), 'Line id is empty', `${path}.id`);
		if (!line.item?.name?.trim())
			fatal(rule('F-INV163', 'F-CRN110'), `Line ${line.id}: the item name is empty`, `${path}.item.name`);
		const unit = oioublUnit(line.unitCode);
		if (!OIOUBL_UNIT_CODES.has(unit)) {
			fatal(
				'F-LIB318',
				`Line ${line.id}: unit code ${line.unitCode} is not in the UN/ECE Rec. 20 list OIOUBL uses`,
				`${path}.unitCode`,
			);
		}
		const quantity = decimalOrUndefined(line.quantity);
		if (quantity?.eq(0))
			fatal(rule('F-INV147', 'F-CRN088'), `Line ${line.id}: the quantity must not be zero`, `${path}.quantity`);
		const price = decimalOrUndefined(line.price?.amount);
		const base = line.price?.baseQuantity !== undefined ? decimalOrUndefined(line.price.baseQuantity) : dec(1);
		if (base?.lte(0))
			fatal('F-LIB019', `Line ${line.id}: the price base quantity must be positive`, `${path}.price.baseQuantity`);
		if (!isCredit && line.orderLineReference && !invoice.orderReference && !invoice.salesOrderReference) {
			fatal(
				'F-INV142',
				`Line ${line.id} refers to an order line but the invoice has no order reference`,
				`${path}.orderLineReference`,
			);
		}
		const negativeLine = !!(quantity?.lt(0) || price?.lt(0));
		(line.allowanceCharges ?? []).forEach((ac, j) =>
			checkAllowanceCharge(ac, `${path}.allowanceCharges[${j}]`, 'line', negativeLine, fatal, isCredit),
		);
		const discount = decimalOrUndefined(line.price?.discount);
		if (discount?.lt(0) && !negativeLine) {
			fatal(
				rule('F-INV335', 'F-CRN203'),
				`Line ${line.id}: the price discount must not be negative on a positive line`,
				`${path}.price.discount`,
			);
		}
		// OIOUBL checks the line amount against quantity × price (±1.00); a booked line amount must agree with it.
		if (!line.allowanceCharges?.length && line.netAmount !== undefined && quantity && price && base && !base.eq(0)) {
			const net = decimalOrUndefined(line.netAmount);
			if (net && net.minus(quantity.times(price).div(base)).abs().gt(1)) {
				fatal(
					rule('F-INV340', 'F-CRN210'),
					`Line ${line.id}: line amount ${line.netAmount} differs from quantity × price by more than 1.00`,
					`${path}.netAmount`,
				);
			}
		}
		checkVatRate(line.vat?.category, line.vat?.rate, `${path}.vat`, fatal);
		// Line periods are not checked by the OIOUBL schematron (only the document's InvoicePeriod is, F-LIB080).
	});

	checkTotals(invoice, fatal, rule);
}

type Report = (id: string, message: string, path?: string) => void;

function decimalOrUndefined(value: unknown): Big | undefined {
	// Absent values are common; skip the parse (a failed parse builds an exception, which is slow).
	if (value === undefined || value === null || value === '') return undefined;
	return isDecimal(value) ? dec(value) : undefined;
}

function checkPeriod(period: Period | undefined, path: string, fatal: Report): void {
	if (period?.startDate && period.endDate && period.endDate < period.startDate) {
		fatal('F-LIB080', 'The period ends before it starts', `${path}.endDate`);
	}
}

function checkCountry(country: string | undefined, path: string, fatal: Report): void {
	// An address without a country is written without cac:Country, which OIOUBL accepts.
	if (!country?.trim()) return;
	if (!OIOUBL_COUNTRY_CODES.has(country))
		fatal('F-LIB301', `Country code ${country} is not an ISO 3166 code OIOUBL accepts`, path);
}

function checkParty(party: Party, role: 'seller' | 'buyer', fatal: Report): void {
	// PartyName is only mandatory without a PartyIdentification (F-LIB022).
	if (!party.name?.trim() && !party.tradingName?.trim() && !(party.identifiers ?? []).some((i) => i?.id?.trim())) {
		fatal('F-LIB022', `The ${role} has no name`, `${role}.name`);
	}
	checkCountry(party.address?.country, `${role}.address.country`, fatal);
	if (party.endpoint) {
		const mapped = oioublScheme(party.endpoint.scheme);
		const value = oioublIdValue(party.endpoint.id, mapped);
		if (!mapped || !ENDPOINT_SCHEME_IDS.has(mapped.schemeId)) {
			fatal(
				'F-LIB179',
				`The ${role}'s endpoint scheme ${party.endpoint.scheme} has no OIOUBL equivalent`,
				`${role}.endpoint.scheme`,
			);
		} else if (mapped.schemeId === 'DK:CVR' && !/^DK.{8}$/.test(value)) {
			fatal(
				'F-LIB180',
				`The ${role}'s CVR endpoint must be 8 digits (found ${party.endpoint.id})`,
				`${role}.endpoint.id`,
			);
		} else if (mapped.schemeId === 'GLN' && value.length !== 13) {
			fatal(
				'F-LIB181',
				`The ${role}'s GLN/EAN endpoint must be 13 digits (found ${party.endpoint.id})`,
				`${role}.endpoint.id`,
			);
		}
	}
	(party.identifiers ?? []).forEach((identifier, i) => {
		const mapped = oioublScheme(identifier.scheme);
		const value = oioublIdValue(identifier.id, mapped);
		const path = `${role}.identifiers[${i}]`;
		if (mapped?.schemeId === 'DK:CVR' && !/^DK.{8}$/.test(value))
			fatal('F-LIB184', `CVR identifier must be 8 digits`, path);
		if (mapped?.schemeId === 'GLN' && value.length !== 13) fatal('F-LIB185', `GLN identifier must be 13 digits`, path);
		if (mapped?.schemeId === 'DK:P' && value.length !== 10)
			fatal('F-LIB287', `P-number identifier must be 10 digits`, path);
	});
	if (party.vatId !== undefined && party.vatId !== '' && !party.vatId.trim()) {
		fatal('F-LIB193', `The ${role}'s VAT identifier is blank`, `${role}.vatId`);
	}
}

function checkPaymentMeans(pm: PaymentMeans, path: string, fatal: Report): void {
	const code = oioublPaymentCode(pm);
	if (!PAYMENT_MEANS_CODES.has(code)) {
		fatal('F-LIB100', `Payment means code ${pm.code} is not used in OIOUBL`, `${path}.code`);
		return;
	}
	const numeric = (value: string | undefined) => !!value && /^\d+$/.test(value);
	if (code === '93') {
		const giro = pm.giro;
		if (!giro) {
			fatal('F-LIB152', 'FIK payment (code 93) needs a card type and creditor number', `${path}.giro`);
			return;
		}
		if (giro.cardType === '71' || giro.cardType === '75') {
			const length = giro.cardType === '71' ? 15 : 16;
			if (!giro.paymentId) fatal('F-LIB153', `FIK ${giro.cardType} needs a payment id`, `${path}.giro.paymentId`);
			else if (giro.paymentId.length !== length) {
				fatal(
					giro.cardType === '71' ? 'F-LIB156' : 'F-LIB157',
					`FIK ${giro.cardType} payment id must be ${length} digits`,
					`${path}.giro.paymentId`,
				);
			} else if (!numeric(giro.paymentId))
				fatal('F-LIB336', `FIK payment id must be numeric`, `${path}.giro.paymentId`);
		}
		if ((giro.creditorId ?? '').length !== 8)
			fatal('F-LIB305', 'FIK creditor number must be 8 digits', `${path}.giro.creditorId`);
	} else if (code === '50') {
		const giro = pm.giro;
		if (!giro) {
			fatal('F-LIB144', 'Giro payment (code 50) needs a card type and giro account', `${path}.giro`);
			return;
		}
		if (giro.cardType === '04' || giro.cardType === '15') {
			if (!giro.paymentId) fatal('F-LIB145', `Giro ${giro.cardType} needs a payment id`, `${path}.giro.paymentId`);
			else if (giro.paymentId.length > 16)
				fatal('F-LIB149', 'Giro payment id must be at most 16 digits', `${path}.giro.paymentId`);
			else if (!numeric(giro.paymentId)) fatal('F-LIB390', 'Giro payment id must be numeric', `${path}.giro.paymentId`);
		}
		const account = giro.creditorId ?? '';
		if (account.length < 7 || account.length > 8 || !numeric(account)) {
			fatal('F-LIB321', 'Giro account number must be 7 or 8 digits', `${path}.giro.creditorId`);
		}
	} else if (code === '42') {
		const ct = pm.creditTransfer;
		if (!ct || !danishAccount(ct.accountId, ct.serviceProviderId)) {
			fatal(
				'F-LIB125',
				'Danish bank transfer (code 42) needs a registration number and account number',
				`${path}.creditTransfer`,
			);
		} else if ((pm.paymentId ?? '').length > 20) {
			fatal(
				'F-LIB133',
				'The payment reference must be at most 20 characters for a Danish bank transfer',
				`${path}.paymentId`,
			);
		}
	} else if (code === '31') {
		const bic = pm.creditTransfer?.serviceProviderId;
		if (!pm.creditTransfer)
			fatal('F-LIB107', 'International bank transfer (code 31) needs an account', `${path}.creditTransfer`);
		else if (!bic || /^\d{4}$/.test(bic)) {
			fatal(
				'F-LIB113',
				'International bank transfer (code 31) needs the BIC of the bank',
				`${path}.creditTransfer.serviceProviderId`,
			);
		}
		if ((pm.paymentId ?? '').length > 20) {
			fatal('F-LIB111', 'The payment reference must be at most 20 characters for a bank transfer', `${path}.paymentId`);
		}
	} else if (code === '58') {
		if (!pm.creditTransfer?.accountId?.trim())
			fatal('F-LIB377', 'SEPA transfer (code 58) needs an IBAN', `${path}.creditTransfer`);
	} else if (code === '48') {
		if (!pm.card) fatal('F-LIB342', 'Card payment (code 48) needs card details', `${path}.card`);
	} else if (code === '49') {
		if ((pm.directDebit?.mandateId ?? '').length > 60) {
			fatal('F-LIB140', 'Direct debit mandate id must be at most 60 characters', `${path}.directDebit.mandateId`);
		}
	}
}

function checkAllowanceCharge(
	ac: AllowanceCharge,
	path: string,
	level: 'document' | 'line',
	negativeLine: boolean,
	fatal: Report,
	isCredit: boolean,
): void {
	// Credit notes: line allowances/charges are not checked, document ones only for their factor (F-LIB227/228).
	if (isCredit && level === 'line') return;
	const amount = decimalOrUndefined(ac.amount);
	const base = decimalOrUndefined(ac.baseAmount);
	const percent = decimalOrUndefined(ac.percent);
	const computed = amount ?? (base && percent ? base.times(percent).div(HUNDRED).round(2, 1) : undefined);
	if (level === 'document' && !isCredit) {
		if (computed?.lte(0)) fatal('F-LIB019', 'A document allowance or charge amount must be positive', `${path}.amount`);
		if (base?.lte(0))
			fatal('F-LIB019', 'A document allowance or charge base amount must be positive', `${path}.baseAmount`);
	} else if (level === 'line') {
		if (computed?.eq(0)) fatal('F-LIB317', 'A line allowance or charge amount must not be zero', `${path}.amount`);
		if (base?.eq(0)) fatal('F-LIB317', 'A line allowance or charge base amount must not be zero', `${path}.baseAmount`);
		if (computed?.lt(0) && !negativeLine) {
			fatal('F-INV335', 'A line allowance or charge must not be negative on a positive line', `${path}.amount`);
		}
	}
	if (percent?.lt(0)) fatal('F-LIB227', 'The allowance or charge percentage must not be negative', `${path}.percent`);
	if (amount && base && percent && amount.minus(base.times(percent).div(HUNDRED)).abs().gt(1)) {
		fatal('F-LIB228', 'The allowance or charge amount must equal base amount × percentage', `${path}.amount`);
	}
}

function checkVatRate(category: string | undefined, rate: string | undefined, path: string, fatal: Report): void {
	const value = decimalOrUndefined(rate);
	if (category === 'S' && (!value || value.lte(0))) {
		fatal('F-LIB382', 'Standard rated VAT needs a rate above 0', `${path}.rate`);
	}
	if ((category === 'Z' || category === 'E') && value && !value.eq(0)) {
		fatal('F-LIB400', 'Zero rated and exempt VAT must have rate 0 in OIOUBL', `${path}.rate`);
	}
}

function checkTotals(invoice: Invoice, fatal: Report, rule: (i: string, c: string) => string): void {
	let totals;
	try {
		totals = computeTotals(invoice);
	} catch (error) {
		fatal('EXPORT-INVALID-DATA', `Totals cannot be computed: ${(error as Error).message}`);
		return;
	}
	const subtotals = oioublSubtotals(totals);
	if (subtotals.filter((s) => s.oioublId === 'StandardRated').length > 1) {
		fatal('F-LIB315', 'OIOUBL allows one standard VAT rate per document; this invoice has several', 'lines');
	}
	for (const sub of subtotals) {
		if (
			sub.oioublId === 'StandardRated' &&
			dec(sub.taxable).gt(0) &&
			dec(sub.tax).eq(0) &&
			dec(sub.taxable).times(sub.rate).div(HUNDRED).gte(0.005)
		) {
			fatal('F-LIB381', 'Standard rated VAT amount is zero although VAT is due', 'booked.vatByCategory');
		}
	}
	const rounding = totals.rounding ? dec(totals.rounding) : dec(0);
	if (dec(totals.taxInclusive).plus(rounding).lt(0)) {
		fatal('F-LIB016', 'The total is negative; OIOUBL needs a credit note with positive amounts instead', 'lines');
	} else if (dec(totals.payable).lt(0)) {
		fatal('F-LIB016', 'The payable amount is negative', 'prepaidAmount');
	}
	if (rounding.abs().gt(10))
		fatal(rule('F-INV338', 'F-CRN208'), 'The rounding amount must be within ±10.00', 'roundingAmount');
	if (totals.prepaid && dec(totals.prepaid).lt(0))
		fatal('F-LIB013', 'The prepaid amount must not be negative', 'prepaidAmount');
	// The tax currency is only written with standard rated VAT (see `oioublTaxCurrency`).
	const tc = oioublTaxCurrency(invoice, totals);
	if (tc) {
		if (tc.code !== 'DKK' && tc.code !== 'EUR') {
			fatal(rule('F-INV016', 'F-CRN011'), `Tax currency must be DKK or EUR, not ${tc.code}`, 'taxCurrency.code');
		}
		if (tc.exchangeRate !== undefined && isDecimal(tc.exchangeRate) && dec(tc.exchangeRate).lte(0)) {
			fatal('F-LIB089', 'The tax exchange rate must be positive', 'taxCurrency.exchangeRate');
		}
		if (tc.exchangeRate === undefined && tc.vatTotal === undefined) {
			fatal(
				rule('F-INV018', 'F-CRN013'),
				'A tax currency needs the VAT in that currency (exchange rate or amount) on standard rated VAT',
				'taxCurrency',
			);
		}
	}
}
