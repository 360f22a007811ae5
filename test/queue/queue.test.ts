/**
 * n8n queue mode on this machine (small version of `npm run queue-run`): PostgreSQL and Redis from the Debian
 * packages, one main process and two workers with the same encryption key, the Billy export template (in four copies,
 * each for a share of the customers) exporting 100 generated documents to the sandbox HTTP gateway.
 * Every exportable document must arrive exactly once or fail with a reason in the ledger; both workers must have
 * run executions; what arrived must pass the official validator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fatalIds, validateDocuments } from '../support/validator';
import { queueRun } from './queue-run';

describe('n8n queue mode (PostgreSQL, Redis, main + 2 workers)', { timeout: 600_000 }, () => {
	it('exports 100 documents with 0 lost and 0 duplicates, shared by both workers', async () => {
		const result = await queueRun({
			documents: 100,
			workers: 2,
			workflows: 4,
			// Two jobs at a time per worker: four executions arriving together cannot all land on one worker.
			concurrency: 2,
			timeoutMs: 300_000,
			collectDocuments: true,
			log: (line) => process.stdout.write(`# ${line}\n`),
		});
		process.stdout.write(`# ${result.line}\n`);
		assert.ok(result.documents > 80, `${result.documents} exportable of ${result.generated} generated`);
		assert.equal(result.lost, 0, 'lost documents');
		assert.equal(result.duplicates, 0, 'documents delivered twice');
		assert.equal(result.delivered + result.failed, result.documents);
		assert.equal(result.ledgerMismatch, 0, 'one ledger row per document, agreeing with the receiver');
		assert.ok(result.delivered > result.documents / 2, `${result.delivered} delivered`);
		for (const o of result.outcomes.filter((o) => o.failed))
			assert.match(
				o.failed!,
				new RegExp(`\\b${o.number.split(':')[1]}\\b.*(billy|Billy)`),
				'a failure names the invoice',
			);
		assert.equal(result.executions, 4, 'one execution per workflow copy');
		assert.equal(result.jobsPerWorker.length, 2);
		assert.ok(
			result.jobsPerWorker.every((jobs) => jobs > 0),
			`both workers ran executions: ${result.jobsPerWorker.join(', ')}`,
		);
		assert.ok(result.ok, result.line);

		const received = result.received ?? {};
		assert.equal(Object.keys(received).length, result.delivered);
		const verdicts = await validateDocuments(received);
		const invalid = Object.entries(verdicts).filter(([, v]) => v.fatalCount > 0);
		assert.deepEqual(
			invalid.map(([name, v]) => `${name}: ${fatalIds(v).join(',')}`),
			[],
			'every delivered document passes the official validator',
		);
	});
});
