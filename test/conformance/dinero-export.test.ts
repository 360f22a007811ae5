import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { normalizeKeys, parseDineroJson } from '../../nodes/Dinero/json';
import { repoRoot, fatalIds, validateFiles } from '../support/validator';
import { runExport } from '../tools/export';

const dataset = path.join(repoRoot, 'test', 'fixtures', 'dinero');
const read = (name: string) =>
	normalizeKeys<Record<string, unknown>[]>(parseDineroJson(readFileSync(path.join(dataset, `${name}.json`), 'utf8')));

/** `<cbc:PayableAmount currencyID="…">…</cbc:PayableAmount>` of a UBL document. */
function payable(xml: string): string {
	const match = /<cbc:PayableAmount[^>]*>([^<]+)<\/cbc:PayableAmount>/.exec(xml);
	assert.ok(match, 'document has a PayableAmount');
	return match[1];
}

describe('Dinero shipped dataset → PEPPOL BIS 3, judged by the official validator', () => {
	it('exports every booked document with a buyer address, all valid (0 fatal), payable = booked total; the rest reported', async () => {
		const out = mkdtempSync(path.join(tmpdir(), 'dinero-conformance-'));
		const report = await runExport({ dataset, out, format: 'peppol-bis3' });
		const invoices = read('invoices');
		const creditnotes = read('creditnotes');
		const contacts = read('contacts');
		const all = [
			...invoices.map((d) => ({ d, kind: 'invoice' })),
			...creditnotes.map((d) => ({ d, kind: 'creditNote' })),
		];
		const booked = all.filter(({ d }) => d.Status !== 'Draft' && !d.DeletedAt);
		assert.ok(booked.length >= 40, 'the shipped dataset has at least 40 exportable documents');

		// The report names every document: booked ones exported, the rest skipped with a reason.
		assert.equal(report.documents.length, all.length);
		for (const doc of report.documents.filter((x) => x.status === 'skipped'))
			assert.match(String(doc.reason), /draft|deleted|before activation/);
		const skipped = report.documents
			.filter((x) => x.status === 'skipped')
			.map((x) => x.id)
			.sort();
		assert.deepEqual(
			skipped,
			all
				.filter(({ d }) => d.Status === 'Draft' || d.DeletedAt)
				.map(({ d }) => String(d.Guid))
				.sort(),
		);

		const files = report.documents.filter((x) => x.file).map((x) => path.join(out, x.file!));
		const results = await validateFiles(files);
		const byFile = new Map(results.map((r) => [path.basename(r.file), r]));
		let valid = 0;
		for (const { d, kind } of booked) {
			const entry = report.documents.find((x) => x.id === d.Guid)!;
			const contact = contacts.find((c) => c.ContactGuid === d.ContactGuid)!;
			const reachable = !(contact.IsPerson === true && !contact.EanNumber);
			if (!reachable) {
				// A private person without EAN has no PEPPOL address (PEPPOL-EN16931-R010): reported, routed another way.
				assert.equal(entry.status, 'failed', `${kind} ${String(d.Number)} to a person without an address`);
				assert.match(String(entry.reason), /PEPPOL-EN16931-R010/);
				continue;
			}
			assert.equal(entry.status, 'exported', `${kind} ${String(d.Number)} exported (${entry.reason ?? ''})`);
			const result = byFile.get(entry.file!)!;
			assert.deepEqual(fatalIds(result), [], `${kind} ${String(d.Number)} has no fatal finding`);
			valid++;
			const xml = readFileSync(path.join(out, entry.file!), 'utf8');
			assert.equal(
				payable(xml),
				Number(d.TotalInclVat).toFixed(2),
				`${kind} ${String(d.Number)}: payable amount equals the booked total`,
			);
		}
		assert.ok(valid >= 40, `at least 40 valid documents (got ${valid})`);
	});
});
