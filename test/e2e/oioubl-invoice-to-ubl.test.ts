/**
 * "Invoice to UBL" with OIOUBL 2.1 in the real n8n engine: the format option, the per-item route format and the
 * file names; the documents it produces are judged by the official validator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IBinaryData, IDataObject } from 'n8n-workflow';
import { binaryBuffer, loadWorkflow, runWorkflow } from './harness';
import { readUbl } from '../../nodes/shared/ubl/read';
import { oioublFixtures } from '../fixtures/oioubl/fixtures';
import { fatalIds, validateDocuments } from '../support/validator';

function workflow(format: string, fileName?: string) {
	const wf = loadWorkflow('invoice-to-ubl.json');
	const node = wf.nodes.find((n) => n.name === 'Invoice to UBL')!;
	node.parameters = { ...node.parameters, format, options: fileName ? { fileName } : {} };
	return wf;
}

test('Invoice to UBL writes valid OIOUBL 2.1 for the format option and for an item whose route asks for OIOUBL', async () => {
	const b2b = oioublFixtures['dk-b2b-cvr'];
	const credit = oioublFixtures['dk-credit-note'];
	const fik = oioublFixtures['dk-fik-71'];
	const result = await runWorkflow(workflow('oioubl21', '{number}-{format}.xml'), {
		input: [
			{ json: { invoice: b2b } as unknown as IDataObject },
			{ json: { invoice: credit } as unknown as IDataObject },
			// The route overrides the node's format per item (PEPPOL here), by its common spelling.
			{ json: { invoice: fik, route: { format: 'PEPPOL BIS 3' } } as unknown as IDataObject },
		],
	});
	assert.equal(result.error, undefined, String(result.error?.message));
	const items = result.output('Invoice to UBL');
	assert.equal(items.length, 3);
	const docs = items.map((item) => item.json.document as IDataObject);
	assert.deepEqual(
		docs.map((d) => [d.format, d.fileName, d.valid, d.documentType]),
		[
			['oioubl21', 'DK-1001-oioubl21.xml', true, 'Invoice'],
			['oioubl21', 'DK-1003-oioubl21.xml', true, 'CreditNote'],
			['peppol-bis3', 'DK-1006-peppol-bis3.xml', true, 'Invoice'],
		],
	);
	const xml = await Promise.all(items.map((item) => binaryBuffer(item.binary!.document as IBinaryData)));
	const texts = xml.map((b) => b.toString('utf8'));
	assert.ok(texts[0].includes('<cbc:CustomizationID>OIOUBL-2.1</cbc:CustomizationID>'));
	assert.ok(texts[1].includes('<CreditNote '));
	assert.ok(!texts[2].includes('OIOUBL'));
	assert.deepEqual(
		items.map((item) => item.pairedItem),
		[{ item: 0 }, { item: 1 }, { item: 2 }],
	);

	const results = await validateDocuments({ 'b2b.xml': texts[0], 'credit.xml': texts[1], 'routed.xml': texts[2] });
	for (const [name, r] of Object.entries(results)) assert.deepEqual(fatalIds(r), [], `${name} is valid`);
	assert.deepEqual(results['b2b.xml'].layers, ['xsd', 'oioubl']);
	assert.deepEqual(results['routed.xml'].layers, ['xsd', 'en16931', 'peppol']);
	// The library reader takes the node's OIOUBL output back.
	assert.equal(readUbl(texts[0]).number, 'DK-1001');
});

test('an invoice OIOUBL cannot carry fails its item with the OIOUBL rule named', async () => {
	const invoice = structuredClone(oioublFixtures['dk-b2b-cvr']);
	invoice.typeCode = '383';
	const result = await runWorkflow(workflow('oioubl21'), { input: [{ json: { invoice } as unknown as IDataObject }] });
	assert.ok(result.error, 'the item fails');
	assert.match(String(result.error?.message), /OIOUBL 2\.1 document is invalid/);
	assert.match(String(result.error?.message), /F-INV011/);
});

test('the OIOUBL Profile option writes the chosen profile, valid by the official validator, and pre-flight asks for what it needs', async () => {
	const profiles = [
		'Procurement-BilSim-1.0',
		'Procurement-OrdSimR-BilSim-1.0',
		'urn:www.nesubl.eu:profiles:profile7:ver2.0',
	];
	const withOrder = { ...structuredClone(oioublFixtures['dk-b2b-cvr']), orderReference: 'PO-4711' };
	const texts: Record<string, string> = {};
	for (const profile of profiles) {
		const wf = workflow('oioubl21');
		const node = wf.nodes.find((n) => n.name === 'Invoice to UBL')!;
		node.parameters = { ...node.parameters, options: { oioublProfile: profile } };
		const result = await runWorkflow(wf, { input: [{ json: { invoice: withOrder } as unknown as IDataObject }] });
		assert.equal(result.error, undefined, String(result.error?.message));
		const [item] = result.output('Invoice to UBL');
		const text = (await binaryBuffer(item.binary!.document as IBinaryData)).toString('utf8');
		assert.match(text, new RegExp(`<cbc:ProfileID schemeAgencyID="320" schemeID="[^"]+">${profile}</cbc:ProfileID>`));
		texts[`${profile.replace(/[^A-Za-z0-9]+/g, '-')}.xml`] = text;
	}
	const results = await validateDocuments(texts);
	for (const [name, r] of Object.entries(results)) assert.deepEqual(fatalIds(r), [], `${name} is valid`);

	// An order-based profile without an order reference is stopped before it is written.
	const wf = workflow('oioubl21');
	const node = wf.nodes.find((n) => n.name === 'Invoice to UBL')!;
	node.parameters = { ...node.parameters, options: { oioublProfile: 'Procurement-OrdSimR-BilSim-1.0' } };
	const noOrder = structuredClone(oioublFixtures['dk-b2b-cvr']);
	delete noOrder.orderReference;
	delete noOrder.salesOrderReference;
	const result = await runWorkflow(wf, { input: [{ json: { invoice: noOrder } as unknown as IDataObject }] });
	assert.match(String(result.error?.message), /F-INV002/);
});
