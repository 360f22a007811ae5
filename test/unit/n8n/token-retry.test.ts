/**
 * Token requests against a real loopback server: transient answers (429, 5xx, a 200 without a token) are tried again,
 * a refusal (401) is not.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { fetchOAuth2Token, TokenFetchError } from '../../../nodes/shared/n8n/token';

describe('fetchOAuth2Token retries transient failures', () => {
	let server: http.Server;
	let url = '';
	let script: { status: number; body: string; headers?: Record<string, string> }[] = [];
	let calls = 0;

	before(async () => {
		server = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				const answer = script[Math.min(calls++, script.length - 1)];
				res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
				res.end(answer.body);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
	});
	after(() => server.close());

	// The shape of n8n's httpRequest with returnFullResponse and ignoreHttpStatusErrors.
	const requester = async (options: IHttpRequestOptions) => {
		const response = await fetch(options.url, {
			method: options.method,
			headers: options.headers as Record<string, string>,
			body: options.body as string,
		});
		return {
			statusCode: response.status,
			headers: Object.fromEntries(response.headers.entries()),
			body: await response.text(),
		};
	};
	const token = JSON.stringify({ access_token: 'abc', expires_in: 3600 });
	const request = () =>
		fetchOAuth2Token(requester, { tokenUrl: url, grantType: 'client_credentials', clientId: 'id', clientSecret: 's' });

	it('503, 429 (Retry-After 0) and a proxy page, then the token', async () => {
		calls = 0;
		script = [
			{ status: 503, body: '{"message":"unavailable"}' },
			{ status: 429, body: '{}', headers: { 'retry-after': '0' } },
			{ status: 200, body: '<html>Bad Gateway</html>' },
			{ status: 200, body: token },
		];
		const result = await request();
		assert.equal(result.accessToken, 'abc');
		assert.equal(calls, 4);
	});

	it('gives up after four attempts with the last answer', async () => {
		calls = 0;
		script = [{ status: 500, body: '{"error":"server_error"}' }];
		await assert.rejects(request(), (error: TokenFetchError) => /server_error \[HTTP 500\]/.test(error.message));
		assert.equal(calls, 4);
	});

	it('a refusal (401) is not repeated', async () => {
		calls = 0;
		script = [{ status: 401, body: '{"error":"invalid_client"}' }];
		await assert.rejects(request(), /invalid_client \[HTTP 401\]/);
		assert.equal(calls, 1);
	});
});
