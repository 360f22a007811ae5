import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox } from './index';
import type { SeveraEmulator } from './severa/emulator';

const dataset = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'severa');
const CLIENT_ID = 'pohjoisvalo_sandbox_client';

describe('Severa emulator', () => {
	let emulator: SeveraEmulator;
	let token: string;
	const call = (url: string, init: RequestInit = {}, bearer = token, clientId: string | null = CLIENT_ID) =>
		fetch(`${emulator.url}${url}`, {
			...init,
			headers: {
				...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
				...(clientId ? { Client_Id: clientId } : {}),
				...(init.headers as Record<string, string>),
			},
		});
	const tokenRequest = (body: unknown) =>
		fetch(`${emulator.url}/v1/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});

	before(async () => {
		emulator = (await startSandbox(dataset)) as SeveraEmulator;
		const response = await tokenRequest({
			client_id: CLIENT_ID,
			client_secret: 'sandbox-secret-5b1f0c',
			scope: 'invoices:read,invoices:write,settings:read,files:read',
		});
		assert.equal(response.status, 200);
		const body = (await response.json()) as Record<string, unknown>;
		assert.equal(body.access_token_expires_in, 3600);
		assert.ok(typeof body.refresh_token === 'string');
		token = body.access_token as string;
	});
	after(() => emulator.close());

	it('refuses wrong client credentials and ungranted scopes in the {error} shape', async () => {
		const wrong = await tokenRequest({ client_id: CLIENT_ID, client_secret: 'nope' });
		assert.equal(wrong.status, 401);
		const body = (await wrong.json()) as {
			error: { httpStatusCode: number; type: string; details: { message: string }[] };
		};
		assert.equal(body.error.httpStatusCode, 401);
		assert.equal(body.error.type, 'AuthenticationRequired');
		const scope = await tokenRequest({
			client_id: CLIENT_ID,
			client_secret: 'sandbox-secret-5b1f0c',
			scope: 'invoices:read,users:write',
		});
		assert.equal(scope.status, 401);
		assert.match(
			((await scope.json()) as { error: { details: { message: string }[] } }).error.details[0].message,
			/users:write/,
		);
	});

	it('needs both the bearer token and the Client_Id header', async () => {
		assert.equal((await call('/heartbeat/authorized')).status, 204);
		assert.equal((await call('/heartbeat/authorized', {}, token, null)).status, 401);
		assert.equal((await call('/heartbeat/authorized', {}, '')).status, 401);
	});

	it('checks the scope of the token per endpoint', async () => {
		const response = await call('/v1/customers');
		assert.equal(response.status, 403);
		assert.equal(((await response.json()) as { error: { type: string } }).error.type, 'InsufficientApiScope');
	});

	it('pages invoices with NextPageToken and filters by status', async () => {
		const toTransfer = 'aa4fd431-fcd3-46ba-a542-df502274f6eb';
		const seen: string[] = [];
		let pageToken: string | null = null;
		let pages = 0;
		do {
			const response: Response = await call(
				`/v1/invoices?invoiceStatusGuids=${toTransfer}&rowCount=10${pageToken ? `&pageToken=${pageToken}` : ''}`,
			);
			assert.equal(response.status, 200);
			const list = (await response.json()) as { guid: string; status: { guid: string } }[];
			assert.ok(list.every((i) => i.status.guid === toTransfer));
			seen.push(...list.map((i) => i.guid));
			pageToken = response.headers.get('NextPageToken');
			pages++;
		} while (pageToken);
		assert.equal(pages, 3);
		assert.equal(new Set(seen).size, 26);
		assert.equal((await call('/v1/invoices?rowCount=101')).status, 400);
	});

	it('changes a status only with the JSON Patch form the client sends, and keeps it', async () => {
		const invoice = emulator.invoices.find((i) => i.number === 26171)!;
		const target = emulator.statuses.find((s) => s.name === 'To be transferred to Maventa')!;
		const patch = (body: unknown) =>
			call(`/v1/invoices/${invoice.guid}`, {
				method: 'PATCH',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(body),
			});
		const otherForm = await patch([{ op: 'replace', path: '/status/guid', value: target.guid }]);
		assert.equal(otherForm.status, 400);
		const ok = await patch([{ op: 'replace', path: '/status', value: { guid: target.guid } }]);
		assert.equal(ok.status, 200);
		const body = (await ok.json()) as { status: { guid: string } }[];
		assert.ok(Array.isArray(body), 'PATCH answers with a list');
		assert.equal(body[0].status.guid, target.guid);
		const again = (await (await call(`/v1/invoices/${invoice.guid}`)).json()) as {
			status: { guid: string };
			lastUpdatedDateTime: string;
		};
		assert.equal(again.status.guid, target.guid);
		assert.ok(Date.parse(again.lastUpdatedDateTime) > Date.parse('2026-11-01'));
		assert.equal(emulator.statusChanges.length, 1);
	});

	it('serves the invoice PDF and refuses an unknown invoice with 404', async () => {
		const invoice = emulator.invoices[0];
		const pdf = await call(`/v1/invoices/${invoice.guid}/pdf`);
		assert.equal(pdf.headers.get('content-type'), 'application/pdf');
		const bytes = Buffer.from(await pdf.arrayBuffer());
		assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
		assert.match(bytes.toString('latin1'), /%%EOF\n$/);
		assert.equal((await call('/v1/invoices/00000000-0000-4000-8000-000000000000')).status, 404);
	});

	it('expires tokens, and a refresh token gives a new one', async () => {
		const fresh = (await (
			await tokenRequest({ client_id: CLIENT_ID, client_secret: 'sandbox-secret-5b1f0c' })
		).json()) as Record<string, string>;
		emulator.expireTokens();
		const expired = await call('/heartbeat/authorized', {}, fresh.access_token);
		assert.equal(expired.status, 401);
		const refreshed = await fetch(`${emulator.url}/v1/refreshtoken`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(fresh.refresh_token),
		});
		assert.equal(refreshed.status, 200);
		const next = (await refreshed.json()) as Record<string, string>;
		assert.equal((await call('/heartbeat/authorized', {}, next.access_token)).status, 204);
		token = next.access_token;
	});
});
