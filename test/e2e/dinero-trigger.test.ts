import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { DineroEmulator } from '../sandbox/dinero/emulator';
import { binaryBuffer, pollTrigger } from './harness';
import { datasetCopy, dineroCredentials, startDinero, triggerWorkflow } from './dinero-support';

type Rec = Record<string, unknown>;

/** Dinero's zone-less timestamp for now (+ offset ms). */
function stamp(offsetMs = 0): string {
	return new Date(Date.now() + offsetMs).toISOString().slice(0, 23);
}

let nextNumber = 5000;

/** Book a new document in the emulator: a copy of a booked one with a new guid, number and timestamps. */
function book(emulator: DineroEmulator, kind: 'invoice' | 'creditNote' = 'invoice', overrides: Rec = {}): Rec {
	const store = kind === 'creditNote' ? emulator.data.creditnotes : emulator.data.invoices;
	const template = store.find((d) => d.Status === 'Booked' && !d.DeletedAt)!;
	const at = stamp();
	const doc = {
		...structuredClone(template),
		Guid: randomUUID(),
		Number: String(nextNumber++),
		Status: 'Booked',
		CreatedAt: at,
		UpdatedAt: at,
		DeletedAt: null,
		...overrides,
	};
	store.push(doc);
	return doc;
}

function numbers(items: INodeExecutionData[][] | null): string[] {
	return (items?.[0] ?? []).map((i) => String((i.json.source as IDataObject).number));
}

describe('Dinero Trigger in the real engine', () => {
	let emulator: DineroEmulator;
	let credentials: ReturnType<typeof dineroCredentials>;

	before(async () => {
		// A generous quota keeps these tests fast; dinero-rate-limit.test.ts runs at Dinero's own 100/min.
		emulator = await startDinero(datasetCopy(undefined, { rateLimitPerMinute: 2000 }));
		credentials = dineroCredentials(emulator);
	});
	after(async () => await emulator.close());

	const poll = (
		staticData: IDataObject | undefined,
		parameters: IDataObject = {},
		mode: 'trigger' | 'manual' = 'trigger',
	) => pollTrigger(triggerWorkflow(parameters), 'Dinero Trigger', staticData, mode, { credentials });

	it('manual run shows the latest few booked documents, canonical, without touching the cursor', async () => {
		const result = await poll(undefined, {}, 'manual');
		assert.equal(result.error, undefined);
		const items = result.items![0];
		assert.equal(items.length, 5);
		for (const item of items) {
			const invoice = item.json.invoice as IDataObject;
			assert.ok(invoice, 'canonical invoice in json.invoice');
			assert.match(String(invoice.number), /^\d{4}$/);
			assert.equal((item.json.source as IDataObject).system, 'dinero');
		}
		assert.deepEqual(result.staticData, {});
	});

	it('first activation emits nothing from before; two polls without new data emit nothing', async () => {
		const first = await poll(undefined);
		assert.equal(first.error, undefined);
		assert.equal(first.items, null);
		const second = await poll(first.staticData);
		assert.equal(second.items, null);
		const third = await poll(second.staticData);
		assert.equal(third.items, null);
	});

	it('new documents appear exactly once; drafts and deleted documents never; a restart loses nothing', async () => {
		let state = (await poll(undefined)).staticData;
		const invoice = book(emulator);
		book(emulator, 'invoice', { Status: 'Draft', Number: '9223372036854775807' });
		book(emulator, 'invoice', { DeletedAt: stamp() });
		const credit = book(emulator, 'creditNote', { CreditNoteFor: invoice.Guid, UpdatedAt: stamp(10) });

		const first = await poll(state, { options: { maxPerPoll: 1 } });
		assert.equal(first.error, undefined);
		assert.deepEqual(numbers(first.items), [invoice.Number]);
		// "Restart": the next poll runs on a new workflow object built from the persisted static data only.
		state = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;
		const second = await poll(state, { options: { maxPerPoll: 1 } });
		assert.deepEqual(numbers(second.items), [credit.Number]);
		const creditNote = second.items![0][0].json.invoice as IDataObject;
		assert.equal(creditNote.kind, 'creditNote');
		assert.deepEqual(creditNote.precedingInvoices, [{ number: invoice.Number, issueDate: invoice.Date }]);
		const third = await poll(second.staticData);
		assert.equal(third.items, null);
		state = third.staticData;

		// A later change (payment) of an emitted invoice does not make it new again.
		invoice.Status = 'Paid';
		invoice.UpdatedAt = stamp(5);
		assert.equal((await poll(state)).items, null);
	});

	it('a Dinero failure stops the poll at that document and the next poll resumes there; an unmappable one is an error item', async () => {
		let state = (await poll(undefined)).staticData;
		const first = book(emulator);
		const second = book(emulator, 'invoice', { UpdatedAt: stamp(5) });
		const broken = book(emulator, 'invoice', { UpdatedAt: stamp(10) });
		broken.ProductLines = [
			{ ...(broken.ProductLines as Rec[]).find((l) => l.LineType === 'Product')!, AccountNumber: 9999 },
		];
		// The second document's detail GET fails past the retries: the first is emitted, the rest waits.
		emulator.failNext(5, 500, new RegExp(`/invoices/${String(second.Guid)}$`));
		const partial = await poll(state);
		assert.equal(partial.error, undefined);
		assert.deepEqual(numbers(partial.items), [String(first.Number)]);
		state = partial.staticData;
		const rest = await poll(state);
		assert.deepEqual(numbers(rest.items), [String(second.Number), String(broken.Number)]);
		const error = rest.items![0][1].json.error as IDataObject;
		assert.match(String(error.message), new RegExp(`Dinero invoice ${String(broken.Number)}: .*account 9999`));
		assert.equal((await poll(rest.staticData)).items, null);
	});

	it('equal timestamps across a page boundary: nothing lost, nothing repeated, across polls', async () => {
		let state = (await poll(undefined)).staticData;
		const at = stamp();
		const booked = Array.from({ length: 7 }, () => book(emulator, 'invoice', { UpdatedAt: at, CreatedAt: at }));
		const seen: string[] = [];
		for (let i = 0; i < 5; i++) {
			const result = await poll(state, { options: { pageSize: 2, maxPerPoll: 3 } });
			assert.equal(result.error, undefined);
			seen.push(...numbers(result.items));
			state = JSON.parse(JSON.stringify(result.staticData)) as IDataObject;
		}
		assert.deepEqual([...seen].sort(), booked.map((d) => String(d.Number)).sort());
		assert.equal(new Set(seen).size, seen.length, 'no document twice');
	});

	it('"Invoice Paid" fires once when an invoice becomes paid', async () => {
		let state = (await poll(undefined, { events: ['invoicePaid'] })).staticData;
		const target = emulator.data.invoices.find((d) => d.Status === 'Booked' && !d.DeletedAt)!;
		target.Status = 'Paid';
		target.PaymentStatus = 'Paid';
		target.UpdatedAt = stamp();
		const result = await poll(state, { events: ['invoicePaid'] });
		assert.deepEqual(numbers(result.items), [String(target.Number)]);
		assert.equal(result.items![0][0].json.event, 'invoicePaid');
		state = result.staticData;
		assert.equal((await poll(state, { events: ['invoicePaid'] })).items, null);
	});

	it('"Any Change" fires once per change of a booked document, never for drafts', async () => {
		const events = ['anyChange'];
		let state = (await poll(undefined, { events })).staticData;
		const target = emulator.data.invoices.find((d) => d.Status === 'Overdue' && !d.DeletedAt)!;
		const draft = emulator.data.invoices.find((d) => d.Status === 'Draft' && !d.DeletedAt)!;
		target.MailOutStatus = 'Sent';
		target.UpdatedAt = stamp();
		draft.Comment = 'changed';
		draft.UpdatedAt = stamp();
		const result = await poll(state, { events });
		assert.deepEqual(numbers(result.items), [String(target.Number)]);
		assert.equal(result.items![0][0].json.event, 'anyChange');
		state = result.staticData;
		assert.equal((await poll(state, { events })).items, null);
		target.UpdatedAt = stamp(3);
		assert.deepEqual(
			numbers((await poll(state, { events })).items),
			[String(target.Number)],
			'a later change fires again',
		);
	});

	it('"Also export documents since" exports every booked document since that date, then only new ones', async () => {
		const since = '2026-01-01T00:00:00';
		const bookedCount =
			emulator.data.invoices.filter((d) => d.Status !== 'Draft' && !d.DeletedAt).length +
			emulator.data.creditnotes.filter((d) => d.Status !== 'Draft' && !d.DeletedAt).length;
		const first = await poll(undefined, { options: { exportSince: since } });
		assert.equal(first.error, undefined);
		const items = first.items![0];
		assert.equal(items.length, bookedCount);
		assert.ok(
			items.every((i) => !String((i.json.source as IDataObject).number).startsWith('9223')),
			'no draft numbers',
		);
		assert.equal((await poll(first.staticData, { options: { exportSince: since } })).items, null);
	});

	it('customer filter and minimum date', async () => {
		let state = (await poll(undefined)).staticData;
		const customer = String(emulator.data.invoices[0].ContactGuid);
		const other = emulator.data.contacts.find((c) => c.ContactGuid !== customer)!.ContactGuid;
		const wanted = book(emulator, 'invoice', { ContactGuid: customer });
		book(emulator, 'invoice', { ContactGuid: other });
		book(emulator, 'invoice', { ContactGuid: customer, Date: '2020-01-01' });
		const filters = {
			customers: { customer: [{ contact: { __rl: true, mode: 'id', value: customer } }] },
			minimumDate: '2025-01-01',
		};
		const result = await poll(state, { filters });
		assert.deepEqual(numbers(result.items), [String(wanted.Number)]);
		state = result.staticData;
	});

	it('downloads the PDF into binary.pdf; raw output carries the Dinero document', async () => {
		const result = await poll(undefined, { output: 'raw', options: { downloadPdf: true, manualLimit: 2 } }, 'manual');
		assert.equal(result.error, undefined);
		const item = result.items![0][0];
		assert.ok((item.json.dinero as IDataObject).ProductLines);
		assert.equal(item.json.invoice, undefined);
		const pdf = await binaryBuffer(item.binary!.pdf);
		assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
		assert.equal(item.binary!.pdf.mimeType, 'application/pdf');
	});

	it('a stale or expired token is replaced through the credential’s preAuthentication', async () => {
		const before401 = emulator.requests['401'] ?? 0;
		const stale = dineroCredentials(emulator, { accessToken: 'expired-token' });
		const result = await pollTrigger(
			triggerWorkflow({ options: { manualLimit: 1 } }),
			'Dinero Trigger',
			undefined,
			'manual',
			{ credentials: stale },
		);
		assert.equal(result.error, undefined);
		assert.equal(result.items![0].length, 1);
		assert.equal((emulator.requests['401'] ?? 0) - before401, 1);
	});

	it('retries injected 5xx answers', async () => {
		emulator.failNext(2, 503);
		const before5xx = emulator.requests['503'] ?? 0;
		const result = await poll(undefined, { options: { manualLimit: 1 } }, 'manual');
		assert.equal(result.error, undefined);
		assert.equal(result.items![0].length, 1);
		assert.equal((emulator.requests['503'] ?? 0) - before5xx, 2);
	});

	it('missing seller details fail the poll with a clear message', async () => {
		const result = await poll(undefined, { sellerDetails: { name: 'X' } }, 'manual');
		assert.match(String(result.error?.message), /Seller Details are incomplete: CVR Number is missing/);
	});
});
