/**
 * OIOUBL mutation suite: mutated canonical invoices are written as OIOUBL 2.1 and judged by the official validator.
 * The pre-flight verdict (a fatal finding or not) must agree with the validator's on at least 99% of them.
 * Valid variations are in the set too, so a pre-flight that rejects everything cannot pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeOioubl21 } from '../../nodes/shared/ubl/oioubl21';
import { preflightOioubl } from '../../nodes/shared/einvoice/preflight-oioubl';
import { hasFatal } from '../../nodes/shared/einvoice/findings';
import type { Invoice, InvoiceLine, PaymentMeans } from '../../nodes/shared/einvoice/model';
import { oioublFixtures } from '../fixtures/oioubl/fixtures';
import { fatalIds, validateDocuments } from '../support/validator';

interface Mutation {
	name: string;
	apply: (invoice: Invoice) => void;
	/** Write and check with this profile. */
	profileId?: string;
}

const firstLine = (invoice: Invoice): InvoiceLine => invoice.lines[0];
const pay =
	(...means: PaymentMeans[]) =>
	(invoice: Invoice) => {
		invoice.paymentMeans = means;
	};
const fik = (cardType: '71' | '73' | '75', paymentId: string | undefined, creditorId: string): PaymentMeans => ({
	code: '93',
	giro: paymentId === undefined ? { cardType, creditorId } : { cardType, paymentId, creditorId },
});
const giro = (cardType: '01' | '04' | '15', paymentId: string | undefined, creditorId: string): PaymentMeans => ({
	code: '50',
	giro: paymentId === undefined ? { cardType, creditorId } : { cardType, paymentId, creditorId },
});

const MUTATIONS: Mutation[] = [
	// Document
	{ name: 'unchanged', apply: () => undefined },
	{ name: 'empty number', apply: (i) => (i.number = '') },
	{ name: 'type 383', apply: (i) => (i.typeCode = '383') },
	{ name: 'type 384', apply: (i) => (i.typeCode = '384') },
	{ name: 'type 393', apply: (i) => (i.typeCode = '393') },
	{ name: 'type 390', apply: (i) => (i.typeCode = '390') },
	{ name: 'type 325', apply: (i) => (i.typeCode = '325') },
	{ name: 'currency XXQ', apply: (i) => (i.currency = 'XXQ') },
	{ name: 'currency SEK', apply: (i) => (i.currency = 'SEK') },
	{ name: 'period reversed', apply: (i) => (i.invoicingPeriod = { startDate: '2026-10-31', endDate: '2026-10-01' }) },
	{ name: 'period ok', apply: (i) => (i.invoicingPeriod = { startDate: '2026-10-01', endDate: '2026-10-31' }) },
	{
		name: 'period with BT-8 code',
		apply: (i) => (i.invoicingPeriod = { startDate: '2026-10-01', descriptionCode: '35' }),
	},
	{ name: 'no buyer reference', apply: (i) => delete i.buyerReference },
	{ name: 'no order reference', apply: (i) => delete i.orderReference },
	{ name: 'sales order only', apply: (i) => ((i.salesOrderReference = 'SO-1'), delete i.orderReference) },
	{
		name: 'order profile without order',
		apply: (i) => delete i.orderReference,
		profileId: 'Procurement-OrdSimR-BilSim-1.0',
	},
	{
		name: 'order profile with order',
		apply: (i) => (i.orderReference = 'PO-7'),
		profileId: 'Procurement-OrdSimR-BilSim-1.0',
	},
	{ name: 'notes with markup', apply: (i) => (i.notes = [{ text: '<b>Tak</b> & farvel' }, { text: 'Anden note' }]) },
	{
		name: 'all references',
		apply: (i) =>
			Object.assign(i, {
				contractReference: 'K1',
				despatchAdviceReference: 'D1',
				receivingAdviceReference: 'R1',
				tenderReference: 'T1',
				projectReference: 'P1',
				invoicedObject: { id: 'O1' },
			}),
	},
	{ name: 'preceding invoice', apply: (i) => (i.precedingInvoices = [{ number: 'X-1', issueDate: '2026-01-01' }]) },
	// Parties
	{ name: 'seller endpoint removed (CVR fallback)', apply: (i) => delete i.seller.endpoint },
	{
		name: 'seller endpoint and CVR removed',
		apply: (i) => {
			delete i.seller.endpoint;
			delete i.seller.legalId;
			delete i.seller.vatId;
		},
	},
	{ name: 'seller CVR removed, DK VAT kept', apply: (i) => delete i.seller.legalId },
	{ name: 'seller legal id foreign', apply: (i) => (i.seller.legalId = { id: 'HRB 1234' }) },
	{ name: 'seller endpoint GLN', apply: (i) => (i.seller.endpoint = { scheme: '0088', id: '5790000123456' }) },
	{ name: 'seller endpoint GLN short', apply: (i) => (i.seller.endpoint = { scheme: '0088', id: '579000012345' }) },
	{ name: 'seller endpoint SE number', apply: (i) => (i.seller.endpoint = { scheme: '0198', id: 'DK12345674' }) },
	{ name: 'seller endpoint unknown scheme', apply: (i) => (i.seller.endpoint = { scheme: '9999', id: 'ABC' }) },
	{ name: 'buyer endpoint removed', apply: (i) => delete i.buyer.endpoint },
	{ name: 'buyer endpoint unknown scheme', apply: (i) => (i.buyer.endpoint = { scheme: '0211', id: '12345' }) },
	{ name: 'buyer endpoint CVR too short', apply: (i) => (i.buyer.endpoint = { scheme: '0184', id: '123456' }) },
	{ name: 'buyer endpoint CVR with DK', apply: (i) => (i.buyer.endpoint = { scheme: '0184', id: 'DK87654328' }) },
	{ name: 'buyer endpoint GLN 12 digits', apply: (i) => (i.buyer.endpoint = { scheme: '0088', id: '579800981157' }) },
	{ name: 'buyer endpoint P-number', apply: (i) => (i.buyer.endpoint = { scheme: '0096', id: '1012345678' }) },
	{ name: 'buyer endpoint Swedish orgnr', apply: (i) => (i.buyer.endpoint = { scheme: '0007', id: '5566778899' }) },
	{ name: 'buyer identifier CVR bad', apply: (i) => (i.buyer.identifiers = [{ id: '1234', scheme: '0184' }]) },
	{ name: 'buyer identifier GLN bad', apply: (i) => (i.buyer.identifiers = [{ id: '12345', scheme: '0088' }]) },
	{ name: 'buyer identifier P bad', apply: (i) => (i.buyer.identifiers = [{ id: '12345', scheme: '0096' }]) },
	{ name: 'buyer identifier other scheme', apply: (i) => (i.buyer.identifiers = [{ id: 'K-88', scheme: '0002' }]) },
	{ name: 'buyer identifier no scheme', apply: (i) => (i.buyer.identifiers = [{ id: 'K-88' }]) },
	{ name: 'seller country XX', apply: (i) => (i.seller.address.country = 'XX') },
	{ name: 'buyer country empty', apply: (i) => (i.buyer.address.country = '') },
	{
		name: 'buyer country SE',
		apply: (i) => (i.buyer.address = { line1: 'Storgatan 5', city: 'Malmö', postalCode: '21120', country: 'SE' }),
	},
	{
		name: 'buyer address without street',
		apply: (i) => (i.buyer.address = { city: 'Vejle', postalCode: '7100', country: 'DK' }),
	},
	{ name: 'buyer address with line3', apply: (i) => (i.buyer.address.line3 = 'Att. Bogholderiet') },
	{ name: 'buyer foreign VAT', apply: (i) => (i.buyer.vatId = 'SE556677889901') },
	{ name: 'buyer VAT blank', apply: (i) => (i.buyer.vatId = '   ') },
	{ name: 'buyer trading name', apply: (i) => (i.buyer.tradingName = 'Fjord Kantine') },
	{ name: 'seller name empty', apply: (i) => (i.seller.name = '') },
	{
		name: 'buyer name empty',
		apply: (i) => ((i.buyer.name = ''), delete i.buyer.tradingName, delete i.buyer.identifiers),
	},
	{
		name: 'buyer name empty, with identifier',
		apply: (i) => ((i.buyer.name = ''), (i.buyer.identifiers = [{ id: '5798009811578', scheme: '0088' }])),
	},
	{ name: 'buyer contact removed', apply: (i) => delete i.buyer.contact },
	{
		name: 'payee named',
		apply: (i) => (i.payee = { name: 'Factor A/S', legalId: { id: '11223344', scheme: '0184' } }),
	},
	{
		name: 'payee with GLN',
		apply: (i) => (i.payee = { name: 'Factor A/S', identifier: { id: '5790000123456', scheme: '0088' } }),
	},
	{
		name: 'tax representative',
		apply: (i) =>
			(i.taxRepresentative = {
				name: 'Rep ApS',
				vatId: 'DK11223344',
				address: { line1: 'Vej 1', city: 'Odense', postalCode: '5000', country: 'DK' },
			}),
	},
	{
		name: 'tax representative without VAT',
		apply: (i) => (i.taxRepresentative = { name: 'Rep ApS', vatId: '', address: { country: 'DK' } }),
	},
	{
		name: 'tax representative without name',
		apply: (i) => (i.taxRepresentative = { name: '', vatId: 'DK11223344', address: { country: 'DK' } }),
	},
	{
		name: 'delivery full',
		apply: (i) =>
			(i.delivery = {
				date: '2026-10-30',
				partyName: 'Lager',
				locationId: { id: '5790000123456', scheme: '0088' },
				address: { line1: 'Lagervej 2', city: 'Kolding', postalCode: '6000', country: 'DK' },
			}),
	},
	{ name: 'delivery country bad', apply: (i) => (i.delivery = { address: { city: 'X', country: 'QQ' } }) },
	// Payment
	{ name: 'no payment means, due date', apply: (i) => delete i.paymentMeans },
	{
		name: 'no payment means, no due date',
		apply: (i) => {
			delete i.paymentMeans;
			delete i.dueDate;
		},
	},
	{ name: 'FIK 71 ok', apply: pay(fik('71', '000000000012345', '85123456')) },
	{ name: 'FIK 71 id 14 digits', apply: pay(fik('71', '00000000001234', '85123456')) },
	{ name: 'FIK 71 id letters', apply: pay(fik('71', '00000000001234A', '85123456')) },
	{ name: 'FIK 71 no id', apply: pay(fik('71', undefined, '85123456')) },
	{ name: 'FIK 71 creditor 7 digits', apply: pay(fik('71', '000000000012345', '8512345')) },
	{ name: 'FIK 75 ok', apply: pay(fik('75', '0000000000012345', '85123456')) },
	{ name: 'FIK 75 id 15 digits', apply: pay(fik('75', '000000000012345', '85123456')) },
	{ name: 'FIK 73 ok', apply: pay(fik('73', undefined, '85123456')) },
	{ name: 'FIK 73 with id (dropped)', apply: pay(fik('73', '123', '85123456')) },
	{ name: 'FIK 73 creditor 9 digits', apply: pay(fik('73', undefined, '851234567')) },
	{ name: 'giro 01 ok', apply: pay(giro('01', undefined, '1234567')) },
	{ name: 'giro 04 ok', apply: pay(giro('04', '123456', '12345678')) },
	{ name: 'giro 04 no id', apply: pay(giro('04', undefined, '1234567')) },
	{ name: 'giro 15 id 17 digits', apply: pay(giro('15', '12345678901234567', '1234567')) },
	{ name: 'giro 15 id letters', apply: pay(giro('15', '12A4', '1234567')) },
	{ name: 'giro account 6 digits', apply: pay(giro('01', undefined, '123456')) },
	{ name: 'giro account letters', apply: pay(giro('01', undefined, '12345AB')) },
	{
		name: 'bank 42 ok',
		apply: pay({
			code: '42',
			paymentId: 'INV1',
			creditTransfer: { accountId: '0001234567', serviceProviderId: '5301' },
		}),
	},
	{
		name: 'bank 42 reg+account combined',
		apply: pay({ code: '30', creditTransfer: { accountId: '5301 0001234567' } }),
	},
	{
		name: 'bank 42 reference 21 chars',
		apply: pay({
			code: '42',
			paymentId: 'R'.repeat(21),
			creditTransfer: { accountId: '0001234567', serviceProviderId: '5301' },
		}),
	},
	{ name: 'bank 42 account not Danish', apply: pay({ code: '42', creditTransfer: { accountId: 'ACC-XYZ' } }) },
	{
		name: 'IBAN with BIC (31)',
		apply: pay({ code: '30', creditTransfer: { accountId: 'DK5000400440116243', serviceProviderId: 'DABADKKK' } }),
	},
	{
		name: 'IBAN 31 reference 25 chars',
		apply: pay({
			code: '31',
			paymentId: 'R'.repeat(25),
			creditTransfer: { accountId: 'DE89370400440532013000', serviceProviderId: 'COBADEFFXXX' },
		}),
	},
	{
		name: 'IBAN without BIC (58)',
		apply: pay({ code: '30', creditTransfer: { accountId: 'DK50 0040 0440 1162 43' } }),
	},
	{
		name: 'SEPA 58 long reference',
		apply: pay({ code: '58', paymentId: 'R'.repeat(30), creditTransfer: { accountId: 'DK5000400440116243' } }),
	},
	{ name: 'code 31 non-IBAN without BIC', apply: pay({ code: '31', creditTransfer: { accountId: '12345678' } }) },
	{ name: 'code 30 without account', apply: pay({ code: '30' }) },
	{ name: 'code 57 unknown', apply: pay({ code: '57' }) },
	{ name: 'code 97 NemKonto', apply: pay({ code: '97' }) },
	{ name: 'code 10 cash', apply: pay({ code: '10' }) },
	{ name: 'code 1', apply: pay({ code: '1' }) },
	{ name: 'card 48', apply: pay({ code: '48', card: { accountNumber: '9876', network: 'MC' } }) },
	{ name: 'card 48 without card', apply: pay({ code: '48' }) },
	{
		name: 'direct debit 49',
		apply: pay({ code: '49', directDebit: { mandateId: 'M-1', debitedAccountId: '1234567890' } }),
	},
	{ name: 'direct debit mandate 61 chars', apply: pay({ code: '49', directDebit: { mandateId: 'M'.repeat(61) } }) },
	{
		name: 'FIK and bank together',
		apply: pay(fik('71', '000000000012345', '85123456'), {
			code: '42',
			creditTransfer: { accountId: '0001234567', serviceProviderId: '5301' },
		}),
	},
	{ name: 'payment terms removed', apply: (i) => delete i.paymentTerms },
	// Allowances and charges
	{
		name: 'document allowance ok',
		apply: (i) =>
			(i.allowanceCharges = [
				{ isCharge: false, amount: '10.00', reason: 'Rabat', vat: { category: 'S', rate: '25' } },
			]),
	},
	{
		name: 'document charge ok',
		apply: (i) =>
			(i.allowanceCharges = [
				{ isCharge: true, amount: '49.00', reason: 'Gebyr', reasonCode: 'ABL', vat: { category: 'S', rate: '25' } },
			]),
	},
	{
		name: 'document allowance negative',
		apply: (i) =>
			(i.allowanceCharges = [
				{ isCharge: false, amount: '-10.00', reason: 'Rabat', vat: { category: 'S', rate: '25' } },
			]),
	},
	{
		name: 'document charge zero',
		apply: (i) =>
			(i.allowanceCharges = [{ isCharge: true, amount: '0.00', reason: 'Gebyr', vat: { category: 'S', rate: '25' } }]),
	},
	{
		name: 'document allowance percent',
		apply: (i) =>
			(i.allowanceCharges = [
				{ isCharge: false, baseAmount: '1000.00', percent: '2.5', vat: { category: 'S', rate: '25' } },
			]),
	},
	{
		name: 'document allowance amount ≠ base × percent',
		apply: (i) =>
			(i.allowanceCharges = [
				{ isCharge: false, amount: '50.00', baseAmount: '1000.00', percent: '2', vat: { category: 'S', rate: '25' } },
			]),
	},
	{
		name: 'document allowance base zero',
		apply: (i) =>
			(i.allowanceCharges = [{ isCharge: false, amount: '5.00', baseAmount: '0', vat: { category: 'S', rate: '25' } }]),
	},
	{
		name: 'document allowance zero rated',
		apply: (i) => (i.allowanceCharges = [{ isCharge: false, amount: '5.00', vat: { category: 'Z', rate: '0' } }]),
	},
	{
		name: 'line allowance ok',
		apply: (i) => (firstLine(i).allowanceCharges = [{ isCharge: false, amount: '10.00', reason: 'Rabat' }]),
	},
	{
		name: 'line charge percent',
		apply: (i) => (firstLine(i).allowanceCharges = [{ isCharge: true, baseAmount: '100.00', percent: '10' }]),
	},
	{
		name: 'line allowance zero',
		apply: (i) => (firstLine(i).allowanceCharges = [{ isCharge: false, amount: '0.00' }]),
	},
	{
		name: 'line allowance negative',
		apply: (i) => (firstLine(i).allowanceCharges = [{ isCharge: false, amount: '-5.00' }]),
	},
	{
		name: 'line allowance base zero',
		apply: (i) => (firstLine(i).allowanceCharges = [{ isCharge: false, amount: '5.00', baseAmount: '0' }]),
	},
	{
		name: 'line allowance amount ≠ base × percent',
		apply: (i) =>
			(firstLine(i).allowanceCharges = [{ isCharge: false, amount: '30.00', baseAmount: '100.00', percent: '10' }]),
	},
	{
		name: 'price discount',
		apply: (i) => (firstLine(i).price = { amount: '850.00', grossAmount: '900.00', discount: '50.00' }),
	},
	// Lines
	{ name: 'quantity zero', apply: (i) => (firstLine(i).quantity = '0') },
	{ name: 'quantity negative', apply: (i) => i.lines.push({ ...firstLine(i), id: '99', quantity: '-1' }) },
	{ name: 'quantity fractional', apply: (i) => (firstLine(i).quantity = '2.375') },
	{ name: 'unit XYZ', apply: (i) => (firstLine(i).unitCode = 'XYZ') },
	{ name: 'unit H87 (mapped)', apply: (i) => (firstLine(i).unitCode = 'H87') },
	{ name: 'unit XPP', apply: (i) => (firstLine(i).unitCode = 'XPP') },
	{ name: 'unit KGM', apply: (i) => (firstLine(i).unitCode = 'KGM') },
	{ name: 'unit KMT (mapped)', apply: (i) => (firstLine(i).unitCode = 'KMT') },
	{ name: 'unit XBX (mapped)', apply: (i) => (firstLine(i).unitCode = 'XBX') },
	{ name: 'unit XZZ (no 2001 code)', apply: (i) => (firstLine(i).unitCode = 'XZZ') },
	{ name: 'item name empty', apply: (i) => (firstLine(i).item.name = '') },
	{ name: 'line id empty', apply: (i) => (firstLine(i).id = '') },
	{ name: 'line net off by 5', apply: (i) => (firstLine(i).netAmount = '1705.00') },
	{ name: 'line net off by 0.50', apply: (i) => (firstLine(i).netAmount = '1700.50') },
	{ name: 'base quantity 100', apply: (i) => (firstLine(i).price = { amount: '8500.00', baseQuantity: '100' }) },
	{ name: 'base quantity zero', apply: (i) => (firstLine(i).price = { amount: '850.00', baseQuantity: '0' }) },
	{
		name: 'order line ref without order',
		apply: (i) => {
			delete i.orderReference;
			delete i.salesOrderReference;
			firstLine(i).orderLineReference = '3';
		},
	},
	{
		name: 'order line ref with order',
		apply: (i) => {
			i.orderReference = 'PO-1';
			firstLine(i).orderLineReference = '3';
		},
	},
	{
		name: 'line details',
		apply: (i) =>
			Object.assign(firstLine(i), {
				note: 'N',
				accountingCost: 'AC-1',
				period: { startDate: '2026-10-01', endDate: '2026-10-31' },
				objectId: { id: 'SN-1', scheme: 'AAB' },
			}),
	},
	{
		name: 'line period reversed',
		apply: (i) => (firstLine(i).period = { startDate: '2026-10-31', endDate: '2026-10-01' }),
	},
	{
		name: 'item identifiers',
		apply: (i) =>
			Object.assign(firstLine(i).item, {
				buyersId: 'B-1',
				standardId: { id: '5712345780121', scheme: '0160' },
				originCountry: 'DE',
				classifications: [{ code: '43211503', listId: 'UNSPSC' }],
				attributes: [{ name: 'Farve', value: 'Blå' }],
			}),
	},
	// VAT
	{ name: 'S rate 0', apply: (i) => (firstLine(i).vat = { category: 'S', rate: '0' }) },
	{
		name: 'second S rate 12',
		apply: (i) => i.lines.push({ ...firstLine(i), id: '98', vat: { category: 'S', rate: '12' } }),
	},
	{ name: 'Z rate 5', apply: (i) => (firstLine(i).vat = { category: 'Z', rate: '5' }) },
	{
		name: 'E with reason',
		apply: (i) => (firstLine(i).vat = { category: 'E', rate: '0', exemptionReason: 'Momsfri' }),
	},
	{
		name: 'Z and E together',
		apply: (i) => {
			firstLine(i).vat = { category: 'Z', rate: '0' };
			i.lines.push({ ...firstLine(i), id: '97', vat: { category: 'E', rate: '0', exemptionReason: 'Momsfri' } });
		},
	},
	{
		name: 'AE reverse charge',
		apply: (i) =>
			i.lines.forEach((l) => (l.vat = { category: 'AE', rate: '0', exemptionReason: 'Omvendt betalingspligt' })),
	},
	{ name: 'K intra-community', apply: (i) => i.lines.forEach((l) => (l.vat = { category: 'K', rate: '0' })) },
	{ name: 'G export', apply: (i) => i.lines.forEach((l) => (l.vat = { category: 'G', rate: '0' })) },
	{ name: 'O outside scope', apply: (i) => i.lines.forEach((l) => (l.vat = { category: 'O' })) },
	{
		name: 'booked VAT within tolerance',
		apply: (i) => (i.booked = { vatByCategory: [{ category: 'S', rate: '25', taxAmount: '474.75' }] }),
	},
	{
		name: 'tiny S line, booked VAT 0',
		apply: (i) => {
			i.lines = [{ ...firstLine(i), quantity: '1', price: { amount: '2.00' } }];
			i.booked = { vatByCategory: [{ category: 'S', rate: '25', taxAmount: '0' }] };
		},
	},
	// Totals
	{ name: 'rounding 0.25', apply: (i) => (i.roundingAmount = '0.25') },
	{ name: 'rounding 0', apply: (i) => (i.roundingAmount = '0') },
	{ name: 'rounding 15', apply: (i) => (i.roundingAmount = '15.00') },
	{ name: 'rounding -9.99', apply: (i) => (i.roundingAmount = '-9.99') },
	{ name: 'prepaid 100', apply: (i) => (i.prepaidAmount = '100.00') },
	{ name: 'prepaid negative', apply: (i) => (i.prepaidAmount = '-100.00') },
	{ name: 'prepaid exceeds total', apply: (i) => (i.prepaidAmount = '99999.00') },
	{
		name: 'prepaid equals total',
		apply: (i) => {
			i.lines = [{ ...firstLine(i), quantity: '1', price: { amount: '80.00' } }];
			i.prepaidAmount = '100.00';
		},
	},
	{ name: 'negative total', apply: (i) => i.lines.forEach((l) => (l.quantity = `-${l.quantity}`)) },
	// Tax currency
	{
		name: 'tax currency DKK with rate',
		apply: (i) => {
			i.currency = 'EUR';
			i.taxCurrency = { code: 'DKK', exchangeRate: '7.46' };
		},
	},
	{
		name: 'tax currency DKK with booked VAT',
		apply: (i) => {
			i.currency = 'EUR';
			i.taxCurrency = { code: 'DKK', vatTotal: '3540.12' };
		},
	},
	{
		name: 'tax currency without rate or amount',
		apply: (i) => {
			i.currency = 'EUR';
			i.taxCurrency = { code: 'DKK' };
		},
	},
	{
		name: 'tax currency SEK',
		apply: (i) => {
			i.currency = 'EUR';
			i.taxCurrency = { code: 'SEK', exchangeRate: '11.2' };
		},
	},
	{
		name: 'tax currency rate 0',
		apply: (i) => {
			i.currency = 'EUR';
			i.taxCurrency = { code: 'DKK', exchangeRate: '0' };
		},
	},
	{
		name: 'tax currency, only zero rated',
		apply: (i) => {
			i.currency = 'EUR';
			i.taxCurrency = { code: 'DKK', exchangeRate: '7.46' };
			i.lines.forEach((l) => (l.vat = { category: 'Z', rate: '0' }));
		},
	},
	{ name: 'tax currency same as document', apply: (i) => (i.taxCurrency = { code: i.currency }) },
	// Attachments
	{
		name: 'attachment PDF',
		apply: (i) =>
			(i.attachments = [
				{ id: 'a.pdf', mimeCode: 'application/pdf', fileName: 'a.pdf', contentBase64: 'JVBERi0xLjQK' },
			]),
	},
	{
		name: 'attachment PNG',
		apply: (i) => (i.attachments = [{ id: 'a.png', mimeCode: 'image/png', contentBase64: 'iVBORw0KGgo=' }]),
	},
	{
		name: 'attachment ZIP',
		apply: (i) => (i.attachments = [{ id: 'a.zip', mimeCode: 'application/zip', contentBase64: 'UEsDBA==' }]),
	},
	{
		name: 'attachment URI',
		apply: (i) => (i.attachments = [{ id: 'ext', description: 'Bilag', uri: 'https://example.com/bilag.pdf' }]),
	},
];

// Every mutation on an invoice and on a credit note: the two OIOUBL schematrons check different things.
const BASES = ['dk-b2b-cvr', 'dk-credit-note'];

test('OIOUBL pre-flight agrees with the official validator on ≥ 99% of ≥ 150 mutations', async () => {
	const cases: { label: string; file: string; preflightFatal: boolean; ids: string[] }[] = [];
	const documents: Record<string, string> = {};
	for (const base of BASES) {
		for (const [n, mutation] of MUTATIONS.entries()) {
			const invoice = structuredClone(oioublFixtures[base]);
			mutation.apply(invoice);
			const file = `${base}__${String(n).padStart(3, '0')}.xml`;
			const findings = preflightOioubl(invoice, { profileId: mutation.profileId });
			documents[file] = writeOioubl21(invoice, { profileId: mutation.profileId });
			cases.push({
				label: `${base} / ${mutation.name}`,
				file,
				preflightFatal: hasFatal(findings),
				ids: findings.filter((f) => f.flag === 'fatal').map((f) => f.id),
			});
		}
	}
	const results = await validateDocuments(documents);
	let agree = 0;
	let invalid = 0;
	const disagreements: string[] = [];
	for (const c of cases) {
		const official = results[c.file];
		const officialFatal = !official.valid;
		if (officialFatal) invalid++;
		if (officialFatal === c.preflightFatal) agree++;
		else {
			disagreements.push(
				`${c.label}: validator ${fatalIds(official).join(',') || 'valid'}; pre-flight ${c.ids.join(',') || 'no fatal'}`,
			);
		}
	}
	const rate = agree / cases.length;
	console.log(
		`OIOUBL mutations: ${cases.length} (${invalid} invalid by the validator), agreement ${(rate * 100).toFixed(2)}%`,
	);
	for (const d of disagreements) console.log(`  disagreement: ${d}`);
	assert.ok(cases.length >= 150, `${cases.length} mutations`);
	assert.ok(invalid >= 50 && invalid <= cases.length - 50, 'the set mixes valid and invalid documents');
	assert.ok(rate >= 0.99, `agreement ${(rate * 100).toFixed(2)}% is at least 99%`);
});
