import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildHttpDeliveryRequest, interpretHttpResponse, parseStatusCodes } from '../../../nodes/shared/delivery/http';
import { documentIdempotencyKey } from '../../../nodes/shared/delivery/idempotency';

describe('HTTP delivery rules', () => {
	it('parses status code lists and ranges', () => {
		const ok = parseStatusCodes('200-204, 409');
		assert.deepEqual([200, 204, 205, 409, 500].map(ok), [true, true, false, true, false]);
		assert.throws(() => parseStatusCodes('2xx'), /"2xx" is not a status code or range/);
	});

	it('builds the request with headers and the idempotency key, without letting a header drop the key', () => {
		const request = buildHttpDeliveryRequest(
			{ url: '/in', method: 'PUT', headers: { 'X-Tenant': 't1' }, idempotencyHeader: 'X-Request-Id' },
			{ content: Buffer.from('<x/>'), fileName: 'a"b.xml', idempotencyKey: 'k1' },
		);
		assert.deepEqual(request.headers, {
			'content-type': 'application/xml',
			'content-disposition': 'attachment; filename="a_b.xml"',
			'x-tenant': 't1',
			'x-request-id': 'k1',
		});
	});

	it('reads accepted, duplicate and failed answers', () => {
		const settings = { url: '/', method: 'POST' as const, duplicateStatusCodes: '409', remoteIdField: 'data.id' };
		const ok = interpretHttpResponse(settings, {
			statusCode: 202,
			body: '{"data":{"id":42}}',
			headers: { location: '/d/42' },
		});
		assert.equal(ok.status, 'delivered');
		assert.equal(ok.remoteId, '42');
		assert.equal(
			interpretHttpResponse(
				{ ...settings, remoteIdField: undefined },
				{ statusCode: 201, headers: { location: '/d/7' } },
			).remoteId,
			'/d/7',
		);
		assert.equal(interpretHttpResponse(settings, { statusCode: 409, body: {} }).status, 'alreadyDelivered');
		const failed = interpretHttpResponse(settings, { statusCode: 400, body: 'bad document' });
		assert.equal(failed.status, 'failed');
		assert.equal(failed.message, 'gateway answered HTTP 400: bad document');
	});

	it("uses the converter's idempotency key, or a stable one from the source", () => {
		assert.equal(documentIdempotencyKey({ document: { idempotencyKey: 'from-ubl' } }), 'from-ubl');
		const a = documentIdempotencyKey({
			source: { system: 'billy', account: 'x', id: '1', number: '7' },
			route: { format: 'oioubl21' },
		});
		const b = documentIdempotencyKey({
			source: { system: 'billy', account: 'x', id: '1', number: '7' },
			route: { format: 'oioubl21' },
		});
		const c = documentIdempotencyKey({
			source: { system: 'billy', account: 'x', id: '1', number: '7' },
			route: { format: 'peppol-bis3' },
		});
		assert.equal(a, b);
		assert.notEqual(a, c);
	});
});
