import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOioubl21, OioublReadError } from '../../nodes/shared/ubl/read-oioubl21';
import { writeOioubl21 } from '../../nodes/shared/ubl/oioubl21';
import { computeTotals } from '../../nodes/shared/einvoice/totals';
import type { Invoice } from '../../nodes/shared/einvoice/model';
import { oioublFixtures } from '../fixtures/oioubl/fixtures';

const roundTrip = (name: string): Invoice => readOioubl21(writeOioubl21(oioublFixtures[name]));

test('refuses a DOCTYPE (no entity expansion), non-UBL XML and non-OIOUBL customizations', () => {
	const xml = writeOioubl21(oioublFixtures['dk-b2b-cvr']);
	const withDoctype = xml.replace('<Invoice', '<!DOCTYPE Invoice [<!ENTITY x "boom">]><Invoice');
	assert.throws(() => readOioubl21(withDoctype), OioublReadError);
	assert.throws(() => readOioubl21('<Order xmlns="urn:x"/>'), /Not a UBL Invoice or CreditNote/);
	assert.throws(() => readOioubl21(xml.replace('OIOUBL-2.1', 'urn:cen.eu:en16931:2017')), /Not an OIOUBL document/);
	assert.throws(() => readOioubl21('<Invoice><unclosed></Invoice>'), OioublReadError);
});

test('undoes the Danish identifier decisions: DK prefix, GLN, buyer reference from the contact ID', () => {
	const b2b = roundTrip('dk-b2b-cvr');
	assert.deepEqual(b2b.seller.endpoint, { scheme: '0184', id: '12345674' });
	assert.deepEqual(b2b.seller.legalId, { id: '12345674', scheme: '0184' });
	assert.equal(b2b.seller.vatId, 'DK12345674');
	assert.equal(b2b.buyerReference, 'JK-4711');
	const pub = roundTrip('dk-public-ean');
	assert.deepEqual(pub.buyer.endpoint, { scheme: '0088', id: '5798009811578' });
	assert.deepEqual(pub.buyer.identifiers, [{ id: '5798009811578', scheme: '0088' }]);
	assert.equal(roundTrip('dk-no-buyer-reference').buyerReference, undefined, '"n/a" is not a reference');
});

test('addresses come back as written lines', () => {
	const b2b = roundTrip('dk-b2b-cvr');
	assert.deepEqual(b2b.buyer.address, {
		line1: 'Havnegade 3B',
		line2: '2. sal',
		city: 'Aarhus C',
		postalCode: '8000',
		country: 'DK',
	});
});

test('VAT: ZeroRated with an exemption reason is E, without it Z; ReverseCharge is AE', () => {
	const mixed = roundTrip('dk-mixed-rates');
	assert.deepEqual(
		mixed.lines.map((l) => l.vat.category),
		['S', 'Z', 'E'],
	);
	assert.equal(mixed.lines[2].vat.exemptionReasonCode, 'VATEX-EU-132');
	assert.equal(roundTrip('dk-reverse-charge-se').lines[0].vat.category, 'AE');
	assert.equal(roundTrip('dk-export-g').lines[0].vat.category, 'G');
});

test('payment means: FIK, giro and Danish bank account', () => {
	assert.deepEqual(roundTrip('dk-fik-71').paymentMeans, [
		{ code: '93', giro: { cardType: '71', paymentId: '000000000010068', creditorId: '85123456' } },
	]);
	assert.deepEqual(roundTrip('dk-giro-04').paymentMeans, [
		{ code: '50', giro: { cardType: '04', paymentId: '1009', creditorId: '1234567' } },
	]);
	assert.deepEqual(roundTrip('dk-b2b-cvr').paymentMeans, [
		{ code: '42', paymentId: 'DK-1001', creditTransfer: { accountId: '0001234567', serviceProviderId: '5301' } },
	]);
	assert.equal(roundTrip('dk-credit-note').paymentMeans, undefined);
	assert.equal(roundTrip('dk-b2b-cvr').dueDate, '2026-11-16');
});

test('allowances: factor back to percent, line price before the informative line allowances', () => {
	const invoice = roundTrip('dk-allowances-charges');
	assert.equal(invoice.allowanceCharges![0].percent, '5');
	assert.equal(invoice.lines[0].price.amount, '850.00');
	assert.equal(invoice.lines[1].price.amount, '120.00');
	assert.equal(invoice.lines[1].price.discount, '30');
	assert.equal(invoice.lines[1].price.grossAmount, '150');
	assert.equal(invoice.lines[1].allowanceCharges![0].percent, '10');
	assert.deepEqual(computeTotals(invoice), computeTotals(oioublFixtures['dk-allowances-charges']));
});

test('totals: the document totals in EN 16931 terms; rounding and prepaid come back', () => {
	const invoice = roundTrip('dk-rounding-prepaid');
	assert.equal(invoice.roundingAmount, '0.04');
	assert.equal(invoice.prepaidAmount, '20.00');
	assert.equal(invoice.booked, undefined);
	// OIOUBL's TaxExclusiveAmount (the VAT) and TaxInclusiveAmount (with rounding) are converted back.
	assert.deepEqual(invoice.totals, computeTotals(oioublFixtures['dk-rounding-prepaid']));
	const mixed = roundTrip('dk-mixed-rates');
	assert.deepEqual(mixed.totals, computeTotals(oioublFixtures['dk-mixed-rates']), 'ZeroRated split into Z and E');
	const xml = writeOioubl21(oioublFixtures['dk-b2b-cvr']).replace(
		/<cbc:PayableAmount currencyID="DKK">[^<]+</,
		'<cbc:PayableAmount currencyID="DKK">1.00<',
	);
	assert.equal(readOioubl21(xml).totals?.payable, '1.00', 'a wrong total stays visible');
});

test('units, tax currency, references and attachments', () => {
	assert.equal(roundTrip('dk-b2b-cvr').lines[1].unitCode, 'H87');
	assert.deepEqual(roundTrip('dk-foreign-currency').taxCurrency, {
		code: 'DKK',
		exchangeRate: '7.4604',
		vatTotal: '476.57',
	});
	const attached = roundTrip('dk-attachment');
	assert.equal(attached.projectReference, 'PRJ-77');
	assert.equal(attached.contractReference, 'K-2026-04');
	assert.deepEqual(attached.attachments, [oioublFixtures['dk-attachment'].attachments![0]]);
	const period = roundTrip('dk-period-delivery');
	assert.deepEqual(period.invoicingPeriod, { startDate: '2026-10-01', endDate: '2026-10-31' });
	assert.deepEqual(period.delivery, {
		date: '2026-10-31',
		locationId: { id: '5798009811578', scheme: '0088' },
		partyName: 'Lager Nord',
	});
	assert.equal(period.salesOrderReference, 'SO-5512');
});

test('a credit note reason (DiscrepancyResponse) is kept as a note', () => {
	const xml = writeOioubl21(oioublFixtures['dk-credit-note']).replace(
		'<cac:BillingReference>',
		'<cac:DiscrepancyResponse><cbc:ReferenceID>1</cbc:ReferenceID><cbc:Description>Forkert antal timer</cbc:Description></cac:DiscrepancyResponse><cac:BillingReference>',
	);
	assert.deepEqual(readOioubl21(xml).notes, [
		{ text: 'Kreditering af for meget faktureret tid' },
		{ text: 'Forkert antal timer' },
	]);
});
