/**
 * Hostile answers through the delivery nodes in the real n8n engine: Maventa Send (token endpoint, send, status and
 * actions, receiver lookup) and Zenvoices Export (token login, company list, inbox upload). Answers on a path every
 * item shares (token, upload) get an emulator of their own per hostile answer; answers on per-item paths (status,
 * lookup) are served to one batch. Every case must end in a clear per-item error naming the invoice and the cause
 * (continue on fail: the rest of the batch goes on) or a correct delivery record; no credential value (API keys,
 * password, issued tokens, anything an echoing answer saw) in any output, error or captured debug log line.
 */
import { captured, capturing } from './capture';

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import {
	inlineBinary,
	nodeType,
	repoRoot,
	runWorkflow,
	testCredential,
	type CredentialStore,
	type WorkflowJson,
} from '../e2e/harness';
import { createMaventaEmulator } from '../sandbox/maventa/emulator';
import { createZenvoicesEmulator } from '../sandbox/zenvoices/emulator';
import type { Emulator } from '../sandbox/emulator';
import { Faults } from '../sandbox/faults';
import {
	allSecrets,
	caseVerdict,
	type CaseVerdict,
	CONTROL,
	chunks,
	datasetWith,
	entityTrap,
	inParallel,
	itemErrorText,
	judgeError,
	leakContexts,
	moreBodies,
	PARALLEL_RUNS,
	rawBodies,
	type RawBody,
	report,
	runTexts,
	secretsIn,
	withTimeout,
} from './node-support';

const SECRETS = {
	userApiKey: 'HOSTILE-maventa-userkey-Pq38sN1x',
	vendorApiKey: 'HOSTILE-maventa-vendorkey-Lc90vB6d',
	zenvoicesPassword: 'HOSTILE-zenvoices-password-Ut63hJ8k',
};
const maventaFixtures = path.join(repoRoot, 'test', 'fixtures', 'maventa');
const zenvoicesFixtures = path.join(repoRoot, 'test', 'sandbox', 'zenvoices', 'dataset');

const xml = (number: string) =>
	`<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>${number}</cbc:ID><cbc:IssueDate>2026-10-01</cbc:IssueDate></Invoice>`;

/** An item as Invoice to UBL leaves it: source, invoice, document and the XML. */
function documentItem(number: string, extra: IDataObject = {}): INodeExecutionData {
	return {
		json: {
			source: { system: 'severa', account: 'acme', id: `id-${number}`, number, kind: 'invoice', customerId: 'c1' },
			invoice: { number, kind: 'invoice', issueDate: '2026-10-01', buyer: { contact: { email: 'ap@example.com' } } },
			document: { format: 'peppol-bis3', fileName: `invoice-${number}.xml`, valid: true, findings: [] },
			route: { receiver: '0184:29947651' },
			...extra,
		},
		binary: { document: inlineBinary(xml(number), 'application/xml', `invoice-${number}.xml`) },
	};
}

function single(type: string, credential: string, parameters: IDataObject): WorkflowJson {
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
				name: 'Node',
				type: nodeType(type),
				typeVersion: 1,
				position: [200, 0],
				parameters: parameters as INode['parameters'],
				credentials: { [credential]: { id: credential, name: credential } },
				continueOnFail: true,
			} as INode,
		],
		connections: { Start: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
	};
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'object' ? paired.item : Number(paired);
}

describe('hostile answers through Maventa Send and Zenvoices Export (real engine)', () => {
	let trap: Awaited<ReturnType<typeof entityTrap>>;
	let maventaDir = '';
	let zenvoicesDir = '';
	/** Hostile answers per service: an echoing answer echoes what that service was sent (its own keys). */
	let bodies: RawBody[];
	let zenvoicesBodies: RawBody[];
	const tokens: string[] = [];
	const verdicts: CaseVerdict[] = [];
	const texts: string[] = [];

	before(async () => {
		trap = await entityTrap();
		maventaDir = datasetWith(maventaFixtures, { userApiKey: SECRETS.userApiKey, vendorApiKey: SECRETS.vendorApiKey });
		const zenvoicesInfo = JSON.parse(readFileSync(path.join(zenvoicesFixtures, 'dataset.json'), 'utf8')).settings;
		zenvoicesDir = datasetWith(zenvoicesFixtures, {
			users: zenvoicesInfo.users.map((u: IDataObject) => ({ ...u, password: SECRETS.zenvoicesPassword })),
		});
		const echo = `${SECRETS.userApiKey} ${SECRETS.vendorApiKey}`;
		bodies = [CONTROL, ...rawBodies(echo), ...moreBodies(echo, trap.url)];
		zenvoicesBodies = [
			CONTROL,
			...rawBodies(SECRETS.zenvoicesPassword),
			...moreBodies(SECRETS.zenvoicesPassword, trap.url),
		];
	});
	after(async () => await trap?.close());

	const record = (target: string, mutation: string, why: string | undefined, outcome: CaseVerdict['outcome']) =>
		verdicts.push(caseVerdict(target, mutation, why, outcome));

	const run = async (workflow: WorkflowJson, input: INodeExecutionData[], credentials: CredentialStore) => {
		const result = await capturing(() => withTimeout(runWorkflow(workflow, { input, credentials })));
		texts.push(...runTexts(result, ['Start', 'Node']));
		return result;
	};

	const serve = (faults: Faults, method: string, pathRegex: string, raw: RawBody) => {
		faults.clearCanned();
		if (raw === CONTROL) return;
		faults.serve({
			match: new RegExp(`^${method} ${pathRegex}(\\?|$)`),
			status: raw.status,
			contentType: raw.contentType,
			headers: raw.headers,
			body: raw.body,
		});
	};

	async function startMaventa() {
		const faults = new Faults();
		const emulator = await createMaventaEmulator(maventaDir, { faults });
		const settings = JSON.parse(readFileSync(path.join(maventaDir, 'dataset.json'), 'utf8')).settings as IDataObject;
		const token = (await (
			await fetch(`${emulator.url}/oauth2/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'client_credentials',
					client_id: String(settings.companyId),
					client_secret: SECRETS.userApiKey,
					vendor_api_key: SECRETS.vendorApiKey,
					scope: 'eui',
				}),
			})
		).json()) as { access_token: string };
		tokens.push(token.access_token);
		const credentials: CredentialStore = {
			maventaApi: {
				environment: 'sandbox',
				baseUrl: emulator.url,
				companyId: String(settings.companyId),
				userApiKey: SECRETS.userApiKey,
				vendorApiKey: SECRETS.vendorApiKey,
				scope: 'eui',
				accessToken: token.access_token,
			},
		};
		return { emulator: emulator as Emulator, faults, credentials };
	}

	async function startZenvoices() {
		const faults = new Faults();
		const emulator = await createZenvoicesEmulator(zenvoicesDir, { faults });
		const login = (await (
			await fetch(`${emulator.url}/api/TokenAuth/TokenLogin`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					userNameOrEmailAddress: 'api@nordic-ap.example',
					password: SECRETS.zenvoicesPassword,
					tenancyName: emulator.tenancyName,
				}),
			})
		).json()) as { result: { accessToken: string } };
		tokens.push(login.result.accessToken);
		const credentials: CredentialStore = {
			zenvoicesApi: {
				environment: 'sandbox',
				baseUrl: emulator.url,
				username: 'api@nordic-ap.example',
				password: SECRETS.zenvoicesPassword,
				organisationCode: emulator.tenancyName,
				accessToken: login.result.accessToken,
			},
		};
		return { emulator: emulator as Emulator, faults, credentials };
	}

	/** A send: a clear error naming the invoice, or `sent` with a usable Maventa id. */
	function judgeSend(target: string, mutation: string, item: INodeExecutionData | undefined, number: string): void {
		if (!item) {
			record(target, mutation, 'the item was dropped', 'error');
			return;
		}
		const error = itemErrorText(item.json);
		if (error) {
			record(target, mutation, judgeError(error, [number]), 'error');
			return;
		}
		const delivery = (item.json.delivery ?? {}) as IDataObject;
		const ok =
			delivery.status === 'sent' && typeof delivery.remoteId === 'string' && /^[\w.:-]{1,100}$/.test(delivery.remoteId);
		record(
			target,
			mutation,
			ok ? undefined : `not a usable delivery: ${JSON.stringify(delivery).slice(0, 200)}`,
			'result',
		);
	}

	it('Maventa Send: hostile token and send answers (an emulator per answer)', async () => {
		await inParallel(bodies, PARALLEL_RUNS, async (raw, i) => {
			const own = await startMaventa();
			try {
				const number = `M-${7000 + i}`;
				// Send: the upload is answered with the hostile body.
				serve(own.faults, 'POST', '/v1/invoices', raw);
				const sent = await run(
					single('maventaSend', 'maventaApi', { operation: 'send', sendOriginalPdf: false, sendByEmail: false }),
					[documentItem(number)],
					own.credentials,
				);
				assert.equal(sent.error, undefined, sent.error?.message);
				judgeSend('maventa send', raw.name, sent.output('Node')[0], number);

				// Token: no stored token; the token request gets the hostile answer.
				serve(own.faults, 'POST', '/oauth2/token', raw);
				const token = await run(
					single('maventaSend', 'maventaApi', { operation: 'send', sendOriginalPdf: false, sendByEmail: false }),
					[documentItem(`${number}-T`)],
					{ maventaApi: { ...own.credentials.maventaApi, accessToken: '' } },
				);
				assert.equal(token.error, undefined, token.error?.message);
				judgeSend('maventa token', raw.name, token.output('Node')[0], `${number}-T`);
				// The editor's "Test credential" meets the same token answer: its message is scanned too.
				texts.push(
					await capturing(() =>
						testCredential('maventaApi', { ...own.credentials.maventaApi, accessToken: '' }).then(
							(r) => r.message,
							(e: Error) => `${e.message} ${String(e.stack)}`,
						),
					),
				);
			} finally {
				await own.emulator.close();
			}
		});
	});

	it('Maventa Send: hostile status, actions and receiver-lookup answers (one batch)', async () => {
		const own = await startMaventa();
		try {
			const statusCases: { id: string; number: string; mutation: string }[] = [];
			const lookupCases: { eia: string; mutation: string }[] = [];
			lookupCases.push({ eia: '0184:29947651', mutation: CONTROL.name });
			// The status control: an answer in the documented shape, with its actions history.
			const delivered = randomUUID();
			own.faults.serve({
				match: new RegExp(`^GET /v1/invoices/${delivered}(\\?|$)`),
				body: JSON.stringify({
					id: delivered,
					status: 'DELIVERED',
					destination: 'EINVOICE',
					actions: [
						{ type: 'DELIVERED', channel: 'EINVOICE', message: 'Delivered', happened_at: '2026-10-01T10:00:00Z' },
					],
				}),
			});
			statusCases.push({ id: delivered, number: 'S-control', mutation: CONTROL.name });
			for (const [i, raw] of bodies.filter((b) => b !== CONTROL).entries()) {
				const id = randomUUID();
				own.faults.serve({
					match: new RegExp(`^GET /v1/invoices/${id}(\\?|$)`),
					status: raw.status,
					contentType: raw.contentType,
					headers: raw.headers,
					body: raw.body,
				});
				statusCases.push({ id, number: `S-${i}`, mutation: `status:${raw.name}` });
				const withActions = randomUUID();
				own.faults.serve({
					match: new RegExp(`^GET /v1/invoices/${withActions}(\\?|$)`),
					body: JSON.stringify({ id: withActions, status: 'DELIVERED', destination: 'EINVOICE' }),
				});
				own.faults.serve({
					match: new RegExp(`^GET /v1/invoices/${withActions}/actions(\\?|$)`),
					status: raw.status,
					contentType: raw.contentType,
					headers: raw.headers,
					body: raw.body,
				});
				statusCases.push({ id: withActions, number: `A-${i}`, mutation: `actions:${raw.name}` });
				const eia = `0088:${String(5790000000000 + i)}`;
				own.faults.serve({
					match: new RegExp(`^GET /v1/lookup/receivers\\?[^ ]*eia=${encodeURIComponent(eia)}[^ ]*`),
					status: raw.status,
					contentType: raw.contentType,
					headers: raw.headers,
					body: raw.body,
				});
				lookupCases.push({ eia, mutation: `lookup:${raw.name}` });
			}
			await Promise.all(
				chunks(statusCases, PARALLEL_RUNS).map(async (part) => {
					const result = await run(
						single('maventaSend', 'maventaApi', {
							operation: 'getStatus',
							invoiceId: '={{ $json.delivery.remoteId }}',
							includeActions: true,
						}),
						part.map((c) => ({
							json: {
								source: { system: 'severa', number: c.number, kind: 'invoice' },
								delivery: {
									channel: 'maventa',
									status: 'sent',
									remoteId: c.id,
									idempotencyKey: `k-${c.number}`,
									attempts: 1,
								},
							},
						})),
						own.credentials,
					);
					assert.equal(result.error, undefined, result.error?.message);
					for (const item of result.output('Node')) {
						const c = part[pairedIndex(item)];
						const error = itemErrorText(item.json);
						if (error) {
							record('maventa status', c.mutation, judgeError(error, [c.number]), 'error');
							continue;
						}
						const delivery = (item.json.delivery ?? {}) as IDataObject;
						const maventa = (item.json.maventa ?? {}) as IDataObject;
						const ok =
							['pending', 'delivered', 'failed'].includes(String(delivery.status)) &&
							typeof maventa.status === 'string' &&
							maventa.id === c.id &&
							(maventa.actions === undefined ||
								(Array.isArray(maventa.actions) && maventa.actions.every((a) => a && typeof a === 'object')));
						record(
							'maventa status',
							c.mutation,
							ok ? undefined : `not a usable status: ${JSON.stringify(item.json).slice(0, 240)}`,
							'result',
						);
					}
				}),
			);
			await Promise.all(
				chunks(lookupCases, PARALLEL_RUNS).map(async (part) => {
					const result = await run(
						single('maventaSend', 'maventaApi', {
							operation: 'lookupReceiver',
							networks: ['PEPPOL'],
							eia: '={{ $json.eia }}',
						}),
						part.map((c) => ({ json: { eia: c.eia } })),
						own.credentials,
					);
					assert.equal(result.error, undefined, result.error?.message);
					const out = result.output('Node');
					for (const [i, c] of part.entries()) {
						const mine = out.filter((item) => pairedIndex(item) === i);
						const error = mine.map((item) => itemErrorText(item.json)).find(Boolean);
						if (error) record('maventa lookup', c.mutation, judgeError(error, [c.eia]), 'error');
						else {
							const bad = mine.find(
								(item) => typeof item.json.eia !== 'string' && typeof item.json.participant !== 'object',
							);
							record(
								'maventa lookup',
								c.mutation,
								bad ? `not a receiver: ${JSON.stringify(bad.json).slice(0, 200)}` : undefined,
								'result',
							);
						}
					}
				}),
			);
		} finally {
			await own.emulator.close();
		}
	});

	it('Zenvoices Export: hostile token, company list and upload answers (an emulator per answer)', async () => {
		const listBodies: RawBody[] = [
			...zenvoicesBodies,
			{
				name: 'same-page-forever',
				status: 200,
				contentType: 'application/json',
				body: JSON.stringify({ items: [{ id: 101, code: 'NORDLYS', name: 'Nordlys ApS' }] }),
			},
			{
				name: 'items-not-a-list',
				status: 200,
				contentType: 'application/json',
				body: JSON.stringify({ result: { items: 'NORDLYS', totalCount: 1 }, __abp: true }),
			},
			{
				name: 'company-without-id',
				status: 200,
				contentType: 'application/json',
				body: JSON.stringify({ items: [{ code: 'NORDLYS', name: '<b>&' }], totalCount: 1 }),
			},
		];
		const targets: [string, string, RawBody[]][] = [
			['zenvoices token', '/api/TokenAuth/TokenLogin', zenvoicesBodies],
			['zenvoices company list', '/public-api/v1/administration/list', listBodies],
			['zenvoices upload', '/public-api/v1/inbox/upload', zenvoicesBodies],
		];
		const jobs = targets.flatMap(([target, pathRegex, list]) => list.map((raw) => ({ target, pathRegex, raw })));
		await inParallel(jobs, PARALLEL_RUNS, async ({ target, pathRegex, raw }, i) => {
			const own = await startZenvoices();
			try {
				serve(own.faults, 'POST', pathRegex, raw);
				const number = `Z-${9000 + i}`;
				const credentials =
					target === 'zenvoices token'
						? { zenvoicesApi: { ...own.credentials.zenvoicesApi, accessToken: '' } }
						: own.credentials;
				const result = await run(
					single('zenvoicesExport', 'zenvoicesApi', {
						resource: 'document',
						operation: 'exportToInbox',
						company: { __rl: true, mode: 'code', value: 'NORDLYS' },
						send: 'xml',
						exportOptions: {},
					}),
					[documentItem(number)],
					credentials,
				);
				assert.equal(result.error, undefined, result.error?.message);
				const [item] = result.output('Node');
				const error = item ? itemErrorText(item.json) : 'the item was dropped';
				if (error) record(target, raw.name, judgeError(error, [number]), 'error');
				else {
					const delivery = (item.json.delivery ?? {}) as IDataObject;
					const ok =
						delivery.status === 'delivered' &&
						typeof delivery.remoteId === 'string' &&
						/^[\w.:-]{1,100}$/.test(delivery.remoteId);
					record(
						target,
						raw.name,
						ok ? undefined : `not a usable delivery: ${JSON.stringify(delivery).slice(0, 200)}`,
						'result',
					);
				}
			} finally {
				await own.emulator.close();
			}
		});
	});

	it('totals: every case passed, nothing fetched, no secret anywhere', () => {
		const failures = report('Maventa/Zenvoices', verdicts);
		assert.ok(verdicts.length >= 200, `at least 200 delivery cases (got ${verdicts.length})`);
		assert.ok(captured.length > 0, 'log lines were captured');
		assert.deepEqual(trap.hits, [], 'no entity or DTD was fetched');
		const secrets = allSecrets(SECRETS, tokens);
		const leaks = secretsIn([...texts, ...captured], secrets);
		assert.deepEqual(
			leaks,
			[],
			`no credential value anywhere:\n${leakContexts([...texts, ...captured], secrets).join('\n')}`,
		);
		assert.ok(secretsIn([`x${tokens[0]}x`], secrets).includes('token0'), 'the scan finds a planted secret');
		assert.deepEqual(failures, []);
	});
});
