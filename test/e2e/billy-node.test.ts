/** The Billy action node in the real n8n engine against the Billy emulator (shipped dataset). */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INode } from 'n8n-workflow';
import type { BillyInvoice } from '../../nodes/Billy/api';
import { createBillyEmulator, type BillyEmulator } from '../sandbox/billy/emulator';
import type { IExecuteFunctions, ILoadOptionsFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { searchCustomers } from '../../nodes/Billy/descriptions';
import {
	binaryBuffer,
	nodeType,
	registerNodeType,
	repoRoot,
	runWorkflow,
	testCredential,
	type WorkflowJson,
} from './harness';

/** Runs the Billy list search inside a real node execution context (same credential and HTTP helpers). */
class ListSearchProbe implements INodeType {
	description = {
		displayName: 'List Search Probe',
		name: 'listSearchProbe',
		group: ['transform'],
		version: 1,
		description: 'test',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'billyApi', required: true }],
		properties: [{ displayName: 'Filter', name: 'filter', type: 'string', default: '' }],
	} as unknown as INodeType['description'];
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const result = await searchCustomers.call(
			this as unknown as ILoadOptionsFunctions,
			this.getNodeParameter('filter', 0) as string,
		);
		return [result.results.map((r) => ({ json: { name: r.name, value: r.value } }))];
	}
}

const TOKEN = 'e2e-billy-node';

function workflow(parameters: IDataObject, node: Partial<INode> = {}): WorkflowJson {
	return {
		name: 'billy node',
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '2',
				name: 'Billy',
				type: nodeType('billy'),
				typeVersion: 1,
				position: [200, 0],
				parameters: parameters as INode['parameters'],
				credentials: { billyApi: { id: 'billy-1', name: 'Billy sandbox' } },
				...node,
			},
		],
		connections: { Start: { main: [[{ node: 'Billy', type: 'main', index: 0 }]] } },
	};
}

describe('Billy node (real engine, Billy emulator)', () => {
	let emulator: BillyEmulator;
	let invoices: BillyInvoice[];
	const run = (parameters: IDataObject, input?: IDataObject[], node?: Partial<INode>) =>
		runWorkflow(workflow(parameters, node), {
			input,
			credentials: { billyApi: { accessToken: TOKEN, environment: 'sandbox', baseUrl: emulator.url } },
		});

	before(async () => {
		emulator = await createBillyEmulator(path.join(repoRoot, 'test', 'fixtures', 'billy'), { accessToken: TOKEN });
		invoices = emulator.store.invoices;
	});
	after(async () => await emulator.close());

	it('gets an invoice by number as a canonical invoice with its source, per input item, paired', async () => {
		const [a, b] = invoices.filter((i) => i.state === 'approved' && i.type === 'invoice');
		const result = await run({ resource: 'invoice', operation: 'get', findBy: 'number', number: '={{ $json.no }}' }, [
			{ no: a.invoiceNo },
			{ no: b.invoiceNo },
		]);
		assert.equal(result.error, undefined, result.error?.message);
		const out = result.output('Billy');
		assert.equal(out.length, 2);
		assert.deepEqual(
			out.map((o) => (o.json.invoice as IDataObject).number),
			[a.invoiceNo, b.invoiceNo],
		);
		assert.deepEqual(
			out.map((o) => o.pairedItem),
			[{ item: 0 }, { item: 1 }],
		);
		const source = out[0].json.source as IDataObject;
		assert.equal(source.system, 'billy');
		assert.equal(source.id, a.id);
		assert.equal(source.kind, 'invoice');
		assert.equal(source.customerId, a.contactId);
		assert.equal(
			(out[0].json.invoice as { totals: { payable: string } }).totals.payable,
			Number(a.grossAmount).toFixed(2),
		);
	});

	it('gets a credit note by id, linked to the invoice it corrects', async () => {
		const credit = invoices.find((i) => i.type === 'creditNote' && i.state === 'approved')!;
		const original = invoices.find((i) => i.id === credit.creditedInvoiceId)!;
		const result = await run({ resource: 'creditNote', operation: 'get', findBy: 'id', documentId: credit.id });
		const invoice = result.output('Billy')[0].json.invoice as IDataObject;
		assert.equal(invoice.kind, 'creditNote');
		assert.deepEqual(invoice.precedingInvoices, [{ number: original.invoiceNo, issueDate: original.entryDate }]);
	});

	it('fails per item, naming the number and the system; continues on fail', async () => {
		const credit = invoices.find((i) => i.type === 'creditNote' && i.state === 'approved')!;
		const failed = await run({ resource: 'invoice', operation: 'get', findBy: 'number', number: '999999' });
		assert.ok(failed.error);
		assert.match(failed.error.message, /Billy has no invoice with number 999999/);
		const good = invoices.find((i) => i.state === 'approved' && i.type === 'invoice')!;
		const continued = await run(
			{ resource: 'invoice', operation: 'get', findBy: 'number', number: '={{ $json.no }}' },
			[{ no: '999999' }, { no: credit.invoiceNo }, { no: good.invoiceNo }],
			{ continueOnFail: true },
		);
		assert.equal(continued.error, undefined);
		const out = continued.output('Billy');
		assert.equal(out.length, 3);
		assert.match(String(out[0].json.error), /999999/);
		assert.match(String(out[1].json.error), /is a credit note, not an invoice/);
		assert.equal((out[2].json.invoice as IDataObject).number, good.invoiceNo);
		assert.deepEqual(
			out.map((o) => o.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
	});

	it('gets many invoices by customer, date range, status and payment', async () => {
		const customer = invoices.find((i) => i.state === 'approved' && i.type === 'invoice')!.contactId;
		const expected = invoices.filter((i) => i.type === 'invoice' && i.state === 'approved' && i.contactId === customer);
		const result = await run({
			resource: 'invoice',
			operation: 'getMany',
			returnAll: true,
			filters: { customer: { mode: 'id', value: customer }, status: 'approved' },
		});
		const out = result.output('Billy');
		assert.deepEqual(
			new Set(out.map((o) => (o.json.source as IDataObject).number)),
			new Set(expected.map((i) => i.invoiceNo)),
		);

		const unpaid = await run({
			resource: 'invoice',
			operation: 'getMany',
			returnAll: true,
			filters: { paid: 'unpaid', dateFrom: '2026-01-06T00:00:00', dateTo: '2026-01-20T00:00:00' },
		});
		const expectedUnpaid = invoices.filter(
			(i) =>
				i.type === 'invoice' &&
				i.state === 'approved' &&
				!i.isPaid &&
				i.entryDate >= '2026-01-06' &&
				i.entryDate <= '2026-01-20',
		);
		assert.ok(expectedUnpaid.length > 0);
		assert.deepEqual(
			new Set(unpaid.output('Billy').map((o) => (o.json.source as IDataObject).number)),
			new Set(expectedUnpaid.map((i) => i.invoiceNo)),
		);

		const limited = await run({ resource: 'invoice', operation: 'getMany', returnAll: false, limit: 3 });
		assert.equal(limited.output('Billy').length, 3);
	});

	it('lists drafts with their source and the reason they have no canonical form', async () => {
		const result = await run({
			resource: 'invoice',
			operation: 'getMany',
			returnAll: true,
			filters: { status: 'draft' },
		});
		const out = result.output('Billy');
		assert.equal(out.length, invoices.filter((i) => i.state === 'draft' && i.type === 'invoice').length);
		for (const item of out) {
			assert.equal((item.json.source as IDataObject).status, 'draft');
			assert.match(String(item.json.error), /only approved documents are exported/);
		}
	});

	it('gets many credit notes only', async () => {
		const result = await run({ resource: 'creditNote', operation: 'getMany', returnAll: true });
		const out = result.output('Billy');
		assert.equal(out.length, invoices.filter((i) => i.type === 'creditNote' && i.state === 'approved').length);
		for (const item of out) assert.equal((item.json.invoice as IDataObject).kind, 'creditNote');
	});

	it('downloads a PDF into binary.pdf', async () => {
		const invoice = invoices.find((i) => i.state === 'approved' && i.type === 'invoice')!;
		const result = await run({
			resource: 'invoice',
			operation: 'downloadPdf',
			findBy: 'number',
			number: invoice.invoiceNo,
		});
		const item = result.output('Billy')[0];
		const pdf = await binaryBuffer(item.binary!.pdf);
		assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
		assert.equal(item.binary!.pdf.fileName, `invoice-no-${invoice.invoiceNo}.pdf`);
		assert.equal((item.json.source as IDataObject).number, invoice.invoiceNo);
	});

	it('gets contacts with their parties (endpoint, city from cityId, e-mail from contact persons)', async () => {
		const trap = emulator.store.contacts.find((c) => c.cityId && !c.cityText)!;
		const one = await run({ resource: 'contact', operation: 'get', contact: { mode: 'id', value: trap.id } });
		const party = one.output('Billy')[0].json.party as {
			address: IDataObject;
			endpoint: IDataObject;
			contact: IDataObject;
		};
		assert.equal(party.address.city, 'Aalborg');
		assert.deepEqual(party.endpoint, { scheme: '0184', id: trap.registrationNo });
		assert.match(String(party.contact.email), /@example\.dk$/);

		const many = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			contactFilters: { name: 'kommune' },
		});
		const out = many.output('Billy');
		assert.equal(out.length, 1);
		assert.equal((out[0].json.party as { endpoint: IDataObject }).endpoint.scheme, '0088');
	});

	it('gets the organization as the seller party', async () => {
		const result = await run({ resource: 'organization', operation: 'get' });
		const json = result.output('Billy')[0].json as {
			organization: IDataObject;
			party: { legalId: IDataObject; vatId: string };
		};
		assert.equal(json.organization.id, emulator.store.organization.id);
		assert.deepEqual(json.party.legalId, { id: emulator.store.organization.registrationNo, scheme: '0184' });
		assert.equal(json.party.vatId, `DK${emulator.store.organization.registrationNo}`);
	});

	it('the credential test calls GET /v2/organization with X-Access-Token; a wrong token fails', async () => {
		const before = emulator.log.length;
		const ok = await testCredential('billyApi', { accessToken: TOKEN, environment: 'sandbox', baseUrl: emulator.url });
		assert.equal(ok.status, 'OK', ok.message);
		assert.deepEqual(emulator.log.slice(before), ['GET /v2/organization']);
		const wrong = await testCredential('billyApi', {
			accessToken: 'nope',
			environment: 'custom',
			baseUrl: `${emulator.url}/v2/`,
		});
		assert.equal(wrong.status, 'Error');
	});

	it('copes with a stray non-JSON prefix before Billy’s bodies', async () => {
		const prefixed = await createBillyEmulator(path.join(repoRoot, 'test', 'fixtures', 'billy'), {
			accessToken: TOKEN,
			jsonPrefix: ")]}',\n",
		});
		try {
			const invoice = invoices.find((i) => i.state === 'approved' && i.type === 'invoice')!;
			const result = await runWorkflow(
				workflow({ resource: 'invoice', operation: 'get', findBy: 'number', number: invoice.invoiceNo }),
				{
					credentials: { billyApi: { accessToken: TOKEN, environment: 'sandbox', baseUrl: prefixed.url } },
				},
			);
			assert.equal(result.error, undefined, result.error?.message);
			assert.equal((result.output('Billy')[0].json.invoice as IDataObject).number, invoice.invoiceNo);
		} finally {
			await prefixed.close();
		}
	});

	it('list search finds customers by name (for the customer resource locators)', async () => {
		registerNodeType('test.listSearchProbe', new ListSearchProbe());
		const result = await runWorkflow(workflow({ filter: 'ApS' }, { type: 'test.listSearchProbe', name: 'Billy' }), {
			credentials: { billyApi: { accessToken: TOKEN, environment: 'sandbox', baseUrl: emulator.url } },
		});
		assert.equal(result.error, undefined, result.error?.message);
		const found = result.output('Billy').map((i) => i.json as { name: string; value: string });
		const expected = emulator.store.contacts.filter((c) => c.isCustomer && c.name.toLowerCase().includes('aps'));
		assert.equal(found.length, expected.length);
		assert.deepEqual(new Set(found.map((f) => f.value)), new Set(expected.map((c) => c.id)));
		assert.ok(
			found.every((f) => /\(\d{8}\)$/.test(f.name)),
			'names carry the CVR',
		);
	});
});
