/**
 * Benchmark of the headless Dinero export: requests per exported document and wall time, at Dinero's real quota.
 *
 *   node build/test/bench/dinero-export.bench.js [--count 1000] [--per-minute 100] [--lines-in-list]
 *
 * `--lines-in-list` makes the emulator return ProductLines in list responses (if the real API does, the client
 * skips the detail GET per document; our default reading is that it does not).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { generatedDataset } from '../e2e/dinero-support';
import { runExport } from '../tools/export';

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const value = (name: string, fallback: string) => {
		const i = args.indexOf(`--${name}`);
		return i >= 0 ? args[i + 1] : fallback;
	};
	const count = Number(value('count', '1000'));
	const perMinute = Number(value('per-minute', '100'));
	const linesInList = args.includes('--lines-in-list');
	const dataset = generatedDataset(
		{ count, seed: 7 },
		{ rateLimitPerMinute: perMinute, listFieldsIncludeLines: linesInList },
	);
	const out = mkdtempSync(path.join(tmpdir(), 'dinero-bench-'));
	const report = await runExport({ dataset, out });
	const exported = report.documents.filter((d) => d.status === 'exported').length;
	const failed = report.documents.filter((d) => d.status === 'failed').length;
	const skipped = report.documents.filter((d) => d.status === 'skipped').length;
	const total = report.requests.total;
	console.log(
		JSON.stringify(
			{
				documents: count,
				exported,
				skipped,
				failed,
				requests: total,
				requestsPerExported: Number((total / Math.max(1, exported)).toFixed(3)),
				status429: report.requests['429'] ?? 0,
				quotaPerMinute: perMinute,
				listCarriesLines: linesInList,
				wallTimeSeconds: Number((report.wallTimeMs / 1000).toFixed(1)),
				byEndpoint: report.requests,
			},
			null,
			2,
		),
	);
	process.exit(0);
}

void main();
