/**
 * "Invoice to UBL" writing EDIFACT INVOIC in the real n8n engine: the format chosen per item by its route, partner
 * GLNs from the options and the route, the control reference counted in the workflow's static data across runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Reader } = require('edifact') as {
	Reader: new (o?: object) => { parse(doc: string): Array<{ name: string; elements: string[][] }> };
};

import type { Invoice } from '../../nodes/shared/einvoice/model';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { binaryBuffer, loadWorkflow, runWorkflow } from './harness';

const NODE = 'Invoice to UBL';
const OUR_GLN = '5790000000012';
const PARTNER_GLN = '5790001234560';

function invoiceWithItemNumbers(): Invoice {
	const invoice = structuredClone(
		loadCanonicalFixtures().find((f) => f.name === '24-invoice-special-characters')!.invoice,
	);
	invoice.lines = invoice.lines.map((line) => ({ ...line, item: { ...line.item, sellersId: `SKU-${line.id}` } }));
	return invoice;
}

describe('Invoice to UBL: EDIFACT INVOIC in the real engine', () => {
	it('writes EDIFACT for the item routed to it and PEPPOL for the other, counting control references across runs', async () => {
		const invoice = invoiceWithItemNumbers();
		const input = [
			{
				json: {
					invoice,
					route: { activated: true, format: 'EDIFACT INVOIC (EANCOM D96A)', receiver: `0088:${PARTNER_GLN}` },
				},
			},
			{ json: { invoice } },
		];
		const parameters = { [NODE]: { format: 'peppol-bis3', options: { edifactSenderGln: OUR_GLN, edifactTest: true } } };
		const first = await runWorkflow('invoice-to-ubl.json', { input, parameters, mode: 'trigger' });
		assert.equal(first.error, undefined, first.error?.message);
		const [edi, ubl] = first.output(NODE);
		const document = edi.json.document as IDataObject;
		assert.equal(document.format, 'edifact-d96a');
		assert.equal(document.valid, true, JSON.stringify(document.findings));
		assert.equal(document.fileName, '2026-1024.edi');
		assert.equal(document.mimeType, 'application/EDIFACT');
		assert.deepEqual(document.interchange, {
			sender: OUR_GLN,
			recipient: PARTNER_GLN,
			controlReference: '1',
			test: true,
		});
		assert.equal(edi.binary?.document.mimeType, 'application/EDIFACT');
		const bytes = await binaryBuffer(edi.binary!.document);
		assert.equal(document.size, bytes.length);
		// UNOC is ISO 8859-1: one byte per Danish letter.
		assert.ok(bytes.includes(Buffer.from('Østergaard', 'latin1')));
		const segments = new Reader({ autoDetectEncoding: true }).parse(bytes.toString('latin1'));
		assert.deepEqual(segments[0].elements.slice(0, 3), [
			['UNOC', '3'],
			[OUR_GLN, '14'],
			[PARTNER_GLN, '14'],
		]);
		const su = segments.find((s) => s.name === 'NAD' && s.elements[0][0] === 'SU')!;
		assert.deepEqual(su.elements[1], [OUR_GLN, '', '9']);
		assert.equal((ubl.json.document as IDataObject).format, 'peppol-bis3');
		assert.equal((ubl.json.document as IDataObject).fileName, '2026-1024.xml');

		const counters = (first.staticData.global as IDataObject).edifactControlReferences as IDataObject;
		assert.deepEqual(counters, { [`${OUR_GLN}>${PARTNER_GLN}`]: 1 });
		const second = await runWorkflow('invoice-to-ubl.json', {
			input,
			parameters,
			mode: 'trigger',
			staticData: first.staticData,
		});
		assert.equal(
			((second.output(NODE)[0].json.document as IDataObject).interchange as IDataObject).controlReference,
			'2',
		);
		assert.deepEqual((second.staticData.global as IDataObject).edifactControlReferences, {
			[`${OUR_GLN}>${PARTNER_GLN}`]: 2,
		});
	});

	it('fails an item that EANCOM cannot address, naming the missing GLN', async () => {
		const workflow = loadWorkflow('invoice-to-ubl.json');
		workflow.nodes[1].onError = 'continueRegularOutput';
		const invoice = invoiceWithItemNumbers();
		const result = await runWorkflow(workflow, {
			input: [{ json: { invoice, route: { activated: true, format: 'edifact-d96a' } } }],
		});
		assert.equal(result.error, undefined);
		const [failed] = result.output(NODE);
		assert.match(String(failed.json.error), /EANCOM-GLN-SELLER/);
		assert.match(String(failed.json.error), /EANCOM-GLN-BUYER/);
		assert.equal(
			(result.staticData.global as IDataObject | undefined)?.edifactControlReferences,
			undefined,
			'no reference spent without partners',
		);
	});
});
