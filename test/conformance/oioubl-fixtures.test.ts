/**
 * Every canonical fixture that OIOUBL can carry, and the Danish OIOUBL fixtures, written as OIOUBL 2.1 and judged
 * by the official validator (it picks the OIOUBL rules from the CustomizationID): 0 fatal findings.
 * Fixtures OIOUBL cannot carry are listed with the reason, and both pre-flight and the validator must reject them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeOioubl21 } from '../../nodes/shared/ubl/oioubl21';
import { preflightOioubl } from '../../nodes/shared/einvoice/preflight-oioubl';
import { hasFatal } from '../../nodes/shared/einvoice/findings';
import type { Invoice } from '../../nodes/shared/einvoice/model';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { oioublFixtures } from '../fixtures/oioubl/fixtures';
import { fatalIds, validateDocuments } from '../support/validator';

/** Canonical fixtures that are not meaningful in OIOUBL, with why. */
const NOT_OIOUBL: Record<string, string> = {
	'39-invoice-type-383-debit-note': 'OIOUBL invoices allow type codes 325, 380, 390 and 393 only (F-INV011)',
	'40-invoice-type-384-corrected': 'OIOUBL invoices allow type codes 325, 380, 390 and 393 only (F-INV011)',
};

/** The cases issue 6 names, each of which must be among the valid ones. */
const REQUIRED_CASES = [
	'01-invoice-dk-b2b-standard', // Danish B2B with CVR
	'03-invoice-dk-public-ean', // public sector with EAN
	'02-creditnote-dk-b2b', // credit note
	'12-invoice-mixed-s-z', // mixed rates
	'17-invoice-line-allowance-charge', // allowances and charges
	'14-invoice-document-allowance',
	'25-invoice-fik-71', // FIK payment
	'22-invoice-eur-with-dkk-tax-currency', // foreign currency
	'oioubl-dk-b2b-cvr',
	'oioubl-dk-public-ean',
	'oioubl-dk-credit-note',
	'oioubl-dk-mixed-rates',
	'oioubl-dk-allowances-charges',
	'oioubl-dk-fik-71',
	'oioubl-dk-foreign-currency',
];

function allFixtures(): { name: string; invoice: Invoice }[] {
	return [
		...loadCanonicalFixtures(),
		...Object.entries(oioublFixtures).map(([name, invoice]) => ({
			name: `oioubl-${name}`,
			invoice,
		})),
	];
}

test('every OIOUBL-meaningful fixture is valid OIOUBL 2.1 (official validator, 0 fatal)', async () => {
	const fixtures = allFixtures();
	const documents: Record<string, string> = {};
	for (const { name, invoice } of fixtures) documents[`${name}.xml`] = writeOioubl21(invoice);
	const results = await validateDocuments(documents);

	const valid: string[] = [];
	const failures: string[] = [];
	for (const { name, invoice } of fixtures) {
		const result = results[`${name}.xml`];
		assert.deepEqual(result.layers, ['xsd', 'oioubl'], `${name} was judged by the OIOUBL rules`);
		const preflightFatal = hasFatal(preflightOioubl(invoice));
		if (NOT_OIOUBL[name]) {
			assert.equal(result.valid, false, `${name}: ${NOT_OIOUBL[name]} — the validator must reject it`);
			assert.equal(preflightFatal, true, `${name}: pre-flight must reject it too`);
			continue;
		}
		if (result.valid) valid.push(name);
		else failures.push(`${name}: ${fatalIds(result).join(', ')}`);
		assert.equal(preflightFatal, false, `${name}: pre-flight must not reject a valid document`);
	}
	console.log(
		`OIOUBL fixtures valid: ${valid.length}/${fixtures.length - Object.keys(NOT_OIOUBL).length} (${Object.keys(NOT_OIOUBL).length} not meaningful in OIOUBL)`,
	);
	assert.deepEqual(failures, []);
	for (const required of REQUIRED_CASES) assert.ok(valid.includes(required), `${required} is covered and valid`);
});
