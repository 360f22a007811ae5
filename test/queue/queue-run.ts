/**
 * Queue-mode run: the Billy export template in n8n queue mode on this machine (PostgreSQL + Redis from the Debian
 * packages, one main process, K workers with the same encryption key and this package installed on each), exporting
 * a generated Billy dataset to the sandbox HTTP gateway. Every document is then accounted for from the receiver's
 * records and the ledger Data Table, and the throughput is measured from the executions' start and stop times.
 *
 *   npm run queue-run -- [--documents 1000] [--workers 2] [--source billy|dinero] [--workflows 6] [--concurrency 10]
 *                        [--seed 8] [--keep]
 *
 * The dataset's customers are split over `--workflows` copies of the template (customer filter on the trigger), as an
 * accounting office would split its customers: each active copy polls on the main every minute, and its execution
 * is queued in Redis and run by whichever worker takes it. One workflow = one execution = one worker at a time, so
 * several copies are what lets two workers share the load.
 *
 * `--source dinero` runs the Dinero export template instead (one workflow; the emulator enforces Dinero's 100 requests
 * per minute, and the Dinero Trigger polls on the main, so the quota, not the workers, sets the pace).
 * Throughput counts from the first poll's first request to the source until the last execution stopped.
 *
 * Ends with `queue-run: workers=K documents=N delivered=N failed=N lost=N duplicates=N docs_per_min=X`;
 * exit status 1 when a document is lost or delivered twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort, installPackage, N8nInstance, n8nBin, node24, ensureRuntime, repoRoot } from '../n8n/runtime';
import { billyInventory } from '../sandbox/billy/inventory';
import { generateDineroDataset, writeDataset } from '../sandbox/dinero/generate';
import { executions, waitFor } from '../templates/support';
import {
	ensureTables,
	publish,
	sandboxCredentials,
	sandboxWorkflow,
	startEmulators,
	type Sandbox,
} from '../tools/stack';
import { WORKFLOW_IDS } from '../tools/templates';
import { billyDatasetWithExportable, documentNumberOf } from './dataset';
import { ensureQueuePackages, startPostgres, startRedis, type Postgres, type Service } from './services';

type Json = Record<string, any>;

const total = (requests: Record<string, number>) => Object.values(requests).reduce((a, b) => a + b, 0);

export interface QueueRunOptions {
	/** The export template to run: Billy (default) or Dinero (held to its 100 requests/minute by the emulator). */
	source?: 'billy' | 'dinero';
	documents: number;
	workers: number;
	/** Copies of the export template, each for a share of the customers (default 6). */
	workflows?: number;
	/** Jobs one worker runs at a time (`n8n worker --concurrency`, n8n's default 10). */
	concurrency?: number;
	seed?: number;
	keep?: boolean;
	timeoutMs?: number;
	log?: (line: string) => void;
	/** Return what the gateway received (XML by file name), e.g. for the official validator. */
	collectDocuments?: boolean;
}

export interface DocumentOutcome {
	/** `kind:number`, e.g. `invoice:1048`. */
	number: string;
	delivered: number;
	failed?: string;
}

export interface QueueRunResult {
	workers: number;
	generated: number;
	documents: number;
	delivered: number;
	failed: number;
	lost: number;
	duplicates: number;
	docsPerMin: number;
	/** From the first poll's first request to the source until the last execution stopped. */
	windowMs: number;
	executions: number;
	/** Executions each worker started (from its log). */
	jobsPerWorker: number[];
	/** Documents whose ledger rows disagree with the receiver (not exactly one row, or the wrong status). */
	ledgerMismatch: number;
	/** Requests the source's emulator and the HTTP gateway answered. */
	requests: number;
	/** Requests the source answered with 429 (Dinero's quota; the main's rate limiter should keep this at 0). */
	rateLimited: number;
	outcomes: DocumentOutcome[];
	/** With `collectDocuments`: every document the gateway received, as `<number>-<n>.xml` → XML. */
	received?: Record<string, string>;
	line: string;
	ok: boolean;
}

const TEMPLATES = {
	billy: path.join(repoRoot, 'workflows', 'billy-export-customer-invoices.json'),
	dinero: path.join(repoRoot, 'workflows', 'dinero-export-customer-invoices.json'),
};
const ERROR_TEMPLATE = path.join(repoRoot, 'workflows', 'error-notifications.json');
const INBOUND_PATH = '/inbound/queue';

/** Environment shared by the main process and every worker (the same key, database and Redis). */
function queueEnv(pg: Postgres, redis: Service): NodeJS.ProcessEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_ENCRYPTION_KEY: 'einvoice-export-queue-key',
		N8N_LOG_LEVEL: 'info',
	};
}

/** One `n8n worker` process (own user folder with the package installed, own task broker port). */
class Worker {
	private child?: ChildProcess;
	output = '';
	jobs = 0;

	constructor(
		readonly instance: N8nInstance,
		readonly concurrency: number,
	) {}

	async start(timeoutMs = 120_000): Promise<void> {
		const child = spawn(node24, [n8nBin, 'worker', `--concurrency=${this.concurrency}`], {
			env: this.instance.env(),
			stdio: ['ignore', 'pipe', 'pipe'],
			// Its own process group, so its task runner goes with it.
			detached: true,
		});
		this.child = child;
		const killGroup = () => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
		};
		process.once('exit', killGroup);
		child.once('exit', () => process.removeListener('exit', killGroup));
		const collect = (chunk: Buffer) => {
			const text = chunk.toString();
			this.jobs += (text.match(/Worker started execution/g) ?? []).length;
			this.output = (this.output + text).slice(-20_000);
		};
		child.stdout!.on('data', collect);
		child.stderr!.on('data', collect);
		const deadline = Date.now() + timeoutMs;
		while (!/n8n worker is now ready/.test(this.output)) {
			if (child.exitCode !== null) throw new Error(`n8n worker exited (${child.exitCode}): ${this.output}`);
			if (Date.now() > deadline) throw new Error(`n8n worker not ready within ${timeoutMs} ms: ${this.output}`);
			await new Promise((r) => setTimeout(r, 300));
		}
	}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	async stop(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		await new Promise<void>((resolve) => {
			child.once('exit', () => resolve());
			child.kill('SIGTERM');
			setTimeout(() => {
				try {
					process.kill(-child.pid!, 'SIGKILL');
				} catch {
					// already gone
				}
			}, 30_000).unref();
		});
	}
}

/** A generated dataset of one source and what must come out of it. */
interface SourcePlan {
	system: 'billy' | 'dinero';
	datasetDir: string;
	account: string;
	settings: Record<string, unknown>;
	generated: number;
	/** Exportable documents, by `kind:number` (invoices and credit notes may share numbers). */
	exportable: string[];
	customers: Map<string, { name: string; docs: number }>;
}

const DINERO_DRAFT_NUMBER = '9223372036854775807';

function prepareSource(dir: string, options: QueueRunOptions): SourcePlan {
	const system = options.source ?? 'billy';
	const datasetDir = path.join(dir, system);
	const customers = new Map<string, { name: string; docs: number }>();
	const count = (id: string, name: string) => customers.set(id, { name, docs: (customers.get(id)?.docs ?? 0) + 1 });
	if (system === 'billy') {
		// N exportable generated Billy documents (drafts and voided ones in between, never to be sent).
		const data = billyDatasetWithExportable(datasetDir, options.documents, options.seed ?? 8);
		const names = new Map(data.contacts.map((c) => [String(c.id), String(c.name)]));
		const inventory = billyInventory(datasetDir);
		for (const invoice of data.invoices.filter((i) => i.state === 'approved'))
			count(invoice.contactId, names.get(invoice.contactId) ?? '');
		return {
			system,
			datasetDir,
			account: data.dataset.account,
			settings: data.dataset.settings ?? {},
			generated: inventory.length,
			exportable: inventory.filter((e) => !e.skipReason).map((e) => `${e.kind}:${e.number}`),
			customers,
		};
	}
	// Dinero: about N generated documents, drafts and deleted ones among them.
	const data = generateDineroDataset({ count: options.documents, seed: options.seed ?? 8 });
	writeDataset(datasetDir, data);
	const names = new Map(data.contacts.map((c: Json) => [String(c.ContactGuid), String(c.Name ?? '')]));
	const exportable: string[] = [];
	for (const [list, kind] of [
		[data.invoices as Json[], 'invoice'],
		[data.creditnotes as Json[], 'creditNote'],
	] as const) {
		for (const doc of list) {
			if (doc.Status === 'Draft' || String(doc.Number) === DINERO_DRAFT_NUMBER || doc.DeletedAt) continue;
			exportable.push(`${kind}:${String(doc.Number)}`);
			count(String(doc.ContactGuid), names.get(String(doc.ContactGuid)) ?? '');
		}
	}
	return {
		system,
		datasetDir,
		account: String(data.dataset.account),
		settings: (data.dataset.settings ?? {}) as Record<string, unknown>,
		generated: data.invoices.length + data.creditnotes.length,
		exportable,
		customers,
	};
}

/** `kind:number` of a received UBL document. */
function receivedKey(xml: string): string {
	const root = /<(?:\w+:)?(Invoice|CreditNote)[\s>]/.exec(xml)?.[1];
	return `${root === 'CreditNote' ? 'creditNote' : 'invoice'}:${documentNumberOf(xml) ?? '?'}`;
}

/** Split customers over `count` groups with about the same number of documents each (largest first). */
function customerGroups(docsPerCustomer: Map<string, number>, count: number): string[][] {
	const groups = Array.from({ length: Math.max(1, Math.min(count, docsPerCustomer.size)) }, () => ({
		ids: [] as string[],
		docs: 0,
	}));
	for (const [id, docs] of [...docsPerCustomer].sort((a, b) => b[1] - a[1])) {
		const smallest = groups.reduce((a, b) => (b.docs < a.docs ? b : a));
		smallest.ids.push(id);
		smallest.docs += docs;
	}
	return groups.map((g) => g.ids);
}

/**
 * The export template, sandbox-filled, polling every minute without a per-poll cap; for Billy, one copy per group of
 * customers (the trigger's customer filter). Dinero runs as one workflow: its quota is per organisation and its
 * trigger polls on the main, so copies would only queue behind the same limit.
 */
function shardWorkflow(system: string, base: Json, index: number, total: number, customers: string[]): Json {
	const workflow = JSON.parse(JSON.stringify(base)) as Json;
	const label = system === 'billy' ? 'Billy' : 'Dinero';
	workflow.id = `EinvQueue${label}${String(index + 1).padStart(2, '0')}`;
	workflow.name = `${label}: export customer invoices (queue ${index + 1}/${total})`;
	const trigger = (workflow.nodes as Json[]).find((n) => String(n.type).endsWith(`.${system}Trigger`))!;
	if (system === 'billy')
		trigger.parameters.customers = {
			customer: customers.map((id) => ({ id: { __rl: true, mode: 'id', value: id } })),
		};
	trigger.parameters.options = { ...trigger.parameters.options, maxPerPoll: 100_000 };
	return workflow;
}

function parseArgs(argv: string[]): QueueRunOptions {
	const value = (name: string) => {
		const i = argv.indexOf(`--${name}`);
		return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
	};
	return {
		source: value('source') === 'dinero' ? 'dinero' : 'billy',
		documents: Number(value('documents') ?? 1000),
		workers: Number(value('workers') ?? 2),
		workflows: Number(value('workflows') ?? 6),
		concurrency: Number(value('concurrency') ?? 10),
		seed: Number(value('seed') ?? 8),
		keep: argv.includes('--keep'),
	};
}

export async function queueRun(options: QueueRunOptions): Promise<QueueRunResult> {
	const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const workflowCount = options.workflows ?? 6;
	if (!existsSync(path.join(repoRoot, 'dist', 'nodes')))
		throw new Error('The package is not built: run `npm run build` first.');
	ensureRuntime(log);
	ensureQueuePackages(log);
	const dir = mkdtempSync(path.join(tmpdir(), 'einvoice-queue-'));
	const stops: (() => Promise<void>)[] = [];
	const workers: Worker[] = [];
	try {
		const plan = prepareSource(dir, options);
		const { system, exportable } = plan;

		log(`queue: PostgreSQL and Redis in ${dir}`);
		const pg = await startPostgres();
		stops.unshift(() => pg.stop());
		const redis = await startRedis(path.join(dir, 'redis'));
		stops.unshift(() => redis.stop());
		const sandbox: Sandbox = await startEmulators(undefined, { datasets: { [system]: plan.datasetDir } });
		stops.unshift(() => sandbox.close());

		const env = queueEnv(pg, redis);
		const main = new N8nInstance({
			userFolder: path.join(dir, 'main'),
			port: await freePort(),
			brokerPort: await freePort(),
			encryptionKey: env.N8N_ENCRYPTION_KEY,
			env,
		});
		log('queue: installing the package into the main and every worker…');
		installPackage(main.options.userFolder);
		for (let i = 0; i < options.workers; i++) {
			const userFolder = path.join(dir, `worker-${i + 1}`);
			// The same installed package on every worker (a copy of the main's community-package folder).
			mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
			cpSync(path.join(main.options.userFolder, '.n8n', 'nodes'), path.join(userFolder, '.n8n', 'nodes'), {
				recursive: true,
			});
			const healthPort = await freePort();
			workers.push(
				new Worker(
					new N8nInstance({
						userFolder,
						port: healthPort,
						brokerPort: await freePort(),
						encryptionKey: env.N8N_ENCRYPTION_KEY,
						env: { ...env, QUEUE_HEALTH_CHECK_PORT: String(healthPort) },
					}),
					options.concurrency ?? 10,
				),
			);
		}

		log('queue: importing credentials and workflows into PostgreSQL…');
		const credentials = sandboxCredentials(sandbox);
		// The generated Dinero organisation instead of the shipped one.
		for (const c of credentials.filter((c) => c.type === 'dineroApi' && system === 'dinero'))
			Object.assign(c.data, {
				organizationId: plan.account,
				clientId: String(plan.settings.clientId ?? c.data.clientId),
				clientSecret: String(plan.settings.clientSecret ?? c.data.clientSecret),
				apiKey: String(plan.settings.apiKey ?? c.data.apiKey),
			});
		await main.importCredentials(credentials);
		const importDir = path.join(dir, 'import');
		mkdirSync(importDir);
		const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Json;
		writeFileSync(
			path.join(importDir, 'errors.json'),
			JSON.stringify(sandboxWorkflow(read(ERROR_TEMPLATE), {}, sandbox.network)),
		);
		const base = sandboxWorkflow(read(TEMPLATES[system]), { pollEveryMinute: true }, sandbox.network);
		const docsPerCustomer = new Map([...plan.customers].map(([id, c]) => [id, c.docs]));
		const groups = customerGroups(docsPerCustomer, system === 'billy' ? workflowCount : 1);
		const shardIds = groups.map((customers, i) => {
			const workflow = shardWorkflow(system, base, i, groups.length, customers);
			writeFileSync(path.join(importDir, `${workflow.id}.json`), JSON.stringify(workflow));
			return String(workflow.id);
		});
		await main.cli(['import:workflow', '--separate', `--input=${importDir}`]);

		log('queue: starting the main process…');
		stops.unshift(() => main.stop());
		await main.start();
		await main.setupOwnerAndLogin();
		const { tables, rules, ledger } = await ensureTables(main, []);
		await tables.insert(
			rules,
			[...plan.customers].map(([customerId, customer]) => ({
				system,
				customerId,
				customerName: customer.name,
				activated: true,
				destination: 'http',
				format: 'peppol-bis3',
				url: INBOUND_PATH,
				note: 'queue run',
			})),
		);
		stops.unshift(async () => {
			await Promise.all(workers.map((w) => w.stop()));
		});
		log(`queue: starting ${options.workers} worker(s)…`);
		await Promise.all(workers.map((w) => w.start()));

		await publish(main, WORKFLOW_IDS.errors);
		// When the first poll reaches the source, the clock of the throughput starts (the poll runs on the main, and
		// n8n polls once as it activates a workflow, then on the schedule).
		const baseline = total(sandbox[system].requests);
		let firstPollAt = 0;
		const watch = setInterval(() => {
			if (!firstPollAt && total(sandbox[system].requests) > baseline) firstPollAt = Date.now();
		}, 50);
		for (const id of shardIds) await publish(main, id);
		log(
			`queue: ${shardIds.length} workflow(s) active with ${exportable.length} exportable documents ` +
				`(of ${plan.generated}); n8n polls each as it activates it, then every minute…`,
		);
		// Each copy emits its customers' documents on its first poll (Dinero's quota may spread them over several
		// polls): wait until every workflow's executions finished and the ledger has a row for every document, or
		// until nothing has moved for longer than a poll interval (what is missing then is lost).
		let signature = '';
		let lastChange = Date.now();
		const runs = await waitFor(
			'a ledger row for every document',
			async () => {
				const lists = await Promise.all(shardIds.map((id) => executions(main, id)));
				const now = [lists.flat().length, sandbox.gateway.received.length, total(sandbox[system].requests)].join();
				if (now !== signature) [signature, lastChange] = [now, Date.now()];
				const finished = lists.every(
					(l) => l.length > 0 && l.every((e) => !['new', 'running', 'waiting', 'unknown'].includes(e.status)),
				);
				if (!finished) return undefined;
				const rows = (await tables.rows(ledger)).filter((r) => r.source === system);
				return rows.length >= exportable.length || Date.now() - lastChange > 90_000 ? lists.flat() : undefined;
			},
			options.timeoutMs ?? 30 * 60_000,
			3000,
		);
		clearInterval(watch);
		for (const id of shardIds)
			await main.rest('POST', `/rest/workflows/${id}/deactivate`, {
				versionId: (await main.rest<Json>('GET', `/rest/workflows/${id}`)).versionId,
			});

		// Every document, from the receiver's records (how often it arrived) and the ledger (why it failed).
		const arrived = new Map<string, number>();
		const received: Record<string, string> = {};
		for (const record of sandbox.gateway.received) {
			const xml = record.body.toString('utf8');
			const key = receivedKey(xml);
			arrived.set(key, (arrived.get(key) ?? 0) + 1);
			if (options.collectDocuments) received[`${key.replace(':', '-')}-${arrived.get(key)}.xml`] = xml;
		}
		const failures = new Map<string, string>();
		const ledgerStatus = new Map<string, string[]>();
		for (const row of await tables.rows(ledger)) {
			if (row.source !== system) continue;
			const number = `${String(row.kind)}:${String(row.number)}`;
			ledgerStatus.set(number, [...(ledgerStatus.get(number) ?? []), String(row.status)]);
			if (row.status === 'failed') failures.set(number, String(row.message));
		}
		// The ledger must agree with the receiver: one row per document, `exported` exactly when it arrived.
		const ledgerMismatch = exportable.filter((key) => {
			const statuses = ledgerStatus.get(key) ?? [];
			return statuses.length !== 1 || (statuses[0] === 'exported') !== (arrived.get(key) ?? 0) > 0;
		});
		const outcomes: DocumentOutcome[] = exportable.map((key) => ({
			number: key,
			delivered: arrived.get(key) ?? 0,
			...(failures.has(key) && !arrived.get(key) ? { failed: failures.get(key) } : {}),
		}));
		const wanted = new Set(exportable);
		const stray = [...arrived.keys()].filter((n) => !wanted.has(n));
		const delivered = outcomes.filter((o) => o.delivered > 0).length;
		const failed = outcomes.filter((o) => o.failed).length;
		const lost = outcomes.filter((o) => o.delivered === 0 && !o.failed).length;
		const duplicates = outcomes.filter((o) => o.delivered > 1).length;

		const details = await Promise.all(runs.map((e) => main.rest<Json>('GET', `/rest/executions/${e.id}`)));
		const times = (key: string) => details.map((d) => Date.parse(String(d[key] ?? d.createdAt)));
		const lastStop = Math.max(...times('stoppedAt'));
		const executionMs = lastStop - Math.min(...times('startedAt'));
		const windowMs = lastStop - (firstPollAt || Math.min(...times('startedAt')));
		const docsPerMin = (delivered + failed) / (windowMs / 60_000);
		const requests = [sandbox[system], sandbox.gateway].reduce((n, e) => n + total(e.requests), 0);
		const rateLimited = Number((sandbox[system] as { rateLimited?: number }).rateLimited ?? 0);
		for (const o of outcomes.filter((o) => o.failed || o.delivered !== 1))
			log(`  ${o.number}: ${o.failed ? `failed: ${o.failed}` : `delivered ×${o.delivered}`}`);
		if (stray.length) log(`  records that match no exportable document: ${stray.slice(0, 10).join(', ')}`);
		for (const e of ledgerMismatch.slice(0, 10))
			log(`  ledger disagrees for ${e}: [${(ledgerStatus.get(e) ?? []).join(', ')}]`);
		const errored = details.filter((d) => d.status !== 'success');
		for (const d of errored) log(`  execution ${String(d.id)} of ${String(d.workflowId)}: ${String(d.status)}`);
		log(
			`queue: first poll to last execution ${(windowMs / 1000).toFixed(1)} s; ${details.length} execution(s) in ` +
				`${(executionMs / 1000).toFixed(1)} s; jobs per worker [${workers.map((w) => w.jobs).join(', ')}]; ` +
				`${requests} requests to ${system} and the gateway, ${rateLimited} answered 429`,
		);
		const line =
			`queue-run: workers=${options.workers} documents=${exportable.length} delivered=${delivered} failed=${failed} ` +
			`lost=${lost} duplicates=${duplicates} docs_per_min=${docsPerMin.toFixed(0)}`;
		return {
			workers: options.workers,
			generated: plan.generated,
			documents: exportable.length,
			delivered,
			failed,
			lost,
			duplicates,
			docsPerMin,
			windowMs,
			executions: details.length,
			jobsPerWorker: workers.map((w) => w.jobs),
			requests,
			rateLimited,
			outcomes,
			...(options.collectDocuments ? { received } : {}),
			line,
			ledgerMismatch: ledgerMismatch.length,
			ok: lost === 0 && duplicates === 0 && stray.length === 0 && errored.length === 0 && !ledgerMismatch.length,
		};
	} catch (error) {
		for (const w of workers) if (w.output) log(`worker log tail:\n${w.output.slice(-3000)}`);
		throw error;
	} finally {
		for (const stop of stops) await stop().catch((e: Error) => log(`stop failed: ${e.message}`));
		if (!options.keep) rmSync(dir, { recursive: true, force: true });
		else log(`queue: state kept in ${dir}`);
	}
}

if (require.main === module) {
	queueRun(parseArgs(process.argv.slice(2)))
		.then((result) => {
			process.stdout.write(`${result.line}\n`);
			process.exit(result.ok ? 0 : 1);
		})
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(2);
		});
}
