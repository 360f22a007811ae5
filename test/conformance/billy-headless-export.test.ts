/** `npm run export` on the shipped Billy dataset: the report names every document, the files pass the validator. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import type { BillyContact, BillyInvoice } from '../../nodes/Billy/api';
import { billyBuyer } from '../../nodes/Billy/mapper';
import { fatalIds, repoRoot, validateFiles } from '../support/validator';
import { runExport } from '../tools/export';

const dataset = path.join(repoRoot, 'test', 'fixtures', 'billy');
const read = <T>(name: string): T => JSON.parse(readFileSync(path.join(dataset, `${name}.json`), 'utf8')) as T;

describe('Billy shipped dataset through the headless export', () => {
	it('exports every approved document with a buyer address (valid, payable = booked), skips drafts and voided, in 3 requests', async () => {
		const out = mkdtempSync(path.join(tmpdir(), 'billy-export-'));
		try {
			const report = await runExport({ dataset, out, format: 'peppol-bis3' });
			const invoices = read<BillyInvoice[]>('invoices');
			const contacts = new Map(read<BillyContact[]>('contacts').map((c) => [c.id, c]));
			assert.equal(report.documents.length, invoices.length);
			assert.equal(report.requests.total, 3, JSON.stringify(report.requests));

			const byId = new Map(report.documents.map((d) => [d.id, d]));
			const files: string[] = [];
			for (const invoice of invoices) {
				const entry = byId.get(invoice.id)!;
				if (invoice.state !== 'approved') {
					assert.equal(entry.status, 'skipped');
					assert.equal(entry.reason, invoice.state);
					continue;
				}
				if (!billyBuyer(contacts.get(invoice.contactId)!).endpoint) {
					assert.equal(entry.status, 'failed');
					assert.match(String(entry.reason), /PEPPOL-EN16931-R010/);
					continue;
				}
				assert.equal(entry.status, 'exported', `${invoice.invoiceNo}: ${entry.reason ?? ''}`);
				assert.equal(entry.kind, invoice.type === 'creditNote' ? 'creditNote' : 'invoice');
				const xml = readFileSync(path.join(out, entry.file!), 'utf8');
				const payable = /<cbc:PayableAmount[^>]*>([^<]+)<\/cbc:PayableAmount>/.exec(xml)?.[1];
				assert.equal(payable, Number(invoice.grossAmount).toFixed(2), `${invoice.invoiceNo}: payable vs booked`);
				files.push(path.join(out, entry.file!));
			}
			assert.ok(files.length >= 40);
			for (const result of await validateFiles(files)) assert.deepEqual(fatalIds(result), [], result.file);
		} finally {
			rmSync(out, { recursive: true, force: true });
		}
	});
});
