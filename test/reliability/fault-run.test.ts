/**
 * The fault run at CI size (100 documents): a separate n8n process exporting Billy and Dinero under a 10 % fault
 * profile on every API, killed once mid-run and restarted. Nothing lost, nothing twice, one notification per failure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { faultRun } from './fault-run';

describe('fault run (100 documents, 10% faults, one kill and restart)', () => {
	it('loses nothing, delivers nothing twice, notifies each failure exactly once', async () => {
		const { line, ok } = await faultRun({
			documents: 100,
			rate: 0.1,
			seed: 20261121,
			keep: false,
			staticDataAt: 'execution',
		});
		console.log(line);
		const numbers = Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])])) as Record<
			string,
			number
		>;
		assert.ok(numbers.documents >= 80, line);
		assert.equal(numbers.lost, 0, line);
		assert.equal(numbers.duplicates, 0, line);
		assert.equal(numbers.delivered + numbers.failed_reported, numbers.documents, line);
		assert.equal(numbers.notifications, numbers.failed_reported, line);
		assert.ok(ok, 'killed once and restarted; every failure has exactly one notification; no stray record');
	});
});
