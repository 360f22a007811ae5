import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type {
	BillyContact,
	BillyContactPerson,
	BillyInvoice,
	BillyInvoiceLine,
	BillyOrganization,
	BillyTaxRate,
} from '../../nodes/Billy/api';
import {
	BillyMappingError,
	billyBuyer,
	fikPaymentId,
	mapBillyInvoice,
	mod10CheckDigit,
} from '../../nodes/Billy/mapper';
import { computeLineNetAmount } from '../../nodes/shared/einvoice/totals';
import { dec } from '../../nodes/shared/einvoice/decimal';
import { generateBillyDataset, isValidCvr, isValidGln } from '../sandbox/billy/generate';

const organization: BillyOrganization = {
	id: 'org1',
	name: 'Søholm Håndværk ApS',
	street: 'Ågade 14',
	zipcode: '8000',
	city: 'Aarhus C',
	countryId: 'DK',
	registrationNo: '25313763',
	baseCurrencyId: 'DKK',
	hasVat: true,
	email: 'bogholderi@example.dk',
};
const rates: BillyTaxRate[] = [
	{ id: 'S25', name: 'Salgsmoms', abbreviation: 'S25', rate: 0.25 },
	{
		id: 'MF',
		name: 'Momsfritaget salg',
		abbreviation: 'MF',
		rate: 0,
		description: 'Salg fritaget for moms, momslovens § 13',
	},
	{ id: 'EUY', name: 'EU-salg af ydelser', abbreviation: 'EUY', rate: 0 },
	{ id: 'EUV', name: 'EU-salg af varer', abbreviation: 'EUV', rate: 0 },
	{ id: 'EKS', name: 'Salg uden for EU', abbreviation: 'EKS', rate: 0 },
	{ id: 'ODD', name: 'Særlig sats', abbreviation: 'X', rate: 0 },
];
const dkCompany: BillyContact = {
	id: 'c1',
	type: 'company',
	name: 'Blåbær Design A/S',
	countryId: 'DK',
	street: 'Ørstedsgade 12',
	cityText: 'Odense C',
	zipcodeText: '5000',
	registrationNo: '24107728',
	ean: '',
	contactNo: '17',
};

let lineSeq = 0;
function line(over: Partial<BillyInvoiceLine>): BillyInvoiceLine {
	lineSeq++;
	return {
		id: `l${lineSeq}`,
		productId: `p${lineSeq}`,
		description: 'Vare',
		quantity: 1,
		unitPrice: 100,
		taxRateId: 'S25',
		priority: lineSeq,
		...over,
	};
}

/** A Billy invoice whose booked amounts are given explicitly (as Billy would return them). */
function invoice(over: Partial<BillyInvoice> & Pick<BillyInvoice, 'amount' | 'tax'>): BillyInvoice {
	return {
		id: 'i1',
		type: 'invoice',
		createdTime: '2026-02-01T09:00:00',
		approvedTime: '2026-02-01T09:05:00',
		contactId: 'c1',
		entryDate: '2026-02-01',
		dueDate: '2026-02-15',
		paymentTermsMode: 'net',
		paymentTermsDays: 14,
		state: 'approved',
		invoiceNo: '1001',
		taxMode: 'excl',
		currencyId: 'DKK',
		exchangeRate: 1,
		lines: [],
		...over,
	};
}

function map(source: BillyInvoice, extra: Partial<Parameters<typeof mapBillyInvoice>[1]> = {}) {
	return mapBillyInvoice(source, { organization, contact: dkCompany, taxRates: rates, ...extra });
}

describe('Billy mapper: VAT and tax modes', () => {
	it('maps a tax-exclusive 25 % invoice with payable equal to the booked gross amount', () => {
		const result = map(
			invoice({
				amount: 7125,
				tax: 1781.25,
				grossAmount: 8906.25,
				lines: [line({ quantity: 7.5, unitPrice: 950, unit: 'hours' })],
			}),
		);
		assert.equal(result.lines[0].unitCode, 'HUR');
		assert.equal(result.lines[0].price.amount, '950');
		assert.equal(result.lines[0].netAmount, '7125.00');
		assert.deepEqual(result.lines[0].vat, { category: 'S', rate: '25' });
		assert.equal(result.totals!.vatTotal, '1781.25');
		assert.equal(result.totals!.payable, '8906.25');
	});

	it('derives nets from gross prices exactly when taxMode is incl (3 × 99.95)', () => {
		const lines = [1, 2, 3].map(() => line({ unitPrice: 99.95 }));
		const result = map(invoice({ taxMode: 'incl', amount: 239.88, tax: 59.97, grossAmount: 299.85, lines }));
		for (const l of result.lines) {
			assert.equal(l.netAmount, '79.96');
			assert.equal(l.price.amount, '79.96');
			assert.equal(computeLineNetAmount(l).toFixed(2), '79.96');
		}
		assert.equal(result.totals!.taxExclusive, '239.88');
		assert.equal(result.totals!.vatTotal, '59.97');
		assert.equal(result.totals!.payable, '299.85');
	});

	it('uses the VAT Billy booked per line when it drifts from per-category rounding (incl)', () => {
		// 9 gross prices; per-line nets sum to 282.24 and per-line VAT to 70.56; 282.24 × 25 % = 70.56 too,
		// so force a drift case: 3 × 0.99 gross → nets 0.79 each (VAT 0.20 each = 0.60), category VAT = 0.59.
		const lines = [1, 2, 3].map(() => line({ unitPrice: 0.99 }));
		const result = map(invoice({ taxMode: 'incl', amount: 2.37, tax: 0.6, grossAmount: 2.97, lines }));
		assert.equal(result.totals!.taxExclusive, '2.37');
		assert.equal(result.totals!.vatBreakdown[0].taxAmount, '0.60');
		assert.equal(result.totals!.payable, '2.97');
		assert.equal(result.roundingAmount, undefined);
	});

	it('classifies zero rates: reverse charge AE, intra-EU goods K, export G, exempt E, unknown zero → E', () => {
		const lines = [
			line({ taxRateId: 'EUY', unitPrice: 100 }),
			line({ taxRateId: 'EUV', unitPrice: 200 }),
			line({ taxRateId: 'EKS', unitPrice: 300 }),
			line({ taxRateId: 'MF', unitPrice: 400 }),
			line({ taxRateId: null, unitPrice: 500 }),
		];
		const result = map(invoice({ amount: 1500, tax: 0, grossAmount: 1500, lines }));
		const byCat = Object.fromEntries(result.totals!.vatBreakdown.map((b) => [b.category, b]));
		assert.equal(byCat.AE.exemptionReasonCode, 'VATEX-EU-AE');
		assert.equal(byCat.K.exemptionReasonCode, 'VATEX-EU-IC');
		assert.equal(byCat.G.exemptionReasonCode, 'VATEX-EU-G');
		assert.equal(byCat.E.taxableAmount, '900.00');
		assert.equal(byCat.E.exemptionReason, 'Salg fritaget for moms, momslovens § 13');
		for (const b of result.totals!.vatBreakdown) assert.equal(b.taxAmount, '0.00');
		// Intra-community supply carries delivery date and country.
		assert.equal(result.delivery?.date, '2026-02-01');
		assert.equal(result.delivery?.address?.country, 'DK');
	});

	it('lets the user override the category of a tax rate', () => {
		const result = map(invoice({ amount: 100, tax: 0, lines: [line({ taxRateId: 'ODD' })] }), {
			vatCategoryByTaxRate: { ODD: 'AE' },
		});
		assert.equal(result.lines[0].vat.category, 'AE');
		assert.equal(result.lines[0].vat.exemptionReasonCode, 'VATEX-EU-AE');
	});

	it('mixes standard and exempt lines with separate breakdown rows', () => {
		const result = map(
			invoice({
				amount: 7350,
				tax: 1237.5,
				grossAmount: 8587.5,
				lines: [line({ quantity: 12, unitPrice: 412.5 }), line({ unitPrice: 2400, taxRateId: 'MF' })],
			}),
		);
		assert.deepEqual(
			result.totals!.vatBreakdown.map((b) => [b.category, b.taxableAmount, b.taxAmount]),
			[
				['S', '4950.00', '1237.50'],
				['E', '2400.00', '0.00'],
			],
		);
	});

	it('reads a tax rate given as a percentage (25) like the fraction 0.25', () => {
		const result = map(invoice({ amount: 100, tax: 25, lines: [line({ taxRateId: 'P' })] }), {
			taxRates: [{ id: 'P', name: 'Moms', rate: 25 }],
		});
		assert.equal(result.lines[0].vat.rate, '25');
		assert.equal(result.totals!.payable, '125.00');
	});
});

describe('Billy mapper: discounts', () => {
	it('turns a percent discount (excl) into a line allowance with base and percentage', () => {
		// 2500 × 0.3125 = 781.25; 12.5 % off → 683.59 (781.25 × 0.875 = 683.59375)
		const result = map(
			invoice({
				amount: 683.59,
				tax: 170.9,
				lines: [
					line({
						quantity: 2500,
						unitPrice: 0.3125,
						discountMode: 'percent',
						discountValue: 12.5,
						discountText: 'Aftalerabat',
					}),
				],
			}),
		);
		const l = result.lines[0];
		assert.equal(l.price.amount, '0.3125');
		assert.equal(l.netAmount, '683.59');
		assert.deepEqual(l.allowanceCharges, [
			{
				isCharge: false,
				amount: '97.66',
				reason: 'Aftalerabat',
				reasonCode: '95',
				baseAmount: '781.25',
				percent: '12.5',
			},
		]);
		assert.equal(computeLineNetAmount(l).toFixed(2), '683.59');
		assert.equal(result.totals!.payable, '854.49');
	});

	it('turns a cash discount (excl) into a line allowance of that amount', () => {
		const result = map(
			invoice({
				amount: 599.5,
				tax: 149.88,
				lines: [line({ unitPrice: 695, discountMode: 'cash', discountValue: 95.5 })],
			}),
		);
		assert.equal(result.lines[0].allowanceCharges![0].amount, '95.50');
		assert.equal(result.lines[0].allowanceCharges![0].reason, 'Rabat');
		assert.equal(result.totals!.payable, '749.38');
	});

	it('turns discounts on tax-inclusive lines into net allowances', () => {
		// gross 3.333 × 164.8 = 549.28; −7.5 % = 508.08 gross → net 406.46; gross 1249 − 100 = 1149 → net 919.20
		const result = map(
			invoice({
				taxMode: 'incl',
				amount: 1325.66,
				tax: 331.42,
				lines: [
					line({ quantity: 3.333, unitPrice: 164.8, unit: 'kg', discountMode: 'percent', discountValue: 7.5 }),
					line({ unitPrice: 1249, discountMode: 'cash', discountValue: 100 }),
				],
			}),
		);
		const [a, b] = result.lines;
		assert.equal(a.netAmount, '406.46');
		assert.equal(a.price.amount, '131.84');
		assert.equal(a.allowanceCharges![0].amount, '32.96');
		assert.equal(b.netAmount, '919.20');
		assert.equal(b.allowanceCharges![0].amount, '80.00');
		for (const l of result.lines) assert.ok(computeLineNetAmount(l).minus(dec(l.netAmount!)).abs().lte('0.02'));
		assert.equal(result.totals!.payable, '1657.08');
	});
});

describe('Billy mapper: document', () => {
	it('turns text lines into one note, keeps line order by priority, maps units', () => {
		const result = map(
			invoice({
				amount: 450,
				tax: 112.5,
				contactMessage: 'Tak for handlen',
				lines: [
					line({ priority: 3, quantity: 2, unitPrice: 100, unit: 'km' }),
					line({
						priority: 1,
						productId: null,
						description: 'Uge 2',
						quantity: 0,
						unitPrice: 0,
						amount: 0,
						taxRateId: null,
					}),
					line({ priority: 2, quantity: 1, unitPrice: 250, unit: 'months' }),
				],
			}),
		);
		assert.deepEqual(result.notes, [{ text: 'Tak for handlen\nUge 2' }]);
		assert.deepEqual(
			result.lines.map((l) => [l.id, l.unitCode]),
			[
				['1', 'MON'],
				['2', 'KMT'],
			],
		);
	});

	it('links a credit note to the invoice it corrects (BG-3) and keeps amounts positive', () => {
		const credit = invoice({
			type: 'creditNote',
			invoiceNo: '1013',
			creditedInvoiceId: 'i0',
			amount: 950,
			tax: 237.5,
			lines: [line({ unitPrice: 950 })],
		});
		const result = map(credit, { creditedInvoice: { invoiceNo: '1001', entryDate: '2026-01-05' } });
		assert.equal(result.kind, 'creditNote');
		assert.deepEqual(result.precedingInvoices, [{ number: '1001', issueDate: '2026-01-05' }]);
		assert.equal(result.totals!.payable, '1187.50');
		// A credit note returned with negative amounts is flipped.
		const negative = invoice({
			type: 'credit_note',
			invoiceNo: '1014',
			creditedInvoiceId: 'i0',
			amount: -950,
			tax: -237.5,
			lines: [line({ quantity: -1, unitPrice: 950 })],
		});
		const flipped = map(negative, { creditedInvoice: { invoiceNo: '1001', entryDate: '2026-01-05' } });
		assert.equal(flipped.lines[0].quantity, '1');
		assert.equal(flipped.totals!.payable, '1187.50');
		assert.throws(() => map(credit), /credited invoice i0 was not found/);
	});

	it('sets the tax currency and exchange rate on a foreign-currency invoice', () => {
		const result = map(
			invoice({ currencyId: 'EUR', exchangeRate: 7.4603, amount: 1000, tax: 250, lines: [line({ unitPrice: 1000 })] }),
		);
		assert.equal(result.currency, 'EUR');
		assert.deepEqual(result.taxCurrency, { code: 'DKK', exchangeRate: '7.4603' });
		assert.equal(result.totals!.vatTotalInTaxCurrency, '1865.08');
	});

	it('adds one payment means: FIK on DKK invoices (valid check digit), IBAN on foreign currency, reg. + account as fallback', () => {
		const payment = {
			iban: 'DK50 0040 0440 1162 43',
			bic: 'dabadkkk',
			fikCreditorId: '85382743',
			fikCardType: '71' as const,
		};
		const dkk = map(invoice({ amount: 100, tax: 25, lines: [line({})] }), { payment });
		assert.equal(dkk.paymentMeans!.length, 1);
		assert.equal(dkk.paymentMeans![0].code, '93');
		assert.equal(dkk.paymentMeans![0].giro!.paymentId, fikPaymentId('1001', '71'));
		assert.equal(dkk.paymentMeans![0].giro!.paymentId!.length, 15);
		const eur = map(invoice({ currencyId: 'EUR', exchangeRate: 7.46, amount: 100, tax: 25, lines: [line({})] }), {
			payment,
		});
		assert.deepEqual(eur.paymentMeans, [
			{
				code: '58',
				paymentId: '1001',
				creditTransfer: { accountId: 'DK5000400440116243', serviceProviderId: 'DABADKKK' },
			},
		]);
		const domestic = map(invoice({ amount: 100, tax: 25, lines: [line({})] }), {
			payment: { bankRegNo: '1234', bankAccountNo: '0001234567' },
		});
		assert.deepEqual(domestic.paymentMeans, [
			{ code: '42', paymentId: '1001', creditTransfer: { accountId: '0001234567', serviceProviderId: '1234' } },
		]);
		assert.equal(mod10CheckDigit('7992739871'), '3'); // the textbook Luhn example
	});

	it('takes the seller from /organization (CVR → 0184, DK VAT) and lets a GLN override the endpoint', () => {
		const plainSeller = map(invoice({ amount: 100, tax: 25, lines: [line({})] })).seller;
		assert.deepEqual(plainSeller.endpoint, { scheme: '0184', id: '25313763' });
		assert.deepEqual(plainSeller.legalId, { id: '25313763', scheme: '0184' });
		assert.equal(plainSeller.vatId, 'DK25313763');
		assert.deepEqual(plainSeller.address, { line1: 'Ågade 14', city: 'Aarhus C', postalCode: '8000', country: 'DK' });
		const gln = map(invoice({ amount: 100, tax: 25, lines: [line({})] }), {
			seller: { endpoint: { scheme: '0088', id: '5798000000001' } },
		}).seller;
		assert.deepEqual(gln.endpoint, { scheme: '0088', id: '5798000000001' });
		assert.equal(gln.vatId, 'DK25313763');
	});

	it('never maps drafts or voided documents', () => {
		assert.throws(
			() => map(invoice({ state: 'draft', invoiceNo: null, amount: 100, tax: 25, lines: [line({})] })),
			BillyMappingError,
		);
		assert.throws(
			() => map(invoice({ state: 'voided', amount: 100, tax: 25, lines: [line({})] })),
			/1001: it is voided/,
		);
	});

	it('fails naming both figures when the books disagree with the lines', () => {
		assert.throws(
			() => map(invoice({ amount: 100, tax: 25, grossAmount: 140, lines: [line({})] })),
			/invoice 1001: .*125\.00.*140\.00/,
		);
	});

	it('absorbs a sub-krone difference of the booked total into the rounding amount (BT-114)', () => {
		const result = map(invoice({ amount: 99.6, tax: 24.9, grossAmount: 124, lines: [line({ unitPrice: 99.6 })] }));
		assert.equal(result.roundingAmount, '-0.50');
		assert.equal(result.totals!.payable, '124.00');
	});
});

describe('Billy mapper: buyer identifiers', () => {
	const persons: BillyContactPerson[] = [
		{ id: 'p1', contactId: 'c1', isPrimary: false, name: 'Brian', email: 'brian@example.dk' },
		{ id: 'p2', contactId: 'c1', isPrimary: true, name: 'Mette', email: 'mette@example.dk' },
	];

	it('CVR → 0184 endpoint, 0184 legal id and DK VAT id; the primary person is the contact', () => {
		const buyer = billyBuyer(dkCompany, persons);
		assert.deepEqual(buyer.endpoint, { scheme: '0184', id: '24107728' });
		assert.deepEqual(buyer.legalId, { id: '24107728', scheme: '0184' });
		assert.equal(buyer.vatId, 'DK24107728');
		assert.equal(buyer.contact?.email, 'mette@example.dk');
		assert.equal(billyBuyer(dkCompany, persons, [], 'p1').contact?.email, 'brian@example.dk');
	});

	it('EAN/GLN → 0088 endpoint (and still the CVR as legal id)', () => {
		const buyer = billyBuyer({ ...dkCompany, ean: '5798000000001' });
		assert.deepEqual(buyer.endpoint, { scheme: '0088', id: '5798000000001' });
		assert.deepEqual(buyer.legalId, { id: '24107728', scheme: '0184' });
	});

	it('foreign VAT numbers keep their prefix; SE and NO use their organisation numbers', () => {
		const de = billyBuyer({ ...dkCompany, countryId: 'DE', registrationNo: '', vatNo: 'DE 123456789' });
		assert.equal(de.vatId, 'DE123456789');
		assert.deepEqual(de.endpoint, { scheme: '9930', id: 'DE123456789' });
		const fr = billyBuyer({ ...dkCompany, countryId: 'FR', registrationNo: '', vatNo: '12345678901' });
		assert.equal(fr.vatId, 'FR12345678901');
		const se = billyBuyer({ ...dkCompany, countryId: 'SE', registrationNo: '5567788990', vatNo: 'SE556778899001' });
		assert.deepEqual(se.endpoint, { scheme: '0007', id: '5567788990' });
		assert.equal(se.vatId, 'SE556778899001');
		const no = billyBuyer({ ...dkCompany, countryId: 'NO', registrationNo: '987654321', vatNo: 'NO987654321MVA' });
		assert.deepEqual(no.endpoint, { scheme: '0192', id: '987654321' });
	});

	it('a private person without identifiers gets no endpoint', () => {
		const person = billyBuyer({
			id: 'c9',
			type: 'person',
			name: 'Åse Kjærgaard',
			countryId: 'DK',
			registrationNo: '',
			ean: '',
		});
		assert.equal(person.endpoint, undefined);
		assert.equal(person.vatId, undefined);
		assert.equal(person.legalId, undefined);
	});

	it('resolves a city given only as cityId from the sideloaded cities', () => {
		const buyer = billyBuyer(
			{ ...dkCompany, cityId: 'dk_aalborg', cityText: '' },
			[],
			[{ id: 'dk_aalborg', name: 'Aalborg', countryId: 'DK' }],
		);
		assert.equal(buyer.address.city, 'Aalborg');
	});
});

describe('Billy shipped dataset', () => {
	const dir = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'billy');
	const read = <T>(name: string): T => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as T;
	const invoices = read<BillyInvoice[]>('invoices');
	const contacts = read<BillyContact[]>('contacts');

	it('has at least 40 documents, with credit notes, drafts, voided, incl lines and a 300-line invoice', () => {
		assert.ok(invoices.length >= 40);
		assert.ok(invoices.some((i) => i.type === 'creditNote'));
		assert.ok(invoices.some((i) => i.state === 'draft'));
		assert.ok(invoices.some((i) => i.state === 'voided'));
		assert.ok(invoices.some((i) => i.taxMode === 'incl'));
		assert.ok(invoices.some((i) => (i.lines ?? []).length >= 300));
		assert.ok(invoices.some((i) => i.currencyId !== 'DKK'));
	});

	it('is exactly what the generator makes (seed 7, 48 documents), so it can be regenerated', () => {
		const generated = generateBillyDataset({ count: 48, seed: 7 });
		assert.deepEqual(JSON.parse(JSON.stringify(generated.invoices)), invoices);
		assert.deepEqual(JSON.parse(JSON.stringify(generated.contacts)), contacts);
	});

	it('has valid CVR (mod 11) and GLN (GS1) check digits', () => {
		const dk = contacts.filter((c) => c.countryId === 'DK' && c.registrationNo);
		assert.ok(dk.length >= 10);
		for (const c of dk) assert.ok(isValidCvr(c.registrationNo!), `${c.name}: ${c.registrationNo}`);
		const eans = contacts.filter((c) => c.ean);
		assert.ok(eans.length >= 1);
		for (const c of eans) assert.ok(isValidGln(c.ean!), `${c.name}: ${c.ean}`);
		assert.ok(isValidCvr(read<BillyOrganization>('organization').registrationNo!));
	});

	it('maps every approved document with payable = booked gross amount', () => {
		const rates = read<BillyTaxRate[]>('taxRates');
		const persons = read<BillyContactPerson[]>('contactPersons');
		const org = read<BillyOrganization>('organization');
		let mapped = 0;
		for (const doc of invoices.filter((i) => i.state === 'approved')) {
			const result = mapBillyInvoice(doc, {
				organization: org,
				contact: contacts.find((c) => c.id === doc.contactId)!,
				contactPersons: persons.filter((p) => p.contactId === doc.contactId),
				taxRates: rates,
				creditedInvoice: invoices.find((i) => i.id === doc.creditedInvoiceId),
			});
			assert.equal(result.totals!.payable, dec(doc.grossAmount!).toFixed(2), `document ${doc.invoiceNo}`);
			mapped++;
		}
		assert.ok(mapped >= 35);
	});
});
