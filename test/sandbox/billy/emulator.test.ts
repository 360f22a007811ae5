/** The Billy emulator speaks Billy's shapes: auth, paging meta, include (embed/sideload), error bodies, downloads. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BillyInvoice } from '../../../nodes/Billy/api';
import { INVOICE_LIST_INCLUDE } from '../../../nodes/Billy/api';
import { parseBillyBody } from '../../../nodes/Billy/client';
import { startSandbox } from '../index';
import type { BillyEmulator } from './emulator';

const dataset = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'billy');

describe('Billy emulator', () => {
	let emulator: BillyEmulator;
	const get = async (pathAndQuery: string, token: string | null = emulator.accessToken) => {
		const response = await fetch(`${emulator.url}${pathAndQuery}`, {
			headers: token ? { 'X-Access-Token': token } : {},
		});
		const text = await response.text();
		return { status: response.status, type: response.headers.get('content-type'), text, json: () => JSON.parse(text) };
	};

	before(async () => {
		emulator = (await startSandbox(dataset)) as BillyEmulator; // registered under system 'billy'
	});
	after(async () => await emulator.close());

	it('requires X-Access-Token and answers with Billy’s error body', async () => {
		const missing = await get('/v2/organization', null);
		assert.equal(missing.status, 401);
		assert.deepEqual(missing.json().meta, { statusCode: 401, success: false });
		assert.equal(missing.json().errorCode, 'AUTHENTICATION_REQUIRED');
		const wrong = await get('/v2/organization', 'nope');
		assert.equal(wrong.json().errorCode, 'OAUTH_INVALID_ACCESS_TOKEN');
		const notFound = await get('/v2/invoices/doesNotExist');
		assert.equal(notFound.status, 404);
		assert.equal(notFound.json().errorMessage, 'No `invoice` record with id `doesNotExist` was found.');
		const tooBig = await get('/v2/invoices?pageSize=1001');
		assert.equal(tooBig.status, 400);
	});

	it('pages from 1 with meta.paging and sorts with sortProperty/sortDirection', async () => {
		const total = emulator.store.invoices.length;
		const first = (await get('/v2/invoices?pageSize=10&page=1&sortProperty=invoiceNo&sortDirection=DESC')).json();
		assert.deepEqual(first.meta.paging, { page: 1, pageCount: Math.ceil(total / 10), pageSize: 10, total });
		assert.equal(first.invoices.length, 10);
		const numbers = first.invoices.map((i: BillyInvoice) => i.invoiceNo ?? '');
		assert.deepEqual([...numbers].sort().reverse(), numbers);
		const last = (await get(`/v2/invoices?pageSize=10&page=${Math.ceil(total / 10)}`)).json();
		assert.equal(last.invoices.length, total - 10 * (Math.ceil(total / 10) - 1));
	});

	it('embeds lines and sideloads contacts, persons and cities only when asked', async () => {
		const plain = (await get('/v2/invoices?pageSize=5')).json();
		assert.equal(plain.invoices[0].lines, undefined);
		assert.equal(plain.contacts, undefined);
		const full = (await get(`/v2/invoices?pageSize=1000&include=${encodeURIComponent(INVOICE_LIST_INCLUDE)}`)).json();
		assert.ok(full.invoices.every((i: BillyInvoice) => Array.isArray(i.lines) && i.lines.length > 0));
		const contactIds = new Set(full.invoices.map((i: BillyInvoice) => i.contactId));
		assert.deepEqual(new Set(full.contacts.map((c: { id: string }) => c.id)), contactIds);
		assert.ok(full.contactPersons.length >= contactIds.size);
		assert.deepEqual(
			full.cities.map((c: { id: string }) => c.id),
			['dk_aalborg'],
		);
	});

	it('filters by state, approval time (inclusive), contact and payment', async () => {
		const approved = emulator.store.invoices.filter((i) => i.state === 'approved');
		const body = (await get('/v2/invoices?state=approved&pageSize=1000')).json();
		assert.equal(body.invoices.length, approved.length);
		const pivot = approved[10].approvedTime!;
		const since = (await get(`/v2/invoices?state=approved&minApprovedTime=${pivot}&pageSize=1000`)).json();
		assert.equal(since.invoices.length, approved.filter((i) => i.approvedTime! >= pivot).length);
		const paid = (await get('/v2/invoices?isPaid=true&pageSize=1000')).json();
		assert.ok(paid.invoices.length > 0 && paid.invoices.every((i: BillyInvoice) => i.isPaid));
	});

	it('serves the PDF behind downloadUrl without a token', async () => {
		const invoice = (await get(`/v2/invoices/${emulator.store.invoices[0].id}`)).json().invoice as BillyInvoice;
		const pdf = await fetch(invoice.downloadUrl!);
		assert.equal(pdf.headers.get('content-type'), 'application/pdf');
		assert.equal(
			Buffer.from(await pdf.arrayBuffer())
				.subarray(0, 5)
				.toString(),
			'%PDF-',
		);
	});

	it('the client parses bodies with a stray prefix, and refuses non-JSON', () => {
		assert.deepEqual(parseBillyBody(')]}\',\n{"meta":{"success":true}}', 'x'), { meta: { success: true } });
		assert.throws(() => parseBillyBody('<html>gateway</html>', 'invoices'), /invoices with something that is not JSON/);
	});
});
