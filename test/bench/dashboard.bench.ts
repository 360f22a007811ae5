/**
 * Dashboard benchmark: the "E-invoice: dashboard" template in a real n8n 2.41 (the sandbox stack) over a ledger of
 * N generated rows (default 5,000, each with an ~8 KB XML like a real invoice), inserted through the Data Tables API.
 * Times each page request (first page, a status filter, a customer filter, a later page, one XML link, the CSV)
 * as the median of several requests after one warm-up, and prints the response size.
 *
 *   npm run build && npm run build:test && node build/test/bench/dashboard.bench.js [--rows 5000] [--repeat 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

import { ledgerRow } from '../templates/dashboard-rows';
import { DASHBOARD_LOGIN, startStack } from '../tools/stack';

function arg(name: string, fallback: number): number {
	const argv = process.argv.slice(2);
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? Number(argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
	const rows = arg('rows', 5000);
	const repeat = arg('repeat', 5);
	const userFolder = mkdtempSync(path.join(tmpdir(), 'einvoice-dashboard-bench-'));
	const stack = await startStack({ userFolder });
	try {
		const started = Date.now();
		for (let i = 0; i < rows; i += 500)
			await stack.tables.insert(
				stack.ledgerTable,
				Array.from({ length: Math.min(500, rows - i) }, (_, n) => ledgerRow(i + n)),
			);
		console.log(`${rows} ledger rows inserted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		const firstId = Number((await stack.tables.rows(stack.ledgerTable)).find((r) => r.xml)?.id ?? 1);
		const url = `${stack.n8n.url}/webhook/einvoice-dashboard`;
		const authorization = `Basic ${Buffer.from(`${DASHBOARD_LOGIN.user}:${DASHBOARD_LOGIN.password}`).toString('base64')}`;
		const cases: [string, string][] = [
			['first page', ''],
			['status=failed', '?status=failed'],
			['customer=Nordlys', '?customer=Nordlys'],
			['from/to (one month)', '?from=2026-03-01&to=2026-03-31'],
			['page 3', '?page=3'],
			['one XML link', `?xml=${firstId}`],
			['CSV of status=failed', '?status=failed&format=csv'],
		];
		console.log(
			`load average before: ${loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}`,
		);
		for (const [label, query] of cases) {
			const times: number[] = [];
			let size = 0;
			let status = 0;
			for (let n = 0; n <= repeat; n++) {
				const t0 = performance.now();
				const response = await fetch(`${url}${query}`, { headers: { authorization } });
				const body = await response.text();
				if (n > 0) times.push(performance.now() - t0);
				size = body.length;
				status = response.status;
			}
			times.sort((a, b) => a - b);
			const median = times[Math.floor(times.length / 2)];
			console.log(
				`${label.padEnd(22)} HTTP ${status}  median ${median.toFixed(0).padStart(6)} ms  (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)})  ${(size / 1024).toFixed(0)} KB`,
			);
		}
		console.log(
			`load average after: ${loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}`,
		);
	} finally {
		await stack.stop();
		rmSync(userFolder, { recursive: true, force: true });
	}
}

main().catch((error: Error) => {
	console.error(error.stack ?? error.message);
	process.exit(1);
});
