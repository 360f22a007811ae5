/**
 * The shared request helper (nodes/shared/n8n/request.ts) inside the real n8n engine, against a real local server:
 * retries (429 + Retry-After, 5xx, dropped connections), the cap, the rate limit, error extraction, tokens, secrecy.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { IDataObject, INode } from 'n8n-workflow';

import {
	binaryBuffer,
	listSearch,
	registerCredentialType,
	registerNodeType,
	runWorkflow,
	testCredential,
	type WorkflowJson,
} from './harness';
import { HttpProbe, ProbeApi, ProbeClientApi, ProbeTokenApi } from './support/probe-nodes';
import { hangUp, json, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { resetRateLimits } from '../../nodes/shared/n8n/rate-limit';
import { clearTokenCache } from '../../nodes/shared/n8n/token';

const SECRET = 's3cr3t-token-value-123';

function probeWorkflow(
	parameters: IDataObject,
	options: { credentialType?: string; node?: Partial<INode> } = {},
): WorkflowJson {
	const credentialType = options.credentialType ?? 'probeApi';
	return {
		name: 'probe',
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
				name: 'HTTP Probe',
				type: 'test.httpProbe',
				typeVersion: 1,
				position: [200, 0],
				parameters: { credentialType, ...parameters },
				credentials: { [credentialType]: { id: 'cred-1', name: 'Probe account' } },
				...options.node,
			},
		],
		connections: { Start: { main: [[{ node: 'HTTP Probe', type: 'main', index: 0 }]] } },
	};
}

describe('request helper in the real engine', () => {
	let server: ScriptedServer;
	const credentials = () => ({ probeApi: { token: SECRET, apiKey: 'key-abc-987654', baseUrl: server.url } });

	before(async () => {
		registerNodeType('test.httpProbe', new HttpProbe());
		registerCredentialType(new ProbeApi());
		registerCredentialType(new ProbeTokenApi());
		registerCredentialType(new ProbeClientApi());
		server = await startScriptedServer();
	});
	after(async () => await server.close());
	beforeEach(() => {
		server.requests.length = 0;
		server.fallback = json(200, { ok: true });
		server.routes = {};
		resetRateLimits();
		clearTokenCache();
	});

	it('applies the credential (generic authenticate block) to the request', async () => {
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/me' }), {
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(result.output('HTTP Probe')[0].json, { ok: true });
		assert.equal(server.requests[0].headers.authorization, `Bearer ${SECRET}`);
		assert.equal(server.requests[0].headers['x-api-key'], 'key-abc-987654');
		assert.deepEqual(result.output('HTTP Probe')[0].pairedItem, { item: 0 });
	});

	it('waits for Retry-After (seconds) on 429, then succeeds', async () => {
		server.script(json(429, { message: 'slow down' }, { 'retry-after': '1' }), json(200, { ok: 'second' }));
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/x' }), {
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(result.output('HTTP Probe')[0].json, { ok: 'second' });
		assert.equal(server.requests.length, 2);
		const gap = server.requests[1].at - server.requests[0].at;
		assert.ok(gap >= 950, `second attempt after ${gap} ms, expected ≥ 1000 ms`);
		// Upper bound generous for a loaded CI machine; it still tells a 1 s wait from the 600 s cap.
		assert.ok(gap < 6000, `second attempt after ${gap} ms, expected about 1000 ms`);
	});

	it('waits for Retry-After given as an HTTP date', async () => {
		server.script((_req, res) => {
			res.writeHead(429, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
			res.end();
		});
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/x' }), {
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		const gap = server.requests[1].at - server.requests[0].at;
		// HTTP dates have whole seconds: the wait is between 1 and 2 seconds.
		assert.ok(gap >= 900 && gap <= 2600, `waited ${gap} ms`);
	});

	it('retries 503 with back-off and returns the eventual success', async () => {
		server.script(json(503, { message: 'maintenance' }), json(502, 'bad gateway'), json(200, { ok: 3 }));
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/x', baseDelayMs: 50 }), {
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(result.output('HTTP Probe')[0].json, { ok: 3 });
		assert.equal(server.requests.length, 3);
		// back-off: at least half of 50 ms, then half of 100 ms
		assert.ok(server.requests[1].at - server.requests[0].at >= 20);
		assert.ok(server.requests[2].at - server.requests[1].at >= 45);
	});

	it('retries a dropped connection (ECONNRESET / socket hang up)', async () => {
		server.script(hangUp, json(200, { ok: 'after reset' }));
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/x' }), {
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(result.output('HTTP Probe')[0].json, { ok: 'after reset' });
		assert.equal(server.requests.length, 2);
	});

	it('gives up on an attempt that does not answer in time, and retries it', async () => {
		const held: Array<() => void> = [];
		server.script(
			(_req, res) => {
				held.push(() => res.end());
			},
			json(200, { ok: 'in time' }),
		);
		const started = Date.now();
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/slow', timeoutMs: 300 }), {
			credentials: credentials(),
		});
		held.forEach((release) => release());
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(result.output('HTTP Probe')[0].json, { ok: 'in time' });
		assert.equal(server.requests.length, 2);
		assert.ok(Date.now() - started >= 290);
	});

	it('does not repeat a POST after a 500, but does after a 503 or when marked idempotent', async () => {
		server.script(json(500, { message: 'boom' }));
		let result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/post', method: 'POST' }), {
			credentials: credentials(),
		});
		assert.ok(result.error);
		assert.equal(server.requests.length, 1);

		server.requests.length = 0;
		server.script(json(503, { message: 'later' }), json(201, { created: true }));
		result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/post', method: 'POST' }), {
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		assert.equal(server.requests.length, 2);

		server.requests.length = 0;
		server.script(json(500, { message: 'boom' }), json(201, { created: true }));
		result = await runWorkflow(
			probeWorkflow({ baseUrl: server.url, path: '/post', method: 'POST', idempotent: true }),
			{
				credentials: credentials(),
			},
		);
		assert.equal(result.error, undefined);
		assert.equal(server.requests.length, 2);
	});

	it('gives up after the attempt cap with the remote message and the attempt count', async () => {
		server.fallback = json(503, { message: 'still down' });
		const result = await runWorkflow(
			probeWorkflow({ baseUrl: server.url, path: '/x', maxAttempts: 3, baseDelayMs: 10 }),
			{
				credentials: credentials(),
			},
		);
		assert.ok(result.error);
		assert.equal(server.requests.length, 3);
		assert.match(result.error.message, /Probe: still down \[HTTP 503\] after 3 attempts/);
	});

	it('fails at once when Retry-After exceeds the total wait cap', async () => {
		server.script(json(429, { message: 'quota' }, { 'retry-after': '600' }));
		const started = Date.now();
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/x', maxTotalWaitMs: 5000 }), {
			credentials: credentials(),
		});
		assert.ok(result.error);
		assert.ok(Date.now() - started < 8000, 'did not wait for the 600 s Retry-After');
		assert.equal(server.requests.length, 1);
		assert.match(result.error.message, /quota \[HTTP 429\].*retry after 600 s/);
	});

	it('holds back later requests on the same key after a long Retry-After, failing fast instead of hanging', async () => {
		server.script(json(429, { message: 'daily quota used' }, { 'retry-after': '3600' }));
		const flow = probeWorkflow({ baseUrl: server.url, path: '/x', rateLimit: 100, maxTotalWaitMs: 5000 });
		const first = await runWorkflow(flow, { credentials: credentials() });
		assert.match(String(first.error?.message), /daily quota used \[HTTP 429\].*retry after 3600 s/);
		const started = Date.now();
		const second = await runWorkflow(flow, { credentials: credentials() });
		assert.ok(Date.now() - started < 3000);
		assert.match(
			String(second.error?.message),
			/^Item 1 \(Probe\): Probe: requests are paused until \d{4}-\d\d-\d\dT.* \(Retry-After\)$/,
		);
		assert.equal(server.requests.length, 1, 'the paused request never reached the server');
	});

	it('never exceeds the rate limit (sliding window) across items', async () => {
		const items = Array.from({ length: 12 }, (_, i) => ({ json: { i } }));
		const started = Date.now();
		const result = await runWorkflow(
			probeWorkflow({ baseUrl: server.url, path: '/limited', rateLimit: 5, rateWindowMs: 600 }),
			{
				input: items,
				credentials: credentials(),
			},
		);
		assert.equal(result.error, undefined);
		assert.equal(result.output('HTTP Probe').length, 12);
		const times = server.requests.map((r) => r.at);
		for (let i = 0; i < times.length; i++) {
			const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 600).length;
			assert.ok(inWindow <= 5, `${inWindow} requests within 600 ms from request ${i}`);
		}
		// 12 requests at 5 per 600 ms need at least two full windows.
		assert.ok(Date.now() - started >= 1150, `took ${Date.now() - started} ms`);
	});

	it("extracts the service's error message, names the system and subject, and sets itemIndex", async () => {
		server.fallback = (req, res) => {
			res.writeHead(422, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify(
					req.path === '/custom'
						? { problem: { text: 'Number 1001 already exists' } }
						: { errors: [{ field: 'Number', message: 'is required' }] },
				),
			);
		};
		let result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/custom', subject: 'invoice 1001' }), {
			credentials: credentials(),
		});
		assert.ok(result.error);
		assert.match(
			result.error.message,
			/^Invoice 1 \(Probe\)|Item 1 \(Probe\): Probe \(invoice 1001\): Number 1001 already exists \[HTTP 422\]$/,
		);
		assert.equal((result.error as unknown as { httpCode: string }).httpCode, '422');
		assert.equal(result.error.context?.itemIndex, 0);

		result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/default' }), {
			credentials: credentials(),
		});
		assert.ok(result.error);
		assert.match(result.error.message, /Probe: Number: is required \[HTTP 422\]/);
	});

	it('keeps secrets out of errors and run data, even when the server echoes them', async () => {
		server.fallback = (req, res) => {
			res.writeHead(400, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					message: `bad header ${String(req.headers.authorization)} and key ${String(req.headers['x-api-key'])}`,
				}),
			);
		};
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/x' }), {
			credentials: credentials(),
		});
		assert.ok(result.error);
		const everything =
			JSON.stringify(result.run) +
			JSON.stringify(result.error) +
			String(result.error.description) +
			result.error.message;
		assert.ok(!everything.includes(SECRET), 'token leaked');
		assert.ok(!everything.includes('key-abc-987654'), 'api key leaked');
		assert.match(result.error.message, /bad header Bearer \*\*\*/);
	});

	it('continues on fail: a failing item becomes an error item, the others go on', async () => {
		server.fallback = (req, res) => {
			const fail = req.url.searchParams.get('n') === '1';
			res.writeHead(fail ? 404 : 200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(fail ? { message: 'no such invoice' } : { ok: req.url.searchParams.get('n') }));
		};
		const workflow = probeWorkflow(
			{ baseUrl: server.url, path: '={{ "/doc?n=" + $json.n }}' },
			{ node: { onError: 'continueRegularOutput' } },
		);
		const result = await runWorkflow(workflow, {
			input: [{ n: 0 }, { n: 1, source: { system: 'Dinero', number: '1001' } }, { n: 2 }],
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		const out = result.output('HTTP Probe');
		assert.equal(out.length, 3);
		assert.deepEqual(out[0].json, { ok: '0' });
		assert.match(String(out[1].json.error), /^Invoice 1001 \(Dinero\): Probe: no such invoice \[HTTP 404\]$/);
		assert.deepEqual(out[1].pairedItem, { item: 1 });
		assert.deepEqual(out[2].json, { ok: '2' });
	});

	it('routes error items to the error output with onError=continueErrorOutput', async () => {
		server.fallback = (req, res) => {
			const fail = req.url.searchParams.get('n') === '1';
			res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(fail ? { message: 'broken' } : { ok: true }));
		};
		const workflow = probeWorkflow(
			{ baseUrl: server.url, path: '={{ "/doc?n=" + $json.n }}', maxAttempts: 1 },
			{ node: { onError: 'continueErrorOutput' } },
		);
		const result = await runWorkflow(workflow, { input: [{ n: 0 }, { n: 1 }], credentials: credentials() });
		assert.equal(result.error, undefined);
		const [success, errors] = result.outputs('HTTP Probe');
		assert.equal(success.length, 1);
		assert.equal(errors.length, 1);
		assert.match(String(errors[0].json.error), /Item 2 \(Probe\): Probe: broken \[HTTP 500\]/);
		// n8n merges the input item back into the error item on the error output.
		assert.equal(errors[0].json.n, 1);
		assert.equal((errors[0].json.details as IDataObject).httpCode, '500');
		assert.deepEqual(errors[0].pairedItem, { item: 1 });
	});

	it('returns full responses and binary bodies', async () => {
		server.script(json(200, { a: 1 }, { 'x-request-id': 'req-42' }));
		let result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/x', response: 'full' }), {
			credentials: credentials(),
		});
		assert.deepEqual(result.output('HTTP Probe')[0].json, { statusCode: 200, body: { a: 1 }, requestId: 'req-42' });

		const pdf = Buffer.concat([
			Buffer.from('%PDF-1.4\n'),
			Buffer.from([0, 1, 2, 250, 251, 252, 255]),
			Buffer.from('\n%%EOF'),
		]);
		server.script((_req, res) => {
			res.writeHead(200, {
				'content-type': 'application/pdf',
				'content-disposition': 'attachment; filename="Faktura 1001.pdf"',
			});
			res.end(pdf);
		});
		result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/pdf', response: 'binary' }), {
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		const item = result.output('HTTP Probe')[0];
		assert.deepEqual(item.json, { fileName: 'Faktura 1001.pdf', mimeType: 'application/pdf' });
		assert.ok(item.binary?.data.id, 'stored by the binary data service');
		assert.deepEqual(await binaryBuffer(item.binary.data), pdf);
	});

	it('pages by number until a short page', async () => {
		server.fallback = (req, res) => {
			const page = Number(req.url.searchParams.get('page'));
			const all = Array.from({ length: 7 }, (_, i) => ({ id: i }));
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(all.slice(page * 3, page * 3 + 3)));
		};
		const result = await runWorkflow(probeWorkflow({ baseUrl: server.url, path: '/list', paged: true }), {
			credentials: credentials(),
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(result.output('HTTP Probe')[0].json, {
			items: [0, 1, 2, 3, 4, 5, 6].map((id) => ({ id })),
			pages: 3,
		});
	});

	it("refreshes a token through the credential's preAuthentication, and again after a 401", async () => {
		let issued = 0;
		let valid = '';
		server.routes['/token'] = (req, res) => {
			assert.equal(req.headers.authorization, `Basic ${Buffer.from('client-1:client-secret-xyz').toString('base64')}`);
			valid = `tok-${++issued}`;
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ access_token: valid, expires_in: 3600, token_type: 'Bearer' }));
		};
		server.fallback = (req, res) => {
			const ok = req.headers.authorization === `Bearer ${valid}`;
			res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
			res.end(JSON.stringify(ok ? { ok: true } : { message: 'token expired' }));
		};
		const creds = {
			probeTokenApi: { clientId: 'client-1', clientSecret: 'client-secret-xyz', baseUrl: server.url, accessToken: '' },
		};
		let result = await runWorkflow(
			probeWorkflow({ baseUrl: server.url, path: '/x' }, { credentialType: 'probeTokenApi' }),
			{
				input: [{ a: 1 }, { a: 2 }],
				credentials: creds,
			},
		);
		assert.equal(result.error, undefined);
		assert.equal(issued, 1, 'one token for both items');

		// A stored token that the server no longer accepts: 401, refresh once, success.
		result = await runWorkflow(
			probeWorkflow({ baseUrl: server.url, path: '/x' }, { credentialType: 'probeTokenApi' }),
			{
				credentials: { probeTokenApi: { ...creds.probeTokenApi, accessToken: 'stale' } },
			},
		);
		assert.equal(result.error, undefined);
		assert.equal(issued, 2);
	});

	it('caches a client-fetched token (password grant) and refetches it once after a 401', async () => {
		let issued = 0;
		let valid = '';
		server.routes['/token'] = (req, res) => {
			const form = new URLSearchParams(req.body);
			assert.equal(form.get('grant_type'), 'password');
			assert.equal(form.get('username'), 'probe-user');
			valid = `client-tok-${++issued}`;
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ access_token: valid, expires_in: 3600 }));
		};
		server.fallback = (req, res) => {
			const ok = req.headers.authorization === `Bearer ${valid}` && req.headers['x-client'] === 'client-9';
			res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
			res.end(JSON.stringify(ok ? { ok: true } : { message: 'unauthorized' }));
		};
		const creds = { probeClientApi: { clientId: 'client-9', clientSecret: 'very-secret-9', baseUrl: server.url } };
		const workflow = probeWorkflow({ baseUrl: server.url, path: '/x' }, { credentialType: 'probeClientApi' });
		let result = await runWorkflow(workflow, { input: [{ a: 1 }, { a: 2 }, { a: 3 }], credentials: creds });
		assert.equal(result.error, undefined);
		assert.equal(issued, 1);
		// Next execution reuses the cached token …
		result = await runWorkflow(workflow, { credentials: creds });
		assert.equal(result.error, undefined);
		assert.equal(issued, 1);
		// … until the server revokes it.
		valid = 'revoked';
		result = await runWorkflow(workflow, { credentials: creds });
		assert.equal(result.error, undefined);
		assert.equal(issued, 2);
	});

	it('reports a refused token request without the secret', async () => {
		server.routes['/token'] = json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
		const creds = { probeClientApi: { clientId: 'client-9', clientSecret: 'very-secret-9', baseUrl: server.url } };
		const result = await runWorkflow(
			probeWorkflow({ baseUrl: server.url, path: '/x' }, { credentialType: 'probeClientApi' }),
			{ credentials: creds },
		);
		assert.ok(result.error);
		assert.match(
			result.error.message,
			/Probe: could not obtain an access token: the token request was refused: invalid_client: Client authentication failed \[HTTP 401\]/,
		);
		assert.ok(!JSON.stringify(result.run).includes('very-secret-9'));
	});

	it('runs a list search (resource locator) through the request helper, with paging', async () => {
		const customers = [
			{ id: 'c1', name: 'Hansen & Søn ApS' },
			{ id: 'c2', name: 'Hansen Byg A/S' },
			{ id: 'c3', name: 'Hansen Gruppen' },
		];
		server.fallback = (req, res) => {
			const q = (req.url.searchParams.get('q') ?? '').toLowerCase();
			const page = Number(req.url.searchParams.get('page'));
			const matching = customers.filter((c) => c.name.toLowerCase().includes(q));
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(matching.slice((page - 1) * 2, page * 2)));
		};
		const first = await listSearch('test.httpProbe', 'searchCustomers', {
			credentials: credentials(),
			parameters: { baseUrl: server.url },
			nodeCredentials: { probeApi: { id: 'cred-1', name: 'Probe account' } },
			filter: 'hansen',
		});
		assert.deepEqual(first.results, [
			{ name: 'Hansen & Søn ApS', value: 'c1' },
			{ name: 'Hansen Byg A/S', value: 'c2' },
		]);
		assert.equal(first.paginationToken, '2');
		const second = await listSearch('test.httpProbe', 'searchCustomers', {
			credentials: credentials(),
			parameters: { baseUrl: server.url },
			nodeCredentials: { probeApi: { id: 'cred-1', name: 'Probe account' } },
			filter: 'hansen',
			paginationToken: first.paginationToken,
		});
		assert.deepEqual(second.results, [{ name: 'Hansen Gruppen', value: 'c3' }]);
		assert.equal(server.requests[0].headers.authorization, `Bearer ${SECRET}`);
	});

	it("runs a credential's test request", async () => {
		server.fallback = (req, res) => {
			const ok = req.headers.authorization === `Bearer ${SECRET}`;
			res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ok }));
		};
		assert.equal((await testCredential('probeApi', credentials().probeApi)).status, 'OK');
		assert.equal((await testCredential('probeApi', { ...credentials().probeApi, token: 'wrong' })).status, 'Error');
		assert.equal(server.requests[0].path, '/me');
	});
});
