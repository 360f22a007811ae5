/**
 * A batch from a sandbox source through Resolve → Invoice to UBL → Send via SFTP in the real n8n engine, delivered to
 * a real OpenSSH server and judged by the official validator. The source items are the canonical fixtures, each
 * given one of five customers (three activated with their own folders, one of them in OIOUBL by its rule, one
 * deactivated, one not listed).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { loadCanonicalFixtures } from '../../fixtures/canonical';
import { type OpenSshServer, startOpenSsh } from '../../sandbox/servers/openssh';
import { fatalIds, validateFiles } from '../../support/validator';
import { runWorkflow } from '../harness';
import { chain, credentialRef, HUBBROKER, INVOICE_TO_UBL } from './workflow';

const CUSTOMERS = ['cust-a', 'cust-b', 'cust-c', 'cust-d', 'cust-e'];
const rules = [
	{ customerId: 'cust-a', activated: true },
	{ customerId: 'cust-b', activated: true, directory: 'partners/b/{year}' },
	{ customerId: 'cust-c', activated: true, format: 'oioubl21', fileName: '{customerId}_{number}.xml' },
	{ customerId: 'cust-d', activated: false },
];

function sourceItems(): INodeExecutionData[] {
	return loadCanonicalFixtures()
		.filter((f) => !f.name.startsWith('99-'))
		.map((fixture, index) => {
			const customerId = CUSTOMERS[index % CUSTOMERS.length];
			return {
				json: {
					invoice: fixture.invoice as unknown as IDataObject,
					source: {
						system: 'sandbox',
						account: 'fixtures',
						id: fixture.name,
						number: fixture.invoice.number,
						kind: fixture.invoice.kind,
						customerId,
						customerName: `Customer ${customerId.slice(-1).toUpperCase()}`,
						status: 'approved',
						updatedAt: `${fixture.invoice.issueDate}T10:00:00Z`,
					},
				},
			};
		});
}

const workflow = (continueOnFail: boolean) =>
	chain('batch to sftp', [
		{
			name: 'Resolve',
			type: HUBBROKER,
			parameters: {
				resource: 'route',
				operation: 'resolve',
				activate: 'listed',
				defaultFormat: 'peppol-bis3',
				defaultDestination: 'sftp',
				defaultDestinationSettings: JSON.stringify({
					directory: 'outbound/{customerId}',
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
			continueOnFail,
			parameters: {
				resource: 'delivery',
				operation: 'sendSftp',
				directory: '={{ $json.route.destinationSettings.directory }}',
				fileName: '={{ $json.route.destinationSettings.fileName }}',
				binaryProperty: 'document',
			},
		},
	]);

/** Execution time per node of a run, as n8n records it. */
function nodeTimes(result: Awaited<ReturnType<typeof runWorkflow>>): string {
	return Object.entries(result.run.data.resultData.runData)
		.map(([name, runs]) => `${name} ${runs.reduce((ms, r) => ms + (r.executionTime ?? 0), 0)} ms`)
		.join(', ');
}

function filesUnder(root: string): string[] {
	if (!existsSync(root)) return [];
	return readdirSync(root, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => path.relative(root, path.join(e.parentPath, e.name)))
		.sort();
}

describe('batch: Resolve → Invoice to UBL → SFTP on a real OpenSSH server', () => {
	let sshd: OpenSshServer;
	before(async () => {
		sshd = await startOpenSsh();
	});
	after(async () => {
		await sshd?.stop();
	});
	const credentials = (fingerprint = sshd.hostKeyFingerprint) => ({
		sftpGatewayApi: {
			host: sshd.host,
			port: sshd.port,
			username: sshd.username,
			authMethod: 'privateKey',
			privateKey: sshd.privateKey,
			hostKeyFingerprint: fingerprint,
		},
	});

	it('delivers every activated customer its valid documents in its own folder, once', async () => {
		const input = sourceItems();
		const started = Date.now();
		const result = await runWorkflow(workflow(false), { input, credentials: credentials() });
		const firstRunMs = Date.now() - started;
		assert.equal(result.error, undefined, result.error?.message);

		const [activated, notActivated] = result.outputs('Resolve');
		const customerOf = (i: INodeExecutionData) => String((i.json.source as IDataObject).customerId);
		assert.deepEqual([...new Set(notActivated.map(customerOf))].sort(), ['cust-d', 'cust-e']);
		assert.equal(activated.length + notActivated.length, input.length);
		const valid = result.output('Invoice to UBL', 0);
		const invalid = result.output('Invoice to UBL', 1);
		assert.equal(valid.length + invalid.length, activated.length);
		assert.ok(valid.length >= activated.length - 3, `most fixtures convert (${invalid.length} invalid)`);
		// Each document was written in its customer's format (cust-c: OIOUBL by its rule, the others the default).
		for (const item of [...valid, ...invalid]) {
			const expectedFormat = customerOf(item) === 'cust-c' ? 'oioubl21' : 'peppol-bis3';
			assert.equal((item.json.document as IDataObject).format, expectedFormat);
		}

		const delivered = result.output('SFTP');
		assert.equal(delivered.length, valid.length);
		assert.ok(delivered.every((i) => (i.json.delivery as IDataObject).status === 'delivered'));

		const expected = delivered
			.map((i) => {
				const source = i.json.source as IDataObject;
				const customer = String(source.customerId);
				const year = String((i.json.invoice as IDataObject).issueDate).slice(0, 4);
				if (customer === 'cust-b') return `partners/b/${year}/${String(source.kind)}-${String(source.number)}.xml`;
				if (customer === 'cust-c') return `outbound/cust-c/cust-c_${String(source.number)}.xml`;
				return `outbound/${customer}/${String(source.kind)}-${String(source.number)}.xml`;
			})
			.sort();
		const onServer = filesUnder(sshd.root);
		assert.deepEqual(onServer, expected, 'each document in its customer folder, no temporary files');
		assert.deepEqual(delivered.map((i) => (i.json.delivery as IDataObject).remoteId).sort(), expected);

		const verdicts = await validateFiles(onServer.map((f) => path.join(sshd.root, f)));
		for (const verdict of verdicts) {
			const oioubl = path.basename(verdict.file).startsWith('cust-c_');
			assert.equal(/OIOUBL/.test(verdict.customizationId ?? ''), oioubl, `${verdict.file}: ${verdict.customizationId}`);
		}
		const failures = verdicts.filter((v) => !v.valid).map((v) => `${path.basename(v.file)}: ${fatalIds(v).join(', ')}`);
		assert.deepEqual(failures, [], 'every delivered document is valid per the official validator');

		const perCustomer: Record<string, number> = {};
		for (const i of delivered) perCustomer[customerOf(i)] = (perCustomer[customerOf(i)] ?? 0) + 1;
		console.log(
			`[batch] source ${input.length}, activated ${activated.length}, not activated ${notActivated.length}, valid ${valid.length}, ` +
				`delivered via SFTP ${delivered.length} ${JSON.stringify(perCustomer)}, validator: ${verdicts.filter((v) => v.valid).length}/${verdicts.length} valid, ` +
				`run ${firstRunMs} ms (${nodeTimes(result)})`,
		);

		const mtimes = onServer.map((f) => statSync(path.join(sshd.root, f)).mtimeMs);
		const second = await runWorkflow(workflow(false), { input, credentials: credentials() });
		assert.equal(second.error, undefined, second.error?.message);
		const statuses = second.output('SFTP').map((i) => (i.json.delivery as IDataObject).status);
		assert.equal(statuses.length, delivered.length);
		assert.ok(
			statuses.every((s) => s === 'alreadyDelivered'),
			`second run delivers nothing new: ${[...new Set(statuses)].join(', ')}`,
		);
		assert.deepEqual(filesUnder(sshd.root), onServer);
		assert.deepEqual(
			onServer.map((f) => statSync(path.join(sshd.root, f)).mtimeMs),
			mtimes,
			'files untouched',
		);
		console.log(`[batch] second run: ${statuses.length} already delivered, 0 new`);
	});

	it('stops delivery with a clear error when the host key changes', async () => {
		const pinned = sshd.hostKeyFingerprint;
		const before = filesUnder(sshd.root);
		await sshd.rotateHostKey();
		const result = await runWorkflow(workflow(false), { input: sourceItems(), credentials: credentials(pinned) });
		assert.ok(result.error, 'the workflow fails');
		assert.match(result.error!.message, /Host key of 127\.0\.0\.1:\d+ does not match the pinned fingerprint/);
		assert.ok(result.error!.message.includes(sshd.hostKeyFingerprint), 'names the key the server offers');
		assert.equal(result.output('SFTP').length, 0);
		assert.deepEqual(filesUnder(sshd.root), before, 'nothing delivered');

		// With "continue on fail" every document is reported as failed, none is lost.
		const tolerant = await runWorkflow(workflow(true), { input: sourceItems(), credentials: credentials(pinned) });
		const out = tolerant.output('SFTP');
		assert.ok(out.length > 0);
		assert.ok(out.every((i) => /does not match the pinned fingerprint/.test(String(i.json.error))));
	});
});
