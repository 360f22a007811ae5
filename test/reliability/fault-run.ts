/**
 * Fault run (harness path): generated Billy and Dinero datasets exported by a separate "n8n process"
 * (fault-run-n8n.ts: real n8n engine, our trigger, Invoice to UBL and HTTP delivery nodes) with a 10 % fault profile
 * on every API (both sources, the receiver, the notification endpoint). The process is killed once mid-run
 * (SIGKILL) and started again. Then every document is accounted for from the receivers' own records:
 *
 *   npm run fault-run -- [--documents N] [--rate 0.1] [--seed S] [--static-data emit|execution] [--keep]
 *
 * `--static-data emit` (default) saves the trigger's cursor when the poll emits, as n8n does; `execution` saves it
 * after the execution finished.
 *
 * Prints a per-document table (delivered how many times and where, or failed and why), writes it to
 * `<state>/fault-run-report.json`, and ends with
 * `fault-run: documents=N delivered=N failed_reported=N lost=N duplicates=N notifications=N`.
 * Exit status 1 when anything is lost, duplicated, or a failure does not have exactly one notification.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { generateBillyDataset, writeBillyDataset } from '../sandbox/billy/generate';
import { generateDineroDataset, writeDataset } from '../sandbox/dinero/generate';
import { readDatasetInfo, type Emulator } from '../sandbox/emulator';
import { Faults } from '../sandbox/faults';
import { createHttpReceiver, type HttpReceiver } from '../sandbox/http-receiver/receiver';
import { startSandbox } from '../sandbox/index';
import { SYSTEMS } from '../tools/export';
import { documentNumberOf } from './fault-export';
import type { RunConfig } from './fault-run-n8n';

interface Args {
	documents: number;
	rate: number;
	seed: number;
	keep: boolean;
	staticDataAt: 'emit' | 'execution';
}

function parseArgs(argv: string[]): Args {
	const value = (name: string) => {
		const i = argv.indexOf(`--${name}`);
		return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
	};
	return {
		documents: Number(value('documents') ?? 1000),
		rate: Number(value('rate') ?? 0.1),
		seed: Number(value('seed') ?? 20261121),
		keep: argv.includes('--keep'),
		staticDataAt: value('static-data') === 'execution' ? 'execution' : 'emit',
	};
}

interface DocumentRow {
	system: string;
	id: string;
	number: string;
	delivered: number;
	where: string[];
	failed?: string;
	notifications: number;
	skipped?: string;
}

function startChild(state: string): ReturnType<typeof spawn> {
	const child = spawn(process.execPath, [path.join(__dirname, 'fault-run-n8n.js'), state], {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, N8N_LOG_LEVEL: 'error' },
	});
	child.stdout!.on('data', () => undefined);
	child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[n8n] ${chunk.toString()}`));
	return child;
}

function exited(child: ReturnType<typeof spawn>): Promise<number | null> {
	return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function faultRun(args: Args): Promise<{ line: string; ok: boolean }> {
	const state = mkdtempSync(path.join(tmpdir(), 'fault-run-'));
	const half = Math.ceil(args.documents / 2);
	const billyDir = path.join(state, 'billy');
	const dineroDir = path.join(state, 'dinero');
	const billyData = generateBillyDataset({ count: half, seed: args.seed, showcase: false });
	// Every document is in scope (the triggers are told "since 2000"): no activation date in the inventory either.
	if (billyData.dataset.settings) delete billyData.dataset.settings.exportSince;
	writeBillyDataset(billyDir, billyData);
	const dineroData = generateDineroDataset({ count: args.documents - half, seed: args.seed });
	dineroData.dataset = {
		...dineroData.dataset,
		settings: {
			...((dineroData.dataset.settings as object) ?? {}),
			rateLimitPerMinute: 1_000_000,
			exportSince: undefined,
		},
	};
	writeDataset(dineroDir, dineroData);

	const profile = (seed: number) => ({ rate: args.rate, seed, stallMs: 800 });
	const faults = [
		new Faults(profile(args.seed + 1)),
		new Faults(profile(args.seed + 2)),
		new Faults(profile(args.seed + 3)),
		new Faults(profile(args.seed + 4)),
	];
	const emulators: Emulator[] = [
		await startSandbox(billyDir, { faults: faults[0] }),
		await startSandbox(dineroDir, { faults: faults[1] }),
	];
	const receiver: HttpReceiver = await createHttpReceiver({ conflictOnRepeat: true, faults: faults[2] });
	const notifier: HttpReceiver = await createHttpReceiver({ conflictOnRepeat: true, faults: faults[3] });
	const dirs = [billyDir, dineroDir];
	const config: RunConfig = {
		sources: dirs.map((dir, i) => {
			const info = readDatasetInfo(dir);
			const adapter = SYSTEMS[info.system];
			const parameters = adapter.parameters(info);
			// Poll mode: every document since 2000, in batches, so the kill lands between and inside executions.
			if (info.system === 'billy') {
				parameters.exportSince = '2000-01-01T00:00:00Z';
				parameters.options = { ...(parameters.options as object), maxPerPoll: 100 };
			} else {
				parameters.options = { ...(parameters.options as object), exportSince: '2000-01-01T00:00:00', maxPerPoll: 100 };
			}
			return {
				system: info.system,
				trigger: adapter.trigger,
				credentialType: adapter.credentialType,
				credentials: { ...adapter.credentials(emulators[i], info), requestsPerMinute: 1_000_000 },
				parameters,
			};
		}),
		receiverUrl: receiver.url,
		notifyUrl: `${notifier.url}/notifications`,
		staticDataAt: args.staticDataAt,
	};
	writeFileSync(path.join(state, 'config.json'), JSON.stringify(config));

	const inventory = dirs.flatMap((dir) => {
		const info = readDatasetInfo(dir);
		return SYSTEMS[info.system].inventory(dir, info).map((e) => ({ ...e, system: info.system }));
	});
	const exportable = inventory.filter((e) => !e.skipReason).length;

	// Start "n8n", kill it once a third of the documents have arrived, start it again.
	const started = Date.now();
	let child = startChild(state);
	let code = await Promise.race([
		exited(child),
		(async () => {
			while (receiver.received.length < exportable / 3 && child.exitCode === null)
				await new Promise((r) => setTimeout(r, 50));
			return 'kill' as const;
		})(),
	]);
	let killedAt: number | undefined;
	if (code === 'kill' && child.exitCode === null) {
		killedAt = receiver.received.length;
		child.kill('SIGKILL');
		await exited(child);
		child = startChild(state);
		code = await exited(child);
	}
	const wallMs = Date.now() - started;

	// Account for every document from the receivers' own records.
	const rows = new Map<string, DocumentRow>();
	const key = (system: string, number: string) => `${system}:${number}`;
	for (const e of inventory)
		rows.set(e.number ? key(e.system, e.number) : `${e.system}:${e.id}`, {
			system: e.system,
			id: e.id,
			number: e.number,
			delivered: 0,
			where: [],
			notifications: 0,
			...(e.skipReason ? { skipped: e.skipReason } : {}),
		});
	const stray: string[] = [];
	for (const record of receiver.received) {
		const system = record.path.split('/')[2];
		const row = rows.get(key(system, documentNumberOf(record.body.toString('utf8')) ?? '?'));
		if (!row) stray.push(record.path);
		else {
			row.delivered++;
			row.where.push(`${receiver.url}${record.path}`);
		}
	}
	const byId = new Map([...rows.values()].map((r) => [`${r.system}:${r.id}`, r]));
	const executionsFile = path.join(state, 'executions.jsonl');
	const executions = existsSync(executionsFile)
		? readFileSync(executionsFile, 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l) as { system: string; id: string; status: string; error?: string })
		: [];
	for (const e of executions) {
		const row = byId.get(`${e.system}:${e.id}`);
		if (row && e.status === 'failed') row.failed = e.error;
		if (row && e.status !== 'failed') row.failed = undefined; // a later run delivered it
	}
	for (const record of notifier.received) {
		const payload = JSON.parse(record.body.toString('utf8')) as { system: string; id: string };
		const row = byId.get(`${payload.system}:${payload.id}`);
		if (row) row.notifications++;
		else stray.push(`notification ${payload.system}:${payload.id}`);
	}

	const all = [...rows.values()].filter((r) => !r.skipped);
	const delivered = all.filter((r) => r.delivered >= 1).length;
	const failedReported = all.filter((r) => r.delivered === 0 && r.failed).length;
	const lost = all.filter((r) => r.delivered === 0 && !r.failed).length;
	const duplicates = all.filter((r) => r.delivered > 1).length;
	const notifications = notifier.received.length;
	const badNotifications = all.filter((r) =>
		r.delivered === 0 && r.failed ? r.notifications !== 1 : r.notifications > 0 && r.delivered > 0,
	);

	for (const r of all.sort(
		(a, b) => a.system.localeCompare(b.system) || a.number.localeCompare(b.number, 'en', { numeric: true }),
	))
		process.stdout.write(
			`${r.system.padEnd(7)} ${r.number.padEnd(8)} ${r.delivered ? `delivered ×${r.delivered} → ${r.where.join(', ')}` : `FAILED (${r.notifications} notification): ${String(r.failed ?? 'not reported').slice(0, 160)}`}\n`,
		);
	const injected: Record<string, number> = {};
	for (const f of faults) for (const [k, v] of Object.entries(f.counts())) injected[k] = (injected[k] ?? 0) + v;
	const requests = [...emulators, receiver, notifier].reduce(
		(n, e) => n + Object.values(e.requests).reduce((a, b) => a + b, 0),
		0,
	);
	process.stdout.write(
		`\n${inventory.length} generated documents (${inventory.length - exportable} skipped: drafts, voided, deleted); ` +
			`static data saved at ${args.staticDataAt}; n8n process killed after ${killedAt ?? '(not killed: finished first)'} deliveries and restarted; second run exit ${String(code)}; ` +
			`${requests} requests, faults ${JSON.stringify(injected)}; ${(wallMs / 1000).toFixed(1)} s\n`,
	);
	if (stray.length) process.stdout.write(`records that match no document: ${stray.slice(0, 5).join(', ')}\n`);
	if (badNotifications.length)
		process.stdout.write(
			`documents without exactly one notification: ${badNotifications.map((r) => `${r.system} ${r.number}`).join(', ')}\n`,
		);
	writeFileSync(
		path.join(state, 'fault-run-report.json'),
		JSON.stringify({ args, killedAt, wallMs, injected, documents: all }, null, '\t'),
	);

	await Promise.all([...emulators, receiver, notifier].map((e) => e.close()));
	if (!args.keep) rmSync(state, { recursive: true, force: true });
	else process.stdout.write(`state and report kept in ${state}\n`);
	const line = `fault-run: documents=${exportable} delivered=${delivered} failed_reported=${failedReported} lost=${lost} duplicates=${duplicates} notifications=${notifications}`;
	const ok =
		code === 0 && killedAt !== undefined && lost === 0 && duplicates === 0 && !badNotifications.length && !stray.length;
	return { line, ok };
}

if (require.main === module) {
	faultRun(parseArgs(process.argv.slice(2)))
		.then(({ line, ok }) => {
			process.stdout.write(`${line}\n`);
			process.exit(ok ? 0 : 1);
		})
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(2);
		});
}
