/**
 * The "n8n process" of the fault run (harness path): a separate OS process that the fault run kills and starts again.
 * For each source it does what an active n8n workflow does: poll the trigger (static data from the state folder),
 * run `Invoice to UBL → Deliver (HTTP)` with the polled items in the real n8n engine, send one negative notification
 * per failed document, and save the static data (with the execution, as n8n stores it) before the next poll.
 *
 *   node build/test/reliability/fault-run-n8n.js <state-folder>
 *
 * `<state-folder>/config.json` (written by fault-run.ts) names the emulators; `executions.jsonl` receives one line per
 * output item, `<system>-static.json` the trigger's static data.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { nodeType, pollTrigger, runWorkflow, type WorkflowJson } from '../e2e/harness';
import { convertAndDeliverNodes } from './fault-export';

export interface SourceConfig {
	system: string;
	trigger: string;
	credentialType: string;
	credentials: ICredentialDataDecryptedObject;
	parameters: IDataObject;
}

export interface RunConfig {
	sources: SourceConfig[];
	receiverUrl: string;
	notifyUrl: string;
	/**
	 * When the trigger's static data is saved: `emit` as n8n does (when the poll emits, before the execution runs),
	 * or `execution` (after the execution, as if the cursor moved only with finished work).
	 */
	staticDataAt: 'emit' | 'execution';
}

function triggerWorkflow(source: SourceConfig): WorkflowJson {
	return {
		name: `${source.system} export`,
		nodes: [
			{
				id: 'source',
				name: 'Source',
				type: nodeType(source.trigger),
				typeVersion: 1,
				position: [0, 0],
				parameters: source.parameters as never,
				credentials: { [source.credentialType]: { id: 'source', name: 'Source' } },
			},
		],
		connections: {},
	};
}

function exportWorkflow(system: string): WorkflowJson {
	return {
		name: `${system} export (after the trigger)`,
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			...convertAndDeliverNodes(system),
		],
		connections: {
			Start: { main: [[{ node: 'Invoice to UBL', type: 'main', index: 0 }]] },
			'Invoice to UBL': { main: [[{ node: 'Deliver', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function paired(item: INodeExecutionData): number {
	const p = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof p === 'number' ? p : (p?.item ?? -1);
}

/** The negative notification (the template's e-mail), sent once per failure: the key makes a repeat harmless. */
async function notify(url: string, key: string, body: IDataObject): Promise<void> {
	for (let attempt = 1; attempt <= 20; attempt++) {
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'idempotency-key': key },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(3000),
			});
			if (response.ok || response.status === 409) return;
		} catch {
			// a fault: try again
		}
		await sleep(Math.min(2000, 100 * 2 ** attempt));
	}
	throw new Error(`notification ${key} could not be sent`);
}

function writeAtomic(file: string, data: unknown): void {
	writeFileSync(`${file}.tmp`, JSON.stringify(data));
	renameSync(`${file}.tmp`, file);
}

async function runSource(state: string, config: RunConfig, source: SourceConfig): Promise<void> {
	const staticFile = path.join(state, `${source.system}-static.json`);
	const executions = path.join(state, 'executions.jsonl');
	for (let polls = 0, failures = 0; ; polls++) {
		const staticData = existsSync(staticFile)
			? (JSON.parse(readFileSync(staticFile, 'utf8')) as IDataObject)
			: undefined;
		const poll = await pollTrigger(triggerWorkflow(source), 'Source', staticData, 'trigger', {
			credentials: { source: source.credentials },
		});
		if (poll.error) {
			// n8n logs a failed poll and polls again at the next interval; the cursor did not move.
			if (++failures > 20) throw poll.error;
			process.stdout.write(`poll error (${source.system}): ${poll.error.message}\n`);
			await sleep(200);
			continue;
		}
		failures = 0;
		const items = poll.items?.[0] ?? [];
		if (!items.length) {
			writeAtomic(staticFile, poll.staticData);
			return;
		}
		if (config.staticDataAt === 'emit') writeAtomic(staticFile, poll.staticData);
		const result = await runWorkflow(exportWorkflow(source.system), {
			input: items,
			credentials: { gateway: { baseUrl: config.receiverUrl, authType: 'none' } },
		});
		if (result.error) throw new Error(`execution failed: ${result.error.message}`);
		const ubl = result.output('Invoice to UBL');
		const lines: string[] = [];
		for (const item of result.output('Deliver')) {
			const src = (item.json.source ??
				ubl[paired(item)]?.json.source ??
				items[paired(ubl[paired(item)] ?? item)]?.json.source) as IDataObject | undefined;
			const delivery = item.json.delivery as IDataObject | undefined;
			const error = item.json.error === undefined ? undefined : String(item.json.error);
			const entry = {
				system: source.system,
				id: String(src?.id ?? '?'),
				number: String(src?.number ?? '?'),
				status: error ? 'failed' : String(delivery?.status ?? 'unknown'),
				attempts: delivery?.attempts,
				error,
			};
			lines.push(JSON.stringify(entry));
			if (error)
				await notify(config.notifyUrl, `${source.system}:${entry.id}`, {
					subject: `E-invoice export failed: ${source.system} ${entry.number}`,
					...entry,
				});
		}
		appendFileSync(executions, lines.map((l) => `${l}\n`).join(''));
		// n8n stores the trigger's static data with the execution: the cursor moves only now.
		writeAtomic(staticFile, poll.staticData);
	}
}

async function main(): Promise<void> {
	const state = process.argv[2];
	const config = JSON.parse(readFileSync(path.join(state, 'config.json'), 'utf8')) as RunConfig;
	for (const source of config.sources) await runSource(state, config, source);
	writeFileSync(path.join(state, 'done'), new Date().toISOString());
}

if (require.main === module) {
	main()
		.then(() => process.exit(0))
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(1);
		});
}
