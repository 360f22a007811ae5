import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InvoiceInputError, readInvoiceInput } from '../../nodes/shared/einvoice/input';
import {
	documentFileName,
	documentIdentifiers,
	idempotencyKey,
	normaliseFormat,
	pdfAttachment,
} from '../../nodes/shared/ubl/document';
import { loadCanonicalFixtures } from '../fixtures/canonical';

const fixtures = loadCanonicalFixtures();

function problems(value: unknown): string[] {
	try {
		readInvoiceInput(value);
	} catch (error) {
		assert.ok(error instanceof InvoiceInputError, `expected InvoiceInputError, got ${String(error)}`);
		return error.problems;
	}
	return [];
}

describe('canonical invoice input', () => {
	it('accepts every canonical fixture unchanged', () => {
		for (const { name, invoice } of fixtures) {
			const read = readInvoiceInput(invoice);
			const expected = structuredClone(invoice);
			delete expected.totals;
			assert.deepEqual(read, expected, name);
		}
	});

	it('accepts JSON text and turns numbers into decimal strings', () => {
		const invoice = structuredClone(fixtures[0].invoice) as unknown as Record<string, unknown>;
		const lines = invoice.lines as Record<string, unknown>[];
		lines[0].quantity = 12;
		(lines[0].price as Record<string, unknown>).amount = 450.5;
		invoice.number = 1001;
		const read = readInvoiceInput(JSON.stringify(invoice));
		assert.equal(read.lines[0].quantity, '12');
		assert.equal(read.lines[0].price.amount, '450.5');
		assert.equal(read.number, '1001');
	});

	it('lists every problem with its path instead of crashing', () => {
		const found = problems({
			kind: 'bill',
			number: '',
			issueDate: '02-11-2026',
			currency: 'kr',
			seller: 'ACME',
			lines: [{ quantity: 'two', price: {}, vat: { category: 'X' } }, 7],
		});
		assert.deepEqual(found, [
			'kind must be "invoice" or "creditNote", got "bill"',
			'number is missing',
			'issueDate must be a date YYYY-MM-DD, got "02-11-2026"',
			'currency must be an ISO 4217 code such as DKK, got "kr"',
			'seller must be an object, got "ACME"',
			'buyer is missing',
			'lines[0].quantity is not a decimal number: "two"',
			'lines[0].price.amount is missing',
			'lines[0].vat.category must be one of S, Z, E, AE, K, G, O, L, M, got "X"',
			'lines[0].item is missing',
			'lines[1] must be an object, got 7',
		]);
	});

	it('rejects non-objects, empty text and broken JSON with one clear message', () => {
		assert.deepEqual(problems(null), ['the invoice must be an object, got null']);
		assert.deepEqual(problems([1]), ['the invoice must be an object, got a list']);
		assert.deepEqual(problems('  '), ['the invoice is empty']);
		assert.match(problems('{"number": ')[0], /^the invoice is not valid JSON/);
	});

	it('checks amounts everywhere the model has them (NaN, Infinity, commas)', () => {
		const invoice = structuredClone(fixtures[0].invoice) as unknown as Record<string, unknown>;
		invoice.prepaidAmount = 'NaN';
		invoice.allowanceCharges = [{ isCharge: true, amount: '1,50', vat: { category: 'S', rate: '25' } }];
		invoice.booked = { payable: Infinity };
		assert.deepEqual(problems(invoice), [
			'allowanceCharges[0].amount is not a decimal number: "1,50"',
			'prepaidAmount is not a decimal number: "NaN"',
			'booked.payable is not a decimal number: Infinity',
		]);
	});

	it('drops given totals (they are always computed) and defaults kind, line ids and unit codes', () => {
		const invoice = structuredClone(fixtures[0].invoice) as unknown as Record<string, unknown>;
		invoice.totals = { payable: '1' };
		delete invoice.kind;
		const lines = invoice.lines as Record<string, unknown>[];
		delete lines[0].id;
		delete lines[0].unitCode;
		const read = readInvoiceInput(invoice);
		assert.equal(read.totals, undefined);
		assert.equal(read.kind, 'invoice');
		assert.equal(read.lines[0].id, '1');
		assert.equal(read.lines[0].unitCode, 'C62');
	});
});

describe('document naming', () => {
	it('expands file-name placeholders and keeps names safe', () => {
		const context = {
			number: '2026/1001',
			kind: 'invoice',
			format: 'peppol-bis3' as const,
			customer: 'Hansen & Søn: ApS',
			issueDate: '2026-11-02',
			system: 'Dinero',
			id: 'g-1',
		};
		assert.equal(documentFileName('{number}.xml', context), '2026_1001.xml');
		assert.equal(
			documentFileName('{system}-{kind}-{number}-{format}', context),
			'Dinero-invoice-2026_1001-peppol-bis3.xml',
		);
		assert.equal(documentFileName('{customer} {issueDate}.xml', context), 'Hansen & Søn_ ApS 2026-11-02.xml');
		assert.equal(documentFileName('{unknown}-{number}.xml', context), '{unknown}-2026_1001.xml');
		assert.equal(documentFileName('../../{number}.xml', context), '2026_1001.xml');
		assert.equal(documentFileName('', context), '2026_1001.xml');
		assert.equal(documentFileName('{customer}.xml', { ...context, customer: undefined }), '2026_1001.xml');
	});

	it('gives a stable UUID v5 idempotency key per source document and format', () => {
		const parts = {
			system: 'Dinero',
			account: '112233',
			id: 'g-1',
			kind: 'invoice',
			number: '1001',
			format: 'peppol-bis3' as const,
		};
		const key = idempotencyKey(parts);
		assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		assert.equal(idempotencyKey({ ...parts }), key);
		assert.notEqual(idempotencyKey({ ...parts, format: 'oioubl21' }), key);
		assert.notEqual(idempotencyKey({ ...parts, account: '112234' }), key);
		assert.notEqual(idempotencyKey({ ...parts, kind: 'creditNote' }), key);
	});

	it('understands common spellings of the formats', () => {
		assert.equal(normaliseFormat('peppol-bis3'), 'peppol-bis3');
		assert.equal(normaliseFormat('PEPPOL BIS 3'), 'peppol-bis3');
		assert.equal(normaliseFormat('OIOUBL 2.1'), 'oioubl21');
		assert.equal(normaliseFormat('edifact'), 'edifact-d96a');
		assert.equal(normaliseFormat('x12-810'), undefined);
		assert.equal(normaliseFormat(3), undefined);
	});

	it('reads the PEPPOL document type and process identifiers from a document', () => {
		const xml =
			'<?xml version="1.0"?><CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" xmlns:cbc="x">' +
			'<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>' +
			'<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID></CreditNote>';
		assert.deepEqual(documentIdentifiers(xml), {
			rootElement: 'CreditNote',
			rootNamespace: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
			customizationId: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0',
			profileId: 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0',
			processId: 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0',
			documentTypeId:
				'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1',
		});
		assert.throws(() => documentIdentifiers('<Order/>'), /Not a UBL Invoice or CreditNote/);
	});

	it('attaches a PDF served as octet-stream with the PDF MIME code, named after the invoice when unnamed', () => {
		const invoice = fixtures[0].invoice;
		const pdf = Buffer.from('%PDF-1.7\n%%EOF');
		const attachment = pdfAttachment(invoice, { data: pdf, mimeType: 'application/octet-stream' });
		assert.deepEqual(attachment, {
			id: invoice.number,
			description: 'Faktura (PDF)',
			contentBase64: pdf.toString('base64'),
			mimeCode: 'application/pdf',
			fileName: `${invoice.number}.pdf`,
		});
		const png = pdfAttachment(invoice, {
			data: Buffer.from([0x89, 0x50]),
			mimeType: 'image/png',
			fileName: 'scan.png',
		});
		assert.equal(png.mimeCode, 'image/png');
		assert.equal(png.id, 'scan');
	});
});
