/**
 * The shipped Dinero and Billy sandbox datasets exported as OIOUBL 2.1 through the real nodes (source trigger →
 * "Invoice to UBL" in the n8n engine) and judged by the official validator: every exported document is valid, and
 * the only documents pre-flight stops are those to buyers without an electronic address (F-INV044: private persons
 * without EAN, who are not on NemHandel either).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { runExport } from '../tools/export';
import { createBillyEmulator } from '../sandbox/billy/emulator';
import { binaryBuffer, nodeType, runWorkflow, type WorkflowJson } from '../e2e/harness';
import { fatalIds, repoRoot, validateFiles } from '../support/validator';

const payable = (xml: string) => /<cbc:PayableAmount currencyID="[A-Z]{3}">([-0-9.]+)</.exec(xml)?.[1];

describe('shipped datasets → OIOUBL 2.1, judged by the official validator', () => {
	it('Dinero: every exported document is valid OIOUBL; only buyers without an address are stopped (F-INV044)', async () => {
		const out = mkdtempSync(path.join(tmpdir(), 'dinero-oioubl-'));
		const report = await runExport({
			dataset: path.join(repoRoot, 'test', 'fixtures', 'dinero'),
			out,
			format: 'oioubl21',
		});
		const exported = report.documents.filter((d) => d.status === 'exported');
		for (const failed of report.documents.filter((d) => d.status === 'failed')) {
			assert.match(String(failed.reason), /F-INV044/, `${failed.number}: ${failed.reason}`);
		}
		const results = await validateFiles(exported.map((d) => path.join(out, d.file!)));
		results.forEach((result, i) => {
			assert.deepEqual(fatalIds(result), [], `Dinero ${exported[i].number}`);
			assert.equal(result.customizationId, 'OIOUBL-2.1');
		});
		const stopped = report.documents.filter((d) => d.status === 'failed').length;
		console.log(`Dinero → OIOUBL: ${exported.length} valid, ${stopped} stopped (no buyer address)`);
		assert.ok(exported.length >= 40, `${exported.length} exported`);
		assert.ok(stopped <= 5);
	});

	it('Billy: every exported document is valid OIOUBL with payable = booked total; only buyers without an address are stopped', async () => {
		const datasetDir = path.join(repoRoot, 'test', 'fixtures', 'billy');
		const emulator = await createBillyEmulator(datasetDir);
		try {
			const settings = (JSON.parse(readFileSync(path.join(datasetDir, 'dataset.json'), 'utf8')) as IDataObject)
				.settings as IDataObject;
			const workflow: WorkflowJson = {
				name: 'Billy → OIOUBL',
				nodes: [
					{
						id: 't',
						name: 'Billy Trigger',
						type: nodeType('billyTrigger'),
						typeVersion: 1,
						position: [0, 0],
						parameters: {
							exportSince: '2000-01-01T00:00:00',
							options: { manualCount: 100000, paymentDetails: (settings?.paymentMeans as IDataObject) ?? {} },
						},
						credentials: { billyApi: { id: 'b', name: 'Billy sandbox' } },
					},
					{
						id: 'u',
						name: 'Invoice to UBL',
						type: nodeType('invoiceToUbl'),
						typeVersion: 1,
						position: [200, 0],
						parameters: { format: 'oioubl21', onInvalid: 'output' },
					},
				],
				connections: { 'Billy Trigger': { main: [[{ node: 'Invoice to UBL', type: 'main', index: 0 }]] } },
			} as WorkflowJson;
			const run = await runWorkflow(workflow, {
				credentials: { billyApi: { accessToken: emulator.accessToken, environment: 'sandbox', baseUrl: emulator.url } },
			});
			assert.equal(run.error, undefined, run.error?.message);
			const [valid, invalid] = run.outputs('Invoice to UBL');
			for (const item of invalid ?? []) {
				const ids = ((item.json.document as IDataObject).findings as { id: string; flag: string }[])
					.filter((f) => f.flag === 'fatal')
					.map((f) => f.id);
				assert.deepEqual(ids, ['F-INV044'], `Billy ${String((item.json.source as IDataObject).number)}`);
			}
			const out = mkdtempSync(path.join(tmpdir(), 'billy-oioubl-'));
			const files: string[] = [];
			const booked = new Map(emulator.store.invoices.map((i) => [i.invoiceNo, i.grossAmount]));
			for (const item of valid) {
				const number = String((item.json.source as IDataObject).number);
				const xml = (await binaryBuffer(item.binary!.document)).toString('utf8');
				assert.equal(payable(xml), Number(booked.get(number)).toFixed(2), `Billy ${number}: payable vs booked`);
				const file = path.join(out, `${number}.xml`);
				writeFileSync(file, xml);
				files.push(file);
			}
			const results = await validateFiles(files);
			results.forEach((result, i) => assert.deepEqual(fatalIds(result), [], path.basename(files[i])));
			console.log(`Billy → OIOUBL: ${files.length} valid, ${(invalid ?? []).length} stopped (no buyer address)`);
			assert.ok(files.length >= 35, `${files.length} exported`);
			assert.ok((invalid ?? []).length <= 5);
		} finally {
			await emulator.close();
		}
	});
});
