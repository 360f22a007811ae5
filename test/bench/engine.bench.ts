/**
 * Throughput of "Invoice to UBL" inside the real n8n engine (n8n-core WorkflowExecute, filesystem binary data),
 * and the cost of the shared request helper against a local server. Prints numbers; asserts nothing.
 *
 *   npm run build:test && node build/test/bench/engine.bench.js
 */
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';

import { loadCanonicalFixtures } from '../fixtures/canonical';
import { buildLargeInvoice } from '../fixtures/canonical/generate';
import { registerCredentialType, registerNodeType, runWorkflow, type WorkflowJson } from '../e2e/harness';
import { HttpProbe, ProbeApi } from '../e2e/support/probe-nodes';

async function timeRuns(label: string, runs: number, perRun: number, run: () => Promise<void>): Promise<void> {
	await run(); // warm-up
	const started = performance.now();
	for (let i = 0; i < runs; i++) await run();
	const ms = performance.now() - started;
	const each = ms / (runs * perRun);
	console.log(
		`${label.padEnd(58)} ${(each * 1000).toFixed(0).padStart(8)} µs per item  (${runs} runs × ${perRun} items)`,
	);
}

async function main(): Promise<void> {
	const fixtures = loadCanonicalFixtures().filter((f) => !f.name.startsWith('99-'));
	const input = (count: number) =>
		Array.from({ length: count }, (_, i) => ({ json: { invoice: fixtures[i % fixtures.length].invoice } }));
	const workflow = 'invoice-to-ubl.json';
	const onInvalid = { 'Invoice to UBL': { onInvalid: 'pass' } };

	const load = os
		.loadavg()
		.map((l) => l.toFixed(1))
		.join(' ');
	console.log(
		`node ${process.version}, ${os.cpus().length} CPUs, load average ${load}; Invoice to UBL in n8n-core WorkflowExecute`,
	);
	for (const count of [1, 10, 100]) {
		const items = input(count);
		await timeRuns(
			`workflow with ${count} invoice(s) (${fixtures.length} fixtures cycled)`,
			count === 100 ? 5 : 20,
			count,
			async () => {
				const result = await runWorkflow(workflow, { input: items, parameters: onInvalid });
				if (result.error) throw result.error;
			},
		);
	}
	const large = [{ json: { invoice: buildLargeInvoice(1000, 'BENCH-1000') } }];
	await timeRuns('workflow with one 1000-line invoice', 5, 1, async () => {
		const result = await runWorkflow(workflow, { input: large, parameters: onInvalid });
		if (result.error) throw result.error;
	});

	// Request helper: 200 GETs through apiRequest (retry + rate-limit bookkeeping) inside the engine.
	registerNodeType('test.httpProbe', new HttpProbe());
	registerCredentialType(new ProbeApi());
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"ok":true}');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const probe = (rateLimit: number): WorkflowJson => ({
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '2',
				name: 'HTTP Probe',
				type: 'test.httpProbe',
				typeVersion: 1,
				position: [200, 0],
				parameters: { baseUrl: url, path: '/x', rateLimit, rateWindowMs: 60_000 },
				credentials: { probeApi: { id: 'c', name: 'c' } },
			},
		],
		connections: { Start: { main: [[{ node: 'HTTP Probe', type: 'main', index: 0 }]] } },
	});
	const requests = Array.from({ length: 200 }, (_, i) => ({ json: { i } }));
	const credentials = { probeApi: { token: 't', apiKey: 'k', baseUrl: url } };
	await timeRuns('apiRequest GET via httpRequestWithAuthentication', 3, 200, async () => {
		const result = await runWorkflow(probe(0), { input: requests, credentials });
		if (result.error) throw result.error;
	});
	await timeRuns('same with a rate limiter (limit not reached)', 3, 200, async () => {
		const result = await runWorkflow(probe(1_000_000), { input: requests, credentials });
		if (result.error) throw result.error;
	});
	await timeRuns('baseline: plain node:http GET, no engine, no helper', 3, 200, async () => {
		for (let i = 0; i < 200; i++) {
			await new Promise<void>((resolve, reject) => {
				http
					.get(`${url}/x`, (res) => {
						res.resume();
						res.on('end', () => resolve());
					})
					.on('error', reject);
			});
		}
	});
	server.close();
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
