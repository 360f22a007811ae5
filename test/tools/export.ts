/**
 * Headless export: the package's main job without the editor.
 *
 *   npm run export -- --dataset <dir> --out <dir> [--format peppol-bis3|oioubl21]
 *
 * 1. starts the sandbox emulator for the dataset's system (`dataset.json` → `system`), seeded from `<dir>`;
 * 2. runs "<System> Trigger" (manual mode, every document) → "Invoice to UBL" in the real n8n engine (the e2e harness);
 * 3. writes `<out>/<number>.xml` per document and `<out>/report.json`:
 *    `{ documents: [{ id, number, kind, status: exported|skipped|failed, reason?, file?, findings? }], requests: {…} }`.
 *
 * Skipped documents (drafts, voided/deleted, before activation) are listed from the dataset itself by the system's
 * `inventory`, so the report names every document. Supporting another system is one row in `SYSTEMS`.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { binaryBuffer, nodeType, runWorkflow, type WorkflowJson } from '../e2e/harness';
import { readDatasetInfo, type DatasetInfo, type Emulator } from '../sandbox/emulator';
import { startSandbox } from '../sandbox/index';
import { normalizeKeys, parseDineroJson } from '../../nodes/Dinero/json';
import { DEFAULT_BILLY_TOKEN } from '../sandbox/billy/emulator';
import { billyInventory } from '../sandbox/billy/inventory';

export type ReportStatus = 'exported' | 'skipped' | 'failed';

export interface ReportDocument {
	id: string;
	number: string;
	kind: 'invoice' | 'creditNote';
	status: ReportStatus;
	reason?: string;
	file?: string;
	findings?: { id: string; flag: string; message: string }[];
}

export interface ExportReport {
	system: string;
	account: string;
	format: string;
	wallTimeMs: number;
	documents: ReportDocument[];
	requests: Record<string, number>;
}

/** A document of the dataset, with the reason the trigger must not emit it (if any). */
export interface InventoryEntry {
	id: string;
	number: string;
	kind: 'invoice' | 'creditNote';
	skipReason?: string;
}

/** What the export needs to know about one source system. */
export interface SystemAdapter {
	/** Trigger node name (without the package prefix), e.g. `dineroTrigger`. */
	trigger: string;
	credentialType: string;
	credentials(emulator: Emulator, info: DatasetInfo): ICredentialDataDecryptedObject;
	/** Trigger parameters for "every exportable document, in one manual run". */
	parameters(info: DatasetInfo): IDataObject;
	/** Every document in the dataset folder, with skip reasons. */
	inventory(datasetDir: string, info: DatasetInfo): InventoryEntry[];
	/**
	 * Nodes run after "Invoice to UBL" on its output, in a chain (e.g. Severa: move each invoice to its status after
	 * transfer or after error in the emulator). They use the export credential.
	 */
	afterConversion?(info: DatasetInfo): { name: string; type: string; parameters: IDataObject }[];
}

function settingsOf(info: DatasetInfo): IDataObject {
	return (info.settings ?? {}) as IDataObject;
}

function severaStatuses(info: DatasetInfo): { toTransfer: string; afterTransfer: string; afterError: string } {
	const statuses = (settingsOf(info).statuses ?? {}) as IDataObject;
	const read = (key: string) => {
		if (typeof statuses[key] !== 'string' || !statuses[key])
			throw new Error(`dataset.json settings.statuses.${key} is missing (a Severa invoice status guid)`);
		return statuses[key] as string;
	};
	return { toTransfer: read('toTransfer'), afterTransfer: read('afterTransfer'), afterError: read('afterError') };
}

function dineroRecords(dir: string, name: string): Record<string, unknown>[] {
	const file = path.join(dir, `${name}.json`);
	return existsSync(file) ? normalizeKeys<Record<string, unknown>[]>(parseDineroJson(readFileSync(file, 'utf8'))) : [];
}

/** System → trigger node and credential. Add a row per system. */
export const SYSTEMS: Record<string, SystemAdapter> = {
	severa: {
		trigger: 'severaInvoiceStatusTrigger',
		credentialType: 'severaApi',
		credentials: (emulator, info) => {
			const s = settingsOf(info);
			return {
				environment: 'sandbox',
				baseUrl: emulator.url,
				clientId: String(s.clientId ?? 'severa-client'),
				clientSecret: String(s.clientSecret ?? 'severa-secret'),
				scopes: Array.isArray(s.scopes)
					? s.scopes.join(',')
					: 'invoices:read,invoices:write,customers:read,settings:read,organization:read,files:read',
			};
		},
		// Every invoice in the "to transfer" status (dataset.json settings.statuses); the export attaches no PDF.
		parameters: (info) => ({
			status: { __rl: true, mode: 'id', value: severaStatuses(info).toTransfer },
			downloadPdf: false,
			includeExisting: true,
			options: { manualLimit: 0, account: info.account },
		}),
		inventory: (dir, info) => {
			const { toTransfer } = severaStatuses(info);
			const file = path.join(dir, 'invoices.json');
			const invoices = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as IDataObject[]) : [];
			return invoices.map((invoice) => {
				const status = (invoice.status ?? {}) as IDataObject;
				const entry: InventoryEntry = {
					id: String(invoice.guid),
					number: invoice.number === null || invoice.number === undefined ? '' : String(invoice.number),
					kind: invoice.isCreditNote ? 'creditNote' : 'invoice',
				};
				if (status.guid !== toTransfer)
					entry.skipReason = `in status "${String(status.name ?? status.guid)}", not the status to transfer`;
				return entry;
			});
		},
		// Write back like the integration does: exported → status after transfer, otherwise → status after error.
		afterConversion: (info) => {
			const { afterTransfer, afterError } = severaStatuses(info);
			return [
				{
					name: 'Write Back Status',
					type: 'severaInvoiceStatus',
					parameters: {
						resource: 'invoice',
						operation: 'setStatus',
						invoiceId: '={{ $json.source.id }}',
						status: {
							__rl: true,
							mode: 'id',
							value: `={{ $json.document && $json.document.valid !== false && !$json.error ? '${afterTransfer}' : '${afterError}' }}`,
						},
					},
				},
			];
		},
	},
	dinero: {
		trigger: 'dineroTrigger',
		credentialType: 'dineroApi',
		credentials: (emulator, info) => {
			const s = settingsOf(info);
			return {
				environment: 'sandbox',
				baseUrl: emulator.url,
				clientId: String(s.clientId ?? 'sandbox-client'),
				clientSecret: String(s.clientSecret ?? 'sandbox-secret'),
				apiKey: String(s.apiKey ?? 'sandbox-api-key'),
				organizationId: String(info.account),
				requestsPerMinute: Number(s.rateLimitPerMinute ?? 100),
			};
		},
		parameters: (info) => ({
			authentication: 'dineroApi',
			events: ['newInvoice', 'newCreditNote'],
			output: 'canonical',
			sellerDetails: info.seller ?? {},
			options: {
				manualLimit: 0,
				...(settingsOf(info).exportSince ? { exportSince: String(settingsOf(info).exportSince) } : {}),
			},
		}),
		inventory: (dir, info) => {
			const since = settingsOf(info).exportSince ? String(settingsOf(info).exportSince) : undefined;
			const entries: InventoryEntry[] = [];
			for (const [file, kind] of [
				['invoices', 'invoice'],
				['creditnotes', 'creditNote'],
			] as const) {
				for (const d of dineroRecords(dir, file)) {
					const draft = String(d.Status) === 'Draft' || String(d.Number) === '9223372036854775807';
					const entry: InventoryEntry = { id: String(d.Guid), number: draft ? '' : String(d.Number ?? ''), kind };
					if (d.DeletedAt) entry.skipReason = draft ? 'deleted draft' : 'deleted (voided)';
					else if (draft) entry.skipReason = 'draft';
					else if (since && String(d.UpdatedAt ?? '') < since) entry.skipReason = `before activation (${since})`;
					entries.push(entry);
				}
			}
			return entries;
		},
	},
	billy: {
		trigger: 'billyTrigger',
		credentialType: 'billyApi',
		credentials: (emulator, info) => ({
			environment: 'sandbox',
			baseUrl: emulator.url,
			accessToken: String(settingsOf(info).accessToken ?? DEFAULT_BILLY_TOKEN),
		}),
		parameters: (info) => ({
			events: ['invoiceApproved', 'creditNoteApproved'],
			exportSince: String(settingsOf(info).exportSince ?? ''),
			options: { output: 'canonical', manualCount: 1_000_000, paymentDetails: settingsOf(info).paymentMeans ?? {} },
		}),
		inventory: (dir, info) =>
			billyInventory(dir, settingsOf(info).exportSince ? String(settingsOf(info).exportSince) : undefined),
	},
};

export interface ExportOptions {
	dataset: string;
	out: string;
	format?: string;
}

function exportWorkflow(adapter: SystemAdapter, info: DatasetInfo, format: string): WorkflowJson {
	return {
		name: `Export ${info.system} ${info.account}`,
		nodes: [
			{
				id: 'source',
				name: 'Source',
				type: nodeType(adapter.trigger),
				typeVersion: 1,
				position: [0, 0],
				parameters: adapter.parameters(info) as never,
				credentials: { [adapter.credentialType]: { id: 'export-credential', name: 'Sandbox' } },
			},
			{
				id: 'ubl',
				name: 'Invoice to UBL',
				type: nodeType('invoiceToUbl'),
				typeVersion: 1,
				position: [300, 0],
				parameters: {
					invoiceSource: 'field',
					invoiceField: 'invoice',
					format,
					onInvalid: 'pass',
					options: { attachPdf: false },
				} as never,
				onError: 'continueRegularOutput',
			},
		],
		connections: { Source: { main: [[{ node: 'Invoice to UBL', type: 'main', index: 0 }]] } },
	};
}

/** The export workflow plus the adapter's nodes after "Invoice to UBL". */
function withAfterConversion(workflow: WorkflowJson, adapter: SystemAdapter, info: DatasetInfo): WorkflowJson {
	const extra = adapter.afterConversion?.(info) ?? [];
	let previous = 'Invoice to UBL';
	extra.forEach((node, i) => {
		workflow.nodes.push({
			id: `after-${i}`,
			name: node.name,
			type: nodeType(node.type),
			typeVersion: 1,
			position: [600 + 300 * i, 0],
			parameters: node.parameters as never,
			credentials: { [adapter.credentialType]: { id: 'export-credential', name: 'Sandbox' } },
			onError: 'continueRegularOutput',
		});
		workflow.connections[previous] = { main: [[{ node: node.name, type: 'main', index: 0 }]] };
		previous = node.name;
	});
	return workflow;
}

function safeFileName(number: string, id: string): string {
	const base = number || id;
	return `${base.replace(/[^\w.-]+/g, '_')}.xml`;
}

/** Run the export; returns the report (also written to `<out>/report.json`). */
export async function runExport(options: ExportOptions): Promise<ExportReport> {
	const format = options.format ?? 'peppol-bis3';
	const info = readDatasetInfo(options.dataset);
	const adapter = SYSTEMS[info.system];
	if (!adapter)
		throw new Error(`No export adapter for system '${info.system}' (known: ${Object.keys(SYSTEMS).join(', ')})`);
	mkdirSync(options.out, { recursive: true });

	const started = Date.now();
	const emulator = await startSandbox(options.dataset);
	let output: INodeExecutionData[];
	let sources: INodeExecutionData[];
	try {
		const result = await runWorkflow(withAfterConversion(exportWorkflow(adapter, info, format), adapter, info), {
			credentials: { 'export-credential': adapter.credentials(emulator, info) },
		});
		if (result.error) throw new Error(`The export workflow failed: ${result.error.message}`);
		output = result.output('Invoice to UBL');
		sources = result.output('Source');
	} finally {
		await emulator.close();
	}

	const byId = new Map<string, ReportDocument>();
	for (const item of output) {
		const json = item.json;
		// Error items may carry only `json.error`: the paired source item names the document.
		const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
		const pairedIndex = typeof paired === 'number' ? paired : paired?.item;
		const sourceItem = pairedIndex === undefined ? undefined : sources[pairedIndex];
		const source = (json.source ?? sourceItem?.json.source ?? {}) as IDataObject;
		const id = String(source.id ?? '');
		const doc: ReportDocument = {
			id,
			number: String(source.number ?? ''),
			kind: source.kind === 'creditNote' ? 'creditNote' : 'invoice',
			status: 'failed',
		};
		const document = json.document as IDataObject | undefined;
		const error = json.error as IDataObject | string | undefined;
		if (document && item.binary?.document) {
			const findings = ((document.findings ?? []) as IDataObject[]).map((f) => ({
				id: String(f.id),
				flag: String(f.flag),
				message: String(f.message),
			}));
			if (findings.length) doc.findings = findings;
			if (document.valid === false) {
				doc.reason = `invalid document: ${findings
					.filter((f) => f.flag === 'fatal')
					.map((f) => f.id)
					.join(', ')}`;
			} else {
				const file = safeFileName(doc.number, id);
				writeFileSync(path.join(options.out, file), await binaryBuffer(item.binary.document));
				doc.status = 'exported';
				doc.file = file;
			}
		} else {
			doc.reason = typeof error === 'string' ? error : String(error?.message ?? 'no document was produced');
		}
		byId.set(id, doc);
	}

	const documents: ReportDocument[] = [];
	for (const entry of adapter.inventory(options.dataset, info)) {
		const done = byId.get(entry.id);
		if (done) {
			documents.push(done);
			byId.delete(entry.id);
		} else if (entry.skipReason) {
			documents.push({
				id: entry.id,
				number: entry.number,
				kind: entry.kind,
				status: 'skipped',
				reason: entry.skipReason,
			});
		} else {
			documents.push({
				id: entry.id,
				number: entry.number,
				kind: entry.kind,
				status: 'failed',
				reason: 'the trigger did not emit this document',
			});
		}
	}
	documents.push(...byId.values());

	const total = Object.values(emulator.requests).reduce((a, b) => a + b, 0);
	const report: ExportReport = {
		system: info.system,
		account: info.account,
		format,
		wallTimeMs: Date.now() - started,
		documents,
		requests: { ...emulator.requests, total },
	};
	writeFileSync(path.join(options.out, 'report.json'), `${JSON.stringify(report, null, '\t')}\n`);
	if (sources.length !== output.length)
		process.stderr.write(`warning: ${sources.length} source items but ${output.length} converted items\n`);
	return report;
}

function argument(args: string[], name: string): string | undefined {
	const i = args.indexOf(`--${name}`);
	if (i >= 0) return args[i + 1];
	const inline = args.find((a) => a.startsWith(`--${name}=`));
	return inline?.slice(name.length + 3);
}

if (require.main === module) {
	const args = process.argv.slice(2);
	const dataset = argument(args, 'dataset');
	const out = argument(args, 'out');
	if (!dataset || !out) {
		process.stderr.write('usage: export --dataset <dir> --out <dir> [--format peppol-bis3|oioubl21]\n');
		process.exit(2);
	}
	runExport({ dataset: path.resolve(dataset), out: path.resolve(out), format: argument(args, 'format') })
		.then((report) => {
			const count = (s: ReportStatus) => report.documents.filter((d) => d.status === s).length;
			const exported = count('exported');
			process.stdout.write(
				`${report.system} ${report.account}: ${exported} exported, ${count('skipped')} skipped, ${count('failed')} failed; ` +
					`${report.requests.total} requests (${exported ? (report.requests.total / exported).toFixed(2) : '-'} per exported document); ` +
					`${(report.wallTimeMs / 1000).toFixed(1)} s\n`,
			);
			for (const d of report.documents.filter((x) => x.status === 'failed'))
				process.stdout.write(`  failed ${d.kind} ${d.number || d.id}: ${d.reason}\n`);
			// The harness keeps n8n-core's timers alive; the job is done.
			process.exit(0);
		})
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(1);
		});
}
