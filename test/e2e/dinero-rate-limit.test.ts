import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { runExport } from '../tools/export';
import { generatedDataset } from './dinero-support';

// The limiter and the emulator use the same quota. Dinero's is 100/min; 600/min keeps this test near 2 minutes while
// an export of 1,000 documents still needs more than a minute's quota, so the limiter has to hold requests back.
const PER_MINUTE = 600;

describe('Dinero rate limit during an export of 1,000 documents', () => {
	it('the emulator never answers 429 and every booked document is exported', { timeout: 10 * 60_000 }, async () => {
		const dataset = generatedDataset({ count: 1000, seed: 11 }, { rateLimitPerMinute: PER_MINUTE });
		const out = mkdtempSync(path.join(tmpdir(), 'dinero-1000-'));
		const report = await runExport({ dataset, out });
		assert.equal(report.documents.length, 1000);
		assert.equal(report.requests['429'] ?? 0, 0, 'no 429 from the emulator');
		assert.ok(
			report.requests.total > PER_MINUTE,
			`the export needed more than one minute's quota (${report.requests.total} requests)`,
		);
		assert.ok(report.wallTimeMs >= 60_000, 'so the limiter had to wait');
		const notExported = report.documents.filter((d) => d.status !== 'exported' && d.status !== 'skipped');
		assert.deepEqual(
			notExported.filter((d) => !/R010|electronic address/.test(String(d.reason))),
			[],
		);
		const skipped = report.documents.filter((d) => d.status === 'skipped');
		assert.ok(skipped.every((d) => /draft|deleted/.test(String(d.reason))));
	});
});
