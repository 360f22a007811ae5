/**
 * Benchmark: export N generated Billy documents (default 1,000) through the real engine, Billy Trigger (manual) →
 * Invoice to UBL, against the emulator; prints requests per exported document, wall time and, with --validate,
 * the official validator's verdict.
 *
 *   node build/test/bench/billy-export.bench.js [--count 1000] [--validate]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDataObject, INode } from 'n8n-workflow';
import { createBillyEmulator } from '../sandbox/billy/emulator';
import { generateBillyDataset, writeBillyDataset } from '../sandbox/billy/generate';
import { binaryBuffer, nodeType, runWorkflow } from '../e2e/harness';
import { validateFiles } from '../support/validator';

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const countArg = args.indexOf('--count');
	const count = countArg >= 0 ? Number(args[countArg + 1]) : 1000;
	const dir = mkdtempSync(path.join(tmpdir(), 'billy-bench-'));
	const data = generateBillyDataset({ count, seed: 42 });
	writeBillyDataset(dir, data);
	const emulator = await createBillyEmulator(dir);
	const approved = data.invoices.filter((i) => i.state === 'approved').length;
	try {
		const started = Date.now();
		const run = await runWorkflow(
			{
				name: 'Billy bench',
				nodes: [
					{
						id: 't',
						name: 'Billy Trigger',
						type: nodeType('billyTrigger'),
						typeVersion: 1,
						position: [0, 0],
						parameters: {
							exportSince: '2000-01-01T00:00:00',
							options: { manualCount: 1_000_000, paymentDetails: (data.dataset.settings as IDataObject).paymentMeans },
						} as INode['parameters'],
						credentials: { billyApi: { id: 'b', name: 'Billy' } },
					},
					{
						id: 'u',
						name: 'Invoice to UBL',
						type: nodeType('invoiceToUbl'),
						typeVersion: 1,
						position: [200, 0],
						parameters: { format: 'peppol-bis3', onInvalid: 'output' },
					},
				],
				connections: { 'Billy Trigger': { main: [[{ node: 'Invoice to UBL', type: 'main', index: 0 }]] } },
			},
			{
				credentials: { billyApi: { accessToken: emulator.accessToken, environment: 'sandbox', baseUrl: emulator.url } },
			},
		);
		const wallMs = Date.now() - started;
		if (run.error) throw run.error;
		const [ok, invalid] = run.outputs('Invoice to UBL');
		const exported = run.output('Billy Trigger').length;
		const requests = emulator.log.length;
		const listRequests = emulator.log.filter((r) => r.startsWith('GET /v2/invoices?')).length;
		console.log(
			JSON.stringify(
				{
					documents: data.invoices.length,
					approved,
					exported,
					documentsWritten: (ok?.length ?? 0) + (invalid?.length ?? 0),
					invalidOutput: invalid?.length ?? 0,
					requests,
					invoiceListRequests: listRequests,
					target: Math.ceil(exported / 1000) + 2,
					requestsPerDocument: Number((requests / exported).toFixed(4)),
					byEndpoint: emulator.requests,
					wallMs,
				},
				null,
				2,
			),
		);
		if (args.includes('--validate')) {
			const files: string[] = [];
			for (const item of [...(ok ?? []), ...(invalid ?? [])]) {
				if (!item.binary?.document) continue;
				const file = path.join(dir, `${String((item.json.source as IDataObject).number)}.xml`);
				writeFileSync(file, await binaryBuffer(item.binary.document));
				files.push(file);
			}
			const t = Date.now();
			const results = await validateFiles(files);
			const fatal = results.filter((r) => r.fatalCount > 0);
			const ids = new Map<string, number>();
			for (const r of fatal)
				for (const f of r.findings.filter((x) => x.flag === 'fatal')) ids.set(f.id, (ids.get(f.id) ?? 0) + 1);
			console.log(
				JSON.stringify({
					validated: results.length,
					valid: results.length - fatal.length,
					fatalIds: Object.fromEntries(ids),
					validateMs: Date.now() - t,
				}),
			);
		}
	} finally {
		await emulator.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
