/**
 * Hostile API answers through the nodes in the real n8n engine: the Dinero and Billy emulators serve mutated
 * documents (generated from the shipped datasets) and raw hostile bodies (HTML, truncated JSON, 10 MB, deep nesting,
 * an endless Retry-After, an error that echoes the credential), and the workflow `Manual → <System> get → Invoice to
 * UBL` must turn every one into a per-item error naming the document and the cause, or a document the official
 * validator accepts. The credentials carry distinctive values; every output item, error and captured log line
 * (n8n at debug level) is scanned for them.
 */
import { captured, capturing } from './capture';

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { binaryBuffer, nodeType, repoRoot, runWorkflow, type RunResult, type WorkflowJson } from '../e2e/harness';
import { datasetCopy, seller } from '../e2e/dinero-support';
import { createDineroEmulator, type DineroEmulator } from '../sandbox/dinero/emulator';
import { createBillyEmulator, type BillyEmulator } from '../sandbox/billy/emulator';
import { Faults } from '../sandbox/faults';
import { fatalIds, validateDocuments } from '../support/validator';
import { normalizeKeys, parseDineroJson } from '../../nodes/Dinero/json';
import type { BillyContact, BillyInvoice } from '../../nodes/Billy/api';
import { mutations } from './mutate';
import { allSecrets, chunks, PARALLEL_RUNS, rawBodies, withTimeout } from './node-support';

const SECRETS = {
	billyToken: 'HOSTILE-billy-token-Qx81zK4m',
	dineroClientSecret: 'HOSTILE-dinero-secret-Vb72pL0w',
	dineroApiKey: 'HOSTILE-dinero-apikey-Hn55tR9e',
};
/** Mutations of the fields that name the document: the error names it as the API now does, not as before. */
const IDENTITY = /^[a-z-]+:(invoice\.invoiceNo|Number)$|^huge-int:every-numeric-field$/;

interface NodeCase {
	mutation: string;
	/** What a clear error must name: the document number or id. */
	names: string[];
	/** The id the workflow asks for. */
	id: string;
}

function exportWorkflow(system: 'billy' | 'dinero'): WorkflowJson {
	const source =
		system === 'billy'
			? {
					type: nodeType('billy'),
					parameters: { resource: 'invoice', operation: 'get', findBy: 'id', documentId: '={{ $json.id }}' },
					credentials: { billyApi: { id: 'billy', name: 'Billy' } },
				}
			: {
					type: nodeType('dinero'),
					parameters: {
						authentication: 'dineroApi',
						sellerDetails: seller,
						resource: 'invoice',
						operation: 'get',
						findBy: 'id',
						documentId: '={{ $json.id }}',
					},
					credentials: { dineroApi: { id: 'dinero', name: 'Dinero' } },
				};
	return {
		name: `hostile ${system}`,
		nodes: [
			{
				id: 's',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{ id: 'a', name: 'Source', typeVersion: 1, position: [200, 0], continueOnFail: true, ...source } as never,
			{
				id: 'u',
				name: 'Invoice to UBL',
				type: nodeType('invoiceToUbl'),
				typeVersion: 1,
				position: [400, 0],
				parameters: {
					invoiceSource: 'field',
					invoiceField: 'invoice',
					format: 'peppol-bis3',
					onInvalid: 'fail',
					options: {},
				},
				onError: 'continueRegularOutput',
			} as never,
		],
		connections: {
			Start: { main: [[{ node: 'Source', type: 'main', index: 0 }]] },
			Source: { main: [[{ node: 'Invoice to UBL', type: 'main', index: 0 }]] },
		},
	};
}

interface Judged {
	c: NodeCase;
	pass: boolean;
	why?: string;
	outcome: 'error' | 'document';
}

/** Judge the Invoice to UBL output items (paired to the input cases); documents go to the validator. */
async function judge(result: RunResult, cases: NodeCase[]): Promise<Judged[]> {
	const out = result.output('Invoice to UBL');
	assert.equal(out.length, cases.length, 'one output item per input item: nothing dropped');
	const judged: Judged[] = [];
	const docs: Record<string, string> = {};
	for (const [i, item] of out.entries()) {
		const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
		const c = cases[typeof paired === 'object' ? paired.item : Number(paired)];
		assert.ok(c, `item ${i} is paired`);
		const error = item.json.error as string | IDataObject | undefined;
		if (error !== undefined) {
			const message = typeof error === 'string' ? error : `${String(error.message)} ${String(error.description ?? '')}`;
			const named = !c.names.length || IDENTITY.test(c.mutation) || c.names.some((n) => message.includes(n));
			const crash = /is not a function|Cannot read propert|is not iterable|Maximum call stack/.test(message);
			judged.push({
				c,
				outcome: 'error',
				pass: named && !crash && message.trim().length > 15,
				why: !named
					? `error does not name ${c.names.join(' / ')}: ${message.slice(0, 200)}`
					: crash
						? `crash: ${message.slice(0, 200)}`
						: undefined,
			});
		} else if (item.binary?.document && (item.json.document as IDataObject)?.valid === true) {
			docs[`${i}.xml`] = (await binaryBuffer(item.binary.document)).toString('utf8');
			judged.push({ c, outcome: 'document', pass: true });
		} else {
			judged.push({
				c,
				outcome: 'error',
				pass: false,
				why: `neither a document nor an error: ${JSON.stringify(item.json).slice(0, 200)}`,
			});
		}
	}
	const names = Object.keys(docs);
	for (let i = 0; i < names.length; i += 100) {
		const batch = Object.fromEntries(names.slice(i, i + 100).map((n) => [n, docs[n]]));
		const results = await validateDocuments(batch);
		for (const [name, r] of Object.entries(results)) {
			const fatal = fatalIds(r);
			if (fatal.length) {
				const j = judged[Number(name.split('.')[0])];
				j.pass = false;
				j.why = `a document the validator rejects: ${fatal.join(', ')}`;
			}
		}
	}
	return judged;
}

/** Every place a secret could surface: output items of every node, the run error, captured output. */
function leaks(result: RunResult): string[] {
	const texts: string[] = [];
	for (const name of ['Start', 'Source', 'Invoice to UBL'])
		for (const output of result.outputs(name))
			for (const item of output as INodeExecutionData[]) texts.push(JSON.stringify(item));
	if (result.error) texts.push(JSON.stringify(result.error), result.error.message, String(result.error.stack));
	texts.push(...captured);
	// The scan must see something: n8n's debug log lines of this run were captured.
	assert.ok(captured.length > 0, 'log lines were captured');
	return secretsIn(texts);
}

function secretsIn(texts: string[]): string[] {
	const found: string[] = [];
	// Also every token the echoing answers saw on a request (Dinero's tokens are issued by the emulator).
	for (const [name, secret] of Object.entries(allSecrets(SECRETS)))
		if (texts.some((t) => t.includes(secret))) found.push(name);
	return found;
}

function report(system: string, judged: Judged[]): void {
	const passed = judged.filter((j) => j.pass).length;
	console.log(
		`hostile ${system} node: ${passed}/${judged.length} pass (${((100 * passed) / judged.length).toFixed(1)}%); ` +
			`${judged.filter((j) => j.outcome === 'error').length} clear per-item errors, ${judged.filter((j) => j.outcome === 'document').length} valid documents`,
	);
	for (const j of judged.filter((x) => !x.pass).slice(0, 40)) console.log(`  FAIL ${j.c.mutation}: ${j.why}`);
}

describe('hostile API answers through the nodes (real engine)', () => {
	describe('Billy', () => {
		let emulator: BillyEmulator;
		const faults = new Faults();
		before(async () => {
			emulator = await createBillyEmulator(path.join(repoRoot, 'test', 'fixtures', 'billy'), {
				accessToken: SECRETS.billyToken,
				faults,
			});
		});
		after(async () => await emulator.close());

		it('every hostile answer ends in a clear per-item error or a valid document; no secret anywhere', async () => {
			const store = emulator.store;
			const base = store.invoices.find(
				(i) => i.state === 'approved' && i.type === 'invoice' && (i.lines?.length ?? 0) >= 2,
			)!;
			const contact = store.contacts.find((c) => c.id === base.contactId)!;
			const cases: NodeCase[] = [];
			mutations({ invoice: base, contact } as never, {
				bigStringAt: ['invoice', 'lines', 0, 'description'],
				skip: /^invoice\.(id|organizationId|downloadUrl)$|^contact\.id$/,
			}).forEach((m, i) => {
				const id = `hostile-${i}`;
				const parsed = readJson(m.text); // as n8n reads a JSON answer
				if (
					parsed &&
					typeof parsed === 'object' &&
					!Array.isArray(parsed) &&
					parsed.invoice &&
					typeof parsed.invoice === 'object'
				) {
					const contactId = `hostile-contact-${i}`;
					store.invoices.push({
						...parsed.invoice,
						id,
						contactId: parsed.invoice.contactId === base.contactId ? contactId : parsed.invoice.contactId,
					});
					if (parsed.contact && typeof parsed.contact === 'object')
						store.contacts.push({ ...parsed.contact, id: contactId });
				} else {
					// Not a record at all: served as the body of the answer.
					faults.serve({ match: new RegExp(`^GET /v2/invoices/${id}[?/]?`), body: m.text });
				}
				cases.push({ mutation: m.name, names: [String(base.invoiceNo), id], id });
			});
			for (const [i, raw] of rawBodies(SECRETS.billyToken).entries()) {
				const id = `hostile-raw-${i}`;
				faults.serve({
					match: new RegExp(`^GET /v2/invoices/${id}(\\?|$)`),
					status: raw.status,
					contentType: raw.contentType,
					headers: raw.headers,
					body: raw.body,
				});
				cases.push({ mutation: `raw:${raw.name}`, names: [id], id });
			}
			const runs = await inChunks(cases, (part) =>
				runWorkflow(exportWorkflow('billy'), {
					input: part.map((c) => ({ id: c.id })),
					credentials: { billy: { accessToken: SECRETS.billyToken, environment: 'sandbox', baseUrl: emulator.url } },
				}),
			);
			const judged = await judgeRuns(runs);
			report('Billy', judged);
			assert.ok(judged.length >= 100, `at least 100 Billy cases (got ${judged.length})`);
			assert.deepEqual(
				runs.flatMap(({ result }) => leaks(result)),
				[],
				'no credential value in any output, error or log line',
			);
			assert.ok(secretsIn([`x${SECRETS.billyToken}x`]).includes('billyToken'), 'the scan finds a planted secret');
			assert.ok(
				faults.log.some((f) => f.kind === 'canned'),
				'the hostile bodies were served',
			);
			assert.deepEqual(
				judged.filter((j) => !j.pass).map((j) => `${j.c.mutation}: ${j.why}`),
				[],
			);
		});
	});

	describe('Dinero', () => {
		let emulator: DineroEmulator;
		const faults = new Faults();
		before(async () => {
			const dir = datasetCopy(undefined, {
				clientSecret: SECRETS.dineroClientSecret,
				apiKey: SECRETS.dineroApiKey,
				rateLimitPerMinute: 100_000,
			});
			emulator = await createDineroEmulator(dir, { faults });
		});
		after(async () => await emulator.close());

		it('every hostile answer ends in a clear per-item error or a valid document; no secret anywhere', async () => {
			const text = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'dinero', 'invoices.json'), 'utf8');
			const documents = normalizeKeys<Record<string, unknown>[]>(parseDineroJson(text));
			const contacts = emulator.data.contacts;
			const base = documents.find((d) => {
				const c = contacts.find((x) => x.ContactGuid === d.ContactGuid);
				return (
					d.Status === 'Booked' && !d.DeletedAt && c && !c.IsPerson && ((d.ProductLines as unknown[])?.length ?? 0) >= 2
				);
			})!;
			const org = emulator.organizationId;
			const cases: NodeCase[] = [];
			// The single-document answer is the document itself: every mutation is served as that body, verbatim
			// (so Int64.MaxValue reaches the client as the bare literal Dinero sends).
			mutations(base as never, {
				bigStringAt: ['ProductLines', 0, 'Description'],
				deepAt: ['ProductLines'],
				skip: /^Guid$/,
			}).forEach((m, i) => {
				const guid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
				faults.serve({ match: new RegExp(`^GET /v1/${org}/invoices/${guid}(\\?|$)`), body: m.text });
				cases.push({ mutation: m.name, names: [String(base.Number), guid, String(base.Guid)], id: guid });
			});
			for (const [i, raw] of rawBodies(SECRETS.dineroApiKey).entries()) {
				const guid = `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
				faults.serve({
					match: new RegExp(`^GET /v1/${org}/invoices/${guid}(\\?|$)`),
					status: raw.status,
					contentType: raw.contentType,
					headers: raw.headers,
					body: raw.body,
				});
				cases.push({ mutation: `raw:${raw.name}`, names: [guid], id: guid });
			}
			const runs = await inChunks(cases, (part) =>
				runWorkflow(exportWorkflow('dinero'), {
					input: part.map((c) => ({ id: c.id })),
					credentials: {
						dinero: {
							environment: 'sandbox',
							baseUrl: emulator.url,
							clientId: emulator.settings.clientId,
							clientSecret: SECRETS.dineroClientSecret,
							apiKey: SECRETS.dineroApiKey,
							organizationId: org,
							requestsPerMinute: 100_000,
						},
					},
				}),
			);
			const judged = await judgeRuns(runs);
			report('Dinero', judged);
			assert.ok(judged.length >= 100, `at least 100 Dinero cases (got ${judged.length})`);
			assert.deepEqual(
				runs.flatMap(({ result }) => leaks(result)),
				[],
				'no credential value in any output, error or log line',
			);
			assert.deepEqual(
				judged.filter((j) => !j.pass).map((j) => `${j.c.mutation}: ${j.why}`),
				[],
			);
		});
	});
});

/** The cases split over parallel runs (hostile answers mostly wait on retry back-off), each with a timeout. */
async function inChunks(cases: NodeCase[], run: (part: NodeCase[]) => Promise<RunResult>) {
	return await Promise.all(
		chunks(cases, PARALLEL_RUNS).map(async (part) => ({
			part,
			result: await capturing(() => withTimeout(run(part))),
		})),
	);
}

async function judgeRuns(runs: { part: NodeCase[]; result: RunResult }[]): Promise<Judged[]> {
	const judged: Judged[] = [];
	for (const { part, result } of runs) {
		assert.equal(result.error, undefined, result.error?.message);
		judged.push(...(await judge(result, part)));
	}
	return judged;
}

function readJson(text: string): { invoice?: BillyInvoice; contact?: BillyContact } | null {
	try {
		return JSON.parse(text) as { invoice?: BillyInvoice; contact?: BillyContact } | null;
	} catch {
		return null;
	}
}
