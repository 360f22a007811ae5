import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const file = path.resolve(__dirname, '..', '..', '..', '..', 'workflows', 'severa-maventa-autoinvoice.json');
const workflow = JSON.parse(readFileSync(file, 'utf8')) as {
	active: boolean;
	nodes: {
		name: string;
		type: string;
		credentials?: Record<string, { id: string }>;
		parameters: Record<string, any>;
		onError?: string;
	}[];
	connections: Record<string, { main: { node: string }[][] }>;
};
const byName = new Map(workflow.nodes.map((n) => [n.name, n]));

describe('Severa → Maventa template', () => {
	it('is inactive, uses the npm prefix for our nodes and placeholder credentials', () => {
		assert.equal(workflow.active, false);
		const ours = workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-einvoice-export.'));
		assert.deepEqual(ours.map((n) => n.type.split('.')[1]).sort(), [
			'invoiceToUbl',
			'maventaSend',
			'severaInvoiceStatus',
			'severaInvoiceStatus',
			'severaInvoiceStatusTrigger',
		]);
		const others = workflow.nodes.filter((n) => !ours.includes(n)).map((n) => n.type);
		assert.ok(
			others.every((t) => t === 'n8n-nodes-base.emailSend' || t === 'n8n-nodes-base.stickyNote'),
			others.join(),
		);
		for (const node of workflow.nodes) {
			for (const credential of Object.values(node.credentials ?? {})) assert.match(credential.id, /^REPLACE_WITH_/);
		}
	});

	it('branches success to "after transfer" and every failure to "after error" and a notification', () => {
		const targets = (name: string) => workflow.connections[name].main.map((output) => output.map((c) => c.node));
		assert.deepEqual(targets('Severa Invoice Status Trigger'), [['Invoice to UBL']]);
		assert.deepEqual(targets('Invoice to UBL'), [
			['Maventa Send'],
			['Set Status After Error'],
			['Set Status After Error'],
		]);
		assert.equal(byName.get('Invoice to UBL')!.parameters.onInvalid, 'output');
		assert.equal(byName.get('Invoice to UBL')!.onError, 'continueErrorOutput');
		assert.deepEqual(targets('Maventa Send'), [['Set Status After Transfer'], ['Set Status After Error']]);
		assert.equal(byName.get('Maventa Send')!.onError, 'continueErrorOutput');
		assert.deepEqual(targets('Set Status After Error'), [['Notify by E-mail']]);
		for (const connections of Object.values(workflow.connections)) {
			for (const output of connections.main) for (const c of output) assert.ok(byName.has(c.node), c.node);
		}
	});

	it('explains every seed setting in a sticky note', () => {
		const notes = workflow.nodes
			.filter((n) => n.type === 'n8n-nodes-base.stickyNote')
			.map((n) => String(n.parameters.content))
			.join('\n');
		for (const phrase of [
			'Send original PDF',
			'Send by e-mail when no e-invoice address',
			'Notification e-mail addresses',
			'Status of invoices to transfer',
			'Status after transfer',
			'Status after error',
			'Status of the invoices to be transferred can not be sent',
		]) {
			assert.ok(notes.includes(phrase), phrase);
		}
		assert.equal(byName.get('Maventa Send')!.parameters.sendOriginalPdf, true);
		assert.equal(byName.get('Maventa Send')!.parameters.sendByEmail, true);
		assert.equal(byName.get('Severa Invoice Status Trigger')!.parameters.downloadPdf, true);
	});
});
