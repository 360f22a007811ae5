/**
 * "Invoice to UBL" in the real n8n engine, from workflow JSON files, with its output judged by the official validator.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Invoice } from '../../nodes/shared/einvoice/model';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { validateDocuments } from '../support/validator';
import { binaryBuffer, inlineBinary, loadPackage, loadWorkflow, nodeType, runWorkflow } from './harness';

const fixtures = new Map(loadCanonicalFixtures().map((f) => [f.name, f.invoice]));
const fixture = (name: string): Invoice => structuredClone(fixtures.get(name)!);

const NODE = 'Invoice to UBL';
const source = (number: string) => ({
	system: 'Dinero',
	account: '112233',
	id: `guid-${number}`,
	number,
	kind: 'invoice',
	customerName: 'Hansen & Søn ApS',
});

/** An invoice the official rules reject: no buyer name (BR-07). */
function invalidInvoice(): Invoice {
	const invoice = fixture('01-invoice-dk-b2b-standard');
	invoice.number = '2026-9001';
	delete (invoice.buyer as Partial<Invoice['buyer']>).name;
	return invoice;
}

/**
 * Documents produced by the tests below, judged by the official validator in one batch at the end (one validator
 * start instead of one per test): `expectFatal` is the rule id the validator must report, or none for a valid document.
 */
const judged: Record<string, { xml: string; expectFatal?: string; preflightValid?: boolean }> = {};

async function xmlOf(item: INodeExecutionData, property = 'document'): Promise<string> {
	const binary = item.binary?.[property];
	assert.ok(binary, `binary.${property} present`);
	return (await binaryBuffer(binary)).toString('utf8');
}

describe('Invoice to UBL in the real engine', () => {
	before(async () => {
		const { nodes } = await loadPackage();
		assert.ok(nodes.includes(nodeType('invoiceToUbl')), 'the node is registered in package.json and loads');
	});

	it('turns a canonical invoice into a valid PEPPOL BIS 3 document', async () => {
		const invoice = fixture('01-invoice-dk-b2b-standard');
		const result = await runWorkflow('invoice-to-ubl.json', {
			input: [{ json: { invoice, source: source(invoice.number) } }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		const [item] = result.output(NODE);
		const document = item.json.document as IDataObject;
		assert.equal(document.format, 'peppol-bis3');
		assert.equal(document.fileName, '2026-1001.xml');
		assert.equal(document.valid, true);
		assert.equal(document.documentType, 'Invoice');
		assert.equal(
			document.documentTypeId,
			'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1',
		);
		assert.equal(document.profileId, 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0');
		assert.match(
			String(document.idempotencyKey),
			/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
		assert.deepEqual(item.pairedItem, { item: 0 });
		assert.equal(item.binary?.document.mimeType, 'application/xml');
		assert.equal(item.binary?.document.fileName, '2026-1001.xml');
		assert.ok(item.binary?.document.id, 'stored by the binary data service');
		// The item keeps its contract fields and gains computed totals.
		assert.deepEqual(item.json.source, source(invoice.number));
		assert.equal(
			(item.json.invoice as unknown as Invoice).totals?.payable,
			(item.json.invoice as unknown as Invoice).totals?.taxInclusive,
		);

		const xml = await xmlOf(item);
		assert.match(xml, /^<\?xml/);
		assert.match(xml, /<cbc:ID>2026-1001<\/cbc:ID>/);
		judged['e2e-valid.xml'] = { xml };

		// The same invoice gives the same idempotency key on a later run.
		const again = await runWorkflow('invoice-to-ubl.json', {
			input: [{ json: { invoice, source: source(invoice.number) } }],
		});
		assert.equal((again.output(NODE)[0].json.document as IDataObject).idempotencyKey, document.idempotencyKey);
	});

	it('converts many fixtures in one run, each judged valid by the official validator', async () => {
		const names = [...fixtures.keys()].filter((n) => !n.startsWith('99-')).slice(0, 12);
		const input = names.map((name) => ({ json: { invoice: fixture(name) } }));
		const result = await runWorkflow('invoice-to-ubl.json', { input, parameters: { [NODE]: { onInvalid: 'pass' } } });
		assert.equal(result.error, undefined, result.error?.message);
		const out = result.output(NODE);
		assert.equal(out.length, names.length);
		const documents: Record<string, string> = {};
		for (let i = 0; i < out.length; i++) {
			assert.deepEqual(out[i].pairedItem, { item: i });
			documents[`${names[i]}.xml`] = await xmlOf(out[i]);
		}
		for (let i = 0; i < out.length; i++) {
			judged[`${names[i]}.xml`] = {
				xml: documents[`${names[i]}.xml`],
				preflightValid: (out[i].json.document as IDataObject).valid as boolean,
			};
		}
	});

	it('fails an invalid document by default, naming the invoice and the rule', async () => {
		const result = await runWorkflow('invoice-to-ubl.json', {
			input: [{ json: { invoice: invalidInvoice(), source: source('2026-9001') } }],
		});
		assert.ok(result.error, 'the workflow failed');
		assert.match(
			result.error.message,
			/^Invoice 2026-9001 \(Dinero\): The PEPPOL BIS Billing 3\.0 document is invalid: .*BR-07/,
		);
		assert.equal(result.error.context?.itemIndex, 0);
	});

	it('continues on fail: the invalid invoice becomes an error item, the valid one a document', async () => {
		const valid = fixture('01-invoice-dk-b2b-standard');
		const workflow = loadWorkflow('invoice-to-ubl.json');
		workflow.nodes[1].onError = 'continueRegularOutput';
		const result = await runWorkflow(workflow, {
			input: [
				{ json: { invoice: invalidInvoice(), source: source('2026-9001') } },
				{ json: { invoice: valid, source: source(valid.number) } },
			],
		});
		assert.equal(result.error, undefined);
		const [failed, ok] = result.output(NODE);
		assert.match(String(failed.json.error), /^Invoice 2026-9001 \(Dinero\): .*BR-07/);
		assert.deepEqual(failed.pairedItem, { item: 0 });
		assert.deepEqual(failed.json.source, source('2026-9001'), 'the input fields stay on the error item');
		const details = failed.json.details as IDataObject;
		assert.deepEqual(
			{ ...details, description: undefined },
			{ itemIndex: 0, system: 'Dinero', number: '2026-9001', kind: 'invoice', description: undefined },
		);
		assert.match(String((failed.json.details as IDataObject).description), /FATAL BR-07: /);
		assert.equal((ok.json.document as IDataObject).valid, true);
		assert.deepEqual(ok.pairedItem, { item: 1 });
	});

	it('sends invalid documents to the "Invalid" output when asked', async () => {
		const valid = fixture('01-invoice-dk-b2b-standard');
		const result = await runWorkflow('invoice-to-ubl-invalid-output.json', {
			input: [
				{ json: { invoice: invalidInvoice(), source: source('2026-9001') } },
				{ json: { invoice: valid, source: source(valid.number) } },
			],
		});
		assert.equal(result.error, undefined, result.error?.message);
		const [validOut, invalidOut] = result.outputs(NODE);
		assert.equal(validOut.length, 1);
		assert.equal(invalidOut.length, 1);
		assert.equal(result.output('Deliver').length, 1);
		assert.equal(result.output('Review').length, 1);
		assert.deepEqual(invalidOut[0].pairedItem, { item: 0 });
		const document = invalidOut[0].json.document as IDataObject;
		assert.equal(document.valid, false);
		assert.ok((document.findings as IDataObject[]).some((f) => f.id === 'BR-07' && f.flag === 'fatal'));
		assert.equal(document.fileName, 'Dinero-invoice-2026-9001.xml');
		assert.equal((validOut[0].json.document as IDataObject).fileName, 'Dinero-invoice-2026-1001.xml');
		// The invalid XML is still there for review, and the official validator agrees it is invalid.
		judged['invalid.xml'] = { xml: await xmlOf(invalidOut[0]), expectFatal: 'BR-07' };
	});

	it('passes invalid documents with their findings when asked', async () => {
		const result = await runWorkflow('invoice-to-ubl.json', {
			input: [{ json: { invoice: invalidInvoice() } }],
			parameters: { [NODE]: { onInvalid: 'pass' } },
		});
		assert.equal(result.error, undefined);
		const [item] = result.output(NODE);
		assert.equal((item.json.document as IDataObject).valid, false);
		assert.ok(((item.json.document as IDataObject).findings as IDataObject[]).some((f) => f.id === 'BR-07'));
	});

	it('embeds the original PDF from a binary property', async () => {
		const invoice = fixture('01-invoice-dk-b2b-standard');
		const pdf = Buffer.concat([
			Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n'),
			Buffer.from([0xe6, 0xf8, 0xe5, 0x00, 0xff]),
			Buffer.from('\n%%EOF\n'),
		]);
		const result = await runWorkflow('invoice-to-ubl.json', {
			input: [
				{
					json: { invoice, source: source(invoice.number) },
					binary: { pdf: inlineBinary(pdf, 'application/pdf', 'Faktura-2026-1001.pdf') },
				},
			],
		});
		assert.equal(result.error, undefined, result.error?.message);
		const [item] = result.output(NODE);
		assert.equal((item.json.document as IDataObject).attachedPdf, 'Faktura-2026-1001.pdf');
		assert.ok(item.binary?.pdf, 'the PDF stays on the item');
		assert.equal((item.json.invoice as unknown as Invoice).attachments, undefined, 'no base64 copy in json');
		const xml = await xmlOf(item);
		assert.ok(xml.includes(pdf.toString('base64')), 'the PDF bytes are embedded');
		assert.match(xml, /mimeCode="application\/pdf"/);
		assert.match(xml, /filename="Faktura-2026-1001\.pdf"/);
		judged['with-pdf.xml'] = { xml };

		// Switched off, nothing is embedded.
		const off = await runWorkflow('invoice-to-ubl.json', {
			input: [{ json: { invoice }, binary: { pdf: inlineBinary(pdf, 'application/pdf', 'x.pdf') } }],
			parameters: { [NODE]: { options: { attachPdf: false } } },
		});
		assert.ok(!(await xmlOf(off.output(NODE)[0])).includes(pdf.toString('base64')));
	});

	it('accepts the invoice as a JSON expression, with numbers for amounts', async () => {
		const invoice = fixture('05-invoice-zero-rated-z') as unknown as IDataObject;
		// A spreadsheet gives numbers, not decimal strings.
		(invoice.lines as IDataObject[]).forEach((line) => {
			line.quantity = Number(line.quantity);
			(line.price as IDataObject).amount = Number((line.price as IDataObject).amount);
		});
		const result = await runWorkflow('invoice-to-ubl-json-parameter.json', {
			input: [{ json: { payload: JSON.stringify(invoice) } }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		const [item] = result.output(NODE);
		const document = item.json.document as IDataObject;
		assert.equal(document.valid, true);
		assert.equal(document.binaryProperty, 'xml');
		assert.equal(
			document.fileName,
			`${String((invoice.buyer as IDataObject).name).replace(/[\\/:*?"<>|]+/g, '_')} ${String(invoice.number)}.xml`,
		);
		judged['from-json.xml'] = { xml: await xmlOf(item, 'xml') };
	});

	it('names the invoice given as JSON in its errors', async () => {
		const invoice = invalidInvoice() as unknown as IDataObject;
		const result = await runWorkflow('invoice-to-ubl-json-parameter.json', {
			input: [{ json: { payload: JSON.stringify(invoice) } }],
			parameters: { [NODE]: { onInvalid: 'fail' } },
		});
		assert.ok(result.error);
		assert.match(result.error.message, /^Invoice 2026-9001: The PEPPOL BIS Billing 3\.0 document is invalid: .*BR-07/);
	});

	it('reports malformed input clearly, per item, without stopping the batch', async () => {
		const good = fixture('01-invoice-dk-b2b-standard') as unknown as IDataObject;
		const badAmount = structuredClone(good);
		(badAmount.lines as IDataObject[])[0].quantity = '12,5';
		badAmount.number = 'BAD-1';
		const missing = { kind: 'invoice', number: 'BAD-2', currency: 'DKK', lines: 'none' };
		const workflow = loadWorkflow('invoice-to-ubl.json');
		workflow.nodes[1].onError = 'continueRegularOutput';
		const result = await runWorkflow(workflow, {
			input: [
				{ json: { invoice: badAmount } },
				{ json: { invoice: missing } },
				{ json: { nothing: true } },
				{ json: { invoice: good } },
			],
		});
		assert.equal(result.error, undefined);
		const out = result.output(NODE);
		assert.equal(out.length, 4);
		assert.match(
			String(out[0].json.error),
			/^Invoice BAD-1: Invalid invoice: lines\[0\]\.quantity is not a decimal number: "12,5"$/,
		);
		assert.match(
			String(out[1].json.error),
			/^Invoice BAD-2: Invalid invoice \(\d+ problems\): issueDate is missing; seller is missing; buyer is missing; lines must be a list/,
		);
		assert.match(String(out[2].json.error), /^Item 3: The item has no canonical invoice in json\.invoice$/);
		assert.equal((out[3].json.document as IDataObject).valid, true);
	});

	it("uses the item's route format, and names an unknown one", async () => {
		const invoice = fixture('01-invoice-dk-b2b-standard');
		const workflow = loadWorkflow('invoice-to-ubl.json');
		workflow.nodes[1].onError = 'continueRegularOutput';
		const result = await runWorkflow(workflow, {
			input: [
				{ json: { invoice, route: { activated: true, format: 'peppol-bis3' } } },
				{ json: { invoice, route: { activated: true, format: 'x12-810' } } },
			],
			parameters: { [NODE]: { format: 'oioubl21' } },
		});
		assert.equal(result.error, undefined);
		const [routed, unknown] = result.output(NODE);
		assert.equal((routed.json.document as IDataObject).format, 'peppol-bis3');
		assert.match(String(unknown.json.error), /route asks for an unknown format "x12-810"/);

		// With the route switched off, the node's own format applies.
		const own = await runWorkflow('invoice-to-ubl.json', {
			input: [{ json: { invoice, route: { format: 'oioubl21' } } }],
			parameters: { [NODE]: { options: { useRouteFormat: false } } },
		});
		assert.equal((own.output(NODE)[0].json.document as IDataObject).format, 'peppol-bis3');
	});

	it('fails an invoice whose computed totals disagree with the books, naming both figures', async () => {
		const invoice = fixture('01-invoice-dk-b2b-standard');
		invoice.booked = { payable: '99999.00' };
		const result = await runWorkflow('invoice-to-ubl.json', {
			input: [{ json: { invoice, source: source(invoice.number) } }],
		});
		assert.ok(result.error);
		assert.match(
			result.error.message,
			/^Invoice 2026-1001 \(Dinero\): .*computed payable amount \d+\.\d{2} differs from booked total 99999\.00/,
		);
	});

	it('absorbs a whole-krone rounding booked by the source into BT-114', async () => {
		const invoice = fixture('01-invoice-dk-b2b-standard');
		const computed = (await runWorkflow('invoice-to-ubl.json', { input: [{ json: { invoice } }] })).output(NODE)[0].json
			.invoice as unknown as Invoice;
		const payable = computed.totals!.payable;
		const rounded = Math.round(Number(payable)).toFixed(2);
		if (rounded === payable) return assert.fail(`fixture total ${payable} is already whole; pick another`);
		invoice.booked = { payable: rounded };
		const result = await runWorkflow('invoice-to-ubl.json', { input: [{ json: { invoice } }] });
		assert.equal(result.error, undefined, result.error?.message);
		const written = result.output(NODE)[0].json.invoice as unknown as Invoice;
		assert.equal(written.totals?.payable, rounded);
		const xml = await xmlOf(result.output(NODE)[0]);
		assert.match(xml, /<cbc:PayableRoundingAmount currencyID="DKK">-?0\.\d{2}<\/cbc:PayableRoundingAmount>/);
		judged['rounded.xml'] = { xml };
	});
	it('the official validator agrees with every document produced above', async () => {
		const names = Object.keys(judged);
		assert.ok(names.length >= 17, `expected the documents of the tests above, got ${names.length}`);
		const verdicts = await validateDocuments(Object.fromEntries(names.map((name) => [name, judged[name].xml])));
		for (const name of names) {
			const { expectFatal, preflightValid } = judged[name];
			const verdict = verdicts[name];
			const fatal = verdict.findings.filter((f) => f.flag === 'fatal');
			if (expectFatal) {
				assert.ok(
					fatal.some((f) => f.id === expectFatal),
					`${name}: expected ${expectFatal}, got ${JSON.stringify(fatal)}`,
				);
			} else {
				assert.deepEqual(fatal, [], `${name} should be valid`);
			}
			// Where the node said valid or not, the validator says the same.
			if (preflightValid !== undefined)
				assert.equal(preflightValid, fatal.length === 0, `${name}: pre-flight disagrees`);
		}
	});
});
