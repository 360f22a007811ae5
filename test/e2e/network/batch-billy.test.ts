/**
 * The Billy sandbox (shipped dataset) as the source: Billy (approved invoices and credit notes) → Resolve →
 * Invoice to UBL → Send via SFTP, in the real n8n engine, onto a real OpenSSH server, judged by the official validator.
 * Three Billy customers are activated with their own folders; everyone else leaves on "Not activated".
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { createBillyEmulator, type BillyEmulator } from '../../sandbox/billy/emulator';
import { type OpenSshServer, startOpenSsh } from '../../sandbox/servers/openssh';
import { fatalIds, validateFiles } from '../../support/validator';
import { repoRoot, runWorkflow, type WorkflowJson } from '../harness';
import { chain, credentialRef, HUBBROKER, INVOICE_TO_UBL } from './workflow';

const TOKEN = 'e2e-network-batch';

function workflow(rules: IDataObject[]): WorkflowJson {
	const billy = (name: string, resource: string) => ({
		name,
		type: 'n8n-nodes-einvoice-export.billy',
		credentials: credentialRef('billyApi'),
		parameters: { resource, operation: 'getMany', returnAll: true, filters: { status: 'approved' } },
	});
	return chain('billy batch to sftp', [
		billy('Billy Invoices', 'invoice'),
		{ ...billy('Billy Credit Notes', 'creditNote'), after: 'Start' },
		{
			name: 'Resolve',
			type: HUBBROKER,
			after: 'Billy Invoices',
			parameters: {
				resource: 'route',
				operation: 'resolve',
				activate: 'listed',
				defaultFormat: 'peppol-bis3',
				defaultDestination: 'sftp',
				defaultDestinationSettings: JSON.stringify({
					directory: 'billy/{customerId}',
					fileName: '{kind}-{number}.xml',
				}),
				ruleSource: 'parameter',
				rules: JSON.stringify(rules),
			},
		},
		{
			name: 'Invoice to UBL',
			type: INVOICE_TO_UBL,
			parameters: {
				invoiceSource: 'field',
				invoiceField: 'invoice',
				format: 'peppol-bis3',
				onInvalid: 'invalidOutput',
			},
		},
		{
			name: 'SFTP',
			type: HUBBROKER,
			credentials: credentialRef('sftpGatewayApi'),
			parameters: {
				resource: 'delivery',
				operation: 'sendSftp',
				directory: '={{ $json.route.destinationSettings.directory }}',
				fileName: '={{ $json.route.destinationSettings.fileName }}',
			},
		},
	]);
}

function filesUnder(root: string): string[] {
	if (!existsSync(root)) return [];
	return readdirSync(root, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => path.relative(root, path.join(e.parentPath, e.name)))
		.sort();
}

describe('batch from the Billy sandbox → SFTP', () => {
	let sshd: OpenSshServer;
	let billy: BillyEmulator;
	before(async () => {
		sshd = await startOpenSsh();
		billy = await createBillyEmulator(path.join(repoRoot, 'test', 'fixtures', 'billy'), { accessToken: TOKEN });
	});
	after(async () => {
		await sshd?.stop();
		await billy?.close();
	});

	it('delivers each activated Billy customer its documents in its own folder; a second run delivers nothing new', async () => {
		// The three customers with the most approved documents are activated.
		const counts = new Map<string, number>();
		for (const doc of billy.store.invoices.filter((i) => i.state === 'approved'))
			counts.set(doc.contactId, (counts.get(doc.contactId) ?? 0) + 1);
		const activated = [...counts.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, 3)
			.map(([id]) => id);
		const rules = activated.map((customerId) => ({ customerId, activated: true }));
		const credentials = {
			billyApi: { accessToken: TOKEN, environment: 'sandbox', baseUrl: billy.url },
			sftpGatewayApi: {
				host: sshd.host,
				port: sshd.port,
				username: sshd.username,
				authMethod: 'privateKey',
				privateKey: sshd.privateKey,
				hostKeyFingerprint: sshd.hostKeyFingerprint,
			},
		};
		// The credit-note node feeds Resolve too (a second input run of the same node).
		const wf = workflow(rules);
		wf.connections['Billy Credit Notes'] = { main: [[{ node: 'Resolve', type: 'main', index: 0 }]] };
		const result = await runWorkflow(wf, { credentials });
		assert.equal(result.error, undefined, result.error?.message);
		const runs = result.run.data.resultData.runData;
		const all = (name: string, output = 0) =>
			(runs[name] ?? []).flatMap((r) => (r.data?.main?.[output] ?? []) as INodeExecutionData[]);
		const sourceCount = all('Billy Invoices').length + all('Billy Credit Notes').length;
		const routed = all('Resolve', 0);
		const notActivated = all('Resolve', 1);
		assert.equal(routed.length + notActivated.length, sourceCount);
		assert.ok(routed.every((i) => activated.includes(String((i.json.source as IDataObject).customerId))));
		assert.ok(notActivated.every((i) => !activated.includes(String((i.json.source as IDataObject).customerId))));
		const valid = all('Invoice to UBL', 0);
		const invalid = all('Invoice to UBL', 1);
		assert.equal(valid.length + invalid.length, routed.length);
		const delivered = all('SFTP');
		assert.equal(delivered.length, valid.length);
		assert.ok(delivered.length > 0);

		const expected = delivered
			.map((i) => {
				const s = i.json.source as IDataObject;
				return `billy/${String(s.customerId)}/${String(s.kind)}-${String(s.number)}.xml`;
			})
			.sort();
		const onServer = filesUnder(sshd.root);
		assert.deepEqual(onServer, expected);
		const verdicts = await validateFiles(onServer.map((f) => path.join(sshd.root, f)));
		const failures = verdicts.filter((v) => !v.valid).map((v) => `${path.basename(v.file)}: ${fatalIds(v).join(', ')}`);
		assert.deepEqual(failures, []);
		const perFolder: Record<string, number> = {};
		for (const f of onServer) perFolder[path.dirname(f)] = (perFolder[path.dirname(f)] ?? 0) + 1;
		console.log(
			`[billy batch] Billy documents ${sourceCount}, activated ${routed.length}, not activated ${notActivated.length}, ` +
				`valid ${valid.length}, invalid ${invalid.length}, delivered via SFTP ${delivered.length} ${JSON.stringify(perFolder)}, ` +
				`validator ${verdicts.filter((v) => v.valid).length}/${verdicts.length} valid`,
		);

		const again = await runWorkflow(wf, { credentials });
		const statuses = (again.run.data.resultData.runData.SFTP ?? []).flatMap((r) =>
			((r.data?.main?.[0] ?? []) as INodeExecutionData[]).map((i) => (i.json.delivery as IDataObject).status),
		);
		assert.equal(statuses.length, delivered.length);
		assert.ok(statuses.every((s) => s === 'alreadyDelivered'));
		assert.deepEqual(filesUnder(sshd.root), onServer);
		console.log(`[billy batch] second run: ${statuses.length} already delivered, 0 new`);
	});
});
