import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { LEDGER_COLUMNS, LEDGER_TABLE } from '../../tools/templates';

interface Node {
	name: string;
	type: string;
	credentials?: Record<string, { id: string }>;
	parameters: Record<string, any>;
	onError?: string;
}
interface Workflow {
	active: boolean;
	nodes: Node[];
	connections: Record<string, { main: { node: string }[][] }>;
}

const read = (file: string) =>
	JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'workflows', file), 'utf8')) as Workflow;
const workflow = read('severa-maventa-autoinvoice.json');
const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
const targetsIn = (w: Workflow, name: string) => w.connections[name].main.map((output) => output.map((c) => c.node));
const targets = (name: string) => targetsIn(workflow, name);

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
		const others = [...new Set(workflow.nodes.filter((n) => !ours.includes(n)).map((n) => n.type))].sort();
		assert.deepEqual(others, [
			'n8n-nodes-base.dataTable',
			'n8n-nodes-base.emailSend',
			'n8n-nodes-base.extractFromFile',
			'n8n-nodes-base.set',
			'n8n-nodes-base.stickyNote',
		]);
		for (const node of workflow.nodes) {
			for (const credential of Object.values(node.credentials ?? {})) assert.match(credential.id, /^REPLACE_WITH_/);
		}
	});

	it('branches success to "after transfer" and every failure to "after error" and a notification', () => {
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
		assert.deepEqual(targets('Set Status After Error'), [['Notify by E-mail', 'Failed Document Key']]);
		for (const connections of Object.values(workflow.connections)) {
			for (const output of connections.main) for (const c of output) assert.ok(byName.has(c.node), c.node);
		}
	});

	it('writes one ledger row per invoice: exported after "after transfer", failed after "after error"', () => {
		assert.deepEqual(targets('Set Status After Transfer'), [['Read XML']]);
		assert.deepEqual(targets('Read XML'), [['Document Key']]);
		assert.deepEqual(targets('Document Key'), [['Ledger: Exported']]);
		assert.deepEqual(targets('Failed Document Key'), [['Ledger: Failed']]);
		for (const name of ['Document Key', 'Failed Document Key']) {
			const [assignment] = byName.get(name)!.parameters.assignments.assignments;
			assert.equal(assignment.name, 'key');
			// system:account:kind:id, the document key of every export template.
			assert.match(
				assignment.value,
				/\[\$json\.source\.system, \$json\.source\.account, \$json\.source\.kind, \$json\.source\.id\]\.join\(':'\)/,
			);
		}
		for (const [name, status] of [
			['Ledger: Exported', 'exported'],
			['Ledger: Failed', 'failed'],
		]) {
			const p = byName.get(name)!.parameters;
			assert.equal(p.operation, 'upsert', name);
			assert.equal(p.dataTableId.value, LEDGER_TABLE);
			assert.deepEqual(p.filters.conditions, [{ keyName: 'key', condition: 'eq', keyValue: '={{ $json.key }}' }]);
			const schema = p.columns.schema as { id: string; type: string }[];
			assert.deepEqual(
				schema.map((c) => [c.id, c.type]),
				LEDGER_COLUMNS.map(([n, t]) => [n, t]),
				'every ledger column in the schema',
			);
			const v = p.columns.value as Record<string, string>;
			assert.equal(v.status, `=${status}`);
			assert.equal(v.destination, '=maventa');
			assert.equal(v.notice, '={{ "" }}', 'the e-mail goes out in the same run: no notice left due');
			for (const column of ['key', 'source', 'account', 'documentId', 'kind', 'sender', 'receiver', 'number'])
				assert.ok(v[column], `${name}: ${column}`);
		}
		const exported = byName.get('Ledger: Exported')!.parameters.columns.value as Record<string, string>;
		assert.equal(exported.remoteId, '={{ String($json.delivery?.remoteId ?? "") }}');
		assert.equal(exported.xml, '={{ $json.xml ?? "" }}');
		assert.equal(exported.deliveryStatus, '={{ "" }}', 'the Maventa watcher fills it in');
		const failed = byName.get('Ledger: Failed')!.parameters.columns.value as Record<string, string>;
		assert.match(failed.message, /\$json\.error/);
		assert.match(failed.message, /findings\.filter\(f => f\.flag === 'fatal'\)/);
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
			`The ledger (Data Table \`${LEDGER_TABLE}\`)`,
			'Maventa: watch delivery status',
		]) {
			assert.ok(notes.includes(phrase), phrase);
		}
		assert.equal(byName.get('Maventa Send')!.parameters.sendOriginalPdf, true);
		assert.equal(byName.get('Maventa Send')!.parameters.sendByEmail, true);
		assert.equal(byName.get('Severa Invoice Status Trigger')!.parameters.downloadPdf, true);
	});
});

describe('Maventa delivery watcher: Severa hand-off', () => {
	const watcher = read('maventa-delivery-status.json');
	const node = (name: string) => watcher.nodes.find((n) => n.name === name)!;

	it('after the row says not delivered, Severa rows move to the status after error, then one e-mail', () => {
		assert.deepEqual(targetsIn(watcher, 'Ledger: Not Delivered'), [['From Severa?']]);
		assert.equal(node('From Severa?').parameters.conditions.conditions[0].leftValue, '={{ $json.source }}');
		assert.equal(node('From Severa?').parameters.conditions.conditions[0].rightValue, 'severa');
		assert.deepEqual(targetsIn(watcher, 'From Severa?'), [
			['Severa: Set Status After Error'],
			['Notify: Not Delivered'],
		]);
		const status = node('Severa: Set Status After Error');
		assert.equal(status.type, 'n8n-nodes-einvoice-export.severaInvoiceStatus');
		assert.equal(status.parameters.operation, 'setStatus');
		assert.equal(status.parameters.invoiceId, '={{ $json.documentId }}');
		assert.equal(status.parameters.status.cachedResultName, 'Choose: Severa status after error');
		assert.match(status.credentials!.severaApi.id, /^REPLACE_WITH_/);
		// A refused status change still reaches the e-mail, which says so.
		assert.equal(status.onError, 'continueErrorOutput');
		assert.deepEqual(targetsIn(watcher, 'Severa: Set Status After Error'), [['Severa Outcome'], ['Severa Outcome']]);
		assert.deepEqual(targetsIn(watcher, 'Severa Outcome'), [['Notify: Not Delivered']]);
		assert.match(node('Notify: Not Delivered').parameters.text, /\$json\.source === 'severa' && \$json\.severa/);
		const notes = watcher.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => n.parameters.content);
		assert.ok(notes.some((c) => /## Severa invoices[\s\S]*Severa: Set Status After Error/.test(String(c))));
	});
});
