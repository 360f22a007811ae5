/**
 * Conformance of the Billy source: the shipped Billy dataset, served by the emulator, exported by a real n8n
 * workflow (Billy Trigger in manual mode → Invoice to UBL) and judged by the official validator.
 * Every approved document whose buyer has a PEPPOL address must be valid (0 fatal) with its payable amount equal
 * to the total Billy booked; a private person without identifiers fails exactly on the missing buyer address.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import type { BillyContact, BillyInvoice } from '../../nodes/Billy/api';
import { billyBuyer } from '../../nodes/Billy/mapper';
import { createBillyEmulator, type BillyEmulator } from '../sandbox/billy/emulator';
import { binaryBuffer, nodeType, repoRoot, runWorkflow, type WorkflowJson } from '../e2e/harness';
import { validateFiles, type ValidatorResult } from '../support/validator';

const datasetDir = path.join(repoRoot, 'test', 'fixtures', 'billy');

function exportWorkflow(settings: IDataObject): WorkflowJson {
	const payment = (settings.paymentMeans as IDataObject | undefined) ?? {};
	return {
		name: 'Billy export',
		nodes: [
			{
				id: 't',
				name: 'Billy Trigger',
				type: nodeType('billyTrigger'),
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					exportSince: '2000-01-01T00:00:00',
					options: { manualCount: 100000, paymentDetails: payment },
				} as INode['parameters'],
				credentials: { billyApi: { id: 'b', name: 'Billy sandbox' } },
			},
			{
				id: 'u',
				name: 'Invoice to UBL',
				type: nodeType('invoiceToUbl'),
				typeVersion: 1,
				position: [200, 0],
				parameters: { format: 'peppol-bis3', onInvalid: 'output' },
			},
		],
		connections: { 'Billy Trigger': { main: [[{ node: 'Invoice to UBL', type: 'main', index: 0 }]] } },
	};
}

describe('Billy → PEPPOL BIS 3 conformance (shipped dataset, official validator)', () => {
	let emulator: BillyEmulator;
	let out: string;
	let documents: { item: INodeExecutionData; file: string; source: IDataObject; xml: string; output: number }[] = [];
	let results = new Map<string, ValidatorResult>();
	let triggerItems: INodeExecutionData[] = [];

	before(async () => {
		emulator = await createBillyEmulator(datasetDir);
		out = mkdtempSync(path.join(tmpdir(), 'billy-conformance-'));
		const settings = (JSON.parse(JSON.stringify(require(path.join(datasetDir, 'dataset.json')))) as IDataObject)
			.settings as IDataObject;
		const run = await runWorkflow(exportWorkflow(settings), {
			credentials: { billyApi: { accessToken: emulator.accessToken, environment: 'sandbox', baseUrl: emulator.url } },
		});
		assert.equal(run.error, undefined, run.error?.message);
		triggerItems = run.output('Billy Trigger');
		const produced = run.outputs('Invoice to UBL').flatMap((items, output) => items.map((item) => ({ item, output })));
		for (const { item, output } of produced) {
			const source = item.json.source as IDataObject;
			const binary = item.binary?.document;
			if (!binary) continue;
			const xml = (await binaryBuffer(binary)).toString('utf8');
			const file = path.join(out, `${String(source.number)}.xml`);
			writeFileSync(file, xml);
			documents.push({ item, file, source, xml, output });
		}
		const validated = await validateFiles(documents.map((d) => d.file));
		results = new Map(validated.map((r, i) => [documents[i].file, r]));
	});
	after(async () => {
		await emulator.close();
		rmSync(out, { recursive: true, force: true });
	});

	it('emits every approved document once, and no draft or voided one', () => {
		const approved = emulator.store.invoices.filter((i) => i.state === 'approved');
		const numbers = triggerItems.map((i) => (i.json.source as IDataObject).number);
		assert.equal(numbers.length, approved.length);
		assert.deepEqual(new Set(numbers), new Set(approved.map((i) => i.invoiceNo)));
		for (const item of triggerItems) assert.equal(item.json.error, undefined, String(item.json.error));
	});

	it('every exportable document is valid (0 fatal) with payable = booked total; persons fail only on R010', () => {
		const contacts = new Map<string, BillyContact>(emulator.store.contacts.map((c) => [c.id, c]));
		const byNumber = new Map<string, BillyInvoice>(
			emulator.store.invoices.filter((i) => i.invoiceNo).map((i) => [i.invoiceNo!, i]),
		);
		assert.equal(documents.length, triggerItems.length, 'a document was written for every emitted item');
		let valid = 0;
		let withoutAddress = 0;
		for (const doc of documents) {
			const billy = byNumber.get(String(doc.source.number))!;
			const result = results.get(doc.file)!;
			const fatal = result.findings.filter((f) => f.flag === 'fatal').map((f) => f.id);
			const buyer = billyBuyer(contacts.get(billy.contactId)!);
			if (buyer.endpoint) {
				assert.deepEqual(fatal, [], `document ${billy.invoiceNo}: ${JSON.stringify(result.findings)}`);
				assert.equal(doc.output, 0, `document ${billy.invoiceNo} left Invoice to UBL on its valid output`);
				valid++;
			} else {
				assert.deepEqual(fatal, ['PEPPOL-EN16931-R010'], `document ${billy.invoiceNo}`);
				assert.equal(doc.output, 1, `pre-flight sent document ${billy.invoiceNo} to the Invalid output`);
				withoutAddress++;
			}
			const payable = /<cbc:PayableAmount currencyID="([A-Z]{3})">([-0-9.]+)<\/cbc:PayableAmount>/.exec(doc.xml);
			assert.ok(payable, `document ${billy.invoiceNo} has a payable amount`);
			assert.equal(payable[1], billy.currencyId);
			assert.equal(payable[2], Number(billy.grossAmount).toFixed(2), `document ${billy.invoiceNo}: payable vs booked`);
			assert.equal(/<(Invoice|CreditNote) /.exec(doc.xml)?.[1], billy.type === 'creditNote' ? 'CreditNote' : 'Invoice');
		}
		console.log(
			`Billy conformance: ${valid} valid of ${documents.length} exported (${withoutAddress} private persons without a PEPPOL address)`,
		);
		assert.ok(valid >= 35);
		assert.ok(withoutAddress <= 5);
	});
});
