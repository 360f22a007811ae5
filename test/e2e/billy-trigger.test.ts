/**
 * Billy Trigger in the real n8n engine against the Billy emulator: cursor semantics (nothing twice, nothing lost,
 * restarts, equal timestamps across page boundaries, poll budget), drafts and voided never emitted, manual runs,
 * "invoice paid", PDFs, and the number of requests per poll.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { BillyInvoice } from '../../nodes/Billy/api';
import { createBillyEmulator, type BillyEmulator } from '../sandbox/billy/emulator';
import { generateBillyDataset, writeBillyDataset } from '../sandbox/billy/generate';
import { binaryBuffer, nodeType, pollTrigger, type WorkflowJson } from './harness';

const TOKEN = 'e2e-billy-token';

function triggerWorkflow(parameters: IDataObject): WorkflowJson {
	return {
		name: 'billy trigger',
		nodes: [
			{
				id: 't',
				name: 'Billy Trigger',
				type: nodeType('billyTrigger'),
				typeVersion: 1,
				position: [0, 0],
				parameters: parameters as WorkflowJson['nodes'][number]['parameters'],
				credentials: { billyApi: { id: 'billy-1', name: 'Billy sandbox' } },
			},
		],
		connections: {},
	};
}

function items(result: { items: INodeExecutionData[][] | null; error?: Error }): INodeExecutionData[] {
	if (result.error) throw result.error;
	return result.items?.[0] ?? [];
}

const numbers = (list: INodeExecutionData[]) => list.map((i) => (i.json.source as IDataObject).number as string);

/** Billy's time format, `seconds` from now. */
function billyNow(seconds = 0): string {
	return new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19);
}

describe('Billy Trigger (real engine, Billy emulator)', () => {
	let dir: string;
	let emulator: BillyEmulator;
	let templates: BillyInvoice[];
	let nextNo = 5000;
	// No throttle: these tests make many small-page requests on purpose (the throttle is the request helper's own test).
	const credentials = () => ({
		billyApi: { accessToken: TOKEN, environment: 'sandbox', baseUrl: emulator.url, maxRequestsPerMinute: 0 },
	});
	const poll = (parameters: IDataObject, staticData: IDataObject | undefined, mode: 'manual' | 'trigger' = 'trigger') =>
		pollTrigger(triggerWorkflow(parameters), 'Billy Trigger', staticData, mode, { credentials: credentials() });

	/** Add an approved copy of a template document, approved at `approvedTime`. */
	function addDocument(approvedTime: string, over: Partial<BillyInvoice> = {}): BillyInvoice {
		const template = templates[nextNo % templates.length];
		const id = `new${String(nextNo).padStart(19, '0')}`;
		const doc: BillyInvoice = {
			...structuredClone(template),
			id,
			invoiceNo: String(nextNo++),
			state: 'approved',
			createdTime: approvedTime,
			approvedTime,
			entryDate: approvedTime.slice(0, 10),
			...over,
		};
		doc.lines = (doc.lines ?? []).map((l) => ({ ...l, invoiceId: id }));
		emulator.store.invoices.push(doc);
		return doc;
	}

	before(async () => {
		dir = mkdtempSync(path.join(tmpdir(), 'billy-trigger-'));
		writeBillyDataset(dir, generateBillyDataset({ count: 60, seed: 11 }));
		emulator = await createBillyEmulator(dir, { accessToken: TOKEN, maxPageSize: 5 });
		templates = emulator.store.invoices.filter(
			(i) => i.state === 'approved' && i.type === 'invoice' && (i.lines?.length ?? 0) < 10,
		);
	});
	after(async () => {
		await emulator.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('first activation emits nothing from before activation; two polls without new data emit nothing', async () => {
		const first = await poll({}, undefined);
		assert.deepEqual(items(first), []);
		assert.equal(first.items, null);
		const second = await poll({}, first.staticData);
		assert.equal(second.items, null);
	});

	it('the look-back window never reaches before activation: a document approved just before it is not emitted', async () => {
		const early = addDocument(billyNow(-30));
		const activation = await poll({}, undefined);
		assert.equal(activation.items, null);
		const late = addDocument(billyNow(1));
		const next = await poll({}, activation.staticData);
		assert.deepEqual(numbers(items(next)), [late.invoiceNo]);
		assert.ok(!numbers(items(next)).includes(early.invoiceNo!));
	});

	it('"Also export documents since" emits every approved document once, never drafts or voided, on several pages', async () => {
		const approved = emulator.store.invoices.filter((i) => i.state === 'approved');
		const before = emulator.log.length;
		const first = await poll({ exportSince: '2026-01-01T00:00:00' }, undefined);
		const out = items(first);
		assert.equal(out.length, approved.length);
		assert.deepEqual(new Set(numbers(out)), new Set(approved.map((i) => i.invoiceNo)));
		for (const item of out) {
			const source = item.json.source as IDataObject;
			assert.ok(source.status === 'approved' || source.status === 'paid');
			assert.equal(item.json.error, undefined, String(item.json.error));
			assert.ok(item.json.invoice);
		}
		// ceil(N / page size) list requests + organisation + tax rates (credited invoices are on the pages); the
		// emulator caps pages at 5 here, tax rates included.
		const requests = emulator.log.slice(before);
		assert.equal(requests.filter((r) => r.startsWith('GET /v2/invoices?')).length, Math.ceil(approved.length / 5));
		const taxRatePages = Math.ceil(emulator.store.taxRates.length / 5);
		assert.equal(requests.length, Math.ceil(approved.length / 5) + 1 + taxRatePages);
		const second = await poll({ exportSince: '2026-01-01T00:00:00' }, first.staticData);
		assert.equal(second.items, null);
	});

	it('new documents appear exactly once, across restarts (static data through JSON) and failed polls', async () => {
		let state = (await poll({}, undefined)).staticData;
		const a = addDocument(billyNow(1));
		const b = addDocument(billyNow(2));
		const first = await poll({}, state);
		assert.deepEqual(numbers(items(first)), [a.invoiceNo, b.invoiceNo]);
		state = first.staticData;
		// A poll that fails (Billy down) keeps the cursor where it was: nothing is lost.
		const c = addDocument(billyNow(3));
		emulator.failNext(500, 5); // every attempt of the request helper fails
		const failed = await poll({}, state);
		assert.ok(failed.error, 'the poll reports the outage');
		assert.deepEqual(failed.staticData, state);
		const again = await poll({}, failed.staticData);
		assert.deepEqual(numbers(items(again)), [c.invoiceNo]);
		assert.equal((await poll({}, again.staticData)).items, null);
	});

	it('a poll that fails after listing (PDF download down) loses nothing: the next poll emits the document', async () => {
		const params = { options: { downloadPdf: true } };
		const state = (await poll(params, undefined)).staticData;
		const doc = addDocument(billyNow(1));
		emulator.failNext(503, 5, '/v2/downloads/'); // every attempt of the request helper fails
		const failed = await poll(params, state);
		assert.ok(failed.error);
		assert.match(failed.error.message, /PDF of invoice/);
		const again = await poll(params, failed.staticData);
		assert.deepEqual(numbers(items(again)), [doc.invoiceNo]);
		assert.ok(items(again)[0].binary?.pdf);
	});

	it('documents with equal approval times across a page boundary: none lost, none repeated (budget 3, pages of 5)', async () => {
		let state = (await poll({}, undefined)).staticData;
		const time = billyNow(5);
		const added = Array.from({ length: 8 }, () => addDocument(time));
		const seen: string[] = [];
		for (let i = 0; i < 5; i++) {
			const result = await poll({ options: { maxPerPoll: 3 } }, state);
			seen.push(...numbers(items(result)));
			state = result.staticData;
		}
		assert.equal(seen.length, 8, `emitted ${seen.join(',')}`);
		assert.deepEqual(new Set(seen), new Set(added.map((d) => d.invoiceNo)));
	});

	it('drafts and voided documents never appear, also when voided after approval', async () => {
		let state = (await poll({}, undefined)).staticData;
		addDocument(billyNow(1), { state: 'draft', invoiceNo: null, approvedTime: null });
		const voided = addDocument(billyNow(1));
		voided.state = 'voided';
		const kept = addDocument(billyNow(2));
		const result = await poll({}, state);
		assert.deepEqual(numbers(items(result)), [kept.invoiceNo]);
		state = result.staticData;
	});

	it('filters by event kind and customer', async () => {
		const state = (await poll({ events: ['creditNoteApproved'] }, undefined)).staticData;
		const invoice = addDocument(billyNow(1));
		const credit = addDocument(billyNow(1), { type: 'creditNote', creditedInvoiceId: invoice.id });
		const out = items(await poll({ events: ['creditNoteApproved'] }, state));
		assert.deepEqual(numbers(out), [credit.invoiceNo]);
		assert.equal((out[0].json.invoice as IDataObject).kind, 'creditNote');
		assert.deepEqual((out[0].json.invoice as { precedingInvoices: unknown[] }).precedingInvoices, [
			{ number: invoice.invoiceNo, issueDate: invoice.entryDate },
		]);

		const customer = templates[0].contactId;
		const state2 = (await poll({ customers: { customer: [{ id: { mode: 'id', value: customer } }] } }, undefined))
			.staticData;
		const mine = addDocument(billyNow(1), { contactId: customer });
		addDocument(billyNow(1), { contactId: templates.find((t) => t.contactId !== customer)!.contactId });
		const filtered = items(await poll({ customers: { customer: [{ id: { mode: 'id', value: customer } }] } }, state2));
		assert.deepEqual(numbers(filtered), [mine.invoiceNo]);
	});

	it('a manual run returns the latest few documents and does not move the cursor', async () => {
		const result = await poll({ options: { manualCount: 3 } }, {}, 'manual');
		const out = items(result);
		assert.equal(out.length, 3);
		const times = out.map((i) => (i.json.source as IDataObject).updatedAt as string);
		assert.deepEqual([...times].sort().reverse(), times);
		assert.deepEqual(result.staticData, {});
	});

	it('downloads the PDF into binary.pdf and can output raw Billy data', async () => {
		const state = (await poll({}, undefined)).staticData;
		const doc = addDocument(billyNow(1));
		const out = items(await poll({ options: { downloadPdf: true, output: 'raw' } }, state));
		assert.equal(out.length, 1);
		const pdf = await binaryBuffer(out[0].binary!.pdf);
		assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
		assert.equal(out[0].binary!.pdf.mimeType, 'application/pdf');
		assert.equal(((out[0].json.billy as IDataObject).invoice as IDataObject).id, doc.id);
		assert.equal(out[0].json.invoice, undefined);
	});

	it('"Invoice paid" emits an invoice once when it becomes paid (first poll records the baseline)', async () => {
		const params = { events: ['invoicePaid'], options: { changeWindowDays: 3650 } };
		const unpaid = emulator.store.invoices.find((i) => i.state === 'approved' && i.type === 'invoice' && !i.isPaid)!;
		const baseline = await poll(params, undefined);
		assert.equal(baseline.items, null);
		unpaid.isPaid = true;
		unpaid.balance = 0;
		const paid = await poll(params, baseline.staticData);
		const out = items(paid);
		assert.deepEqual(numbers(out), [unpaid.invoiceNo]);
		assert.equal(out[0].json.event, 'paid');
		assert.equal((await poll(params, paid.staticData)).items, null);
	});

	it('"Any change" emits a document once when it is voided or changes, with the kind of change', async () => {
		const params = { events: ['anyChange'], options: { changeWindowDays: 3650 } };
		const baseline = await poll(params, undefined);
		assert.equal(baseline.items, null);
		const target = emulator.store.invoices.find((i) => i.state === 'approved' && i.type === 'invoice' && !i.isPaid)!;
		target.state = 'voided';
		const changed = await poll(params, baseline.staticData);
		const out = items(changed);
		assert.deepEqual(numbers(out), [target.invoiceNo]);
		assert.equal(out[0].json.event, 'voided');
		assert.equal((out[0].json.source as IDataObject).status, 'voided');
		assert.equal(out[0].json.invoice, undefined);
		assert.equal(out[0].json.error, undefined);
		assert.equal((await poll(params, changed.staticData)).items, null);
	});

	it('a document that cannot be mapped is emitted with its error, not dropped, and the cursor moves on', async () => {
		const state = (await poll({}, undefined)).staticData;
		const broken = addDocument(billyNow(1));
		broken.lines = broken.lines!.map((l) => ({ ...l, taxRateId: 'unknownTaxRate' }));
		const fine = addDocument(billyNow(2));
		const first = await poll({}, state);
		const out = items(first);
		assert.deepEqual(numbers(out), [broken.invoiceNo, fine.invoiceNo]);
		assert.match(
			String(out[0].json.error),
			new RegExp(`Billy invoice ${broken.invoiceNo}: tax rate unknownTaxRate is unknown`),
		);
		assert.equal(out[0].json.invoice, undefined);
		assert.ok(out[1].json.invoice);
		assert.equal((await poll({}, first.staticData)).items, null);
	});

	it("a wrong token fails with Billy's message and no secret in it", async () => {
		const result = await pollTrigger(triggerWorkflow({}), 'Billy Trigger', undefined, 'trigger', {
			credentials: { billyApi: { accessToken: 'wrong-token-123', environment: 'sandbox', baseUrl: emulator.url } },
		});
		assert.ok(result.error);
		assert.match(
			result.error.message + JSON.stringify((result.error as { description?: string }).description ?? ''),
			/access token/i,
		);
		assert.doesNotMatch(JSON.stringify(result.error), /wrong-token-123/);
	});
});
