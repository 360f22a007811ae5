/** `npm run export` for a Severa dataset: every invoice in the status to transfer exported, statuses written back. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fatalIds, repoRoot, validateFiles } from '../support/validator';
import { runExport } from '../tools/export';

const dataset = path.join(repoRoot, 'test', 'fixtures', 'severa');

describe('export of a Severa dataset', () => {
	it('exports the 26 invoices waiting for transfer, skips the rest by name, and writes the statuses back', async () => {
		const out = mkdtempSync(path.join(tmpdir(), 'severa-export-'));
		const report = await runExport({ dataset, out });
		const by = (status: string) => report.documents.filter((d) => d.status === status);
		assert.equal(report.documents.length, 34);
		assert.equal(by('exported').length, 26);
		assert.equal(by('failed').length, 0);
		assert.equal(by('skipped').length, 8);
		assert.ok(by('skipped').every((d) => /^in status ".+", not the status to transfer$/.test(d.reason ?? '')));
		assert.equal(
			report.requests['PATCH /v1/invoices/{guid}'],
			26,
			'each exported invoice moved to its status after transfer',
		);
		const results = await validateFiles(by('exported').map((d) => path.join(out, d.file!)));
		assert.deepEqual(
			results.filter((r) => fatalIds(r).length).map((r) => r.file),
			[],
		);
	});

	it('reports an invoice whose document is invalid as failed and still writes its status back', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'severa-export-bad-'));
		cpSync(dataset, dir, { recursive: true });
		const customers = JSON.parse(readFileSync(path.join(dir, 'customers.json'), 'utf8')) as Record<string, unknown>[];
		customers.find((c) => c.name === 'Odense Robotteknik ApS')!.eInvoiceAddress = '0088:5790000435976';
		writeFileSync(path.join(dir, 'customers.json'), JSON.stringify(customers));
		const report = await runExport({ dataset: dir, out: mkdtempSync(path.join(tmpdir(), 'severa-export-out-')) });
		const failed = report.documents.filter((d) => d.status === 'failed');
		assert.deepEqual(failed.map((d) => d.number).sort(), ['26148', '26158', '26166']);
		assert.ok(failed.every((d) => /PEPPOL-COMMON-R040/.test(d.reason ?? '')));
		assert.equal(report.requests['PATCH /v1/invoices/{guid}'], 26, 'failed ones moved to the status after error');
	});
});
