/**
 * Billy and Dinero exports (trigger → Invoice to UBL → HTTP delivery) in the real engine with a 10 % fault profile on
 * the source API and on the receiver: 429 with Retry-After, 500, 503, stalled connections, truncated and non-JSON
 * bodies, tokens that expire mid-run. Nothing may be lost (every exportable document delivered or reported failed by
 * an item naming it), nothing delivered twice, and the documents that fail must be those that fail without faults
 * (data problems), not victims of the faults.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { datasetCopy, generatedDataset } from '../e2e/dinero-support';
import { generateBillyDataset, writeBillyDataset } from '../sandbox/billy/generate';
import { repoRoot } from '../e2e/harness';
import { runFaultedExport, summarize, type FaultExportResult } from './fault-export';

const PROFILE = { rate: 0.1, seed: 20260521, stallMs: 800 };

function line(label: string, r: FaultExportResult): string {
	const s = summarize(r.documents);
	return (
		`${label}: documents=${s.documents} delivered=${s.delivered} failed_reported=${s.failedReported} lost=${s.lost} ` +
		`duplicates=${s.duplicates} skipped=${s.skipped}; faults ${JSON.stringify(r.faults)}; ${r.requests} requests; ${(r.wallMs / 1000).toFixed(1)} s`
	);
}

async function check(datasetDir: string, label: string): Promise<void> {
	const clean = await runFaultedExport(datasetDir, undefined);
	const faulted = await runFaultedExport(datasetDir, PROFILE);
	console.log(line(`${label} without faults`, clean));
	console.log(line(`${label} with 10% faults`, faulted));
	assert.equal(clean.runError, undefined, clean.runError);
	assert.equal(faulted.runError, undefined, faulted.runError);
	const injected = Object.values(faulted.faults).reduce((a, b) => a + b, 0);
	assert.ok(injected >= 3, `faults were injected (${injected})`);

	const s = summarize(faulted.documents);
	assert.equal(
		s.lost,
		0,
		`lost: ${faulted.documents
			.filter((d) => !d.skipReason && !d.deliveries && !d.errors.length)
			.map((d) => d.number || d.id)
			.join(', ')}`,
	);
	assert.equal(
		s.duplicates,
		0,
		`delivered twice: ${faulted.documents
			.filter((d) => d.deliveries > 1)
			.map((d) => d.number)
			.join(', ')}`,
	);
	assert.ok(!faulted.documents.some((d) => d.id === '?'), 'every record and item belongs to a dataset document');
	for (const d of faulted.documents) {
		if (d.skipReason) {
			assert.equal(d.deliveries, 0, `skipped ${d.id} (${d.skipReason}) was not delivered`);
			continue;
		}
		// Every failure is reported by an item that names the document.
		for (const error of d.errors)
			assert.ok(error.includes(d.number) || error.includes(d.id), `error names ${d.number}: ${error}`);
		// Exactly one report per document: delivered, or failed.
		assert.equal(
			d.errors.length + d.reportedDelivered,
			1,
			`${d.number}: one output item (${d.errors.length} errors, ${d.reportedDelivered} delivered)`,
		);
		if (d.deliveries === 1)
			assert.equal(d.reportedDelivered, 1, `${d.number} delivered and reported so: ${d.errors.join('; ')}`);
	}
	// Faults only delay: what is delivered without faults is delivered with them.
	for (const d of faulted.documents.filter(
		(x) => !x.deliveries && clean.documents.find((c) => c.id === x.id)?.deliveries,
	))
		console.log(`  lost to a fault: ${d.kind} ${d.number}: ${d.errors.join('; ').slice(0, 300)}`);
	const cleanDelivered = clean.documents
		.filter((d) => d.deliveries === 1)
		.map((d) => d.id)
		.sort();
	const faultedDelivered = faulted.documents
		.filter((d) => d.deliveries === 1)
		.map((d) => d.id)
		.sort();
	assert.deepEqual(faultedDelivered, cleanDelivered, 'the same documents are delivered with and without faults');
}

describe('exports under a 10% fault profile (real engine, emulators, HTTP receiver)', () => {
	it('Billy: loses nothing, duplicates nothing, reports every failure naming the document', async () => {
		await check(path.join(repoRoot, 'test', 'fixtures', 'billy'), 'billy');
	});

	it('Dinero: loses nothing, duplicates nothing, reports every failure naming the document', async () => {
		// A copy without the 100 requests/minute limit (the rate limiter is tested elsewhere; here it would only wait).
		await check(datasetCopy(undefined, { rateLimitPerMinute: 100_000, tokenTtlSeconds: 3600 }), 'dinero');
	});

	it('generated datasets (150 documents each): the same guarantees over several hundred faulted requests', async () => {
		const billyDir = mkdtempSync(path.join(tmpdir(), 'billy-faults-'));
		writeBillyDataset(billyDir, generateBillyDataset({ count: 150, seed: 7 }));
		await check(billyDir, 'billy generated');
		await check(generatedDataset({ count: 150, seed: 7 }, { rateLimitPerMinute: 100_000 }), 'dinero generated');
	});
});
