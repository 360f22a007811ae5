import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeOioubl21 } from '../../nodes/shared/ubl/oioubl21';
import { readOioubl21 } from '../../nodes/shared/ubl/read-oioubl21';
import type { Invoice } from '../../nodes/shared/einvoice/model';
import { oioublFixtures } from '../fixtures/oioubl/fixtures';

/** The document without whitespace between tags, so checks do not depend on indentation. */
function write(invoice: Invoice, profileId?: string): string {
	return writeOioubl21(invoice, profileId ? { profileId } : {}).replace(/>\s+</g, '><');
}
function fixture(name: string, change: (invoice: Invoice) => void = () => undefined): Invoice {
	const invoice = structuredClone(oioublFixtures[name]);
	change(invoice);
	return invoice;
}

test('header: UBL 2.1, OIOUBL-2.1, NES profile 5 and the OIOUBL invoice type list', () => {
	const xml = write(fixture('dk-b2b-cvr'));
	assert.match(
		xml,
		/^<\?xml version="1.0" encoding="UTF-8"\?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/,
	);
	assert.ok(
		xml.includes('<cbc:UBLVersionID>2.1</cbc:UBLVersionID><cbc:CustomizationID>OIOUBL-2.1</cbc:CustomizationID>'),
	);
	assert.ok(
		xml.includes(
			'<cbc:ProfileID schemeAgencyID="320" schemeID="urn:oioubl:id:profileid-1.2">urn:www.nesubl.eu:profiles:profile5:ver2.0</cbc:ProfileID>',
		),
	);
	assert.ok(
		xml.includes(
			'<cbc:InvoiceTypeCode listAgencyID="320" listID="urn:oioubl:codelist:invoicetypecode-1.1">380</cbc:InvoiceTypeCode>',
		),
	);
	assert.ok(!xml.includes('<cbc:DueDate>'), 'OIOUBL has no document DueDate');
	assert.ok(xml.includes('<cbc:PaymentDueDate>2026-11-16</cbc:PaymentDueDate>'));
});

test('a chosen profile is written with its profile list', () => {
	const xml = write(fixture('dk-b2b-cvr'), 'Procurement-OrdSimR-BilSim-1.0');
	assert.ok(
		xml.includes(
			'<cbc:ProfileID schemeAgencyID="320" schemeID="urn:oioubl:id:profileid-1.1">Procurement-OrdSimR-BilSim-1.0</cbc:ProfileID>',
		),
	);
});

test('credit note: CreditNote root, no type code, CreditNoteLine with CreditedQuantity, billing reference', () => {
	const xml = write(fixture('dk-credit-note'));
	assert.match(xml, /<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/);
	assert.ok(!xml.includes('TypeCode'));
	assert.ok(
		xml.includes(
			'<cac:CreditNoteLine><cbc:ID>1</cbc:ID><cbc:CreditedQuantity unitCode="HUR">1.5</cbc:CreditedQuantity>',
		),
	);
	assert.ok(xml.includes('<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>DK-1001</cbc:ID>'));
});

test('party identifiers: CVR as DK:CVR with DK prefix, EAN as GLN (agency 9), SE number as DK:SE', () => {
	const b2b = write(fixture('dk-b2b-cvr'));
	assert.ok(b2b.includes('<cbc:EndpointID schemeAgencyID="320" schemeID="DK:CVR">DK12345674</cbc:EndpointID>'));
	assert.ok(b2b.includes('<cbc:CompanyID schemeID="DK:CVR">DK12345674</cbc:CompanyID>'));
	assert.ok(b2b.includes('<cbc:CompanyID schemeID="DK:SE">DK12345674</cbc:CompanyID>'));
	const pub = write(fixture('dk-public-ean'));
	assert.ok(pub.includes('<cbc:EndpointID schemeAgencyID="9" schemeID="GLN">5798009811578</cbc:EndpointID>'));
	assert.ok(pub.includes('<cac:PartyIdentification><cbc:ID schemeAgencyID="9" schemeID="GLN">5798009811578</cbc:ID>'));
	const foreign = write(fixture('dk-reverse-charge-se'));
	assert.ok(foreign.includes('<cbc:EndpointID schemeID="SE:ORGNR">5566778899</cbc:EndpointID>'));
	assert.ok(foreign.includes('<cbc:CompanyID schemeID="ZZZ">SE556677889901</cbc:CompanyID>'));
});

test('seller without endpoint is reachable by its CVR', () => {
	const xml = write(fixture('dk-b2b-cvr', (i) => delete i.seller.endpoint));
	assert.match(
		xml,
		/<cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeAgencyID="320" schemeID="DK:CVR">DK12345674</,
	);
});

test('buyer reference travels as the buyer contact ID, with n/a when absent', () => {
	assert.ok(write(fixture('dk-public-ean')).includes('<cac:Contact><cbc:ID>Lærer Hansen 4422</cbc:ID>'));
	assert.ok(write(fixture('dk-no-buyer-reference')).includes('<cac:Contact><cbc:ID>n/a</cbc:ID>'));
});

test('addresses: StructuredDK when street and number split, StructuredLax otherwise', () => {
	const xml = write(fixture('dk-b2b-cvr'));
	assert.ok(
		xml.includes(
			'StructuredDK</cbc:AddressFormatCode><cbc:StreetName>Vesterbrogade</cbc:StreetName><cbc:BuildingNumber>12</cbc:BuildingNumber>',
		),
	);
	assert.ok(
		xml.includes(
			'<cbc:StreetName>Havnegade</cbc:StreetName><cbc:AdditionalStreetName>2. sal</cbc:AdditionalStreetName><cbc:BuildingNumber>3B</cbc:BuildingNumber>',
		),
	);
	const foreign = write(fixture('dk-intra-community-k'));
	assert.ok(foreign.includes('StructuredLax</cbc:AddressFormatCode><cbc:StreetName>Hafenstraße 9</cbc:StreetName>'));
});

test('tax categories from the one table, tax scheme 63 Moms; Z and E merge into one ZeroRated subtotal', () => {
	const xml = write(fixture('dk-mixed-rates'));
	const subtotals = xml.match(
		/<cac:TaxTotal><cbc:TaxAmount currencyID="DKK">[^<]+<\/cbc:TaxAmount>(<cac:TaxSubtotal>.*?<\/cac:TaxSubtotal>)+<\/cac:TaxTotal><cac:LegalMonetaryTotal>/,
	)![0];
	assert.equal((subtotals.match(/<cac:TaxSubtotal>/g) ?? []).length, 2);
	assert.ok(
		subtotals.includes(
			'<cbc:TaxableAmount currencyID="DKK">1290.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="DKK">0.00</cbc:TaxAmount>',
		),
	);
	assert.ok(
		subtotals.includes(
			'<cbc:ID schemeAgencyID="320" schemeID="urn:oioubl:id:taxcategoryid-1.1">ZeroRated</cbc:ID><cbc:Percent>0</cbc:Percent>',
		),
	);
	assert.ok(subtotals.includes('<cbc:TaxExemptionReason>Momsfritaget efter momslovens § 13</cbc:TaxExemptionReason>'));
	assert.ok(
		xml.includes(
			'<cac:TaxScheme><cbc:ID schemeAgencyID="320" schemeID="urn:oioubl:id:taxschemeid-1.1">63</cbc:ID><cbc:Name>Moms</cbc:Name></cac:TaxScheme>',
		),
	);
	assert.ok(write(fixture('dk-reverse-charge-se')).includes('>ReverseCharge</cbc:ID>'));
	assert.ok(write(fixture('dk-intra-community-k')).includes('schemeID="urn:oioubl:id:taxcategoryid-1.4">K</cbc:ID>'));
});

test('totals the OIOUBL way: TaxExclusiveAmount is the VAT, TaxInclusiveAmount includes the rounding', () => {
	const xml = write(fixture('dk-rounding-prepaid'));
	// 99.97 + 24.99 VAT = 124.96; rounding 0.04; prepaid 20.00 → payable 105.00
	assert.ok(
		xml.includes(
			'<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="DKK">99.97</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID="DKK">24.99</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID="DKK">125.00</cbc:TaxInclusiveAmount><cbc:PrepaidAmount currencyID="DKK">20.00</cbc:PrepaidAmount><cbc:PayableRoundingAmount currencyID="DKK">0.04</cbc:PayableRoundingAmount><cbc:PayableAmount currencyID="DKK">105.00</cbc:PayableAmount>',
		),
	);
	assert.ok(
		xml.includes('<cac:PrepaidPayment><cbc:PaidAmount currencyID="DKK">20.00</cbc:PaidAmount></cac:PrepaidPayment>'),
	);
	assert.ok(
		write(fixture('dk-rounding-prepaid', (i) => (i.roundingAmount = '0'))).indexOf('PayableRoundingAmount') < 0,
	);
});

test('payment terms carry the payable amount (F-INV134)', () => {
	const xml = write(fixture('dk-b2b-cvr'));
	assert.match(
		xml,
		/<cac:PaymentTerms><cbc:ID>1<\/cbc:ID><cbc:Note>Netto 14 dage<\/cbc:Note><cbc:Amount currencyID="DKK">2374.94<\/cbc:Amount>/,
	);
});

test('FIK 71/73/75 as PaymentMeansCode 93 with card type, payment id and creditor', () => {
	const xml71 = write(fixture('dk-fik-71'));
	assert.ok(
		xml71.includes(
			'<cbc:PaymentMeansCode>93</cbc:PaymentMeansCode><cbc:PaymentDueDate>2026-11-16</cbc:PaymentDueDate><cbc:PaymentChannelCode listAgencyID="320" listID="urn:oioubl:codelist:paymentchannelcode-1.1">DK:FIK</cbc:PaymentChannelCode><cbc:InstructionID>000000000010068</cbc:InstructionID><cbc:PaymentID schemeAgencyID="320" schemeID="urn:oioubl:id:paymentid-1.1">71</cbc:PaymentID><cac:CreditAccount><cbc:AccountID>85123456</cbc:AccountID></cac:CreditAccount>',
		),
	);
	const xml73 = write(fixture('dk-fik-73'));
	assert.ok(xml73.includes('>73</cbc:PaymentID>') && !xml73.includes('InstructionID'));
});

test('giro 04 as PaymentMeansCode 50 with the giro account as payee account', () => {
	const xml = write(fixture('dk-giro-04'));
	assert.ok(xml.includes('<cbc:PaymentMeansCode>50</cbc:PaymentMeansCode>'));
	assert.ok(xml.includes('>DK:GIRO</cbc:PaymentChannelCode><cbc:InstructionID>1009</cbc:InstructionID>'));
	assert.ok(xml.includes('<cac:PayeeFinancialAccount><cbc:ID>1234567</cbc:ID></cac:PayeeFinancialAccount>'));
});

test('bank transfer: Danish reg. no + account (42), IBAN with BIC (31), IBAN alone (58)', () => {
	const dk = write(fixture('dk-b2b-cvr'));
	assert.ok(
		dk.includes(
			'<cbc:PaymentMeansCode>42</cbc:PaymentMeansCode><cbc:PaymentDueDate>2026-11-16</cbc:PaymentDueDate><cbc:PaymentChannelCode listAgencyID="320" listID="urn:oioubl:codelist:paymentchannelcode-1.1">DK:BANK</cbc:PaymentChannelCode><cac:PayeeFinancialAccount><cbc:ID>0001234567</cbc:ID><cbc:PaymentNote>DK-1001</cbc:PaymentNote><cac:FinancialInstitutionBranch><cbc:ID>5301</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount>',
		),
	);
	const combined = write(
		fixture('dk-b2b-cvr', (i) => (i.paymentMeans = [{ code: '30', creditTransfer: { accountId: '5301-0001234567' } }])),
	);
	assert.ok(
		combined.includes('<cbc:ID>0001234567</cbc:ID>') &&
			combined.includes('<cac:FinancialInstitutionBranch><cbc:ID>5301</cbc:ID>'),
	);
	const ibanBic = write(fixture('dk-public-ean', (i) => (i.paymentMeans![0].code = '30')));
	assert.ok(ibanBic.includes('<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>'));
	assert.ok(ibanBic.includes('<cac:FinancialInstitution><cbc:ID>DABADKKK</cbc:ID></cac:FinancialInstitution>'));
	const iban = write(fixture('dk-foreign-currency'));
	assert.ok(
		iban.includes('<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>') && iban.includes('>IBAN</cbc:PaymentChannelCode>'),
	);
});

test('line allowances are informative: the price is net of them, factor not percent', () => {
	const xml = write(fixture('dk-allowances-charges'));
	// line 1: 2 × 850 − 100 = 1600 → price 800; line 2: 3 × 120 + 36 = 396 → price 132
	assert.ok(xml.includes('<cbc:LineExtensionAmount currencyID="DKK">1600.00</cbc:LineExtensionAmount>'));
	assert.ok(xml.includes('<cbc:PriceAmount currencyID="DKK">800.00</cbc:PriceAmount>'));
	assert.ok(xml.includes('<cbc:PriceAmount currencyID="DKK">132.00</cbc:PriceAmount>'));
	assert.ok(xml.includes('<cbc:MultiplierFactorNumeric>0.1</cbc:MultiplierFactorNumeric>'));
	assert.ok(
		xml.includes(
			'<cbc:MultiplierFactorNumeric>0.05</cbc:MultiplierFactorNumeric><cbc:Amount currencyID="DKK">95.00</cbc:Amount>',
		),
	);
	assert.ok(
		xml.includes(
			'<cbc:AllowanceTotalAmount currencyID="DKK">95.00</cbc:AllowanceTotalAmount><cbc:ChargeTotalAmount currencyID="DKK">75.00</cbc:ChargeTotalAmount>',
		),
	);
});

test('units: H87 is written as EA (OIOUBL uses Rec. 20 of 2001)', () => {
	assert.ok(write(fixture('dk-b2b-cvr')).includes('<cbc:InvoicedQuantity unitCode="EA">1</cbc:InvoicedQuantity>'));
});

test('foreign currency: tax currency, exchange rate with 4 decimals, VAT in DKK on the standard rated subtotal', () => {
	const xml = write(fixture('dk-foreign-currency'));
	assert.ok(
		xml.includes(
			'<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>DKK</cbc:TaxCurrencyCode>',
		),
	);
	assert.ok(
		xml.includes(
			'<cbc:CalculationRate>7.4604</cbc:CalculationRate><cbc:MathematicOperatorCode>multiply</cbc:MathematicOperatorCode>',
		),
	);
	// VAT 25% of 255.50 = 63.88 EUR × 7.4604 = 476.57 DKK
	assert.ok(
		xml.includes('<cbc:TransactionCurrencyTaxAmount currencyID="DKK">476.57</cbc:TransactionCurrencyTaxAmount>'),
	);
});

test('special characters are escaped, Danish letters kept', () => {
	const xml = write(fixture('dk-special-characters'));
	assert.ok(xml.includes('Ærø &amp; Søn &lt;Købmænd&gt;'));
	assert.ok(xml.includes('Smørrebrød &amp; øl &lt;stor&gt;'));
});

test('origin country goes to a region-only OriginAddress (OIOUBL excludes OriginCountry)', () => {
	const xml = write(fixture('dk-b2b-cvr', (i) => (i.lines[0].item.originCountry = 'DE')));
	assert.ok(!xml.includes('<cac:OriginCountry>'));
	assert.ok(
		xml.includes(
			'StructuredRegion</cbc:AddressFormatCode><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode>',
		),
	);
});

test('numbers given where the model expects decimal strings are written like the strings', () => {
	const numeric = JSON.parse(
		JSON.stringify(oioublFixtures['dk-allowances-charges']).replace(
			/"(quantity|amount|percent|rate|baseAmount)":"(-?[\d.]+)"/g,
			'"$1":$2',
		),
	) as Invoice;
	assert.equal(typeof numeric.lines[0].quantity, 'number');
	assert.equal(writeOioubl21(numeric), writeOioubl21(oioublFixtures['dk-allowances-charges']));
});

test('units OIOUBL knows only by their 2001 codes: KMT as KTM, XBX as BX, and back', () => {
	const invoice = fixture('dk-b2b-cvr', (i) => {
		i.lines[0].unitCode = 'KMT';
		i.lines[1].unitCode = 'XBX';
	});
	const xml = write(invoice);
	assert.ok(xml.includes('<cbc:InvoicedQuantity unitCode="KTM">2</cbc:InvoicedQuantity>'));
	assert.ok(xml.includes('<cbc:InvoicedQuantity unitCode="BX">1</cbc:InvoicedQuantity>'));
	assert.deepEqual(
		readOioubl21(writeOioubl21(invoice)).lines.map((l) => l.unitCode),
		['KMT', 'XBX'],
	);
});
