/**
 * Every canonical fixture, written as PEPPOL BIS 3, is judged by the official validator (UBL XSD, EN 16931
 * and PEPPOL BIS 3 incl. the DK-R rules) in one batch: no fatal finding, and no warning either.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { writePeppolBis3 } from '../../nodes/shared/ubl/peppol-bis3';
import { fatalIds, validateDocuments, type ValidatorResult } from '../support/validator';

const fixtures = loadCanonicalFixtures();

describe('PEPPOL BIS 3 writer: canonical fixtures judged by the official validator', () => {
	let results: Record<string, ValidatorResult>;

	before(async () => {
		const documents: Record<string, string> = {};
		for (const fixture of fixtures) documents[`${fixture.name}.xml`] = writePeppolBis3(fixture.invoice);
		results = await validateDocuments(documents, { warnings: true });
		const valid = Object.values(results).filter((r) => r.valid).length;
		console.log(`PEPPOL BIS 3 fixtures: ${valid}/${fixtures.length} valid (xsd, en16931, peppol)`);
	});

	it('has at least 40 fixtures, invoices and credit notes', () => {
		assert.ok(fixtures.length >= 40, `only ${fixtures.length} fixtures`);
		assert.ok(fixtures.some((f) => f.invoice.kind === 'creditNote'));
		assert.ok(fixtures.some((f) => f.invoice.lines.length >= 1000));
	});

	for (const fixture of fixtures) {
		it(`${fixture.name} has no fatal finding and no warning`, () => {
			const result = results[`${fixture.name}.xml`];
			assert.deepEqual(fatalIds(result), [], JSON.stringify(result.findings.filter((f) => f.flag === 'fatal')));
			assert.deepEqual(result.findings, []);
			assert.deepEqual(result.layers, ['xsd', 'en16931', 'peppol']);
			assert.equal(result.documentType, fixture.invoice.kind === 'creditNote' ? 'CreditNote' : 'Invoice');
		});
	}
});
