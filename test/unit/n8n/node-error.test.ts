/**
 * toNodeError: an error shared by several items (one cached login that failed) gives each item its own error naming
 * its own document, and leaves the shared one as it was.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { toNodeError } from '../../../nodes/shared/n8n/items';

const node: INode = {
	id: '1',
	name: 'Zenvoices Export',
	type: 'n8n-nodes-einvoice-export.zenvoicesExport',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const ctx = { getNode: () => node };

describe('toNodeError', () => {
	it('one shared error, two items: each names its own document', () => {
		const shared = new NodeOperationError(node, 'Zenvoices login failed: HTTP 429');
		const first = toNodeError(ctx, shared, 0, 'Invoice 1001 (billy)');
		const second = toNodeError(ctx, shared, 1, 'Invoice 1002 (billy)');
		assert.equal(first.message, 'Invoice 1001 (billy): Zenvoices login failed: HTTP 429');
		assert.equal(second.message, 'Invoice 1002 (billy): Zenvoices login failed: HTTP 429');
		assert.equal(first.context.itemIndex, 0);
		assert.equal(second.context.itemIndex, 1);
		assert.ok(second instanceof NodeOperationError);
		assert.equal(shared.message, 'Zenvoices login failed: HTTP 429');
	});

	it('keeps the class and the HTTP code of an API error, and a message that names the document already', () => {
		const api = new NodeApiError(
			node,
			{ message: 'Too Many Requests' },
			{ message: 'Invoice 7 (dinero): busy', httpCode: '429' },
		);
		const wrapped = toNodeError(ctx, api, 3, 'Invoice 7 (dinero)');
		assert.ok(wrapped instanceof NodeApiError);
		assert.equal(wrapped.message, 'Invoice 7 (dinero): busy');
		assert.equal((wrapped as NodeApiError).httpCode, '429');
		assert.equal(wrapped.context.itemIndex, 3);
	});
});
