/**
 * The fault run at CI size (100 documents) through the real n8n: the Billy and Dinero export templates (live poll and
 * catch-up pass) under a 10 % fault profile on every API, the n8n process group killed once mid-run with SIGKILL and
 * started again. Nothing may be lost or delivered twice, and every failure has exactly one notification.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { faultRun } from './fault-run';

describe('fault run in the real n8n (100 documents, 10% faults, one SIGKILL and restart)', { timeout: 900_000 }, () => {
	it('loses nothing, delivers nothing twice, notifies each failure once', async () => {
		const result = await faultRun(
			{ documents: 100, rate: 0.1, seed: 20261121, settleMinutes: 1, keep: false, table: false },
			(line) => console.log(line),
		);
		console.log(result.line);
		const n = result.counts;
		assert.ok(n.documents >= 80, result.line);
		assert.equal(n.lost, 0, result.line);
		assert.equal(n.duplicates, 0, result.line);
		assert.equal(n.delivered + n.failed_reported, n.documents, result.line);
		// One notification per failure; a second only where n8n died between that e-mail and its ledger record.
		assert.equal(n.notifications, n.failed_reported + result.repeatedNotices, result.line);
		assert.deepEqual(result.problems, []);
		assert.ok(result.ok);
	});
});
