import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
	countryCode,
	endpointFromEInvoiceAddress,
	legalIdFromVat,
	mapSeveraInvoice,
	paymentMeansFor,
	severaSource,
	unitCode,
	type SeveraDocument,
} from '../../../nodes/Severa/mapper';
import type {
	SeveraBankAccount,
	SeveraCustomer,
	SeveraInvoice,
	SeveraInvoiceRow,
	SeveraOrganizationDetails,
} from '../../../nodes/Severa/types';
import { computeTotals, TotalsMismatchError } from '../../../nodes/shared/einvoice/totals';

const dir = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'severa');
const load = <T>(name: string): T => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as T;
const invoices = load<SeveraInvoice[]>('invoices');
const rows = load<SeveraInvoiceRow[]>('invoicerows');
const customers = load<SeveraCustomer[]>('customers');
const organization = load<SeveraOrganizationDetails>('organizationdetails');
const bankAccounts = load<SeveraBankAccount[]>('bankaccounts');

function documentOf(number: number | null, index = 0): SeveraDocument {
	const invoice = invoices.filter((i) => i.number === number)[index];
	assert.ok(invoice, `fixture invoice ${number}`);
	return {
		invoice: structuredClone(invoice),
		rows: structuredClone(rows.filter((r) => r.invoiceGuid === invoice.guid)),
		customer: structuredClone(customers.find((c) => c.guid === invoice.billingCustomer?.guid)),
		organization: structuredClone(organization),
		bankAccounts: structuredClone(bankAccounts),
	};
}

describe('Severa e-invoice address → endpoint', () => {
	it('maps a Finnish OVT (with and without suffix) under 0216', () => {
		assert.deepEqual(endpointFromEInvoiceAddress('003701120389'), { scheme: '0216', id: '003701120389' });
		assert.deepEqual(endpointFromEInvoiceAddress('0037 1927 5565 001'), { scheme: '0216', id: '003719275565001' });
	});
	it('maps a Danish GLN under 0088 only when its check digit is right', () => {
		assert.deepEqual(endpointFromEInvoiceAddress('5790000435975'), { scheme: '0088', id: '5790000435975' });
		assert.equal(endpointFromEInvoiceAddress('5790000435976'), undefined);
	});
	it('maps a CVR (plain or DK-prefixed) under 0184', () => {
		assert.deepEqual(endpointFromEInvoiceAddress('DK35467238'), { scheme: '0184', id: '35467238' });
		assert.deepEqual(endpointFromEInvoiceAddress('29947651', 'DK'), { scheme: '0184', id: '29947651' });
	});
	it('keeps an explicit ICD prefix and a PEPPOL participant id as written', () => {
		assert.deepEqual(endpointFromEInvoiceAddress('0088:5798000123458'), { scheme: '0088', id: '5798000123458' });
		assert.deepEqual(endpointFromEInvoiceAddress('iso6523-actorid-upis::0192:923609016'), {
			scheme: '0192',
			id: '923609016',
		});
	});
	it('gives no endpoint for a Finnish bank e-invoice address (IBAN form) or an empty value', () => {
		assert.equal(endpointFromEInvoiceAddress('FI4950009420028730'), undefined);
		assert.equal(endpointFromEInvoiceAddress('  '), undefined);
		assert.equal(endpointFromEInvoiceAddress(null), undefined);
	});
});

describe('Severa helpers', () => {
	it('derives registration ids from VAT numbers', () => {
		assert.deepEqual(legalIdFromVat('FI27344196'), { id: '2734419-6', scheme: '0212' });
		assert.deepEqual(legalIdFromVat('DK 29 94 76 51'), { id: '29947651', scheme: '0184' });
		assert.deepEqual(legalIdFromVat('NO923609016MVA'), { id: '923609016', scheme: '0192' });
		assert.equal(legalIdFromVat('GB123456789'), undefined);
	});
	it('maps units in English and Finnish, falling back on the row type', () => {
		assert.equal(unitCode('h', 'Hours'), 'HUR');
		assert.equal(unitCode('t', 'Hours'), 'HUR');
		assert.equal(unitCode('kpl', 'ProjectFees'), 'C62');
		assert.equal(unitCode('km', 'TravelExpenses'), 'KMT');
		assert.equal(unitCode('kk', 'FlatRate'), 'MON');
		assert.equal(unitCode('', 'Hours'), 'HUR');
		assert.equal(unitCode('widget', 'FlatRate'), 'C62');
	});
	it('reads countries as codes or names', () => {
		assert.equal(countryCode('fi'), 'FI');
		assert.equal(countryCode('Suomi'), 'FI');
		assert.equal(countryCode('Denmark'), 'DK');
		assert.equal(countryCode('Atlantis'), undefined);
	});
	it('turns active IBAN accounts into SEPA credit transfers with the reference number', () => {
		const means = paymentMeansFor(bankAccounts, 'EUR', '261415');
		assert.equal(means.length, 2, 'the inactive account is left out');
		assert.deepEqual(means[0], {
			code: '58',
			paymentId: '261415',
			creditTransfer: { accountId: 'FI4950009420028730', serviceProviderId: 'OKOYFIHH' },
		});
		assert.equal(paymentMeansFor(bankAccounts, 'DKK')[0].code, '30');
	});
});

describe('mapSeveraInvoice', () => {
	it('maps a Finnish invoice with 25.5 % and 14 % rows, seller from the organisation', () => {
		const invoice = mapSeveraInvoice(documentOf(26141));
		assert.equal(invoice.kind, 'invoice');
		assert.equal(invoice.number, '26141');
		assert.equal(invoice.currency, 'EUR');
		assert.deepEqual(invoice.seller.endpoint, { scheme: '0216', id: '003727344196' });
		assert.equal(invoice.seller.vatId, 'FI27344196');
		assert.deepEqual(invoice.seller.legalId, { id: '2734419-6', scheme: '0212' });
		assert.deepEqual(invoice.buyer.endpoint, { scheme: '0216', id: '003701120389' });
		assert.equal(invoice.buyer.address.country, 'FI');
		assert.equal(invoice.orderReference, 'PO-44817');
		assert.equal(invoice.buyerReference, 'Mika Laine');
		const rates = invoice.lines.map((l) => `${l.vat.category}${l.vat.rate}`);
		assert.deepEqual(rates, ['S25.5', 'S25.5', 'S25.5', 'S14']);
		assert.deepEqual(
			invoice.lines.map((l) => l.unitCode),
			['HUR', 'HUR', 'KMT', 'C62'],
		);
		assert.deepEqual(invoice.lines[0].item.attributes, [{ name: 'Row type', value: 'Hours' }]);
		// Booked totals from Severa are what the document says.
		assert.equal(invoice.totals!.taxExclusive, '6182.06');
		assert.equal(invoice.totals!.vatTotal, '1546.76');
		assert.equal(invoice.totals!.payable, '7728.82');
		assert.equal(invoice.totals!.rounding, undefined);
		assert.equal(invoice.paymentMeans?.[0].paymentId, invoices.find((i) => i.number === 26141)!.referenceNumber);
		assert.equal(invoice.paymentTerms, '14 days net, overdue interest 8 %');
	});

	it("keeps Severa's per-row VAT rounding as the category VAT when that is what it booked", () => {
		const doc = documentOf(26152);
		const invoice = mapSeveraInvoice(doc);
		// Per category, 25.5 % of 544.33 is 138.80; Severa's rows round to 138.81 and booked that.
		const s255 = invoice.totals!.vatBreakdown.find((v) => v.rate === '25.5')!;
		assert.equal(s255.taxableAmount, '544.33');
		assert.equal(s255.taxAmount, '138.81');
		assert.equal(invoice.totals!.vatTotal, money(doc.invoice.totalTax!.amount!));
		assert.equal(invoice.totals!.payable, money(doc.invoice.totalIncludingTax!.amount!));
		assert.equal(invoice.totals!.rounding, undefined);
		// Without the booked figures the category VAT would be computed (and differ by a cent).
		assert.equal(
			computeTotals({ ...invoice, booked: undefined }).vatBreakdown.find((v) => v.rate === '25.5')!.taxAmount,
			'138.80',
		);
	});

	it('maps a Danish DKK customer with a GLN to reverse charge (AE) with the buyer VAT id', () => {
		const invoice = mapSeveraInvoice(documentOf(26147));
		assert.equal(invoice.currency, 'DKK');
		assert.deepEqual(invoice.buyer.endpoint, { scheme: '0088', id: '5790000435975' });
		assert.equal(invoice.buyer.vatId, 'DK10203570');
		assert.deepEqual(invoice.buyer.legalId, { id: '10203570', scheme: '0184' });
		for (const line of invoice.lines) {
			assert.deepEqual(line.vat, {
				category: 'AE',
				rate: '0',
				exemptionReason: 'Reverse charge',
				exemptionReasonCode: 'VATEX-EU-AE',
			});
		}
		assert.equal(invoice.taxCurrency, undefined, 'no VAT, so no VAT in the organisation currency');
		assert.equal(invoice.paymentMeans?.[0].code, '30');
	});

	it('maps a CVR e-invoice address under 0184 and a Norwegian buyer to export (G)', () => {
		assert.deepEqual(mapSeveraInvoice(documentOf(26149)).buyer.endpoint, { scheme: '0184', id: '35467238' });
		const norway = mapSeveraInvoice(documentOf(26151));
		assert.deepEqual(
			norway.buyer.endpoint,
			{ scheme: '0192', id: '923609016' },
			'derived from the organisation number',
		);
		assert.ok(norway.lines.every((l) => l.vat.category === 'G' && l.vat.exemptionReasonCode === 'VATEX-EU-G'));
	});

	it('derives an OVT endpoint from the business id when the customer has no e-invoice address', () => {
		const invoice = mapSeveraInvoice(documentOf(26145));
		assert.deepEqual(invoice.buyer.endpoint, { scheme: '0216', id: '003729587706' });
		assert.equal(invoice.buyer.contact?.email, 'talous@turunkiinteisto.fi');
	});

	it('uses a domestic 0 % as exempt (E), or the category the user chose', () => {
		const doc = documentOf(26146);
		assert.ok(mapSeveraInvoice(doc).lines.every((l) => l.vat.category === 'E' && l.vat.exemptionReason));
		const zero = mapSeveraInvoice(doc, { zeroRateCategory: 'Z' });
		assert.ok(zero.lines.every((l) => l.vat.category === 'Z' && l.vat.exemptionReason === undefined));
		const custom = mapSeveraInvoice(doc, { zeroRateCategory: 'E', exemptionReason: 'AVL 39 § koulutus' });
		assert.equal(custom.lines[0].vat.exemptionReason, 'AVL 39 § koulutus');
	});

	it('maps a credit note with positive amounts and the credited invoice as BG-3', () => {
		const doc = documentOf(26159);
		assert.ok(doc.invoice.totalIncludingTax!.amount! < 0, 'Severa books the credit note negative');
		const credit = mapSeveraInvoice(doc);
		assert.equal(credit.kind, 'creditNote');
		assert.deepEqual(credit.precedingInvoices, [{ number: '26141' }]);
		assert.equal(credit.lines[0].quantity, '4');
		assert.equal(credit.totals!.payable, '677.70');
		assert.equal(credit.totals!.vatTotal, '137.70');
		assert.equal(credit.paymentMeans, undefined);
	});

	it('moves the sign of a negative unit price to the quantity (BR-27)', () => {
		const doc = documentOf(26143);
		doc.rows[0].unitPrice!.amount = -480;
		doc.rows[0].quantity = 1;
		const net = -480 + 16 * 98;
		doc.invoice.totalExcludingTax!.amount = net;
		doc.invoice.totalTax!.amount = Math.round(net * 25.5) / 100;
		doc.invoice.totalIncludingTax!.amount = Math.round(net * 125.5) / 100;
		const invoice = mapSeveraInvoice(doc);
		assert.equal(invoice.lines[0].price.amount, '480');
		assert.equal(invoice.lines[0].quantity, '-1');
		assert.equal(invoice.totals!.taxExclusive, '1088.00');
	});

	it('adds VAT in the organisation currency for a foreign-currency invoice with VAT', () => {
		const doc = documentOf(26142);
		doc.invoice.currency = { guid: 'x', code: 'SEK' };
		doc.invoice.currencyRate = 11.2385;
		const invoice = mapSeveraInvoice(doc);
		assert.equal(invoice.taxCurrency?.code, 'EUR');
		assert.equal(invoice.totals!.vatTotalInTaxCurrency, '52.13');
	});

	it('refuses a draft without a number, naming the invoice and what to do', () => {
		assert.throws(() => mapSeveraInvoice(documentOf(null)), /has no invoice number yet \(a draft\)/);
	});

	it('fails an invoice whose rows disagree with the booked total, naming both figures', () => {
		const doc = documentOf(26143);
		doc.invoice.totalIncludingTax!.amount = 3875.04;
		assert.throws(
			() => mapSeveraInvoice(doc),
			(error: Error) =>
				error instanceof TotalsMismatchError &&
				/26143/.test(error.message) &&
				/3775\.04/.test(error.message) &&
				/3875\.04/.test(error.message),
		);
	});

	it('names the invoice and row for a row without a VAT rate', () => {
		const doc = documentOf(26144);
		doc.rows[1].vatRate = null;
		assert.throws(() => mapSeveraInvoice(doc), /Severa invoice 26144 row 2 VAT rate is missing/);
	});

	it("maps every numbered fixture document, all reconciled with Severa's booked totals", () => {
		const numbered = invoices.filter((i) => i.number !== null);
		assert.ok(numbered.length >= 30);
		for (const source of numbered) {
			const invoice = mapSeveraInvoice(documentOf(source.number));
			const sign = source.isCreditNote ? -1 : 1;
			assert.equal(
				invoice.totals!.payable,
				money(sign * source.totalIncludingTax!.amount!),
				`payable of ${source.number}`,
			);
			assert.equal(invoice.totals!.vatTotal, money(sign * source.totalTax!.amount!), `VAT of ${source.number}`);
			assert.ok(invoice.buyer.endpoint, `buyer endpoint of ${source.number}`);
		}
	});

	it('builds the item contract source', () => {
		const source = severaSource(invoices[0], 'pohjoisvalo-consulting');
		assert.deepEqual(source, {
			system: 'severa',
			account: 'pohjoisvalo-consulting',
			id: invoices[0].guid,
			number: '26141',
			kind: 'invoice',
			customerId: invoices[0].billingCustomer!.guid,
			customerName: 'Tampereen Tekniikka Oy',
			status: 'To be transferred to Maventa',
			updatedAt: invoices[0].lastUpdatedDateTime,
		});
	});
});

function money(value: number): string {
	return (Math.round(value * 100) / 100).toFixed(2);
}
