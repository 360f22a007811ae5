/**
 * Round trip: the official OIOUBL 2.1 test files (next to the validator, examples/oioubl/) are read into the
 * canonical model and written back as OIOUBL, and stay valid under the same rules. Our own OIOUBL output reads
 * back into a canonical invoice that writes the identical document again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readOioubl21 } from '../../nodes/shared/ubl/read-oioubl21';
import { writeOioubl21 } from '../../nodes/shared/ubl/oioubl21';
import { computeTotals } from '../../nodes/shared/einvoice/totals';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { oioublFixtures } from '../fixtures/oioubl/fixtures';
import { fatalIds, validateDocuments, validateFiles, validatorPath } from '../support/validator';

function officialFiles(): string[] {
	const dir = path.join(path.dirname(validatorPath()), 'examples', 'oioubl');
	return readdirSync(dir)
		.filter((file) => file.endsWith('.xml'))
		.sort()
		.map((file) => path.join(dir, file));
}

test('official OIOUBL files are read, written back and stay valid', async () => {
	const files = officialFiles();
	assert.ok(files.length >= 3, `found ${files.length} official OIOUBL files`);
	const originals = await validateFiles(files);
	const documents: Record<string, string> = {};
	const read = new Map<string, ReturnType<typeof readOioubl21>>();
	files.forEach((file, i) => {
		assert.equal(originals[i].valid, true, `${path.basename(file)} is valid as given`);
		const invoice = readOioubl21(readFileSync(file, 'utf8'));
		read.set(path.basename(file), invoice);
		documents[path.basename(file)] = writeOioubl21(invoice);
	});
	const results = await validateDocuments(documents);
	for (const [name, result] of Object.entries(results)) {
		assert.deepEqual(fatalIds(result), [], `${name} written back has no fatal finding`);
		assert.equal(result.customizationId, 'OIOUBL-2.1');
	}
	console.log(`official OIOUBL files round-tripped valid: ${Object.keys(results).length}/${files.length}`);

	// Business content survives: totals, parties, lines and payment as the original states them.
	for (const [name, invoice] of read) {
		const xml = readFileSync(
			files.find((f) => path.basename(f) === name)!,
			'utf8',
		);
		const payable = /<cbc:PayableAmount[^>]*>([^<]+)</.exec(xml)![1];
		assert.equal(computeTotals(invoice).payable, payable, `${name}: payable amount`);
		assert.equal(invoice.totals?.payable, payable, `${name}: the document total is kept`);
		assert.ok(invoice.seller.name && invoice.buyer.name, `${name}: party names`);
		assert.ok(invoice.buyer.endpoint?.id, `${name}: buyer endpoint`);
		const lineCount = (xml.match(/<cac:(Invoice|CreditNote)Line>/g) ?? []).length;
		assert.equal(invoice.lines.length, lineCount, `${name}: lines`);
	}
	const extensions = read.get('OIOUBL_Invoice_UBLExtensions_v2p2.xml');
	if (extensions) {
		assert.equal(extensions.number, 'A00095678');
		assert.equal(extensions.accountingCost, '5250124502');
		assert.equal(extensions.orderReference, '5002701');
		assert.deepEqual(extensions.seller.legalId, {
			id: '16356706',
			scheme: '0184',
		});
		assert.deepEqual(extensions.buyer.endpoint, {
			scheme: '0088',
			id: '5798009811578',
		});
		assert.equal(extensions.buyerReference, '7778');
		assert.equal(extensions.dueDate, '2005-11-25');
		assert.deepEqual(extensions.paymentMeans, [
			{
				code: '42',
				paymentId: 'A00095678',
				creditTransfer: { accountId: '1234567890', serviceProviderId: '1234' },
			},
		]);
		assert.equal(extensions.lines[0].unitCode, 'H87'); // EA is read as H87 (piece)
	}
});

test('our OIOUBL output reads back to the same document (write → read → write is stable)', () => {
	const fixtures = [
		...loadCanonicalFixtures().filter((f) => f.invoice.lines.length < 1000),
		...Object.entries(oioublFixtures).map(([name, invoice]) => ({
			name,
			invoice,
		})),
	];
	for (const { name, invoice } of fixtures) {
		const first = writeOioubl21(invoice);
		const again = writeOioubl21(readOioubl21(first));
		assert.equal(again, first, `${name} survives a round trip`);
	}
});
