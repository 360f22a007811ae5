import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { vatRatePercent } from '../../nodes/Dinero/client';
import { normalizeKeys, parseDineroJson, quoteUnsafeNumbers, stringifyDineroJson } from '../../nodes/Dinero/json';
import {
	DineroMappingError,
	fikPaymentId,
	isBooked,
	isDraft,
	mapDineroDocument,
	sellerProblems,
	vatResolver,
	type DineroMapInput,
} from '../../nodes/Dinero/mapper';
import type { DineroContact, DineroDocument, DineroProductLine, DineroSellerDetails } from '../../nodes/Dinero/types';

const seller: DineroSellerDetails = {
	name: 'Nordlys Værktøj ApS',
	cvr: '30005309',
	street: 'Industrivej 21',
	postalCode: '7100',
	city: 'Vejle',
	country: 'DK',
	paymentMethod: 'iban',
	iban: 'DK5000400440116243',
	bic: 'DABADKKK',
};

const accounts = [
	{ AccountNumber: 1000, VatCode: 'U25' },
	{ AccountNumber: 1010, VatCode: 'UMF' },
	{ AccountNumber: 1100, VatCode: 'UEUV' },
	{ AccountNumber: 1110, VatCode: 'UEUY' },
	{ AccountNumber: 1200, VatCode: 'UEXP' },
	{ AccountNumber: 1400, VatCode: 'X12' },
	{ AccountNumber: 1500, VatCode: 'FRI' },
];
const vatTypes = [
	{ VatCode: 'U25', Name: 'Salgsmoms 25%', VatRate: 0.25 },
	{ VatCode: 'UMF', Name: 'Momsfritaget', VatRate: 0 },
	{ VatCode: 'UEUV', Name: 'EU varer', VatRate: 0 },
	{ VatCode: 'UEUY', Name: 'EU ydelser', VatRate: 0 },
	{ VatCode: 'UEXP', Name: 'Eksport', VatRate: 0 },
	{ VatCode: 'X12', Name: 'Særlig sats', VatRate: 12 },
	{ VatCode: 'FRI', Name: 'Fritaget, lægeydelser', VatRate: 0 },
];
const vat = vatResolver(accounts, vatTypes);

const danishCompany: DineroContact = {
	ContactGuid: 'c-1',
	Name: 'Ærø Tømrerfirma ApS',
	Street: 'Søndergade 12',
	ZipCode: '5970',
	City: 'Ærøskøbing',
	CountryKey: 'DK',
	VatNumber: '29403473',
	EanNumber: null,
	IsPerson: false,
	AttPerson: '',
	Email: 'faktura@aeroe.example',
};

/** A product line as Dinero books it: total = round(qty × price × (1 − d%), 2), VAT rounded per line. */
function line(
	quantity: string,
	price: string,
	account = 1000,
	discount = '0',
	rate = account === 1000 ? 0.25 : 0,
	extra: Partial<DineroProductLine> = {},
): DineroProductLine {
	const total =
		Math.round(Number(quantity) * Number(price) * (1 - Number(discount) / 100) * 100 + Number.EPSILON * 10) / 100;
	const lineVat = Math.round(total * rate * 100 + Number.EPSILON * 10) / 100;
	return {
		Description: 'Vare',
		Quantity: Number(quantity),
		Unit: 'parts',
		AccountNumber: account,
		BaseAmountValue: Number(price),
		Discount: Number(discount),
		TotalAmount: total,
		TotalAmountInclVat: Number((total + lineVat).toFixed(2)),
		LineType: 'Product',
		...extra,
	};
}

function documentOf(lines: DineroProductLine[], extra: Partial<DineroDocument> = {}): DineroDocument {
	let excl = 0;
	let incl = 0;
	for (const l of lines) {
		if (l.LineType === 'Text') continue;
		excl += Number(l.TotalAmount);
		incl += Number(l.TotalAmountInclVat);
	}
	return {
		Guid: 'g-1',
		Number: '1042',
		Status: 'Booked',
		Date: '2026-03-02',
		PaymentDate: '2026-03-16',
		PaymentConditionType: 'Netto',
		PaymentConditionNumberOfDays: 14,
		ContactGuid: 'c-1',
		Currency: 'DKK',
		Language: 'da-DK',
		TotalExclVat: Number(excl.toFixed(2)),
		TotalVat: Number((incl - excl).toFixed(2)),
		TotalInclVat: Number(incl.toFixed(2)),
		ProductLines: lines,
		...extra,
	};
}

function map(document: DineroDocument, more: Partial<DineroMapInput> = {}) {
	return mapDineroDocument({ kind: 'invoice', document, contact: danishCompany, seller, vat, ...more });
}

describe('Dinero JSON', () => {
	it('keeps the draft number exact and leaves strings alone', () => {
		const text =
			'{"Number":9223372036854775807,"Description":"Ref 12345678901234567890, \\"Number\\": 5","TotalAmount":12.5,"Big":12345678901234567}';
		const parsed = parseDineroJson(text) as Record<string, unknown>;
		assert.equal(parsed.Number, '9223372036854775807');
		assert.equal(parsed.Description, 'Ref 12345678901234567890, "Number": 5');
		assert.equal(parsed.TotalAmount, 12.5);
		assert.equal(parsed.Big, '12345678901234567');
		assert.equal(quoteUnsafeNumbers('{"number": 7}'), '{"number": "7"}');
		assert.equal(stringifyDineroJson({ Number: '9223372036854775807' }), '{"Number":9223372036854775807}');
	});

	it('reads keys case-insensitively into one PascalCase spelling', () => {
		const record = normalizeKeys<Record<string, unknown>>({
			vatCode: 'U25',
			VATRATE: 0.25,
			contactguid: 'x',
			someNew: 1,
		});
		assert.deepEqual(record, { VatCode: 'U25', VatRate: 0.25, ContactGuid: 'x', SomeNew: 1 });
	});

	it('reads VAT rates given as a fraction or a percentage', () => {
		assert.equal(vatRatePercent(0.25), '25');
		assert.equal(vatRatePercent('0.125'), '12.5');
		assert.equal(vatRatePercent(25), '25');
		assert.equal(vatRatePercent(0), '0');
	});
});

describe('Dinero mapper: VAT', () => {
	it('standard rate 25 % from the account VAT code; totals equal the booked totals', () => {
		const invoice = map(documentOf([line('2', '100'), line('1', '49.95')]));
		assert.equal(invoice.lines[0].vat.category, 'S');
		assert.equal(invoice.lines[0].vat.rate, '25');
		assert.equal(invoice.totals!.taxExclusive, '249.95');
		assert.equal(invoice.totals!.vatTotal, '62.49');
		assert.equal(invoice.totals!.payable, '312.44');
		assert.equal(invoice.totals!.rounding, undefined);
	});

	it('mixed VAT: standard and exempt (E with reason) give two breakdown rows', () => {
		const invoice = map(documentOf([line('1', '1000'), line('1', '2500', 1010)]));
		const rows = invoice.totals!.vatBreakdown;
		assert.equal(rows.length, 2);
		const exempt = rows.find((r) => r.category === 'E')!;
		assert.equal(exempt.taxableAmount, '2500.00');
		assert.equal(exempt.taxAmount, '0.00');
		assert.match(exempt.exemptionReason!, /Momsfritaget/);
		assert.equal(invoice.totals!.payable, '3750.00');
	});

	it('reverse charge (AE) for EU services, with the buyer VAT id kept with its prefix', () => {
		const contact: DineroContact = {
			...danishCompany,
			Name: 'Müller GmbH',
			CountryKey: 'DE',
			VatNumber: 'DE811907980',
		};
		const invoice = map(documentOf([line('10', '125', 1110)], { Currency: 'EUR', TotalInclVatInDkk: 9325.5 }), {
			contact,
		});
		assert.equal(invoice.lines[0].vat.category, 'AE');
		assert.equal(invoice.lines[0].vat.rate, '0');
		assert.equal(invoice.totals!.vatBreakdown[0].exemptionReasonCode, 'VATEX-EU-AE');
		assert.equal(invoice.buyer.vatId, 'DE811907980');
		assert.deepEqual(invoice.buyer.endpoint, { scheme: '9930', id: 'DE811907980' });
		assert.equal(invoice.currency, 'EUR');
		assert.equal(invoice.taxCurrency?.code, 'DKK');
		assert.equal(invoice.taxCurrency?.vatTotal, '0.00');
	});

	it('intra-community supply of goods (K) carries delivery country and date', () => {
		const contact: DineroContact = { ...danishCompany, CountryKey: 'SE', VatNumber: '556036079301' };
		const invoice = map(documentOf([line('3', '80', 1100)]), { contact });
		assert.equal(invoice.lines[0].vat.category, 'K');
		assert.equal(invoice.buyer.vatId, 'SE556036079301', 'a foreign VAT number without prefix gets the country prefix');
		assert.deepEqual(
			invoice.buyer.endpoint,
			{ scheme: '0007', id: '5560360793' },
			'Swedish organisation number from the VAT number',
		);
		assert.equal(invoice.delivery?.address?.country, 'SE');
		assert.equal(invoice.delivery?.date, '2026-03-02');
	});

	it('export outside the EU (G)', () => {
		const contact: DineroContact = { ...danishCompany, CountryKey: 'NO', VatNumber: 'NO923609016MVA' };
		const invoice = map(documentOf([line('1', '5000', 1200)]), { contact });
		assert.equal(invoice.lines[0].vat.category, 'G');
		assert.equal(invoice.totals!.vatBreakdown[0].exemptionReasonCode, 'VATEX-EU-G');
		assert.deepEqual(invoice.buyer.endpoint, { scheme: '0192', id: '923609016' });
	});

	it('an unknown VAT code falls back on its rate: above 0 is S, 0 is E with the VAT type name', () => {
		const special = map(documentOf([line('1', '100', 1400, '0', 0.12)]));
		assert.deepEqual(special.lines[0].vat, { category: 'S', rate: '12' });
		const exempt = map(documentOf([line('1', '100', 1500)]));
		assert.equal(exempt.lines[0].vat.category, 'E');
		assert.equal(exempt.lines[0].vat.exemptionReason, 'Fritaget, lægeydelser');
	});

	it('an account outside the chart fails naming the document and the account', () => {
		assert.throws(
			() => map(documentOf([line('1', '100', 9999)])),
			(e: Error) => e instanceof DineroMappingError && /invoice 1042/.test(e.message) && /account 9999/.test(e.message),
		);
	});

	it('per-line VAT rounding: the booked VAT per category becomes BT-117 (rounding trap)', () => {
		const lines = Array.from({ length: 24 }, () => line('1', '0.125'));
		const invoice = map(documentOf(lines));
		// Dinero rounds each line total to 0.13 and each line VAT (0.0325) to 0.03.
		assert.equal(invoice.totals!.taxExclusive, '3.12');
		assert.equal(invoice.totals!.vatTotal, '0.72', 'sum of the booked line VAT, not 3.12 × 25 % = 0.78');
		assert.equal(invoice.totals!.payable, '3.84');
	});

	it('a booked VAT total beyond the tolerance fails with both figures', () => {
		const document = documentOf([line('1', '100')]);
		document.TotalVat = 40;
		document.TotalInclVat = 140;
		document.ProductLines![0].TotalAmountInclVat = 140;
		assert.throws(
			() => map(document),
			(e: Error) =>
				e instanceof DineroMappingError &&
				/25\.00/.test(e.message) &&
				/40\.00/.test(e.message) &&
				/1042/.test(e.message),
		);
	});
});

describe('Dinero mapper: discounts and lines', () => {
	it('a percentage discount becomes a line allowance with base, percent and amount', () => {
		const invoice = map(documentOf([line('4', '250', 1000, '12.5')]));
		const allowance = invoice.lines[0].allowanceCharges![0];
		assert.deepEqual(allowance, {
			isCharge: false,
			amount: '125.00',
			reasonCode: '95',
			reason: 'Rabat',
			baseAmount: '1000.00',
			percent: '12.5',
		});
		assert.equal(invoice.lines[0].netAmount, '875.00');
		assert.equal(invoice.totals!.payable, '1093.75');
	});

	it('a discount Dinero rounds differently keeps the booked line total (allowance absorbs the cent)', () => {
		// Dinero: round(10.005 × 0.9) = 9.00; EN 16931: round(10.005) = 10.01, − round(1.001) = 1.00 → 9.01.
		const invoice = map(documentOf([line('1', '10.005', 1000, '10')]));
		assert.equal(invoice.lines[0].netAmount, '9.00');
		assert.equal(invoice.lines[0].allowanceCharges![0].amount, '1.01');
		assert.equal(invoice.lines[0].allowanceCharges![0].percent, '10');
		assert.equal(invoice.totals!.taxExclusive, '9.00');
	});

	it('text lines become notes, the comment comes first; units map to UN/ECE Rec 20', () => {
		const document = documentOf(
			[
				{ Description: 'Levering uge 12', LineType: 'Text', Quantity: 0, TotalAmount: 0, TotalAmountInclVat: 0 },
				line('2', '500', 1000, '0', 0.25, { Unit: 'hours', Description: 'Konsulent\nAnalyse', Comments: 'Projekt Æ' }),
				line('12.5', '8', 1000, '0', 0.25, { Unit: 'kilogram' }),
				line('1', '30', 1000, '0', 0.25, { Unit: 'unknownUnit' }),
			],
			{ Comment: 'Tak for handlen' },
		);
		const invoice = map(document);
		assert.deepEqual(invoice.notes, [{ text: 'Tak for handlen\nLevering uge 12' }], 'one note (PEPPOL-EN16931-R002)');
		assert.deepEqual(
			invoice.lines.map((l) => [l.id, l.unitCode]),
			[
				['1', 'HUR'],
				['2', 'KGM'],
				['3', 'C62'],
			],
		);
		assert.equal(invoice.lines[0].item.name, 'Konsulent');
		assert.equal(invoice.lines[0].item.description, 'Analyse\nProjekt Æ');
	});

	it('a negative line (returned goods) reduces the total', () => {
		const invoice = map(documentOf([line('2', '100'), line('-4', '12.5')]));
		assert.equal(invoice.lines[1].quantity, '-4');
		assert.equal(invoice.totals!.taxExclusive, '150.00');
	});
});

describe('Dinero mapper: parties, credit notes, payment', () => {
	it('CVR (with or without DK) → legal id 0184, VAT id DK…, endpoint 0184', () => {
		for (const VatNumber of ['29403473', 'DK29403473', 'DK 29 40 34 73']) {
			const invoice = map(documentOf([line('1', '100')]), { contact: { ...danishCompany, VatNumber } });
			assert.deepEqual(invoice.buyer.legalId, { id: '29403473', scheme: '0184' });
			assert.equal(invoice.buyer.vatId, 'DK29403473');
			assert.deepEqual(invoice.buyer.endpoint, { scheme: '0184', id: '29403473' });
		}
	});

	it('EAN/GLN → endpoint 0088; the att. person is the buyer contact and reference', () => {
		const contact = { ...danishCompany, EanNumber: '5798000416604', AttPerson: 'Lene Bæk' };
		const invoice = map(documentOf([line('1', '100')]), { contact });
		assert.deepEqual(invoice.buyer.endpoint, { scheme: '0088', id: '5798000416604' });
		assert.equal(invoice.buyer.contact?.name, 'Lene Bæk');
		assert.equal(invoice.buyerReference, 'Lene Bæk');
	});

	it('a person without identifiers gets no endpoint', () => {
		const contact: DineroContact = {
			ContactGuid: 'p',
			Name: 'Søren Kierkegård',
			CountryKey: 'DK',
			IsPerson: true,
			VatNumber: null,
		};
		const invoice = map(documentOf([line('1', '100')]), { contact });
		assert.equal(invoice.buyer.endpoint, undefined);
		assert.equal(invoice.buyer.vatId, undefined);
		assert.equal(invoice.buyer.name, 'Søren Kierkegård');
	});

	it('a credit note is linked to the invoice it credits (BG-3)', () => {
		const document = documentOf([line('1', '100')], { Number: '1050', CreditNoteFor: 'g-1' });
		const invoice = map(document, { kind: 'creditNote', creditedInvoice: { Number: '1042', Date: '2026-03-02' } });
		assert.equal(invoice.kind, 'creditNote');
		assert.deepEqual(invoice.precedingInvoices, [{ number: '1042', issueDate: '2026-03-02' }]);
	});

	it('drafts are refused and recognised by status or by the Int64.MaxValue number', () => {
		const draft = documentOf([line('1', '100')], { Number: '9223372036854775807', Status: 'Draft' });
		assert.equal(isDraft(draft), true);
		assert.equal(isBooked(draft), false);
		assert.equal(isDraft({ Number: '9223372036854775807', Status: 'Booked' }), true);
		assert.equal(isBooked({ Number: '7', Status: 'Paid', DeletedAt: null }), true);
		assert.throws(() => map(draft), /draft/);
	});

	it('missing seller details fail with the field names', () => {
		assert.deepEqual(sellerProblems({ ...seller, cvr: '', city: '' }), ['CVR Number is missing', 'City is missing']);
		assert.throws(
			() => map(documentOf([line('1', '100')]), { seller: { ...seller, iban: undefined } }),
			/Seller Details.*IBAN/,
		);
	});

	it('payment means allowed by the Danish rules: IBAN+BIC 31, IBAN 58, reg./account 42, FIK 93 with a check digit', () => {
		const byIban = map(documentOf([line('1', '100')]));
		assert.deepEqual(byIban.paymentMeans, [
			{
				code: '31',
				paymentId: '1042',
				creditTransfer: {
					accountId: 'DK5000400440116243',
					serviceProviderId: 'DABADKKK',
					accountName: 'Nordlys Værktøj ApS',
				},
			},
		]);
		assert.equal(
			map(documentOf([line('1', '100')]), { seller: { ...seller, bic: undefined } }).paymentMeans![0].code,
			'58',
		);
		const byBank = map(documentOf([line('1', '100')]), {
			seller: { ...seller, paymentMethod: 'bank', bankRegNo: '1234', bankAccountNo: '0001234567', iban: undefined },
		});
		assert.deepEqual(byBank.paymentMeans![0], {
			code: '42',
			paymentId: '1042',
			creditTransfer: { accountId: '0001234567', serviceProviderId: '1234', accountName: 'Nordlys Værktøj ApS' },
		});
		const byFik = map(documentOf([line('1', '100')]), {
			seller: { ...seller, paymentMethod: 'fik', fikCreditorId: '85438752', iban: undefined },
		});
		assert.equal(byFik.paymentMeans![0].code, '93');
		assert.equal(byFik.paymentMeans![0].giro?.paymentId, fikPaymentId('1042'));
		assert.equal(fikPaymentId('1042').length, 15);
		// Luhn: a valid number sums to a multiple of 10.
		const id = fikPaymentId('1042');
		let sum = 0;
		for (let i = 0; i < id.length; i++) {
			let d = Number(id[id.length - 1 - i]) * (i % 2 === 1 ? 2 : 1);
			if (d > 9) d -= 9;
			sum += d;
		}
		assert.equal(sum % 10, 0);
		assert.equal(byIban.paymentTerms, 'Netto 14 dage');
		assert.equal(byIban.dueDate, '2026-03-16');
	});
});
