/**
 * Dinero through Visma Connect (OAuth2) in the real engine: the access token expires in the middle of a batch, the
 * next request is answered 401, n8n-core refreshes the token with the refresh token once, the request is repeated,
 * and the rest of the batch uses the new token (the refresh token is single-use, as Visma Connect's are).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject } from 'n8n-workflow';

import { createDineroEmulator, type DineroEmulator } from '../sandbox/dinero/emulator';
import { Faults } from '../sandbox/faults';
import { datasetCopy, seller } from './dinero-support';
import { nodeType, runWorkflow, type WorkflowJson } from './harness';

type Rec = Record<string, unknown>;

describe('Dinero OAuth2: token refresh in the middle of a run', () => {
	let emulator: DineroEmulator;
	const faults = new Faults();
	before(async () => {
		emulator = await createDineroEmulator(datasetCopy(undefined, { rateLimitPerMinute: 2000 }), { faults });
	});
	after(async () => await emulator.close());

	it('a 401 mid-batch refreshes the token once and every invoice is read', async () => {
		// Consent as the editor's "Connect" button does it: authorization code → access + refresh token.
		const code = emulator.authorizationCode();
		const token = (await (
			await fetch(`${emulator.url}/connect/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'authorization_code',
					code,
					client_id: emulator.settings.clientId,
					client_secret: emulator.settings.clientSecret,
					redirect_uri: 'http://localhost/callback',
				}),
			})
		).json()) as IDataObject;
		assert.ok(token.refresh_token, 'offline_access gives a refresh token');

		const booked = emulator.data.invoices.filter((d) => d.Status === 'Booked' && !d.DeletedAt).slice(0, 5);
		assert.equal(booked.length, 5);
		// The third invoice request finds the token expired (once), as an hour passing mid-run would.
		const third = String(booked[2].Guid);
		faults.serve({
			match: new RegExp(`^GET /v1/${emulator.organizationId}/invoices/${third}(\\?|$)`),
			count: 1,
			status: 401,
			body: () => {
				emulator.expireTokens();
				return JSON.stringify({ code: 41, message: 'Unauthorized: the access token is missing, invalid or expired' });
			},
		});
		const tokensBefore = emulator.requests['POST /connect/token'] ?? 0;
		const workflow: WorkflowJson = {
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
					id: 'd',
					name: 'Dinero',
					type: nodeType('dinero'),
					typeVersion: 1,
					position: [200, 0],
					parameters: {
						authentication: 'dineroOAuth2Api',
						sellerDetails: seller,
						resource: 'invoice',
						operation: 'get',
						findBy: 'id',
						documentId: '={{ $json.id }}',
						output: 'raw',
					},
					credentials: { dineroOAuth2Api: { id: 'oauth', name: 'Dinero OAuth2' } },
				},
			],
			connections: { Start: { main: [[{ node: 'Dinero', type: 'main', index: 0 }]] } },
		};
		const result = await runWorkflow(workflow, {
			input: booked.map((d) => ({ id: String(d.Guid) })),
			credentials: {
				oauth: {
					environment: 'sandbox',
					baseUrl: emulator.url,
					organizationId: emulator.organizationId,
					clientId: emulator.settings.clientId,
					clientSecret: emulator.settings.clientSecret,
					grantType: 'authorizationCode',
					authUrl: `${emulator.url}/connect/authorize`,
					accessTokenUrl: `${emulator.url}/connect/token`,
					scope: 'dineropublicapi:read dineropublicapi:write offline_access',
					authentication: 'body',
					oauthTokenData: token,
				},
			},
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			result.output('Dinero').map((i) => ((i.json.dinero ?? i.json) as Rec).Guid),
			booked.map((d) => d.Guid),
			'every invoice of the batch was read, in order',
		);
		assert.equal(faults.counts().canned, 1, 'the 401 was served once');
		assert.equal((emulator.requests['POST /connect/token'] ?? 0) - tokensBefore, 1, 'one refresh, then the new token');
	});
});
