/**
 * Throughput of the Severa → Maventa template in the real n8n engine against the emulators.
 *
 *   node build/test/bench/severa-maventa.bench.js [copies=10]
 *
 * The fixture dataset is copied `copies` times (new GUIDs and numbers) so that `26 × copies` invoices wait in the
 * "to transfer" status; one poll and one run of the template transfer them all. Prints wall time, invoices per
 * second and requests per invoice.
 */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';
import {
	loadWorkflow,
	pollTrigger,
	registerNodeType,
	LEDGER_NODE_TYPES,
	registerPassThrough,
	repoRoot,
	runWorkflow,
} from '../e2e/harness';
import { createMaventaEmulator } from '../sandbox/maventa/emulator';
import { createSeveraEmulator } from '../sandbox/severa/emulator';

type Json = Record<string, any>;

function scaledDataset(copies: number): string {
	const source = path.join(repoRoot, 'test', 'fixtures', 'severa');
	const dir = mkdtempSync(path.join(tmpdir(), 'severa-bench-'));
	for (const file of readdirSync(source)) copyFileSync(path.join(source, file), path.join(dir, file));
	const invoices = JSON.parse(readFileSync(path.join(source, 'invoices.json'), 'utf8')) as Json[];
	const rows = JSON.parse(readFileSync(path.join(source, 'invoicerows.json'), 'utf8')) as Json[];
	const outInvoices: Json[] = [];
	const outRows: Json[] = [];
	for (let copy = 0; copy < copies; copy++) {
		for (const invoice of invoices) {
			const guid = copy === 0 ? invoice.guid : `${invoice.guid.slice(0, 24)}${String(copy).padStart(12, '0')}`;
			outInvoices.push({ ...invoice, guid, number: invoice.number === null ? null : invoice.number + copy * 1000 });
			for (const row of rows.filter((r) => r.invoiceGuid === invoice.guid)) {
				outRows.push({ ...row, guid: `${row.guid.slice(0, 24)}${String(copy).padStart(12, '0')}`, invoiceGuid: guid });
			}
		}
	}
	writeFileSync(path.join(dir, 'invoices.json'), JSON.stringify(outInvoices));
	writeFileSync(path.join(dir, 'invoicerows.json'), JSON.stringify(outRows));
	return dir;
}

async function main(): Promise<void> {
	const copies = Number(process.argv[2] ?? 10);
	registerNodeType('n8n-nodes-base.emailSend', {
		description: {
			displayName: 'Send Email',
			name: 'emailSend',
			group: ['output'],
			version: [2, 2.1],
			description: 'Stand-in',
			defaults: { name: 'Send Email' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			return [this.getInputData()];
		},
	} as unknown as INodeType);
	// The ledger nodes need n8n's database (the template tests run them): here they pass their items on.
	registerPassThrough(...LEDGER_NODE_TYPES);
	const dataset = scaledDataset(copies);
	const settings = JSON.parse(readFileSync(path.join(dataset, 'dataset.json'), 'utf8')).settings as Json;
	const maventaSettings = JSON.parse(
		readFileSync(path.join(repoRoot, 'test', 'fixtures', 'maventa', 'dataset.json'), 'utf8'),
	).settings as Json;
	const severa = await createSeveraEmulator(dataset);
	const maventa = await createMaventaEmulator(path.join(repoRoot, 'test', 'fixtures', 'maventa'));
	try {
		const credentials = {
			severaApi: {
				environment: 'sandbox',
				baseUrl: severa.url,
				clientId: settings.clientId,
				clientSecret: settings.clientSecret,
				scopes: settings.scopes.join(','),
			},
			maventaApi: {
				environment: 'sandbox',
				baseUrl: maventa.url,
				companyId: maventaSettings.companyId,
				userApiKey: maventaSettings.userApiKey,
				vendorApiKey: maventaSettings.vendorApiKey,
				scope: 'eui',
			},
		};
		const status = (guid: string) => ({ __rl: true, mode: 'id', value: guid });
		const parameters: Record<string, IDataObject> = {
			'Severa Invoice Status Trigger': {
				status: status(settings.statuses.toTransfer),
				options: { maxPerPoll: 100000 },
			},
			'Set Status After Transfer': { status: status(settings.statuses.afterTransfer) },
			'Set Status After Error': { status: status(settings.statuses.afterError) },
		};
		const template = loadWorkflow(path.join(repoRoot, 'workflows', 'severa-maventa-autoinvoice.json'));
		const started = process.hrtime.bigint();
		const poll = await pollTrigger(template, 'Severa Invoice Status Trigger', undefined, 'trigger', {
			credentials,
			parameters,
		});
		if (poll.error) throw poll.error;
		const polled = process.hrtime.bigint();
		const items = poll.items?.[0] ?? [];
		const run = await runWorkflow(template, {
			startNode: 'Severa Invoice Status Trigger',
			input: items,
			credentials,
			parameters,
			mode: 'trigger',
		});
		if (run.error) throw new Error(run.error.message);
		const done = process.hrtime.bigint();
		const transferred = run.output('Set Status After Transfer').length;
		const requests = [severa, maventa].reduce(
			(sum, e) => sum + Object.values(e.requests).reduce((s, n) => s + n, 0),
			0,
		);
		const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
		console.log(
			JSON.stringify(
				{
					invoices: items.length,
					transferred,
					failed: run.output('Notify by E-mail').length,
					pollMs: Math.round(ms(started, polled)),
					runMs: Math.round(ms(polled, done)),
					invoicesPerSecond: Number((transferred / (ms(started, done) / 1000)).toFixed(1)),
					requestsPerInvoice: Number((requests / Math.max(1, transferred)).toFixed(2)),
					requests: { severa: severa.requests, maventa: maventa.requests },
				},
				null,
				2,
			),
		);
	} finally {
		await severa.close();
		await maventa.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
