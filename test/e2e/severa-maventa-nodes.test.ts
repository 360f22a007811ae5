/** Severa Invoice Status and Maventa Send operations one by one, in the real n8n engine against the emulators. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INode } from 'n8n-workflow';
import { createMaventaEmulator, type MaventaEmulator } from '../sandbox/maventa/emulator';
import { createSeveraEmulator, type SeveraEmulator } from '../sandbox/severa/emulator';
import {
	binaryBuffer,
	inlineBinary,
	pollTrigger,
	repoRoot,
	runWorkflow,
	type CredentialStore,
	type WorkflowJson,
} from './harness';

const fixtures = path.join(repoRoot, 'test', 'fixtures');
const severaSettings = require(path.join(fixtures, 'severa', 'dataset.json')).settings;
const maventaSettings = require(path.join(fixtures, 'maventa', 'dataset.json')).settings;

function single(type: string, parameters: IDataObject, node: Partial<INode> = {}): WorkflowJson {
	const credentials = type.endsWith('maventaSend')
		? { maventaApi: { id: 'm', name: 'Maventa' } }
		: { severaApi: { id: 's', name: 'Severa' } };
	return {
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'node',
				name: 'Node',
				type: `n8n-nodes-einvoice-export.${type}`,
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials,
				...node,
			} as INode,
		],
		connections: { Start: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
	};
}

describe('Severa Invoice Status and Maventa Send operations', () => {
	let severa: SeveraEmulator;
	let maventa: MaventaEmulator;
	let credentials: CredentialStore;
	const status = (name: string) => ({
		__rl: true,
		mode: 'id',
		value: severa.statuses.find((s) => s.name === name)!.guid,
	});

	before(async () => {
		severa = await createSeveraEmulator(path.join(fixtures, 'severa'));
		maventa = await createMaventaEmulator(path.join(fixtures, 'maventa'));
		credentials = {
			severaApi: {
				environment: 'sandbox',
				baseUrl: severa.url,
				clientId: severaSettings.clientId,
				clientSecret: severaSettings.clientSecret,
				scopes: severaSettings.scopes.join(','),
			},
			maventaApi: {
				environment: 'custom',
				baseUrl: `${maventa.url}/`,
				companyId: maventaSettings.companyId,
				userApiKey: maventaSettings.userApiKey,
				vendorApiKey: maventaSettings.vendorApiKey,
				scope: 'invoice:send lookup company:read',
			},
		};
	});
	after(async () => {
		await severa.close();
		await maventa.close();
	});

	it('"Fetch test event" shows the latest invoices in the status without moving the cursor', async () => {
		const trigger = (statusName: string, options: IDataObject): WorkflowJson => ({
			nodes: [
				{
					id: 't',
					name: 'Trigger',
					type: 'n8n-nodes-einvoice-export.severaInvoiceStatusTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: { status: status(statusName), downloadPdf: false, options } as unknown as INode['parameters'],
					credentials: { severaApi: { id: 's', name: 'Severa' } },
				},
			],
			connections: {},
		});
		const sample = await pollTrigger(trigger('To be transferred to Maventa', {}), 'Trigger', {}, 'manual', {
			credentials,
		});
		assert.equal(sample.error, undefined, sample.error?.message);
		assert.deepEqual(
			sample.items![0].map((i) => (i.json.source as IDataObject).number),
			['26166', '26165', '26164'],
		);
		assert.deepEqual(sample.staticData, {});
		const all = await pollTrigger(
			trigger('To be transferred to Maventa', { manualLimit: 0 }),
			'Trigger',
			{},
			'manual',
			{ credentials },
		);
		assert.equal(all.items![0].length, 26);
		const empty = await pollTrigger(trigger('Approved', {}), 'Trigger', {}, 'manual', { credentials });
		assert.equal(empty.items?.[0]?.length, 1, 'one invoice is approved');
		const none = await pollTrigger(trigger('Draft', {}), 'Trigger', {}, 'manual', { credentials });
		assert.equal(none.items?.[0]?.length, 1, 'the draft is listed; it becomes an error item, not a dropped invoice');
		assert.match(String(none.items![0][0].json.error), /draft/);
	});

	it('gets one invoice as a canonical e-invoice with its PDF', async () => {
		const guid = severa.invoices.find((i) => i.number === 26159)!.guid;
		const run = await runWorkflow(
			single('severaInvoiceStatus', { resource: 'invoice', operation: 'get', invoiceId: guid, downloadPdf: true }),
			{ credentials },
		);
		assert.equal(run.error, undefined, run.error?.message);
		const [item] = run.output('Node');
		const invoice = item.json.invoice as IDataObject;
		assert.equal(invoice.kind, 'creditNote');
		assert.deepEqual(invoice.precedingInvoices, [{ number: '26141' }]);
		assert.equal((item.json.source as IDataObject).id, guid);
		assert.equal((item.json.source as IDataObject).recipientOperator, '003721291126');
		assert.equal(item.binary!.pdf.fileName, 'credit-note-26159.pdf');
		assert.equal((await binaryBuffer(item.binary!.pdf)).subarray(0, 5).toString(), '%PDF-');
	});

	it('lists invoices by status, customer and date, as Severa JSON, paging past 100', async () => {
		const customer = severa.invoices.find((i) => i.number === 26141)!.customer.guid;
		const run = await runWorkflow(
			single('severaInvoiceStatus', {
				resource: 'invoice',
				operation: 'getMany',
				output: 'raw',
				returnAll: true,
				filters: {
					status: status('To be transferred to Maventa'),
					customer: { __rl: true, mode: 'id', value: customer },
					startDate: '2026-10-10T00:00:00',
					endDate: '2026-10-31T00:00:00',
				},
			}),
			{ credentials },
		);
		assert.equal(run.error, undefined, run.error?.message);
		assert.deepEqual(
			run.output('Node').map((i) => i.json.number),
			[26152, 26159],
		);
		const limited = await runWorkflow(
			single('severaInvoiceStatus', {
				resource: 'invoice',
				operation: 'getMany',
				output: 'canonical',
				returnAll: false,
				limit: 3,
			}),
			{ credentials },
		);
		assert.equal(limited.output('Node').length, 3);
		assert.ok(limited.output('Node').every((i) => (i.json.invoice as IDataObject).number));
	});

	it('reports a draft (no number) per item instead of dropping it', async () => {
		const draft = severa.invoices.find((i) => i.number === null)!;
		const run = await runWorkflow(
			single('severaInvoiceStatus', { resource: 'invoice', operation: 'get', invoiceId: draft.guid }),
			{ credentials },
		);
		const [item] = run.output('Node');
		assert.match(String(item.json.error), /has no invoice number yet \(a draft\)/);
		assert.equal(item.json.invoice, undefined);
	});

	it('downloads a PDF into the chosen field and lists active statuses', async () => {
		const guid = severa.invoices.find((i) => i.number === 26141)!.guid;
		const pdf = await runWorkflow(
			single('severaInvoiceStatus', {
				resource: 'invoice',
				operation: 'downloadPdf',
				invoiceId: guid,
				binaryProperty: 'file',
				pdfContent: 'InvoiceOnly',
			}),
			{ credentials },
		);
		assert.equal(pdf.output('Node')[0].binary!.file.mimeType, 'application/pdf');
		const statuses = await runWorkflow(
			single('severaInvoiceStatus', { resource: 'invoiceStatus', operation: 'getMany', activeOnly: true }),
			{ credentials },
		);
		const names = statuses.output('Node').map((i) => i.json.name);
		assert.equal(names.length, 8);
		assert.ok(!names.includes('Old: sent by post'));
	});

	it("fails a status change to an unknown status with Severa's message, naming the invoice, and goes on with the rest", async () => {
		const [a, b] = severa.invoices.filter((i) => i.number === 26170 || i.number === 26172);
		const run = await runWorkflow(
			single(
				'severaInvoiceStatus',
				{
					resource: 'invoice',
					operation: 'setStatus',
					invoiceId: '={{ $json.source.id }}',
					status: '={{ $json.target }}',
				},
				{ onError: 'continueErrorOutput' },
			),
			{
				credentials,
				input: [
					{
						json: {
							source: { id: a.guid, number: '26170', system: 'severa' },
							target: '00000000-0000-4000-8000-000000000000',
						},
					},
					{
						json: { source: { id: b.guid, number: '26172', system: 'severa' }, target: status('Transfer error').value },
					},
				],
			},
		);
		const [ok, failed] = run.outputs('Node');
		assert.equal(ok.length, 1);
		assert.equal((ok[0].json.source as IDataObject).status, 'Transfer error');
		assert.equal(failed.length, 1);
		assert.match(String(failed[0].json.error), /^Invoice 26170 \(severa\): .*does not exist.*\(InvalidParameter\)/);
		assert.equal((failed[0].json.source as IDataObject).number, '26170', 'the item keeps its data on the error output');
	});

	it('fetches a new token when the stored one has expired (401) and repeats the call', async () => {
		const stale = { ...credentials, severaApi: { ...credentials.severaApi, accessToken: 'stale-token' } };
		const before = severa.requests['POST /v1/token'] ?? 0;
		const run = await runWorkflow(single('severaInvoiceStatus', { resource: 'invoiceStatus', operation: 'getMany' }), {
			credentials: stale,
		});
		assert.equal(run.error, undefined, run.error?.message);
		assert.equal(severa.requests['POST /v1/token'], before + 1);
		assert.ok(run.output('Node').length > 0);
	});

	it('repeats a status change after a 503 and a list after a 429 with Retry-After', async () => {
		const invoice = severa.invoices.find((i) => i.number === 26169)!;
		severa.inject({ method: 'PATCH', path: /^\/v1\/invoices\/[^/]+$/, status: 503, times: 1 });
		severa.inject({
			method: 'GET',
			path: /^\/v1\/invoicestatuses$/,
			status: 429,
			headers: { 'Retry-After': '1' },
			times: 1,
		});
		const patches = severa.requests['PATCH /v1/invoices/{guid}'] ?? 0;
		const run = await runWorkflow(
			single('severaInvoiceStatus', {
				resource: 'invoice',
				operation: 'setStatus',
				invoiceId: invoice.guid,
				status: status('Paid'),
			}),
			{ credentials },
		);
		assert.equal(run.error, undefined, run.error?.message);
		assert.equal(severa.requests['PATCH /v1/invoices/{guid}'], patches + 2);
		assert.equal(invoice.status.name, 'Paid');
		const started = Date.now();
		const list = await runWorkflow(single('severaInvoiceStatus', { resource: 'invoiceStatus', operation: 'getMany' }), {
			credentials,
		});
		assert.equal(list.error, undefined, list.error?.message);
		assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
	});

	describe('Maventa Send', () => {
		const xml = (number: string, endpoint: string) =>
			`<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"><cbc:ID>${number}</cbc:ID><cac:AccountingCustomerParty><cac:Party>${endpoint}</cac:Party></cac:AccountingCustomerParty></Invoice>`;
		const item = (number: string, receiver: string | undefined, extra: IDataObject = {}) => ({
			json: {
				source: { system: 'severa', account: 'acme', id: `id-${number}`, number, kind: 'invoice' },
				invoice: { number, kind: 'invoice', buyer: { contact: { email: 'ap@example.com' } } },
				route: receiver ? { receiver } : undefined,
				...extra,
			},
			binary: { document: inlineBinary(xml(number, ''), 'application/xml', `${number}.xml`) },
		});

		it('sends, then reads DELIVERED or FAILED with the actions history', async () => {
			const sent = await runWorkflow(
				single('maventaSend', { operation: 'send', sendOriginalPdf: false, sendByEmail: false }),
				{
					credentials,
					input: [item('7001', '0184:29947651'), item('7002', '0216:003799999999')],
				},
			);
			assert.equal(sent.error, undefined, sent.error?.message);
			const out = sent.output('Node');
			assert.deepEqual(
				out.map((i) => (i.json.delivery as IDataObject).status),
				['sent', 'sent'],
			);
			assert.equal(maventa.invoices.find((r) => r.invoice.number === '7001')!.fields.recipient_eia, '0184:29947651');
			assert.equal(
				maventa.invoices.find((r) => r.invoice.number === '7002')!.fields.recipient_eia,
				'003799999999',
				'Finnish OVT travels bare',
			);
			const status = await runWorkflow(
				single('maventaSend', {
					operation: 'getStatus',
					invoiceId: '={{ $json.delivery.remoteId }}',
					includeActions: true,
				}),
				{
					credentials,
					input: out.map((i) => ({ json: i.json })),
				},
			);
			const [delivered, failed] = status.output('Node');
			assert.equal((delivered.json.delivery as IDataObject).status, 'delivered');
			assert.equal(
				(delivered.json.delivery as IDataObject).idempotencyKey,
				(out[0].json.delivery as IDataObject).idempotencyKey,
			);
			assert.deepEqual(
				((delivered.json.maventa as IDataObject).actions as IDataObject[]).map((a) => a.type),
				['CREATED', 'SENT', 'DELIVERED'],
			);
			assert.equal((failed.json.delivery as IDataObject).status, 'failed');
			assert.match(String((failed.json.delivery as IDataObject).message), /No route to the recipient/);
		});

		it('refuses an item whose document failed pre-flight, and one without XML', async () => {
			const invalid = item('7003', '0184:29947651', {
				document: { valid: false, findings: [{ id: 'BR-CO-15', flag: 'fatal', message: 'totals' }] },
			});
			const noXml = { json: item('7004', undefined).json };
			const before = maventa.invoices.length;
			const run = await runWorkflow(single('maventaSend', { operation: 'send' }, { onError: 'continueErrorOutput' }), {
				credentials,
				input: [invalid, noXml],
			});
			const [, errors] = run.outputs('Node');
			assert.equal(errors.length, 2);
			assert.match(
				String(errors[0].json.error),
				/invoice 7003 was not sent: its document failed pre-flight \(1 fatal finding: BR-CO-15\)/,
			);
			assert.match(String(errors[1].json.error), /No XML document in binary.document/);
			assert.equal(maventa.invoices.length, before);
		});

		it('treats a 409 for a known uuid as the invoice already sent, not as a failure', async () => {
			const strict = await createMaventaEmulator(path.join(fixtures, 'maventa'), { duplicateUuid: 'conflict' });
			try {
				const strictCredentials = { ...credentials, maventaApi: { ...credentials.maventaApi, baseUrl: strict.url } };
				const workflow = single('maventaSend', { operation: 'send' }, { onError: 'continueErrorOutput' });
				const first = await runWorkflow(workflow, {
					credentials: strictCredentials,
					input: [item('7010', '0184:29947651')],
				});
				const again = await runWorkflow(workflow, {
					credentials: strictCredentials,
					input: [item('7010', '0184:29947651')],
				});
				assert.equal(first.outputs('Node')[0].length, 1);
				const [ok, failed] = again.outputs('Node');
				assert.equal(failed.length, 0);
				assert.match(String((ok[0].json.delivery as IDataObject).message), /same uuid/);
				assert.equal(
					(ok[0].json.delivery as IDataObject).remoteId,
					(first.output('Node')[0].json.delivery as IDataObject).remoteId,
				);
				assert.equal(strict.invoices.length, 1);
				assert.equal(strict.requests['GET /v1/invoices/{id}'], 1, 'looked up by uuid after the 409');
			} finally {
				await strict.close();
			}
		});

		it('gets a new Maventa token when the stored one has expired', async () => {
			maventa.expireTokens();
			const stale = { ...credentials, maventaApi: { ...credentials.maventaApi, accessToken: 'expired' } };
			const tokens = maventa.requests['POST /oauth2/token'] ?? 0;
			const run = await runWorkflow(
				single('maventaSend', { operation: 'lookupReceiver', networks: ['PEPPOL'], eia: '0184:29947651' }),
				{ credentials: stale },
			);
			assert.equal(run.error, undefined, run.error?.message);
			assert.equal(maventa.requests['POST /oauth2/token'], tokens + 1);
			assert.equal(run.output('Node').length, 1);
		});

		it('looks up receivers by address and business id', async () => {
			const run = await runWorkflow(
				single('maventaSend', { operation: 'lookupReceiver', networks: ['PEPPOL'], eia: '0088:5790000435975' }),
				{ credentials },
			);
			assert.equal(run.error, undefined, run.error?.message);
			assert.deepEqual(
				run.output('Node').map((i) => (i.json.participant as IDataObject).name),
				['Aarhus Havnelogistik A/S'],
			);
			const byBid = await runWorkflow(
				single('maventaSend', { operation: 'lookupReceiver', networks: ['INTERNAL', 'EXTERNAL'], bid: '0112038-9' }),
				{ credentials },
			);
			assert.equal(byBid.output('Node').length, 1);
			const nothing = await runWorkflow(single('maventaSend', { operation: 'lookupReceiver', networks: ['PEPPOL'] }), {
				credentials,
			});
			assert.match(String(nothing.error?.message), /Give an e-invoice address, a business ID or a name/);
		});
	});
});
