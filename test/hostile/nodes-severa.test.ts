/**
 * Hostile Visma Severa answers through the Severa nodes in the real n8n engine: the emulator serves mutated invoice
 * records (generated from the shipped dataset) and raw hostile bodies at every endpoint the nodes read (invoice,
 * rows, customer, invoice list, PDF, status patch, invoice statuses, the token endpoint), for the Severa Invoice
 * Status node (get → Invoice to UBL, get many, download PDF, set status, list statuses) and the Severa Invoice Status
 * Trigger (a poll). Every case must end in a clear per-item error (or, for a poll, a clear poll error) naming the
 * invoice and the cause, or a correct result (documents judged by the official validator); the client secret and
 * the access token must not appear in any output, error or captured debug log line.
 */
import { captured, capturing } from './capture';

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import {
	binaryBuffer,
	nodeType,
	pollTrigger,
	repoRoot,
	runWorkflow,
	testCredential,
	type CredentialStore,
	type RunResult,
	type WorkflowJson,
} from '../e2e/harness';
import { createSeveraEmulator, type SeveraEmulator } from '../sandbox/severa/emulator';
import { Faults } from '../sandbox/faults';
import { fatalIds, validateDocuments } from '../support/validator';
import { mutations } from './mutate';
import {
	allSecrets,
	caseVerdict,
	type CaseVerdict,
	CONTROL,
	chunks,
	datasetWith,
	inParallel,
	leakContexts,
	PARALLEL_RUNS,
	entityTrap,
	itemErrorText,
	judgeError,
	moreBodies,
	rawBodies,
	type RawBody,
	report,
	runTexts,
	secretsIn,
	withTimeout,
} from './node-support';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'severa');
const CLIENT_SECRET = 'HOSTILE-severa-secret-Mz47qW2c';
type Json = Record<string, any>;

describe('hostile Severa answers through the Severa nodes (real engine)', () => {
	let severa: SeveraEmulator;
	let trap: Awaited<ReturnType<typeof entityTrap>>;
	let faults: Faults;
	let credentials: CredentialStore;
	let datasetDir = '';
	const tokens: string[] = [];
	let bodies: RawBody[];
	const verdicts: CaseVerdict[] = [];
	let validated = 0;
	const texts: string[] = [];
	const invoices = JSON.parse(readFileSync(path.join(fixtures, 'invoices.json'), 'utf8')) as Json[];
	const rows = JSON.parse(readFileSync(path.join(fixtures, 'invoicerows.json'), 'utf8')) as Json[];
	const statusGuids = JSON.parse(readFileSync(path.join(fixtures, 'dataset.json'), 'utf8')).settings.statuses as Json;
	const base = invoices.find((i) => i.status?.guid === statusGuids.toTransfer && !i.isCreditNote)!;
	const baseRows = rows.filter((r) => r.invoiceGuid === base.guid);

	/** A Severa emulator with its own fault injection and a token issued up front (so the scan knows its value). */
	async function startSevera(dir: string) {
		const settings = JSON.parse(readFileSync(path.join(dir, 'dataset.json'), 'utf8')).settings as Json;
		const ownFaults = new Faults();
		const emulator = await createSeveraEmulator(dir, { faults: ownFaults });
		const token = (await (
			await fetch(`${emulator.url}/v1/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					client_id: settings.clientId,
					client_secret: CLIENT_SECRET,
					scope: settings.scopes.join(','),
				}),
			})
		).json()) as { access_token: string };
		tokens.push(token.access_token);
		const store: CredentialStore = {
			severaApi: {
				environment: 'sandbox',
				baseUrl: emulator.url,
				clientId: settings.clientId,
				clientSecret: CLIENT_SECRET,
				scopes: settings.scopes.join(','),
				accessToken: token.access_token,
			},
		};
		return { emulator, faults: ownFaults, credentials: store, token: token.access_token };
	}

	before(async () => {
		trap = await entityTrap();
		datasetDir = datasetWith(fixtures, { clientSecret: CLIENT_SECRET });
		const started = await startSevera(datasetDir);
		severa = started.emulator;
		faults = started.faults;
		credentials = started.credentials;
		bodies = [CONTROL, ...rawBodies(CLIENT_SECRET), ...moreBodies(CLIENT_SECRET, trap.url)];
	});
	after(async () => {
		await severa?.close();
		await trap?.close();
	});

	const record = (target: string, mutation: string, why: string | undefined, outcome: CaseVerdict['outcome']) =>
		verdicts.push(caseVerdict(target, mutation, why, outcome));
	/** The hostile answers of the batch tests (their control cases use a record the emulator knows). */
	const hostile = () => bodies.filter((b) => b !== CONTROL);

	const run = async (workflow: WorkflowJson, input: IDataObject[], nodes: string[], store = credentials) => {
		const result = await capturing(() => withTimeout(runWorkflow(workflow, { input, credentials: store })));
		texts.push(...runTexts(result, nodes));
		return result;
	};

	/** The cases split over parallel runs of the same workflow (hostile answers mostly wait on retry back-off). */
	const runChunked = async <C>(workflow: WorkflowJson, cases: C[], input: (c: C) => IDataObject, nodes: string[]) =>
		await Promise.all(
			chunks(cases, PARALLEL_RUNS).map(async (part) => ({
				cases: part,
				result: await run(workflow, part.map(input), nodes),
			})),
		);

	const serveFor = (pathRegex: string, raw: RawBody, method = 'GET') =>
		faults.serve({
			match: new RegExp(`^${method} ${pathRegex}(\\?|$)`),
			status: raw.status,
			contentType: raw.contentType,
			headers: raw.headers,
			body: raw.body,
		});

	const invoiceBody = (guid: string, patch: Json = {}) => JSON.stringify({ ...base, guid, ...patch });
	const serveInvoice = (guid: string, patch: Json = {}) => {
		faults.serve({ match: new RegExp(`^GET /v1/invoices/${guid}(\\?|$)`), body: invoiceBody(guid, patch) });
		faults.serve({
			match: new RegExp(`^GET /v1/invoices/${guid}/invoicerows(\\?|$)`),
			body: JSON.stringify(baseRows.map((r) => ({ ...r, invoiceGuid: guid }))),
		});
	};

	it('get → Invoice to UBL: mutated records and hostile invoice, rows and customer answers', async () => {
		faults.clearCanned();
		const cases: { id: string; mutation: string; names: string[] }[] = [];
		mutations(base as never, { bigStringAt: ['notes'], deepAt: ['projects'], skip: /^guid$/ }).forEach((m) => {
			const guid = randomUUID();
			faults.serve({ match: new RegExp(`^GET /v1/invoices/${guid}(\\?|$)`), body: m.text });
			cases.push({ id: guid, mutation: m.name, names: [String(base.number), guid] });
		});
		cases.push({ id: base.guid, mutation: CONTROL.name, names: [String(base.number)] });
		for (const raw of hostile()) {
			const guid = randomUUID();
			serveFor(`/v1/invoices/${guid}`, raw);
			cases.push({ id: guid, mutation: `invoice:${raw.name}`, names: [guid] });
			const rowsGuid = randomUUID();
			faults.serve({ match: new RegExp(`^GET /v1/invoices/${rowsGuid}(\\?|$)`), body: invoiceBody(rowsGuid) });
			serveFor(`/v1/invoices/${rowsGuid}/invoicerows`, raw);
			cases.push({ id: rowsGuid, mutation: `rows:${raw.name}`, names: [String(base.number)] });
			const customerGuid = randomUUID();
			const withCustomer = randomUUID();
			faults.serve({
				match: new RegExp(`^GET /v1/invoices/${withCustomer}(\\?|$)`),
				body: invoiceBody(withCustomer, {
					customer: { ...base.customer, guid: customerGuid },
					billingCustomer: { ...base.billingCustomer, guid: customerGuid },
				}),
			});
			serveFor(`/v1/customers/${customerGuid}`, raw);
			cases.push({ id: withCustomer, mutation: `customer:${raw.name}`, names: [String(base.number)] });
		}
		// The rows of every generated invoice: the shipped rows of the base invoice.
		faults.serve({ match: /^GET \/v1\/invoices\/[^/?]+\/invoicerows(\?|$)/, body: JSON.stringify(baseRows) });
		const runs = await runChunked(
			chain({ resource: 'invoice', operation: 'get', invoiceId: '={{ $json.id }}' }, true),
			cases,
			(c) => ({ id: c.id }),
			['Start', 'Severa', 'Invoice to UBL'],
		);
		for (const { result, cases: part } of runs) {
			assert.equal(result.error, undefined, result.error?.message);
			await judgeDocuments(result, part, 'get');
		}
		assert.ok(cases.length >= 150, `at least 150 get cases (got ${cases.length})`);
	});

	it('get many: hostile invoice lists', async () => {
		faults.clearCanned();
		const cases: { customer: string; mutation: string }[] = [];
		cases.push({ customer: base.customer.guid, mutation: CONTROL.name });
		const lists: RawBody[] = [
			...hostile(),
			{ name: 'list-with-null', status: 200, contentType: 'application/json', body: JSON.stringify([base, null]) },
			{ name: 'object-instead-of-list', status: 200, contentType: 'application/json', body: JSON.stringify(base) },
			{
				name: 'list-of-hostile-records',
				status: 200,
				contentType: 'application/json',
				body: JSON.stringify([{ ...base, guid: 12, number: { x: 1 } }, { guid: '<&>' }]),
			},
		];
		for (const raw of lists) {
			const customer = randomUUID();
			serveFor(`/v1/invoices\\?[^ ]*customerGuids=${customer}[^ ]*`, raw);
			cases.push({ customer, mutation: `list:${raw.name}` });
		}
		faults.serve({ match: /^GET \/v1\/invoices\/[^/?]+\/invoicerows(\?|$)/, body: JSON.stringify(baseRows) });
		const runs = await runChunked(
			chain(
				{
					resource: 'invoice',
					operation: 'getMany',
					returnAll: true,
					output: 'raw',
					filters: { customer: { __rl: true, mode: 'id', value: '={{ $json.customer }}' } },
				},
				false,
			),
			cases,
			(c) => ({ customer: c.customer }),
			['Start', 'Severa'],
		);
		for (const { result, cases: part } of runs) judgeLists(result, part);
	});

	function judgeLists(result: RunResult, cases: { customer: string; mutation: string }[]) {
		assert.equal(result.error, undefined, result.error?.message);
		const out = result.output('Severa');
		for (const [i, c] of cases.entries()) {
			const mine = out.filter((item) => pairedIndex(item) === i);
			const errors = mine.map((item) => itemErrorText(item.json)).filter((e): e is string => !!e);
			if (errors.length) record('severa get many', c.mutation, judgeError(errors[0], []), 'error');
			else {
				const bad = mine.find((item) => typeof item.json.guid !== 'string' || !item.json.guid);
				record(
					'severa get many',
					c.mutation,
					bad ? `an invoice without a guid was passed on: ${JSON.stringify(bad.json).slice(0, 200)}` : undefined,
					'result',
				);
			}
		}
	}

	it('download PDF and set status: hostile answers', async () => {
		faults.clearCanned();
		const pdfCases: { id: string; number: string; mutation: string }[] = [];
		const statusCases: { id: string; number: string; mutation: string }[] = [];
		pdfCases.push({ id: base.guid, number: String(base.number), mutation: CONTROL.name });
		const other = invoices.find((i) => i.guid !== base.guid && i.number !== null && !i.isCreditNote)!;
		statusCases.push({ id: other.guid, number: String(other.number), mutation: CONTROL.name });
		const pdfBodies: RawBody[] = [
			...hostile(),
			{ name: 'json-error-as-pdf', status: 200, contentType: 'application/pdf', body: '{"error":"no file"}' },
			{ name: 'html-as-pdf', status: 200, contentType: 'application/pdf', body: '<html>login</html>' },
		];
		for (const [i, raw] of pdfBodies.entries()) {
			const guid = randomUUID();
			const number = String(900_000 + i);
			serveInvoice(guid, { number: Number(number) });
			serveFor(`/v1/invoices/${guid}/pdf`, raw);
			pdfCases.push({ id: guid, number, mutation: `pdf:${raw.name}` });
		}
		for (const [i, raw] of hostile().entries()) {
			const guid = randomUUID();
			serveFor(`/v1/invoices/${guid}`, raw, 'PATCH');
			statusCases.push({ id: guid, number: `S-${800_000 + i}`, mutation: `patch:${raw.name}` });
		}
		const pdfRuns = await runChunked(
			chain({ resource: 'invoice', operation: 'downloadPdf', invoiceId: '={{ $json.id }}' }, false),
			pdfCases,
			(c) => ({ id: c.id }),
			['Start', 'Severa'],
		);
		for (const { result: pdf, cases: part } of pdfRuns) {
			assert.equal(pdf.error, undefined, pdf.error?.message);
			for (const item of pdf.output('Severa')) {
				const c = part[pairedIndex(item)];
				const error = itemErrorText(item.json);
				if (error) record('severa download PDF', c.mutation, judgeError(error, [c.number, c.id]), 'error');
				else {
					const bytes = item.binary?.pdf ? await binaryBuffer(item.binary.pdf) : Buffer.alloc(0);
					record(
						'severa download PDF',
						c.mutation,
						bytes.subarray(0, 5).toString('latin1') === '%PDF-'
							? undefined
							: `not a PDF was passed on as the invoice PDF: ${bytes.subarray(0, 60).toString('utf8')}`,
						'result',
					);
				}
			}
		}
		const statusRuns = await runChunked(
			chain(
				{
					resource: 'invoice',
					operation: 'setStatus',
					invoiceId: '={{ $json.source.id }}',
					status: { __rl: true, mode: 'id', value: statusGuids.afterTransfer },
				},
				false,
			),
			statusCases,
			(c) => ({ source: { system: 'severa', id: c.id, number: c.number, kind: 'invoice' } }),
			['Start', 'Severa'],
		);
		for (const { result: status, cases: part } of statusRuns) {
			assert.equal(status.error, undefined, status.error?.message);
			for (const item of status.output('Severa')) {
				const c = part[pairedIndex(item)];
				const error = itemErrorText(item.json);
				if (error) record('severa set status', c.mutation, judgeError(error, [c.number]), 'error');
				else {
					const changed = item.json.severaStatus as IDataObject | undefined;
					record(
						'severa set status',
						c.mutation,
						changed?.guid === statusGuids.afterTransfer && typeof changed?.name === 'string'
							? undefined
							: `a status change that did not happen was reported: ${JSON.stringify(item.json).slice(0, 200)}`,
						'result',
					);
				}
			}
		}
	});

	it('invoice statuses, the trigger poll and the token endpoint: hostile answers, one emulator per answer', async () => {
		await inParallel(bodies, PARALLEL_RUNS, async (raw) => {
			const own = await startSevera(datasetDir);
			const serve = (pathRegex: string, method = 'GET') => {
				own.faults.clearCanned();
				if (raw === CONTROL) return;
				own.faults.serve({
					match: new RegExp(`^${method} ${pathRegex}(\\?|$)`),
					status: raw.status,
					contentType: raw.contentType,
					headers: raw.headers,
					body: raw.body,
				});
			};
			try {
				// Invoice Status → Get Many
				serve('/v1/invoicestatuses');
				const statuses = await run(
					single('severaInvoiceStatus', { resource: 'invoiceStatus', operation: 'getMany', activeOnly: true }, {
						continueOnFail: true,
					} as Partial<INode>),
					[{}],
					['Start', 'Severa'],
					own.credentials,
				);
				judgeList('severa invoice statuses', raw.name, statuses, (json) =>
					typeof json.guid === 'string' && typeof json.name === 'string' ? undefined : 'a status without guid/name',
				);

				// Trigger: the status check and the invoice list
				for (const [target, pathRegex] of [
					['severa trigger (status)', `/v1/invoicestatuses/${statusGuids.toTransfer}`],
					['severa trigger (list)', '/v1/invoices'],
				] as const) {
					serve(pathRegex);
					const poll = await capturing(() =>
						withTimeout(pollTrigger(trigger(), 'Trigger', {}, 'trigger', { credentials: own.credentials })),
					);
					texts.push(poll.error ? `${poll.error.message} ${String(poll.error.stack)}` : '');
					for (const item of poll.items?.[0] ?? []) texts.push(JSON.stringify(item));
					if (poll.error) {
						const description = String((poll.error as { description?: unknown }).description ?? '');
						record(target, raw.name, judgeError(`${poll.error.message} ${description}`, []), 'error');
					} else {
						const bad = (poll.items?.[0] ?? []).find(
							(item) => !item.json.error && !(item.json.invoice && (item.json.source as IDataObject)?.id),
						);
						record(
							target,
							raw.name,
							bad ? `an item neither an invoice nor an error: ${JSON.stringify(bad.json).slice(0, 200)}` : undefined,
							'result',
						);
					}
				}

				// Token endpoint: no stored token, the token request gets the hostile answer.
				serve('/v1/token', 'POST');
				const tokenRun = await run(
					single(
						'severaInvoiceStatus',
						{ resource: 'invoice', operation: 'get', invoiceId: base.guid, output: 'raw' },
						{ continueOnFail: true } as Partial<INode>,
					),
					[{}],
					['Start', 'Severa'],
					{ severaApi: { ...own.credentials.severaApi, accessToken: '' } },
				);
				// The editor's "Test credential" meets the same token answer: its message is scanned too.
				texts.push(
					await capturing(() =>
						testCredential('severaApi', { ...own.credentials.severaApi, accessToken: '' }).then(
							(r) => r.message,
							(e: Error) => `${e.message} ${String(e.stack)}`,
						),
					),
				);
				const [item] = tokenRun.output('Severa');
				const error = item ? itemErrorText(item.json) : tokenRun.error?.message;
				if (error) record('severa token', raw.name, judgeError(error, [base.guid]), 'error');
				else
					record(
						'severa token',
						raw.name,
						item?.json.guid === base.guid ? undefined : 'no invoice, no error',
						'result',
					);
			} finally {
				await own.emulator.close();
			}
		});
	});

	it('totals: every case passed, nothing fetched, no secret anywhere', () => {
		const failures = report('Severa', verdicts);
		console.log(`  ${validated} distinct documents judged by the official validator`);
		assert.ok(verdicts.length >= 300, `at least 300 Severa cases (got ${verdicts.length})`);
		assert.ok(captured.length > 0, 'log lines were captured');
		assert.deepEqual(trap.hits, [], 'no entity or DTD was fetched');
		const secrets = allSecrets({ clientSecret: CLIENT_SECRET }, tokens);
		const leaks = secretsIn([...texts, ...captured], secrets);
		assert.deepEqual(
			leaks,
			[],
			`no credential value anywhere:\n${leakContexts([...texts, ...captured], secrets).join('\n')}`,
		);
		assert.ok(secretsIn([`x${tokens[0]}x`], secrets).includes('token0'), 'the scan finds a planted secret');
		assert.deepEqual(failures, []);
	});

	function judgeList(
		target: string,
		mutation: string,
		result: RunResult,
		check: (json: IDataObject) => string | undefined,
	) {
		if (result.error) {
			record(target, mutation, `the workflow failed: ${result.error.message}`, 'error');
			return;
		}
		const out = result.output('Severa');
		const errors = out.map((item) => itemErrorText(item.json)).filter((e): e is string => !!e);
		if (errors.length) record(target, mutation, judgeError(errors[0], []), 'error');
		else record(target, mutation, out.map((item) => check(item.json)).find(Boolean), 'result');
	}

	/** Invoice to UBL output items (paired to the cases): clear errors, or documents the validator accepts. */
	async function judgeDocuments(result: RunResult, cases: { mutation: string; names: string[] }[], op: string) {
		const out = result.output('Invoice to UBL');
		assert.equal(out.length, cases.length, 'one output item per input item: nothing dropped');
		const docs: Record<string, string> = {};
		const pending: Record<string, CaseVerdict> = {};
		for (const item of out) {
			const c = cases[pairedIndex(item)];
			const error = itemErrorText(item.json);
			const target = `severa ${op}`;
			if (error) {
				const identity = /^[a-z-]+:(number|guid)$|^huge-int:every-numeric-field$/.test(c.mutation);
				record(target, c.mutation, judgeError(error, identity ? [] : c.names), 'error');
			} else if (item.binary?.document && (item.json.document as IDataObject)?.valid === true) {
				const name = `${pairedIndex(item)}.xml`;
				docs[name] = (await binaryBuffer(item.binary.document)).toString('utf8');
				record(target, c.mutation, undefined, 'result');
				pending[name] = verdicts[verdicts.length - 1];
			} else
				record(
					target,
					c.mutation,
					`neither a document nor an error: ${JSON.stringify(item.json).slice(0, 200)}`,
					'error',
				);
		}
		// Each distinct document once: most mutations that map to a document map to the same one.
		const byHash = new Map<string, string[]>();
		for (const [name, xml] of Object.entries(docs)) {
			const hash = createHash('sha1').update(xml).digest('hex');
			byHash.set(hash, [...(byHash.get(hash) ?? []), name]);
		}
		const hashes = [...byHash.keys()];
		for (let i = 0; i < hashes.length; i += 100) {
			const batch = Object.fromEntries(hashes.slice(i, i + 100).map((h) => [`${h}.xml`, docs[byHash.get(h)![0]]]));
			for (const [file, r] of Object.entries(await validateDocuments(batch))) {
				const fatal = fatalIds(r);
				if (!fatal.length) continue;
				for (const name of byHash.get(file.replace(/\.xml$/, ''))!) {
					pending[name].pass = false;
					pending[name].why = `a document the validator rejects: ${fatal.join(', ')}`;
				}
			}
		}
		validated += hashes.length;
	}

	function trigger(): WorkflowJson {
		return {
			nodes: [
				{
					id: 't',
					name: 'Trigger',
					type: nodeType('severaInvoiceStatusTrigger'),
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						status: { __rl: true, mode: 'id', value: statusGuids.toTransfer },
						downloadPdf: false,
						includeExisting: true,
						options: {},
					} as unknown as INode['parameters'],
					credentials: { severaApi: { id: 's', name: 'Severa' } },
				},
			],
			connections: {},
		};
	}
});

function pairedIndex(item: INodeExecutionData): number {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'object' ? paired.item : Number(paired);
}

function single(type: string, parameters: IDataObject, node: Partial<INode> = {}): WorkflowJson {
	return {
		nodes: [
			{
				id: 's',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'n',
				name: 'Severa',
				type: nodeType(type),
				typeVersion: 1,
				position: [200, 0],
				parameters: parameters as INode['parameters'],
				credentials: { severaApi: { id: 's', name: 'Severa' } },
				...node,
			} as INode,
		],
		connections: { Start: { main: [[{ node: 'Severa', type: 'main', index: 0 }]] } },
	};
}

/** Start → Severa Invoice Status (continue on fail) [→ Invoice to UBL]. */
function chain(parameters: IDataObject, toUbl: boolean): WorkflowJson {
	const workflow = single('severaInvoiceStatus', parameters, { continueOnFail: true } as Partial<INode>);
	if (!toUbl) return workflow;
	workflow.nodes.push({
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
	} as INode);
	workflow.connections.Severa = { main: [[{ node: 'Invoice to UBL', type: 'main', index: 0 }]] };
	return workflow;
}
