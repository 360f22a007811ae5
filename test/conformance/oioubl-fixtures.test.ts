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
import { INVOICE_TYPE_CODES_12 } from '../../nodes/shared/ubl/oioubl-codes';
import type { Invoice } from '../../nodes/shared/einvoice/model';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { oioublFixtures } from '../fixtures/oioubl/fixtures';
import { fatalIds, validateDocuments } from '../support/validator';

/** Why a fixture is not meaningful in OIOUBL, or undefined when it is. */
function notOioubl(invoice: Invoice): string | undefined {
	const typeCode = invoice.typeCode ?? '380';
	if (invoice.kind === 'invoice' && !INVOICE_TYPE_CODES_12.has(typeCode)) {
		return `type code ${typeCode}: OIOUBL invoices allow 325, 380, 390 and 393 only (F-INV011)`;
	}
	return undefined;
}

/** The cases issue 6 names; each must be covered by at least one valid canonical fixture. */
const REQUIRED_CASES: Record<string, (invoice: Invoice) => boolean> = {
	'Danish B2B with CVR': (i) => i.kind === 'invoice' && i.buyer.endpoint?.scheme === '0184',
	'public sector with EAN': (i) => i.buyer.endpoint?.scheme === '0088',
	'credit note': (i) => i.kind === 'creditNote',
	'mixed rates': (i) => new Set(i.lines.map((l) => `${l.vat.category}|${l.vat.rate}`)).size > 1,
	'document allowances and charges': (i) => (i.allowanceCharges ?? []).length > 0,
	'line allowances and charges': (i) => i.lines.some((l) => (l.allowanceCharges ?? []).length > 0),
	'FIK payment': (i) => (i.paymentMeans ?? []).some((pm) => ['71', '73', '75'].includes(pm.giro?.cardType ?? '')),
	'foreign currency': (i) => i.currency !== 'DKK',
};

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
	const excluded: string[] = [];
	const covered = new Set<string>();
	for (const { name, invoice } of fixtures) {
		const result = results[`${name}.xml`];
		assert.deepEqual(result.layers, ['xsd', 'oioubl'], `${name} was judged by the OIOUBL rules`);
		const preflightFatal = hasFatal(preflightOioubl(invoice));
		const reason = notOioubl(invoice);
		if (reason) {
			excluded.push(`${name}: ${reason}`);
			assert.equal(result.valid, false, `${name}: ${reason} — the validator must reject it`);
			assert.equal(preflightFatal, true, `${name}: pre-flight must reject it too`);
			continue;
		}
		if (result.valid) valid.push(name);
		else failures.push(`${name}: ${fatalIds(result).join(', ')}`);
		assert.equal(preflightFatal, false, `${name}: pre-flight must not reject a valid document`);
		if (result.valid && !name.startsWith('oioubl-')) {
			for (const [label, matches] of Object.entries(REQUIRED_CASES)) if (matches(invoice)) covered.add(label);
		}
	}
	console.log(`OIOUBL fixtures valid: ${valid.length}/${fixtures.length - excluded.length}; not meaningful in OIOUBL:`);
	for (const line of excluded) console.log(`  ${line}`);
	assert.deepEqual(failures, []);
	assert.deepEqual([...covered].sort(), Object.keys(REQUIRED_CASES).sort(), 'every case of issue 6 is covered');
});
