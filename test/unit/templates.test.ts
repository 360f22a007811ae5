/**
 * The committed template workflows are exactly what the builder (`npm run templates`) generates, and they
 * follow the shipping rules: npm type prefix, placeholder credentials, inactive, the error workflow named.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { buildTemplates, serialise, WORKFLOW_IDS } from '../tools/templates';

const workflows = path.resolve(__dirname, '..', '..', '..', 'workflows');

describe('template workflows', () => {
	const generated = buildTemplates();

	for (const [file, workflow] of Object.entries(generated)) {
		it(`${file} is the builder's output (run \`npm run templates\` after changing the builder)`, () => {
			assert.equal(readFileSync(path.join(workflows, file), 'utf8'), serialise(workflow));
		});

		it(`${file} ships inactive, with placeholder credentials and our npm type prefix`, () => {
			assert.equal(workflow.active, false);
			for (const node of workflow.nodes) {
				assert.match(node.type, /^(n8n-nodes-base|n8n-nodes-einvoice-export)\./, node.name);
				for (const ref of Object.values(node.credentials ?? {})) assert.match(ref.id, /^REPLACE_WITH_/);
			}
			if (workflow.id !== WORKFLOW_IDS.errors) assert.equal(workflow.settings.errorWorkflow, WORKFLOW_IDS.errors);
			const names = new Set(workflow.nodes.map((n) => n.name));
			assert.equal(names.size, workflow.nodes.length, 'node names are unique');
			for (const [from, { main }] of Object.entries(workflow.connections)) {
				assert.ok(names.has(from), from);
				for (const output of main) for (const target of output) assert.ok(names.has(target.node), target.node);
			}
			assert.ok(
				workflow.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote'),
				'explains itself in sticky notes',
			);
		});
	}

	it('Dinero and Billy differ only in their source nodes (trigger, catch-up listing), their notes and names', () => {
		const sourceNode = /Trigger$|^Note: (Trigger|Catch-up)$|^Recent (Dinero|Billy) (Invoices|Credit Notes)$/;
		const strip = (file: string) =>
			JSON.stringify(
				generated[file].nodes.filter((n) => !sourceNode.test(n.name)).map(({ id: _id, ...n }) => n),
			).replace(/dinero|billy/gi, 'SOURCE');
		assert.equal(strip('dinero-export-customer-invoices.json'), strip('billy-export-customer-invoices.json'));
	});
});
