/**
 * End-to-end benchmark: N generated Billy documents (default 1,000 exportable) through the shipped Billy export
 * template in ONE real n8n 2.41 (regular mode, SQLite, this package installed as a community package), no faults:
 * Billy Trigger → export rules → Resolve Route → ledger check → Invoice to UBL → HTTP gateway → ledger row.
 * Billy rather than Dinero: Dinero's 100 requests/minute quota would make the run measure the quota, not our code.
 *
 *   npm run bench:e2e -- [--documents 1000] [--seed 11] [--baseline] [--keep]
 *
 * Prints documents per second, the execution's and the whole run's wall time, peak RSS of the n8n main process plus
 * its task-runner child (sampled every 100 ms from /proc, and each process's VmHWM), the idle RSS before the run,
 * and requests per document from the emulators' counters; `--baseline` first measures a bare n8n's idle RSS.
 * Exit status 1 if a document is lost or sent twice.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort, N8nInstance, runtimeDir } from '../n8n/runtime';
import { billyDatasetWithExportable, documentNumberOf } from '../queue/dataset';
import { runManually } from '../templates/support';
import { startStack } from '../tools/stack';
import { WORKFLOW_IDS } from '../tools/templates';

type Json = Record<string, any>;

function arg(name: string): string | undefined {
	const argv = process.argv.slice(2);
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

/** A process and its descendants (the task runner is a child of the n8n main process). */
function processTree(root: number): number[] {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
		} catch {
			// the process ended meanwhile
		}
	}
	const out: number[] = [];
	const visit = (pid: number) => {
		out.push(pid);
		for (const child of children.get(pid) ?? []) visit(child);
	};
	visit(root);
	return out;
}

/** VmRSS and VmHWM (peak) of one process in MB. */
function memory(pid: number): { rss: number; hwm: number; name: string } {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
		const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
		return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024, name: cmdline.slice(1, 3).join(' ') };
	} catch {
		return { rss: 0, hwm: 0, name: '' };
	}
}

/** Samples the tree's summed RSS until stopped; remembers every process's own peak (VmHWM). */
class RssSampler {
	peak = 0;
	readonly hwm = new Map<number, { hwm: number; name: string }>();
	private timer?: NodeJS.Timeout;

	constructor(private readonly root: number) {}

	sample(): number {
		let sum = 0;
		for (const pid of processTree(this.root)) {
			const m = memory(pid);
			sum += m.rss;
			if (m.hwm) this.hwm.set(pid, { hwm: m.hwm, name: m.name });
		}
		this.peak = Math.max(this.peak, sum);
		return sum;
	}

	start(): void {
		this.timer = setInterval(() => this.sample(), 100);
	}

	stop(): void {
		clearInterval(this.timer);
		this.sample();
	}
}

/**
 * Per node of the finished execution: run time, items out, and the average JSON size of an output item (what n8n
 * holds in memory for the whole execution). n8n stores execution data with `flatted`, taken from its own runtime.
 */
function nodeProfile(execution: Json): { node: string; ms: number; items: number; kbPerItem: number }[] {
	if (typeof execution.data !== 'string') return [];
	const flatted = createRequire(path.join(runtimeDir, 'package.json'))('flatted') as { parse(text: string): Json };
	const runData = (flatted.parse(execution.data).resultData?.runData ?? {}) as Record<string, Json[]>;
	return Object.entries(runData)
		.map(([node, runs]) => {
			const items = runs.flatMap((r) => ((r.data?.main ?? []) as Json[][]).flat().filter(Boolean));
			const bytes = items.reduce((n, item) => n + JSON.stringify(item.json ?? {}).length, 0);
			return {
				node,
				ms: runs.reduce((n, r) => n + Number(r.executionTime ?? 0), 0),
				items: items.length,
				kbPerItem: items.length ? bytes / items.length / 1024 : 0,
			};
		})
		.sort((a, b) => b.ms - a.ms);
}

/** Idle RSS of a bare n8n (no community package, nothing imported): what n8n itself costs here. */
async function bareN8nIdleRss(dir: string): Promise<number> {
	const n8n = new N8nInstance({
		userFolder: path.join(dir, 'bare'),
		port: await freePort(),
		brokerPort: await freePort(),
	});
	try {
		await n8n.start();
		await new Promise((r) => setTimeout(r, 3000));
		return new RssSampler(n8n.process!.pid!).sample();
	} finally {
		await n8n.stop();
	}
}

const total = (requests: Record<string, number>) => Object.values(requests).reduce((a, b) => a + b, 0);

async function main(): Promise<number> {
	const documents = Number(arg('documents') ?? 1000);
	// The template's sandbox copy lists up to 1,000 documents in a manual run ("Execute workflow").
	if (!(documents >= 1 && documents <= 1000)) throw new Error('--documents must be between 1 and 1000');
	const dir = mkdtempSync(path.join(tmpdir(), 'einvoice-bench-e2e-'));
	try {
		return await benchIn(dir, documents);
	} finally {
		if (process.argv.includes('--keep')) process.stdout.write(`kept ${dir}\n`);
		else rmSync(dir, { recursive: true, force: true });
	}
}

async function benchIn(dir: string, documents: number): Promise<number> {
	const billyDir = path.join(dir, 'billy');
	const data = billyDatasetWithExportable(billyDir, documents, Number(arg('seed') ?? 11));
	const exportable = data.invoices.filter((i) => i.state === 'approved').map((i) => String(i.invoiceNo));
	const log = (line: string) => process.stdout.write(`${line}\n`);
	const bare = process.argv.includes('--baseline') ? await bareN8nIdleRss(dir) : undefined;
	if (bare !== undefined) log(`baseline: a bare n8n (no community package) idles at ${bare.toFixed(0)} MB`);
	const startedAll = Date.now();
	const stack = await startStack({
		userFolder: path.join(dir, 'n8n'),
		sandbox: { datasets: { billy: billyDir } },
		exampleRules: false,
		forceImport: true,
		log,
	});
	try {
		const customers = new Map(data.contacts.map((c) => [String(c.id), String(c.name)]));
		await stack.tables.insert(
			stack.rulesTable,
			[...new Set(data.invoices.map((i) => i.contactId))].map((customerId) => ({
				system: 'billy',
				customerId,
				customerName: customers.get(customerId) ?? '',
				activated: true,
				destination: 'http',
				format: 'peppol-bis3',
				url: '/inbound/bench',
				note: 'bench:e2e',
			})),
		);
		const pid = stack.n8n.process!.pid!;
		// Let start-up settle, then take the idle figure: what n8n costs before our nodes do anything.
		await new Promise((r) => setTimeout(r, 3000));
		const sampler = new RssSampler(pid);
		const idle = sampler.sample();
		sampler.peak = 0;
		const before = { billy: total(stack.sandbox.billy.requests), gateway: total(stack.sandbox.gateway.requests) };
		sampler.start();
		const wallStart = Date.now();
		const execution = await runManually(stack.n8n, WORKFLOW_IDS.billy, 'Billy Trigger');
		const wallMs = Date.now() - wallStart;
		sampler.stop();
		const executionMs = Date.parse(String(execution.stoppedAt)) - Date.parse(String(execution.startedAt));
		const billyRequests = total(stack.sandbox.billy.requests) - before.billy;
		const gatewayRequests = total(stack.sandbox.gateway.requests) - before.gateway;

		const arrived = new Map<string, number>();
		for (const record of stack.sandbox.gateway.received) {
			const number = documentNumberOf(record.body.toString('utf8')) ?? '?';
			arrived.set(number, (arrived.get(number) ?? 0) + 1);
		}
		const ledger = (await stack.tables.rows(stack.ledgerTable)) as Json[];
		const failed = new Set(ledger.filter((r) => r.status === 'failed').map((r) => String(r.number)));
		const delivered = exportable.filter((n) => arrived.get(n)).length;
		const lost = exportable.filter((n) => !arrived.get(n) && !failed.has(n)).length;
		const duplicates = exportable.filter((n) => (arrived.get(n) ?? 0) > 1).length;
		const processed = delivered + failed.size;
		const hwm = [...sampler.hwm.values()].map((h) => `${h.name || '?'} ${h.hwm.toFixed(0)} MB`).join(', ');

		log(
			`execution ${String(execution.id)}: ${String(execution.status)}; per node (ms, items out, KB of JSON per item):`,
		);
		for (const p of nodeProfile(execution))
			log(
				`  ${p.node.padEnd(28)} ${String(p.ms).padStart(7)} ms ${String(p.items).padStart(6)} items ${p.kbPerItem.toFixed(1).padStart(7)} KB`,
			);
		log(`documents: ${exportable.length} exportable; ${delivered} delivered, ${failed.size} failed (in the ledger)`);
		log(`requests: Billy ${billyRequests} ${JSON.stringify(stack.sandbox.billy.requests)}, gateway ${gatewayRequests}`);
		log(`memory: idle ${idle.toFixed(0)} MB before the run; per-process peaks (VmHWM): ${hwm}`);
		log(`start-up: ${JSON.stringify(stack.timings)}; whole run ${((Date.now() - startedAll) / 1000).toFixed(0)} s`);
		log(
			`bench:e2e: documents=${exportable.length} execution_s=${(executionMs / 1000).toFixed(1)} ` +
				`wall_s=${(wallMs / 1000).toFixed(1)} docs_per_s=${(processed / (executionMs / 1000)).toFixed(1)} ` +
				`peak_rss_mb=${sampler.peak.toFixed(0)} idle_rss_mb=${idle.toFixed(0)} ` +
				`requests_per_doc=${((billyRequests + gatewayRequests) / exportable.length).toFixed(2)} ` +
				`lost=${lost} duplicates=${duplicates}`,
		);
		return execution.status === 'success' && lost === 0 && duplicates === 0 ? 0 : 1;
	} finally {
		await stack.stop();
	}
}

if (require.main === module) {
	main()
		.then((code) => process.exit(code))
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(2);
		});
}
