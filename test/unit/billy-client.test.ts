import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { billyBaseUrl, billyErrorMessage, billyTime } from '../../nodes/Billy/client';

describe('Billy client helpers', () => {
	it('resolves the base URL per environment, adding /v2 once', () => {
		assert.equal(billyBaseUrl({ environment: 'production' }), 'https://api.billysbilling.com/v2');
		assert.equal(billyBaseUrl({}), 'https://api.billysbilling.com/v2');
		assert.equal(
			billyBaseUrl({ environment: 'sandbox', baseUrl: 'http://127.0.0.1:8790/' }),
			'http://127.0.0.1:8790/v2',
		);
		assert.equal(
			billyBaseUrl({ environment: 'custom', baseUrl: 'https://proxy.example/billy/v2/' }),
			'https://proxy.example/billy/v2',
		);
		assert.throws(() => billyBaseUrl({ environment: 'custom', baseUrl: ' ' }), /no base URL/);
	});

	it("turns Billy's error body into the remote message with its code", () => {
		const notFound = {
			statusCode: 404,
			headers: {},
			body: {
				meta: { statusCode: 404, success: false },
				errorMessage: 'No `contact` record with id `x` was found.',
				errorCode: 'RECORD_NOT_FOUND',
			},
		};
		assert.equal(billyErrorMessage(notFound), 'No `contact` record with id `x` was found. (RECORD_NOT_FOUND)');
		const invalid = {
			statusCode: 400,
			headers: {},
			body: {
				errorMessage: 'Validation failed',
				errorCode: 'INVALID_RECORD',
				validationErrors: { invoice: { message: 'contactId is required' } },
			},
		};
		assert.equal(billyErrorMessage(invalid), 'Validation failed; invoice: contactId is required (INVALID_RECORD)');
		const auth = {
			statusCode: 401,
			headers: {},
			body: { errorMessage: 'The access token is invalid.', errorCode: 'OAUTH_INVALID_ACCESS_TOKEN' },
		};
		assert.match(billyErrorMessage(auth)!, /check the Billy access token$/);
		assert.equal(billyErrorMessage({ statusCode: 502, headers: {}, body: '<html>Bad gateway</html>' }), undefined);
	});

	it("writes filter times in Billy's format (UTC, seconds)", () => {
		assert.equal(billyTime('2026-03-01T10:20:30.456Z'), '2026-03-01T10:20:30');
		assert.equal(billyTime('2026-03-01T12:20:30+02:00'), '2026-03-01T10:20:30');
	});
});
