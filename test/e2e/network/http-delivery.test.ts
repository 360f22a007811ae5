import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { createHttpReceiver, type HttpReceiver } from '../../sandbox/http-receiver/receiver';
import { inlineBinary, runWorkflow, testCredential } from '../harness';
import { chain, credentialRef, HUBBROKER } from './workflow';

function item(customerId: string, number: string): INodeExecutionData {
	return {
		json: {
			invoice: { kind: 'invoice', number, issueDate: '2026-05-01' },
			source: { system: 'dinero', account: 'org-1', id: `guid-${number}`, number, kind: 'invoice', customerId },
			route: { activated: true, format: 'peppol-bis3', destination: 'http', destinationSettings: {} },
		},
		binary: {
			document: inlineBinary(`<Invoice><ID>${number}</ID></Invoice>`, 'application/xml', `invoice-${number}.xml`),
		},
	};
}

const workflow = (parameters: IDataObject = {}) =>
	chain('http delivery', [
		{
			name: 'Send',
			type: HUBBROKER,
			credentials: credentialRef('httpGatewayApi'),
			continueOnFail: true,
			parameters: {
				resource: 'delivery',
				operation: 'sendHttp',
				method: 'POST',
				url: '/inbound/{customerId}/{fileName}',
				headers: { header: [{ name: 'X-Sender', value: 'einvoice-export' }] },
				httpOptions: { duplicateStatusCodes: '409', remoteIdField: 'id' },
				...parameters,
			},
		},
	]);

describe('HTTP gateway delivery in the real n8n engine', () => {
	let receiver: HttpReceiver;
	before(async () => {
		receiver = await createHttpReceiver({
			requireAuth: { header: 'authorization', value: 'Bearer gw-token' },
			conflictOnRepeat: true,
		});
	});
	after(async () => {
		await receiver?.close();
	});
	const credentials = () => ({
		httpGatewayApi: {
			baseUrl: receiver.url,
			authType: 'header',
			headerName: 'Authorization',
			headerValue: 'Bearer gw-token',
		},
	});

	it('posts each document with auth, headers and idempotency key, and keeps the response', async () => {
		const input = [
			item('c1', '2001'),
			item('c2', '2002'),
			{
				...item('c3', '2003'),
				json: { ...item('c3', '2003').json, route: { activated: false, reason: 'customer is not listed' } },
			},
		];
		const result = await runWorkflow(workflow(), { input, credentials: credentials() });
		assert.equal(result.error, undefined, result.error?.message);
		const out = result.output('Send');
		const deliveries = out.map((i) => i.json.delivery as IDataObject);
		assert.deepEqual(
			deliveries.map((d) => d.status),
			['delivered', 'delivered', 'skipped'],
		);
		assert.equal(deliveries[2].message, 'not activated: customer is not listed');
		assert.equal(receiver.received.length, 2);
		const first = receiver.received[0];
		assert.equal(first.path, '/inbound/c1/invoice-2001.xml');
		assert.equal(first.headers['x-sender'], 'einvoice-export');
		assert.equal(first.headers['content-type'], 'application/xml');
		assert.equal(first.headers['idempotency-key'], deliveries[0].idempotencyKey);
		assert.equal(first.body.toString('utf8'), '<Invoice><ID>2001</ID></Invoice>');
		assert.equal(deliveries[0].remoteId, 'rcv-1');
		assert.deepEqual((deliveries[0].response as IDataObject).body, { id: 'rcv-1', bytes: 32 });
		assert.equal((deliveries[0].response as IDataObject).statusCode, 201);
		assert.deepEqual(
			out.map((i) => i.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);

		const again = await runWorkflow(workflow(), { input: input.slice(0, 1), credentials: credentials() });
		assert.equal((again.output('Send')[0].json.delivery as IDataObject).status, 'alreadyDelivered');
		assert.equal(receiver.received.length, 2);
	});

	it('retries a gateway that is briefly down and reports a refusal per item', async () => {
		receiver.failNext(1, 503);
		const retried = await runWorkflow(workflow(), { input: [item('c4', '2004')], credentials: credentials() });
		assert.equal((retried.output('Send')[0].json.delivery as IDataObject).status, 'delivered');
		assert.equal(receiver.received.at(-1)!.path, '/inbound/c4/invoice-2004.xml');

		receiver.failNext(1, 422, 'schema validation failed: cbc:ID missing');
		const refused = await runWorkflow(workflow(), {
			input: [item('c5', '2005'), item('c6', '2006')],
			credentials: credentials(),
		});
		const [bad, good] = refused.output('Send');
		assert.match(String(bad.json.error), /^Invoice 2005 \(dinero\)/);
		assert.match(String(bad.json.error), /schema validation failed/);
		assert.equal((good.json.delivery as IDataObject).status, 'delivered');

		const wrongAuth = await runWorkflow(workflow(), {
			input: [item('c7', '2007')],
			credentials: { httpGatewayApi: { ...credentials().httpGatewayApi, headerValue: 'Bearer nope' } },
		});
		assert.match(String(wrongAuth.output('Send')[0].json.error), /401|unauthorized/i);
	});

	it('tests the credential against the gateway', async () => {
		assert.equal((await testCredential('httpGatewayApi', credentials().httpGatewayApi)).status, 'OK');
		const refused = await testCredential('httpGatewayApi', {
			...credentials().httpGatewayApi,
			headerValue: 'Bearer nope',
		});
		assert.deepEqual([refused.status, refused.message], ['Error', 'The gateway refused the credentials (401)']);
		const basic = await testCredential('httpGatewayApi', {
			baseUrl: receiver.url,
			authType: 'basic',
			user: 'u',
			password: 'p',
		});
		assert.equal(basic.status, 'Error', 'basic auth is sent and refused by a gateway that wants a token');
	});
});
