import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseNumberSelection } from '../../../nodes/shared/routing/document-numbers';

describe('document number selections', () => {
	it('takes numbers and ranges separated by commas, semicolons or spaces', () => {
		const selection = parseNumberSelection(' 1001, 1005-1010;1020  1030 ');
		assert.equal(selection.text, '1001, 1005-1010, 1020, 1030');
		for (const n of ['1001', '1005', '1007', '1010', '1020', 1030]) assert.ok(selection.has(n), String(n));
		for (const n of ['1002', '1004', '1011', '1019', '10300', '', undefined, null, 'abc', '10-05'])
			assert.ok(!selection.has(n), String(n));
	});

	it('reads a range given backwards, numbers with leading zeros, and numbers past 2^53', () => {
		const selection = parseNumberSelection('1010-1005, 0042, 9007199254740993');
		assert.ok(selection.has('1007'));
		assert.ok(selection.has('42'));
		assert.ok(selection.has('9007199254740993'));
		assert.ok(!selection.has('9007199254740992'));
	});

	it('names the part that is neither a number nor a range', () => {
		assert.throws(() => parseNumberSelection('1001, 10a5'), /"10a5" is not a document number or a range/);
		assert.throws(() => parseNumberSelection('1001-'), /"1001-" is not a document number/);
	});
});
