import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preflightOioubl } from '../../nodes/shared/einvoice/preflight-oioubl';
import type { Invoice } from '../../nodes/shared/einvoice/model';
import { oioublFixtures } from '../fixtures/oioubl/fixtures';

function ids(name: string, change: (invoice: Invoice) => void = () => undefined, profileId?: string): string[] {
	const invoice = structuredClone(oioublFixtures[name]);
	change(invoice);
	return preflightOioubl(invoice, { profileId })
		.filter((f) => f.flag === 'fatal')
		.map((f) => f.id);
}

test('the Danish fixtures pass pre-flight', () => {
	for (const name of Object.keys(oioublFixtures)) assert.deepEqual(ids(name), [], name);
});

test('document rules: number, type code, profile, currency, period', () => {
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.number = ' ')),
		['F-INV009'],
	);
	assert.deepEqual(
		ids('dk-credit-note', (i) => (i.number = '')),
		['F-CRN006'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.typeCode = '383')),
		['F-INV011'],
	);
	assert.deepEqual(
		ids('dk-credit-note', (i) => (i.typeCode = '383')),
		[],
		'credit notes carry no type code',
	);
	assert.deepEqual(
		ids('dk-no-buyer-reference', () => undefined, 'Procurement-OrdSimR-BilSim-1.0'),
		['F-INV002'],
	);
	assert.ok(ids('dk-b2b-cvr', (i) => (i.currency = 'DKX')).includes('F-LIB298'));
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.invoicingPeriod = { startDate: '2026-02-01', endDate: '2026-01-01' })),
		['F-LIB080'],
	);
});

test('party rules: endpoints, CVR, GLN, countries', () => {
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => delete i.buyer.endpoint),
		['F-INV044'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => delete i.seller.endpoint),
		[],
		'CVR fallback',
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => {
			delete i.seller.endpoint;
			delete i.seller.legalId;
			delete i.seller.vatId;
		}),
		['F-INV031', 'F-LIB187'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.buyer.endpoint = { scheme: '0211', id: '1' })),
		['F-LIB179'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.buyer.endpoint = { scheme: '0184', id: '1234' })),
		['F-LIB180'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.buyer.endpoint = { scheme: '0088', id: '123' })),
		['F-LIB181'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.seller.address.country = 'XX')),
		['F-LIB301'],
	);
});

test('payment rules: FIK, giro and bank account limits (invoices only)', () => {
	const fik =
		(paymentId: string, creditorId = '85123456') =>
		(i: Invoice) =>
			(i.paymentMeans = [{ code: '93', giro: { cardType: '71', paymentId, creditorId } }]);
	assert.deepEqual(ids('dk-b2b-cvr', fik('12345')), ['F-LIB156']);
	assert.deepEqual(ids('dk-b2b-cvr', fik('00000000001234X')), ['F-LIB336']);
	assert.deepEqual(ids('dk-b2b-cvr', fik('000000000012345', '1234')), ['F-LIB305']);
	assert.deepEqual(ids('dk-credit-note', fik('12345')), [], 'the credit note schematron does not check payment means');
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.paymentMeans = [{ code: '50', giro: { cardType: '04', creditorId: '12345' } }])),
		['F-LIB145', 'F-LIB321'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.paymentMeans![0].paymentId = 'X'.repeat(21))),
		['F-LIB133'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.paymentMeans = [{ code: '57' }])),
		['F-LIB100'],
	);
});

test('line and VAT rules', () => {
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.lines[0].quantity = '0')),
		['F-INV147'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.lines[0].unitCode = 'XYZ')),
		['F-LIB318'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.lines[0].unitCode = 'H87')),
		[],
		'H87 is written as EA',
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.lines[0].netAmount = '1750.00')),
		['F-INV340'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.lines[0].vat = { category: 'S', rate: '0' })),
		['F-LIB382', 'F-LIB315'], // S 0% next to S 25%: two standard rated subtotals
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.lines[0].vat = { category: 'S', rate: '12' })),
		['F-LIB315'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.lines[0].vat = { category: 'Z', rate: '5' })),
		['F-LIB400'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.lines[0].allowanceCharges = [{ isCharge: false, amount: '-5' }])),
		['F-INV335'],
	);
});

test('totals: negative invoice, rounding limit, tax currency', () => {
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => i.lines.forEach((l) => (l.quantity = `-${l.quantity}`))),
		['F-LIB016'],
	);
	assert.deepEqual(
		ids('dk-b2b-cvr', (i) => (i.roundingAmount = '10.01')),
		['F-INV338'],
	);
	assert.deepEqual(
		ids('dk-foreign-currency', (i) => (i.taxCurrency = { code: 'SEK', exchangeRate: '11' })),
		['F-INV016'],
	);
	assert.deepEqual(
		ids('dk-foreign-currency', (i) => (i.taxCurrency = { code: 'DKK' })),
		['F-INV018'],
	);
});

test('findings name the place in the canonical invoice; bad data never throws', () => {
	const invoice = structuredClone(oioublFixtures['dk-b2b-cvr']);
	invoice.lines[1].quantity = '0';
	const [finding] = preflightOioubl(invoice);
	assert.equal(finding.path, 'lines[1].quantity');
	invoice.lines[0].price.amount = 'abc';
	assert.ok(preflightOioubl(invoice).some((f) => f.id === 'EXPORT-INVALID-DATA' && f.flag === 'fatal'));
});

test('structurally broken input gives a finding, not an exception', () => {
	for (const broken of [
		{},
		{ seller: {}, buyer: {}, lines: [{}] },
		{ ...oioublFixtures['dk-b2b-cvr'], lines: [null] },
	]) {
		const findings = preflightOioubl(broken as unknown as Invoice);
		assert.ok(
			findings.some((f) => f.flag === 'fatal'),
			JSON.stringify(broken).slice(0, 40),
		);
	}
});
