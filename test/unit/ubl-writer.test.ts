import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import type { DocumentFormat } from '../../nodes/shared/einvoice/findings';
import type { Invoice } from '../../nodes/shared/einvoice/model';
import { computeTotals } from '../../nodes/shared/einvoice/totals';
import {
	PEPPOL_BIS3_CUSTOMIZATION_ID,
	PEPPOL_BIS3_PROFILE_ID,
	UBL_NAMESPACES,
	writePeppolBis3,
} from '../../nodes/shared/ubl/peppol-bis3';
import { readUbl } from '../../nodes/shared/ubl/read';
import { writeUbl } from '../../nodes/shared/ubl/write';
import { loadCanonicalFixtures } from '../fixtures/canonical';

const fixtures = loadCanonicalFixtures();
const fixture = (prefix: string): Invoice => {
	const found = fixtures.find((f) => f.name.startsWith(prefix));
	if (!found) throw new Error(`no fixture ${prefix}`);
	return structuredClone(found.invoice);
};

/** Child element names of the root, in document order, without repeats. */
function topLevelOrder(xml: string): string[] {
	const names: string[] = [];
	let depth = 0;
	for (const match of xml.matchAll(/<(\/?)([A-Za-z][\w:]*)[^>]*?(\/?)>/g)) {
		const [, closing, name, selfClosing] = match;
		if (closing) depth--;
		else {
			if (depth === 1 && names[names.length - 1] !== name) names.push(name);
			if (!selfClosing) depth++;
		}
	}
	return names;
}

describe('PEPPOL BIS 3 writer', () => {
	it('writes the Invoice root with the UBL namespaces, CustomizationID and ProfileID', () => {
		const xml = writePeppolBis3(fixture('01-'));
		assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice '));
		assert.ok(xml.includes(`xmlns="${UBL_NAMESPACES.invoice}"`));
		assert.ok(xml.includes(`xmlns:cac="${UBL_NAMESPACES.cac}"`));
		assert.ok(xml.includes(`xmlns:cbc="${UBL_NAMESPACES.cbc}"`));
		assert.ok(xml.includes(`<cbc:CustomizationID>${PEPPOL_BIS3_CUSTOMIZATION_ID}</cbc:CustomizationID>`));
		assert.ok(xml.includes(`<cbc:ProfileID>${PEPPOL_BIS3_PROFILE_ID}</cbc:ProfileID>`));
		assert.ok(xml.includes('<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>'));
		assert.equal(XMLValidator.validate(xml), true);
	});

	it('writes a credit note with CreditNote element names and the due date in PaymentMeans', () => {
		const invoice = fixture('02-');
		invoice.dueDate = '2026-12-01';
		const xml = writePeppolBis3(invoice);
		assert.ok(xml.includes(`<CreditNote xmlns="${UBL_NAMESPACES.creditNote}"`));
		assert.ok(xml.includes('<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>'));
		assert.ok(xml.includes('<cac:CreditNoteLine>'));
		assert.ok(xml.includes('<cbc:CreditedQuantity unitCode="C62">10</cbc:CreditedQuantity>'));
		assert.ok(!xml.includes('InvoiceLine') && !xml.includes('InvoicedQuantity') && !xml.includes('<cbc:DueDate>'));
		assert.ok(xml.includes('<cbc:PaymentDueDate>2026-12-01</cbc:PaymentDueDate>'));
		assert.ok(xml.endsWith('</CreditNote>'));
		assert.equal(readUbl(xml).dueDate, '2026-12-01');
	});

	it('writes other invoice type codes as given', () => {
		const invoice = fixture('01-');
		invoice.typeCode = '383';
		assert.ok(writePeppolBis3(invoice).includes('<cbc:InvoiceTypeCode>383</cbc:InvoiceTypeCode>'));
		assert.equal(readUbl(writePeppolBis3(invoice)).typeCode, '383');
	});

	it('keeps the UBL 2.1 schema order of the document level elements', () => {
		const expected = [
			'cbc:CustomizationID',
			'cbc:ProfileID',
			'cbc:ID',
			'cbc:IssueDate',
			'cbc:DueDate',
			'cbc:InvoiceTypeCode',
			'cbc:Note',
			'cbc:TaxPointDate',
			'cbc:DocumentCurrencyCode',
			'cbc:TaxCurrencyCode',
			'cbc:AccountingCost',
			'cbc:BuyerReference',
			'cac:InvoicePeriod',
			'cac:OrderReference',
			'cac:BillingReference',
			'cac:DespatchDocumentReference',
			'cac:ReceiptDocumentReference',
			'cac:OriginatorDocumentReference',
			'cac:ContractDocumentReference',
			'cac:AdditionalDocumentReference',
			'cac:ProjectReference',
			'cac:AccountingSupplierParty',
			'cac:AccountingCustomerParty',
			'cac:PayeeParty',
			'cac:TaxRepresentativeParty',
			'cac:Delivery',
			'cac:PaymentMeans',
			'cac:PaymentTerms',
			'cac:AllowanceCharge',
			'cac:TaxTotal',
			'cac:LegalMonetaryTotal',
			'cac:InvoiceLine',
		];
		const invoice: Invoice = {
			...fixture('38-'),
			notes: [{ text: 'Note' }],
			taxCurrency: { code: 'EUR', exchangeRate: '0.134' },
			invoicingPeriod: { startDate: '2026-10-01', endDate: '2026-10-31' },
			precedingInvoices: [{ number: '2026-0999' }],
			payee: fixture('34-').payee,
			taxRepresentative: fixture('35-').taxRepresentative,
			delivery: fixture('36-').delivery,
			allowanceCharges: fixture('15-').allowanceCharges,
			attachments: fixture('23-').attachments,
		};
		assert.deepEqual(topLevelOrder(writePeppolBis3(invoice)), expected);
		const creditNote = topLevelOrder(writePeppolBis3({ ...invoice, kind: 'creditNote' }));
		const index = (name: string) => creditNote.indexOf(name);
		assert.ok(
			index('cbc:TaxPointDate') < index('cbc:CreditNoteTypeCode') &&
				index('cbc:CreditNoteTypeCode') < index('cbc:Note'),
		);
		assert.ok(index('cac:ContractDocumentReference') < index('cac:AdditionalDocumentReference'));
		assert.ok(index('cac:AdditionalDocumentReference') < index('cac:OriginatorDocumentReference'));
		assert.ok(index('cac:PaymentTerms') < index('cac:AllowanceCharge') && index('cac:ProjectReference') < 0);
	});

	it('escapes & < > " \' and keeps non-ASCII text; drops characters XML cannot carry', () => {
		const invoice = fixture('24-');
		invoice.buyer.name = 'A & B <C> "D" \'E\' æøå ÆØÅ € 😀\u0001';
		const xml = writePeppolBis3(invoice);
		assert.equal(XMLValidator.validate(xml), true);
		assert.ok(xml.includes('A &amp; B &lt;C&gt; &quot;D&quot; &apos;E&apos; æøå ÆØÅ € 😀</cbc:RegistrationName>'));
		assert.ok(!xml.includes('\u0001'));
		const back = readUbl(xml);
		assert.equal(back.buyer.name, 'A & B <C> "D" \'E\' æøå ÆØÅ € 😀');
		assert.equal(back.seller.name, 'Østergaard <Design> & Co. A/S');
		assert.equal(back.lines[0].item.description, "Mål: <120 cm> & højde 45 cm; 'olieret'");
	});

	it('escapes attribute values', () => {
		const invoice = fixture('45-');
		const xml = writePeppolBis3(invoice);
		assert.ok(xml.includes('filename="Faktura 2026-1045.pdf"'));
		assert.ok(xml.includes('<cbc:URI>https://nordlys-toemrer.dk/bilag/ts-2026-10?kunde=hansen&amp;type=pdf</cbc:URI>'));
		invoice.attachments![1].fileName = 'a"b<c>&\'.pdf';
		const written = writePeppolBis3(invoice);
		assert.equal(XMLValidator.validate(written), true);
		assert.ok(written.includes('filename="a&quot;b&lt;c&gt;&amp;&apos;.pdf"'));
		assert.equal(readUbl(written).attachments![1].fileName, 'a"b<c>&\'.pdf');
	});

	it('embeds a PDF attachment in AdditionalDocumentReference', () => {
		const invoice = fixture('23-');
		const attachment = invoice.attachments![0];
		const xml = writePeppolBis3(invoice);
		assert.ok(
			xml.includes(
				`<cac:AdditionalDocumentReference><cbc:ID>2026-1023</cbc:ID><cbc:DocumentDescription>Faktura 2026-1023 (PDF)</cbc:DocumentDescription><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="Faktura-2026-1023.pdf">${attachment.contentBase64}</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>`,
			),
		);
		assert.deepEqual(readUbl(xml).attachments, [attachment]);
	});

	it('writes Danish FIK and giro payments as PaymentID <card type>#<id> with the creditor number', () => {
		const fik = writePeppolBis3(fixture('25-'));
		assert.ok(
			fik.includes(
				'<cbc:PaymentMeansCode>93</cbc:PaymentMeansCode><cbc:PaymentID>71#000000020261025</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>85412354</cbc:ID></cac:PayeeFinancialAccount>',
			),
		);
		const giro = writePeppolBis3(fixture('28-'));
		assert.ok(giro.includes('<cbc:PaymentID>01#</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>1234567</cbc:ID>'));
		assert.deepEqual(readUbl(fik).paymentMeans, fixture('25-').paymentMeans);
	});

	it('writes a Danish bank account with its registration number (DK-R-006)', () => {
		const xml = writePeppolBis3(fixture('33-'));
		assert.ok(
			xml.includes(
				'<cac:PayeeFinancialAccount><cbc:ID>0001234567</cbc:ID><cbc:Name>Nordlys Tømrer &amp; Snedker ApS</cbc:Name><cac:FinancialInstitutionBranch><cbc:ID>5301</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount>',
			),
		);
		assert.ok(xml.includes('<cbc:PaymentMeansCode name="Bankoverførsel">31</cbc:PaymentMeansCode>'));
	});

	it('writes the direct debit creditor id (BT-90) as the seller identifier with scheme SEPA', () => {
		const xml = writePeppolBis3(fixture('30-'));
		assert.ok(
			xml.includes('<cac:PartyIdentification><cbc:ID schemeID="SEPA">05123456</cbc:ID></cac:PartyIdentification>'),
		);
		assert.ok(
			xml.includes(
				'<cac:PaymentMandate><cbc:ID>BS-MANDAT-000417</cbc:ID><cac:PayerFinancialAccount><cbc:ID>53010001234567</cbc:ID></cac:PayerFinancialAccount></cac:PaymentMandate>',
			),
		);
		assert.deepEqual(readUbl(xml).paymentMeans, fixture('30-').paymentMeans);
	});

	it('writes CVR endpoints and legal ids with scheme 0184 and GLN endpoints with 0088', () => {
		const xml = writePeppolBis3(fixture('03-'));
		assert.ok(xml.includes('<cbc:EndpointID schemeID="0184">29891222</cbc:EndpointID>'));
		assert.ok(xml.includes('<cbc:CompanyID schemeID="0184">29891222</cbc:CompanyID>'));
		assert.ok(
			xml.includes('<cbc:CompanyID>DK29891222</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>'),
		);
		assert.ok(xml.includes('<cbc:EndpointID schemeID="0088">5798000000018</cbc:EndpointID>'));
	});

	it('computes totals when absent and uses given totals verbatim', () => {
		const invoice = fixture('21-');
		const xml = writePeppolBis3(invoice);
		assert.ok(
			xml.includes(
				'<cbc:PayableRoundingAmount currencyID="DKK">0.19</cbc:PayableRoundingAmount><cbc:PayableAmount currencyID="DKK">375.00</cbc:PayableAmount>',
			),
		);
		const totals = computeTotals(invoice);
		const given = writePeppolBis3({ ...invoice, totals: { ...totals, payable: '999.99' } });
		assert.ok(given.includes('<cbc:PayableAmount currencyID="DKK">999.99</cbc:PayableAmount>'));
	});

	it('writes the VAT total in the tax currency as a second TaxTotal without subtotals', () => {
		const xml = writePeppolBis3(fixture('22-'));
		assert.ok(xml.includes('<cbc:TaxCurrencyCode>DKK</cbc:TaxCurrencyCode>'));
		// 2050.00 EUR × 25 % = 512.50 EUR; × 7.4604 = 3823.455 → 3823.46 DKK
		assert.ok(
			xml.includes(
				'</cac:TaxTotal><cac:TaxTotal><cbc:TaxAmount currencyID="DKK">3823.46</cbc:TaxAmount></cac:TaxTotal>',
			),
		);
	});

	it('writes the exemption reason only in the VAT breakdown and no Percent for category O', () => {
		const xml = writePeppolBis3(fixture('11-'));
		assert.ok(
			xml.includes(
				'<cac:TaxCategory><cbc:ID>O</cbc:ID><cbc:TaxExemptionReasonCode>VATEX-EU-O</cbc:TaxExemptionReasonCode><cbc:TaxExemptionReason>Not subject to VAT</cbc:TaxExemptionReason>',
			),
		);
		assert.ok(xml.includes('<cac:ClassifiedTaxCategory><cbc:ID>O</cbc:ID><cac:TaxScheme>'));
	});

	it('writes the note subject code (BT-21) as a #code# prefix', () => {
		const xml = writePeppolBis3(fixture('43-'));
		assert.ok(xml.includes('<cbc:Note>#AAI#Leveret efter aftale med Søren.</cbc:Note>'));
		assert.deepEqual(readUbl(xml).notes, [{ text: 'Leveret efter aftale med Søren.', subjectCode: 'AAI' }]);
	});

	it('never writes an empty element, and writes an incomplete invoice without refusing it', () => {
		const invoice = fixture('01-') as unknown as Record<string, unknown>;
		delete invoice.buyer;
		delete invoice.paymentMeans;
		const lines = invoice.lines as Record<string, unknown>[];
		delete lines[0].price;
		lines[1].quantity = 'many';
		(invoice.seller as Record<string, unknown>).name = '   ';
		const xml = writePeppolBis3(invoice as unknown as Invoice);
		assert.equal(XMLValidator.validate(xml), true);
		assert.doesNotMatch(xml, /<([\w:]+)[^>]*><\/\1>|<[\w:]+[^>]*\/>/);
		assert.ok(xml.includes('<cbc:InvoicedQuantity unitCode="MTR">many</cbc:InvoicedQuantity>'));
		assert.ok(!xml.includes('cac:AccountingCustomerParty'));
		for (const { invoice: each } of fixtures) assert.doesNotMatch(writePeppolBis3(each), /<([\w:]+)[^>]*><\/\1>/);
	});

	it('writes numbers given where the model expects decimal strings (invoices built in a Code node)', () => {
		const invoice = fixture('01-') as unknown as { lines: Record<string, unknown>[] };
		invoice.lines[0].quantity = 12;
		invoice.lines[0].price = { amount: 450 };
		invoice.lines[0].vat = { category: 'S', rate: 25 };
		const xml = writePeppolBis3(invoice as unknown as Invoice);
		assert.equal(xml, writePeppolBis3(fixture('01-')));
	});

	it('is stable: writing what it read gives the same document for every fixture', () => {
		for (const { name, invoice } of fixtures) {
			const first = writePeppolBis3(invoice);
			assert.equal(writePeppolBis3(readUbl(first)), first, name);
		}
	});

	it('is reached through writeUbl, which names unknown formats', () => {
		const invoice = fixture('01-');
		assert.equal(writeUbl(invoice, { format: 'peppol-bis3' }), writePeppolBis3(invoice));
		assert.throws(
			() => writeUbl(invoice, { format: 'xrechnung' as DocumentFormat }),
			/No UBL writer for format 'xrechnung'/,
		);
	});
});
