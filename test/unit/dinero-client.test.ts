import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dineroErrorMessage } from '../../nodes/Dinero/client';

describe('Dinero error shapes → one readable remote message', () => {
	it('JSON error body with code and validation errors', () => {
		const body = {
			code: 42,
			message: 'Validation error',
			validationErrors: { pageSize: 'must be between 1 and 1000' },
		};
		assert.equal(
			dineroErrorMessage({ statusCode: 400, body, headers: {} }),
			'Validation error; pageSize: must be between 1 and 1000 (Dinero error code 42)',
		);
	});

	it('camelCase and PascalCase bodies read alike', () => {
		const pascal = dineroErrorMessage({ statusCode: 404, body: { Code: 65, Message: 'Item is deleted' }, headers: {} });
		const camel = dineroErrorMessage({ statusCode: 404, body: { code: 65, message: 'Item is deleted' }, headers: {} });
		assert.equal(pascal, 'Item is deleted (Dinero error code 65)');
		assert.equal(camel, pascal);
	});

	it('an HTML 404 page, the plain-text 429 quota message, the 480 brown-out and OAuth errors', () => {
		const html = '<!DOCTYPE html><html><body><h1>404 - File or directory not found.</h1></body></html>';
		assert.equal(
			dineroErrorMessage({ statusCode: 404, body: html, headers: {} }),
			'not found (Dinero answered with an HTML page)',
		);
		assert.equal(
			dineroErrorMessage({
				statusCode: 429,
				body: 'API calls quota exceeded! maximum admitted 100 per 1m.',
				headers: {},
			}),
			'API calls quota exceeded! maximum admitted 100 per 1m.',
		);
		assert.match(String(dineroErrorMessage({ statusCode: 480, body: '', headers: {} })), /deprecated.*HTTP 480/);
		assert.equal(
			dineroErrorMessage({
				statusCode: 400,
				body: { error: 'invalid_grant', error_description: 'bad key' },
				headers: {},
			}),
			'invalid_grant: bad key',
		);
	});
});
