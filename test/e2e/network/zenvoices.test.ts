import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { createZenvoicesEmulator, type ZenvoicesEmulator } from '../../sandbox/zenvoices/emulator';
import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import { ZenvoicesExport } from '../../../nodes/Zenvoices/ZenvoicesExport.node';
import { inlineBinary, registerNodeType, repoRoot, runWorkflow, testCredential } from '../harness';
import { chain, credentialRef, HUBBROKER, ZENVOICES } from './workflow';

const datasetDir = path.join(repoRoot, 'test', 'sandbox', 'zenvoices', 'dataset');

function document(customerId: string, number: string, issueDate: string) {
	const xml = `<?xml version="1.0"?><Invoice><ID>${number}</ID><IssueDate>${issueDate}</IssueDate></Invoice>`;
	return {
		json: {
			invoice: {
				kind: 'invoice',
				number,
				issueDate,
				currency: 'DKK',
				seller: { name: 'S' },
				buyer: { name: customerId },
				lines: [],
			},
			source: {
				system: 'billy',
				account: 'demo',
				id: `src-${number}`,
				number,
				kind: 'invoice',
				customerId,
				customerName: customerId,
			},
		},
		binary: {
			document: inlineBinary(xml, 'application/xml', `invoice-${number}.xml`),
			pdf: inlineBinary(Buffer.from(`%PDF-1.4 invoice ${number}`), 'application/pdf', `invoice-${number}.pdf`),
		},
	};
}

const rules = [
	{ customerId: 'c-nordlys', activated: true, destination: 'zenvoices', companyCode: 'NORDLYS' },
	{ customerId: 'c-havn', activated: true, destination: 'zenvoices', companyCode: 'havn' },
	{ customerId: 'c-skovbo', activated: true, destination: 'zenvoices', companyCode: 'SKOVBO' },
	{ customerId: 'c-lost', activated: true, destination: 'zenvoices', companyCode: 'NO-SUCH-COMPANY' },
];

function workflow(send: 'xml' | 'both') {
	return chain('zenvoices export', [
		{
			name: 'Resolve',
			type: HUBBROKER,
			parameters: {
				resource: 'route',
				operation: 'resolve',
				activate: 'listed',
				defaultFormat: 'peppol-bis3',
				defaultDestination: 'zenvoices',
				ruleSource: 'parameter',
				rules: JSON.stringify(rules),
			},
		},
		{
			name: 'Zenvoices Export',
			type: ZENVOICES,
			credentials: credentialRef('zenvoicesApi'),
			continueOnFail: true,
			parameters: {
				resource: 'document',
				operation: 'exportToInbox',
				company: { __rl: true, mode: 'code', value: '={{ $json.route.destinationSettings.companyCode }}' },
				send,
				exportOptions: { activeFrom: '2026-03-01T00:00:00' },
			},
		},
	]);
}

describe('Zenvoices Export in the real n8n engine', () => {
	let zenvoices: ZenvoicesEmulator;
	const credentials = () => ({
		zenvoicesApi: {
			username: 'api@nordic-ap.example',
			password: 'sandbox-password',
			organisationCode: 'NORDIC-AP',
			environment: 'sandbox',
			baseUrl: zenvoices.url,
		},
	});
	before(async () => {
		zenvoices = await createZenvoicesEmulator(datasetDir);
	});
	after(async () => {
		await zenvoices?.close();
	});

	const input = [
		document('c-nordlys', '1001', '2026-03-02'),
		document('c-nordlys', '1002', '2026-04-10'),
		document('c-havn', '1003', '2026-03-15'),
		document('c-skovbo', '1004', '2026-02-27'),
		document('c-unlisted', '1005', '2026-03-20'),
		document('c-lost', '1006', '2026-03-20'),
	];

	it('routes each customer to its own company inbox and skips documents before activation', async () => {
		const result = await runWorkflow(workflow('both'), { input, credentials: credentials() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			result
				.output('Resolve', 1)
				.map((i) => [(i.json.source as IDataObject).number, (i.json.route as IDataObject).reason]),
			[['1005', 'customer is not listed']],
		);
		const out = result.output('Zenvoices Export');
		// Error items carry only { error } in the engine; pairedItem leads back to the input item.
		const routed = result.output('Resolve', 0);
		const numberOf = (item: (typeof out)[number]) =>
			String((routed[(item.pairedItem as { item: number }).item].json.source as IDataObject).number);
		const byNumber = Object.fromEntries(out.map((i) => [numberOf(i), i.json]));
		const delivery = (n: string) => byNumber[n].delivery as IDataObject;
		assert.equal(delivery('1001').status, 'delivered');
		assert.equal(delivery('1001').companyCode, 'NORDLYS');
		assert.equal(delivery('1003').companyCode, 'HAVN', 'company codes match case-insensitively');
		assert.equal(delivery('1004').status, 'skipped');
		assert.match(String(delivery('1004').message), /^before activation/);
		assert.match(String(byNumber['1006'].error), /Zenvoices company "NO-SUCH-COMPANY" does not exist/);
		assert.match(String(byNumber['1006'].error), /^Invoice 1006 \(billy\)/);

		const inboxOf = (code: string) => {
			const id = zenvoices.administrations.find((a) => a.code === code)!.id;
			return zenvoices.inbox
				.filter((d) => d.administrationId === id)
				.map((d) => d.fileName)
				.sort();
		};
		assert.deepEqual(inboxOf('NORDLYS'), [
			'invoice-1001.pdf',
			'invoice-1001.xml',
			'invoice-1002.pdf',
			'invoice-1002.xml',
		]);
		assert.deepEqual(inboxOf('HAVN'), ['invoice-1003.pdf', 'invoice-1003.xml']);
		assert.deepEqual(inboxOf('SKOVBO'), []);
		const xml = zenvoices.inbox.find((d) => d.fileName === 'invoice-1003.xml')!;
		assert.match(xml.content.toString('utf8'), /<ID>1003<\/ID>/);
		assert.equal(xml.externalId, `${delivery('1003').idempotencyKey}-xml`);
		assert.equal(zenvoices.inbox.length, 6);

		// A second run finds everything in place: nothing new in the inboxes.
		const again = await runWorkflow(workflow('both'), { input, credentials: credentials() });
		const statuses = again
			.output('Zenvoices Export')
			.map((i) => (i.json.delivery as IDataObject | undefined)?.status ?? 'error');
		assert.deepEqual(statuses, ['alreadyDelivered', 'alreadyDelivered', 'alreadyDelivered', 'skipped', 'error']);
		assert.equal(zenvoices.inbox.length, 6);
	});

	it('fetches a new token when the stored one has expired', async () => {
		const issued = zenvoices.tokensIssued;
		const stale = { zenvoicesApi: { ...credentials().zenvoicesApi, accessToken: 'token-from-yesterday' } };
		const result = await runWorkflow(
			chain('companies', [
				{
					name: 'Companies',
					type: ZENVOICES,
					credentials: credentialRef('zenvoicesApi'),
					parameters: { resource: 'company', operation: 'list', returnAll: true },
				},
			]),
			{ credentials: stale },
		);
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(result.output('Companies').length, zenvoices.administrations.length);
		assert.ok(zenvoices.administrations.length > 50, 'more than one page');
		assert.equal(zenvoices.tokensIssued, issued + 1);
		assert.equal(zenvoices.requests['POST /public-api/v1/administration/list'] >= 2, true);
	});

	it('lists companies up to a limit', async () => {
		const result = await runWorkflow(
			chain('companies', [
				{
					name: 'Companies',
					type: ZENVOICES,
					credentials: credentialRef('zenvoicesApi'),
					parameters: { resource: 'company', operation: 'list', returnAll: false, limit: 3 },
				},
			]),
			{ credentials: credentials() },
		);
		assert.deepEqual(
			result.output('Companies').map((i) => i.json.code),
			['NORDLYS', 'HAVN', 'SKOVBO'],
		);
	});

	it('tests the credential by logging in and listing companies, and refuses two-factor users', async () => {
		assert.equal((await testCredential('zenvoicesApi', credentials().zenvoicesApi)).status, 'OK');
		const twoFactor = { ...credentials().zenvoicesApi, username: 'twofactor@nordic-ap.example' };
		await assert.rejects(
			testCredential('zenvoicesApi', twoFactor),
			/two-factor authentication, which an API client cannot complete/,
		);
		const wrong = { ...credentials().zenvoicesApi, password: 'wrong' };
		await assert.rejects(
			testCredential('zenvoicesApi', wrong),
			/Zenvoices login as "api@nordic-ap.example" failed: Login failed! – Invalid user name or password/,
		);
	});

	it('offers companies in the company-code list search', async () => {
		// The list search runs inside a probe node, so it goes through the engine's credential and request path.
		const probe: INodeType = {
			description: {
				displayName: 'List Search Probe',
				name: 'listSearchProbe',
				group: ['transform'],
				version: 1,
				description: 'Calls the Zenvoices company list search',
				defaults: { name: 'Probe' },
				inputs: ['main'],
				outputs: ['main'],
				credentials: [{ name: 'zenvoicesApi', required: true }],
				properties: [],
			} as INodeType['description'],
			async execute(this: IExecuteFunctions) {
				const search = new ZenvoicesExport().methods.listSearch.searchCompanies;
				const found = await search.call(this as never, 'skov');
				return [found.results.map((r) => ({ json: { ...r } }))];
			},
		};
		registerNodeType('test.listSearchProbe', probe);
		const result = await runWorkflow(
			chain('list search', [
				{ name: 'Probe', type: 'test.listSearchProbe', credentials: credentialRef('zenvoicesApi'), parameters: {} },
			]),
			{ credentials: credentials() },
		);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			result.output('Probe').map((i) => i.json),
			[{ name: 'Skovbo Kommune Forsyning (SKOVBO)', value: 'SKOVBO' }],
		);
	});
});
