/**
 * Fault run through the real n8n: generated Billy and Dinero datasets exported by the shipped export templates
 * (live poll + catch-up pass) in a real n8n server, with a 10 % fault profile on every API (both sources, Maventa,
 * Zenvoices, the HTTP gateway). The n8n process group (server and task runner) is killed once mid-run with SIGKILL
 * and started again on the same user folder and database. When everything has settled, every document is accounted
 * for from the receivers' own records (gateway requests, Maventa invoices, Zenvoices inbox), the ledger and the SMTP
 * server's mails:
 *
 *   npm run fault-run -- [--documents N] [--rate 0.1] [--seed S] [--settle-minutes M] [--keep] [--quiet]
 *
 * Prints one line per document (delivered how many times and where, or failed and why), writes the table to
 * `<state>/fault-run-report.json`, and ends with
 * `fault-run: documents=N delivered=N failed_reported=N lost=N duplicates=N notifications=N`.
 * Exit status 1 when anything is lost, duplicated, or a failure does not have exactly one notification.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { idempotencyKey } from '../../nodes/shared/ubl/document';
import { generateBillyDataset, writeBillyDataset } from '../sandbox/billy/generate';
import { generateDineroDataset, writeDataset } from '../sandbox/dinero/generate';
import { readDatasetInfo } from '../sandbox/emulator';
import { Faults } from '../sandbox/faults';
import { executions, waitFor } from '../templates/support';
import { SYSTEMS } from '../tools/export';
import { publish, startStack, type Stack } from '../tools/stack';
import { SOURCES, WORKFLOW_IDS } from '../tools/templates';

export interface FaultRunArgs {
	documents: number;
	rate: number;
	seed: number;
	/** The catch-up's settle delay in this run (the template's default is 10). */
	settleMinutes: number;
	keep: boolean;
	/** Print the per-document table. */
	table: boolean;
}

export function parseArgs(argv: string[]): FaultRunArgs {
	const value = (name: string) => {
		const i = argv.indexOf(`--${name}`);
		return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
	};
	return {
		documents: Number(value('documents') ?? 1000),
		rate: Number(value('rate') ?? 0.1),
		seed: Number(value('seed') ?? 20261121),
		settleMinutes: Number(value('settle-minutes') ?? 2),
		keep: argv.includes('--keep'),
		table: !argv.includes('--quiet'),
	};
}

type System = 'dinero' | 'billy';
type Json = Record<string, any>;

interface DocumentRow {
	system: System;
	id: string;
	number: string;
	kind: 'invoice' | 'creditNote';
	destination: string;
	/** Idempotency key every delivery of this document carries. */
	key: string;
	/** Receiver records of this document. */
	where: string[];
	failed?: string;
	notifications: number;
	/** Notifications from before the kill, and those the catch-up sent as "may be a repeat". */
	notifiedBeforeKill: number;
	lateNotifications: number;
}

export interface FaultRunResult {
	line: string;
	ok: boolean;
	counts: Record<string, number>;
	problems: string[];
	/** Failure notices sent twice because n8n was killed between the e-mail and its ledger record (see faultRun). */
	repeatedNotices: number;
	wallSeconds: number;
}

const DESTINATIONS = ['http', 'maventa', 'zenvoices'] as const;
const FORMAT = 'peppol-bis3';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Generated datasets: half Billy, half Dinero, every document in scope, Dinero's quota raised on the emulator. */
function generate(state: string, args: FaultRunArgs): { billy: string; dinero: string } {
	const half = Math.ceil(args.documents / 2);
	const billy = path.join(state, 'billy');
	const dinero = path.join(state, 'dinero');
	const billyData = generateBillyDataset({ count: half, seed: args.seed, showcase: false });
	if (billyData.dataset.settings) delete billyData.dataset.settings.exportSince;
	writeBillyDataset(billy, billyData);
	const dineroData = generateDineroDataset({ count: args.documents - half, seed: args.seed });
	dineroData.dataset = {
		...dineroData.dataset,
		settings: {
			...((dineroData.dataset.settings as object) ?? {}),
			rateLimitPerMinute: 1_000_000,
			exportSince: undefined,
		},
	};
	writeDataset(dinero, dineroData);
	return { billy, dinero };
}

/** One export rule per generated customer, the destinations taken in turn. */
function rulesFor(dirs: { billy: string; dinero: string }): Json[] {
	const read = (dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json[];
	const customers: [System, string, string][] = [
		...read(dirs.dinero, 'contacts.json').map(
			(c) => ['dinero', String(c.ContactGuid), String(c.Name)] as [System, string, string],
		),
		...read(dirs.billy, 'contacts.json')
			.filter((c) => c.isCustomer !== false)
			.map((c) => ['billy', String(c.id), String(c.name)] as [System, string, string]),
	];
	return customers.map(([system, customerId, customerName], i) => {
		const destination = DESTINATIONS[i % DESTINATIONS.length];
		return {
			system,
			customerId,
			customerName,
			activated: true,
			destination,
			format: FORMAT,
			...(destination === 'http' ? { url: `/fault-run/${system}` } : {}),
			...(destination === 'zenvoices' ? { companyCode: 'NORDLYS' } : {}),
			note: 'fault run',
		};
	});
}

/** The run's changes to the sandbox templates: poll and catch up every minute, the whole dataset in the window. */
function adjust(args: FaultRunArgs, maxPerPoll: number) {
	return (workflow: Json) => {
		if (workflow.id !== WORKFLOW_IDS.dinero && workflow.id !== WORKFLOW_IDS.billy) return;
		for (const node of workflow.nodes as Json[]) {
			const p = node.parameters as Json;
			if (node.type.endsWith('.dineroTrigger') || node.type.endsWith('.billyTrigger'))
				p.options = { ...p.options, maxPerPoll };
			if (node.name === 'Catch-up Schedule') p.rule = { interval: [{ field: 'minutes', minutesInterval: 1 }] };
			if (node.name === 'Catch-up Settings')
				for (const a of p.assignments.assignments as Json[]) {
					if (a.name === 'lookbackDays') a.value = 36500;
					if (a.name === 'settleMinutes') a.value = args.settleMinutes;
				}
		}
	};
}

export async function faultRun(
	args: FaultRunArgs,
	log: (line: string) => void = () => undefined,
): Promise<FaultRunResult> {
	const state = mkdtempSync(path.join(tmpdir(), 'fault-run-'));
	const dirs = generate(state, args);
	const profile = (n: number) => new Faults({ rate: args.rate, seed: args.seed + n, stallMs: 800 });
	const faults = {
		billy: profile(1),
		dinero: profile(2),
		maventa: profile(3),
		zenvoices: profile(4),
		gateway: profile(5),
	};
	const maxPerPoll = Math.max(50, Math.ceil(args.documents / 10));

	// Every exportable document, with the idempotency key its delivery must carry.
	const rules = rulesFor(dirs);
	const destinationOf = new Map(rules.map((r) => [`${r.system}:${r.customerId}`, String(r.destination)]));
	const rows: DocumentRow[] = [];
	let skipped = 0;
	for (const dir of [dirs.billy, dirs.dinero]) {
		const info = readDatasetInfo(dir);
		const system = info.system as System;
		const customerOf = customers(dir, system);
		for (const e of SYSTEMS[system].inventory(dir, info)) {
			if (e.skipReason) {
				skipped++;
				continue;
			}
			const key = idempotencyKey({
				system,
				account: String(info.account),
				id: e.id,
				kind: e.kind,
				number: e.number,
				format: FORMAT,
			});
			rows.push({
				system,
				id: e.id,
				number: e.number,
				kind: e.kind,
				destination: destinationOf.get(`${system}:${customerOf.get(e.id)}`) ?? '?',
				key,
				where: [],
				notifications: 0,
				notifiedBeforeKill: 0,
				lateNotifications: 0,
			});
		}
	}

	const started = Date.now();
	let stack: Stack | undefined;
	const problems: string[] = [];
	try {
		mkdirSync(path.join(state, 'n8n'), { recursive: true });
		stack = await startStack({
			userFolder: path.join(state, 'n8n'),
			forceImport: true,
			pollEveryMinute: true,
			sandbox: { datasets: dirs, faults, gatewayConflictOnRepeat: true },
			exampleRules: false,
			// Dinero's 100 requests/minute: raised on both sides (emulator above, credential here) for the run.
			credentialData: { dineroApi: { requestsPerMinute: 1_000_000 } },
			adjustWorkflow: adjust(args, maxPerPoll),
			// The e2e harness (imported for the dataset inventories) quiets n8n's log; the server must say it is up.
			n8n: { ownProcessGroup: true, env: { N8N_LOG_LEVEL: 'info' } },
			log,
		});
		const s = stack;
		const { sandbox, n8n } = s;
		const before = { maventa: sandbox.maventa.invoices.length, zenvoices: sandbox.zenvoices.inbox.length };
		await s.tables.insert(s.rulesTable, rules);
		log(`stack up in ${((Date.now() - started) / 1000).toFixed(0)} s; ${rows.length} documents to export`);

		const delivered = () =>
			sandbox.gateway.received.length +
			sandbox.maventa.invoices.length -
			before.maventa +
			sandbox.zenvoices.inbox.length -
			before.zenvoices;
		const activated = Date.now();
		for (const id of [WORKFLOW_IDS.billy, WORKFLOW_IDS.dinero]) await publish(n8n, id);

		// Kill n8n (SIGKILL to its process group) once a third of the documents have arrived, then start it again.
		await waitFor('a third of the documents delivered', async () => delivered() >= rows.length / 3, 900_000, 200);
		const killedAt = delivered();
		n8n.killGroup();
		await n8n.exited();
		const mailsAtKill = sandbox.smtp.mails.length;
		log(`killed n8n after ${killedAt} deliveries (${((Date.now() - activated) / 1000).toFixed(0)} s after activation)`);
		await n8n.start();
		await n8n.setupOwnerAndLogin();
		log('n8n started again');

		// Settled: every document has a result row in the ledger, and no execution is running (the mails are out).
		const keyOf = (r: DocumentRow) =>
			[r.system, String(readDatasetInfo(dirs[r.system]).account), r.kind, r.id].join(':');
		// The result row of each document: exported before failed before a catch-up "pending" row (one is left next
		// to the result when a live run finished between the catch-up's check and its write).
		const rank = (row?: Record<string, unknown>) => ['pending', 'failed', 'exported'].indexOf(String(row?.status));
		const ledger = async () => {
			const best = new Map<string, Record<string, unknown>>();
			for (const row of await s.tables.rows(s.ledgerTable))
				if (rank(row) > rank(best.get(String(row.key)))) best.set(String(row.key), row);
			return best;
		};
		const timeoutMs = (args.settleMinutes + 4) * 60_000 + rows.length * 600;
		try {
			await waitFor(
				'every document in the ledger',
				async () => {
					const rowsNow = await ledger();
					// A result row: exported or failed (a catch-up "pending" row is not a result).
					const missing = rows.filter(
						(r) => !['exported', 'failed'].includes(String(rowsNow.get(keyOf(r))?.status)),
					).length;
					// A failure notice a killed run left unsent goes out at a catch-up pass after the settle delay.
					const noticesDue = [...rowsNow.values()].filter((row) => String(row.notice ?? '').startsWith('due:')).length;
					log(
						`  ${rows.length - missing}/${rows.length} in the ledger, ${delivered()} deliveries, ${noticesDue} notices due`,
					);
					return missing === 0 && noticesDue === 0;
				},
				timeoutMs,
				10_000,
			);
		} catch (error) {
			problems.push((error as Error).message);
		}
		await waitFor(
			'no running execution',
			async () => {
				const all = [...(await executions(n8n, WORKFLOW_IDS.billy)), ...(await executions(n8n, WORKFLOW_IDS.dinero))];
				return all.every((e) => !['new', 'running', 'waiting'].includes(e.status));
			},
			300_000,
			3000,
		);
		await sleep(3000);

		// Account for every document from the receivers' own records, the ledger and the mails.
		const byKey = new Map(rows.map((r) => [r.key, r]));
		const stray: string[] = [];
		const record = (key: string | undefined, where: string) => {
			const row = key ? byKey.get(key) : undefined;
			if (row) row.where.push(where);
			else stray.push(`${where} (${key ?? 'no key'})`);
		};
		for (const r of sandbox.gateway.received)
			record(String(r.headers['idempotency-key'] ?? ''), `http ${r.path} ${String(r.headers['x-received-id'])}`);
		for (const r of sandbox.maventa.invoices.slice(before.maventa))
			record(String(r.invoice.id), `maventa ${String(r.invoice.id)}`);
		for (const d of sandbox.zenvoices.inbox.slice(before.zenvoices))
			record(d.externalId.replace(/-[a-z]+$/, ''), `zenvoices #${d.id}`);
		const ledgerRows = await ledger();
		// Sent again after the kill and answered "already there" by the receiver (the idempotency key at work).
		const repeats = [...ledgerRows.values()].filter((row) => /already/.test(String(row.message))).length;
		for (const r of rows) {
			const row = ledgerRows.get(keyOf(r));
			if (row?.status === 'failed') r.failed = String(row.message ?? 'failed');
		}
		const label = (r: DocumentRow) =>
			`E-invoice not sent: ${SOURCES[r.system].label} ${r.kind === 'creditNote' ? 'credit note' : 'invoice'} ${r.number} (`;
		const beforeKill = new Set(sandbox.smtp.mails.slice(0, mailsAtKill));
		const negative = sandbox.smtp.mails.filter((m) => m.subject.startsWith('E-invoice not sent: '));
		for (const mail of negative) {
			const row = rows.find((r) => mail.subject.startsWith(label(r)));
			if (!row) {
				stray.push(`mail "${mail.subject}"`);
				continue;
			}
			row.notifications++;
			if (beforeKill.has(mail)) row.notifiedBeforeKill++;
			if (mail.text.startsWith('Sent by the catch-up pass')) row.lateNotifications++;
		}
		// Adaptor-level mails of the error workflow (a run that stopped, e.g. the one killed): reported, not counted.
		const workflowErrors = sandbox.smtp.mails.filter((m) => m.subject.startsWith('E-invoice workflow failed'));
		for (const m of workflowErrors)
			log(`workflow-error mail: ${m.subject}: ${m.text.split('\n').slice(0, 3).join(' ')}`);

		// Runs must end within the settle delay, or the catch-up could take a document still in flight.
		const longest = await longestRun(n8n, [WORKFLOW_IDS.billy, WORKFLOW_IDS.dinero]);

		const count = {
			documents: rows.length,
			delivered: rows.filter((r) => r.where.length >= 1).length,
			failed_reported: rows.filter((r) => r.where.length === 0 && r.failed).length,
			lost: rows.filter((r) => r.where.length === 0 && !r.failed).length,
			duplicates: rows.filter((r) => r.where.length > 1).length,
			notifications: negative.length,
		};
		// The one repeat SMTP leaves possible: n8n killed after a failure e-mail and before the ledger recorded it as sent,
		// so the catch-up sends it again, saying so. Allowed only in exactly that shape.
		const repeatedAfterKill = (r: DocumentRow) =>
			r.notifications === 2 && r.notifiedBeforeKill === 1 && r.lateNotifications === 1;
		const badNotifications = rows.filter((r) =>
			r.where.length === 0 && r.failed ? r.notifications !== 1 && !repeatedAfterKill(r) : r.notifications > 0,
		);
		const repeatedNotices = rows.filter(repeatedAfterKill).length;
		const lateNotices = rows.reduce((n, r) => n + r.lateNotifications, 0);
		const wrongPlace = rows.filter((r) => r.where.some((w) => !w.startsWith(r.destination)));
		if (stray.length) problems.push(`records that match no document: ${stray.slice(0, 5).join('; ')}`);
		if (badNotifications.length)
			problems.push(
				`documents without exactly one notification (or notified though delivered): ${badNotifications.map((r) => `${r.system} ${r.number} (${r.notifications})`).join(', ')}`,
			);
		if (wrongPlace.length)
			problems.push(`delivered to another destination than the rule's: ${wrongPlace.map((r) => r.number).join(', ')}`);

		if (args.table)
			for (const r of [...rows].sort(
				(a, b) => a.system.localeCompare(b.system) || a.number.localeCompare(b.number, 'en', { numeric: true }),
			))
				process.stdout.write(
					`${r.system.padEnd(7)} ${r.number.padEnd(8)} ${r.where.length ? `delivered ×${r.where.length} → ${r.where.join(', ')}` : r.failed ? `FAILED, ${r.notifications} notification: ${r.failed.slice(0, 160)}` : 'LOST'}\n`,
				);
		const injected: Record<string, number> = {};
		for (const f of Object.values(faults))
			for (const [k, v] of Object.entries(f.counts())) injected[k] = (injected[k] ?? 0) + v;
		const wallSeconds = (Date.now() - started) / 1000;
		log(
			`${rows.length + skipped} generated documents (${skipped} not exportable: drafts, voided, deleted); ` +
				`n8n killed after ${killedAt} deliveries and restarted; faults injected ${JSON.stringify(injected)}; ` +
				`longest run ${longest.toFixed(0)} s (catch-up settle ${args.settleMinutes * 60} s); ` +
				`${workflowErrors.length} workflow-error mails; ${repeats} repeats answered "already there" (HTTP, Zenvoices); ` +
				`${lateNotices} failure notices sent by the catch-up (${repeatedNotices} of them repeats after the kill); ${wallSeconds.toFixed(0)} s`,
		);
		writeFileSync(
			path.join(state, 'fault-run-report.json'),
			JSON.stringify(
				{ args, killedAt, injected, longest, repeats, repeatedNotices, wallSeconds, count, problems, documents: rows },
				null,
				'\t',
			),
		);
		const line = `fault-run: ${Object.entries(count)
			.map(([k, v]) => `${k}=${v}`)
			.join(' ')}`;
		const ok = count.lost === 0 && count.duplicates === 0 && !problems.length;
		return { line, ok, counts: count, problems, repeatedNotices, wallSeconds };
	} finally {
		await stack?.stop();
		if (!args.keep) rmSync(state, { recursive: true, force: true });
		else log(`state and report kept in ${state}`);
	}
}

/** Document id → customer id, from the generated dataset files. */
function customers(dir: string, system: System): Map<string, string> {
	const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json[];
	if (system === 'billy') return new Map(read('invoices.json').map((d) => [String(d.id), String(d.contactId)]));
	return new Map(
		[...read('invoices.json'), ...read('creditnotes.json')].map((d) => [String(d.Guid), String(d.ContactGuid)]),
	);
}

/** Seconds of the longest finished execution of the export workflows (live runs and catch-up passes). */
async function longestRun(n8n: Stack['n8n'], workflowIds: string[]): Promise<number> {
	let longest = 0;
	for (const id of workflowIds)
		for (const e of (await executions(n8n, id)) as unknown as Json[]) {
			if (e.mode !== 'trigger' || !e.startedAt || !e.stoppedAt) continue;
			longest = Math.max(longest, (Date.parse(e.stoppedAt) - Date.parse(e.startedAt)) / 1000);
		}
	return longest;
}

if (require.main === module) {
	faultRun(parseArgs(process.argv.slice(2)), (line) => process.stderr.write(`${line}\n`))
		.then(({ line, ok, problems }) => {
			for (const p of problems) process.stdout.write(`problem: ${p}\n`);
			process.stdout.write(`${line}\n`);
			process.exit(ok ? 0 : 1);
		})
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(2);
		});
}
