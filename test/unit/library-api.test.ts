/** The package's library entry (index.ts → main): what a Code node or a script gets with require(). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as library from '../../index';
import { loadCanonicalFixtures } from '../fixtures/canonical';

describe('library API', () => {
	const [{ invoice }] = loadCanonicalFixtures();

	it('exports the documented functions', () => {
		for (const name of [
			'readUbl',
			'writeUbl',
			'preflight',
			'computeTotals',
			'reconcile',
			'withTotals',
			'readInvoiceInput',
			'buildDocument',
			'idempotencyKey',
			'documentFileName',
			'hasFatal',
			'writeInvoicD96a',
			'nextControlReference',
		]) {
			assert.equal(typeof (library as Record<string, unknown>)[name], 'function', name);
		}
		assert.deepEqual(Object.keys(library.DOCUMENT_FORMATS), ['peppol-bis3', 'oioubl21', 'edifact-d96a']);
	});

	it('writes, checks and reads back an invoice', () => {
		const reconciled = library.reconcile(invoice);
		assert.deepEqual(
			library.preflight(reconciled, { format: 'peppol-bis3' }).filter((f) => f.flag === 'fatal'),
			[],
		);
		const xml = library.writeUbl(reconciled, { format: 'peppol-bis3' });
		const back = library.readUbl(xml);
		assert.equal(back.number, invoice.number);
		assert.equal(back.lines.length, invoice.lines.length);
		assert.equal(library.computeTotals(back).payable, reconciled.totals!.payable);
	});

	it('builds a document in one call, and reports invalid input as findings or errors', () => {
		const built = library.buildDocument(invoice, { format: 'peppol-bis3' });
		assert.equal(built.valid, true);
		assert.match(built.xml!, /<cbc:ID>2026-1001<\/cbc:ID>/);
		const noBuyerName = structuredClone(invoice);
		delete (noBuyerName.buyer as Partial<typeof noBuyerName.buyer>).name;
		const invalid = library.buildDocument(noBuyerName, { format: 'peppol-bis3' });
		assert.equal(invalid.valid, false);
		assert.equal(invalid.xml, undefined);
		assert.ok(invalid.findings.some((f) => f.id === 'BR-07'));
		assert.throws(() => library.readInvoiceInput({ number: 1 }), library.InvoiceInputError);
	});
});
