/**
 * Helpers for the template tests: workflow activation and manual runs over n8n's REST API, waiting for
 * executions, and the documents each dataset should export under the example rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot, type N8nInstance } from '../n8n/runtime';
import { DASHBOARD_LOGIN, datasets, EXAMPLE_RULES } from '../tools/stack';

type Json = Record<string, any>;

export { publish as activate } from '../tools/stack';

export async function deactivate(n8n: N8nInstance, id: string): Promise<void> {
	const workflow = await n8n.rest<Json>('GET', `/rest/workflows/${id}`);
	await n8n.rest('POST', `/rest/workflows/${id}/deactivate`, { versionId: workflow.versionId });
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode?: string;
}

export async function executions(n8n: N8nInstance, workflowId: string): Promise<ExecutionSummary[]> {
	const result = await n8n.rest<{ results?: ExecutionSummary[] } | ExecutionSummary[]>(
		'GET',
		`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=100`,
	);
	return Array.isArray(result) ? result : (result.results ?? []);
}

const finished = (status: string) => !['new', 'running', 'waiting', 'unknown'].includes(status);

/** Wait until `check` is true, polling every `everyMs`. */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined | false>,
	timeoutMs: number,
	everyMs = 2000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}

/** Wait until the workflow has at least `count` executions and all of them finished. */
export async function waitForExecutions(n8n: N8nInstance, workflowId: string, count: number, timeoutMs = 180_000) {
	return await waitFor(
		`${count} finished execution(s) of ${workflowId}`,
		async () => {
			const list = await executions(n8n, workflowId);
			return list.length >= count && list.every((e) => finished(e.status)) ? list : undefined;
		},
		timeoutMs,
	);
}

/** "Execute workflow" from the editor: a manual run from the trigger; resolves with the finished execution. */
export async function runManually(n8n: N8nInstance, workflowId: string, trigger: string): Promise<Json> {
	const { executionId } = await n8n.rest<{ executionId: string }>('POST', `/rest/workflows/${workflowId}/run`, {
		triggerToStartFrom: { name: trigger },
	});
	return await waitFor(
		`execution ${executionId}`,
		async () => {
			const execution = await n8n.rest<Json>('GET', `/rest/executions/${executionId}`);
			return finished(String(execution.status)) ? execution : undefined;
		},
		180_000,
		1000,
	);
}

export interface ExpectedDocument {
	system: 'dinero' | 'billy';
	number: string;
	customerId: string;
	destination: string;
}

const read = (dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json[];

export interface DatasetDocument {
	system: 'dinero' | 'billy';
	number: string;
	kind: 'invoice' | 'creditNote';
	customerId: string;
}

/** Every document a source can export (booked/approved, not deleted), straight from the dataset files. */
export function datasetDocuments(): DatasetDocument[] {
	const out: DatasetDocument[] = [];
	for (const [file, kind] of [
		['invoices.json', 'invoice'],
		['creditnotes.json', 'creditNote'],
	] as const) {
		for (const doc of read(datasets.dinero, file)) {
			const draft = doc.Status === 'Draft' || String(doc.Number) === '9223372036854775807';
			if (draft || doc.DeletedAt) continue;
			out.push({ system: 'dinero', number: String(doc.Number), kind, customerId: doc.ContactGuid });
		}
	}
	for (const doc of read(datasets.billy, 'invoices.json')) {
		if (doc.state !== 'approved') continue;
		out.push({
			system: 'billy',
			number: String(doc.invoiceNo),
			kind: doc.type === 'creditNote' ? 'creditNote' : 'invoice',
			customerId: doc.contactId,
		});
	}
	return out;
}

/** The documents the example rules activate. */
export function expectedDocuments(): ExpectedDocument[] {
	const destinations = new Map(
		EXAMPLE_RULES.filter((r) => r.activated === true).map((r) => [
			`${String(r.system)}:${String(r.customerId)}`,
			String(r.destination),
		]),
	);
	return datasetDocuments()
		.filter((d) => destinations.has(`${d.system}:${d.customerId}`))
		.map((d) => ({
			system: d.system,
			number: d.number,
			customerId: d.customerId,
			destination: destinations.get(`${d.system}:${d.customerId}`)!,
		}));
}

/** Where the browser tests leave their screenshots. */
export const artifacts = path.join(repoRoot, '.artifacts');

/** The system's Chromium (Debian package `chromium`): `CHROMIUM_PATH`, else the first `chromium` on PATH. */
function chromiumPath(): string {
	if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
	for (const dir of (process.env.PATH ?? '').split(path.delimiter))
		for (const name of ['chromium', 'chromium-browser'])
			if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
	throw new Error('Chromium not found: install the Debian package "chromium" or set CHROMIUM_PATH');
}

/**
 * Open a page in headless Chromium (driven by playwright-core) at a laptop's size, answering the dashboard's Basic
 * Auth with the sandbox login. The flags keep Chromium off the network this machine does not have.
 */
export async function withPage(fn: (page: import('playwright-core').Page) => Promise<void>): Promise<void> {
	const { chromium } = await import('playwright-core');
	const browser = await chromium.launch({
		executablePath: chromiumPath(),
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	try {
		const context = await browser.newContext({
			viewport: { width: 1440, height: 900 },
			httpCredentials: { username: DASHBOARD_LOGIN.user, password: DASHBOARD_LOGIN.password },
		});
		await fn(await context.newPage());
	} finally {
		await browser.close();
	}
}
