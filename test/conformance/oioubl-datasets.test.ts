/**
 * The shipped Dinero and Billy sandbox datasets exported as OIOUBL 2.1 with the headless export (source trigger →
 * "Invoice to UBL" in the real n8n engine against the emulators) and judged by the official validator: every
 * exported document is valid, and the only documents pre-flight stops are those to buyers without an electronic
 * address (F-INV044: private persons without EAN, who are not on NemHandel either).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BillyInvoice } from '../../nodes/Billy/api';
import { fatalIds, repoRoot, validateFiles } from '../support/validator';
import { runExport } from '../tools/export';

const payable = (xml: string) => /<cbc:PayableAmount currencyID="[A-Z]{3}">([-0-9.]+)</.exec(xml)?.[1];

async function exportAsOioubl(system: 'dinero' | 'billy') {
	const dataset = path.join(repoRoot, 'test', 'fixtures', system);
	const out = mkdtempSync(path.join(tmpdir(), `${system}-oioubl-`));
	const report = await runExport({ dataset, out, format: 'oioubl21' });
	const exported = report.documents.filter((d) => d.status === 'exported');
	const stopped = report.documents.filter((d) => d.status === 'failed');
	for (const doc of stopped) assert.match(String(doc.reason), /F-INV044/, `${system} ${doc.number}: ${doc.reason}`);
	const results = await validateFiles(exported.map((d) => path.join(out, d.file!)));
	results.forEach((result, i) => {
		assert.deepEqual(fatalIds(result), [], `${system} ${exported[i].number}`);
		assert.equal(result.customizationId, 'OIOUBL-2.1');
	});
	console.log(`${system} → OIOUBL 2.1: ${exported.length} valid, ${stopped.length} stopped (buyer without address)`);
	assert.ok(exported.length >= 40, `${exported.length} exported`);
	assert.ok(stopped.length <= 5, `${stopped.length} stopped`);
	return { dataset, out, exported };
}

describe('shipped datasets → OIOUBL 2.1, judged by the official validator', () => {
	it('Dinero: every exported document is valid OIOUBL; only buyers without an address are stopped (F-INV044)', async () => {
		const { out } = await exportAsOioubl('dinero');
		rmSync(out, { recursive: true, force: true });
	});

	it('Billy: every exported document is valid OIOUBL with payable = booked total', async () => {
		const { dataset, out, exported } = await exportAsOioubl('billy');
		const invoices = new Map(
			(JSON.parse(readFileSync(path.join(dataset, 'invoices.json'), 'utf8')) as BillyInvoice[]).map((i) => [i.id, i]),
		);
		for (const doc of exported) {
			const xml = readFileSync(path.join(out, doc.file!), 'utf8');
			assert.equal(payable(xml), Number(invoices.get(doc.id)!.grossAmount).toFixed(2), `Billy ${doc.number}`);
		}
		rmSync(out, { recursive: true, force: true });
	});
});
