import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { type NetworkSandbox, startNetworkSandbox } from '../../sandbox/servers/network-sandbox';
import { runWorkflow } from '../harness';
import { chain, HUBBROKER } from './workflow';

describe('HubBroker Network participant operations in the real n8n engine', () => {
	let sandbox: NetworkSandbox;
	before(async () => {
		sandbox = await startNetworkSandbox();
	});
	after(async () => {
		await sandbox?.stop();
	});
	const network = () => ({
		smlZone: 'custom',
		customZone: sandbox.zone,
		dnsResolver: 'custom',
		dnsServer: sandbox.dns.server,
	});

	it('looks up participants, once per id per execution', async () => {
		const ids = [
			'0184:31000548',
			'0184:31001781',
			'0184:31002877',
			'0184:31000548',
			'iso6523-actorid-upis::0184:31000548',
			'0184:1234',
		];
		const before = sandbox.smp.requests['GET ServiceGroup'] ?? 0;
		const result = await runWorkflow(
			chain('lookup', [
				{
					name: 'Lookup',
					type: HUBBROKER,
					parameters: {
						resource: 'participant',
						operation: 'lookup',
						...network(),
						scheme: 'fromId',
						participantId: '={{ $json.id }}',
					},
				},
			]),
			{ input: ids.map((id) => ({ id })) },
		);
		assert.equal(result.error, undefined, result.error?.message);
		const participants = result.output('Lookup').map((i) => i.json.participant as IDataObject);
		assert.deepEqual(
			participants.map((p) => p.registered),
			[true, true, false, true, true, false],
		);
		assert.deepEqual(
			participants.map((p) => p.cached),
			[false, false, false, true, true, false],
		);
		assert.equal((participants[0].accessPoint as IDataObject).url, 'https://ap.nordlys.example/as4');
		assert.equal((participants[1].receives as IDataObject).bis3CreditNote, false);
		assert.match(String(participants[5].reason), /CVR number has 8 digits/);
		assert.equal((sandbox.smp.requests['GET ServiceGroup'] ?? 0) - before, 2, 'two registered ids, each asked once');
	});

	it('matches customers and suggests export rules', async () => {
		const customers = [
			{
				ContactGuid: 'k1',
				Name: 'Skovbo (Dinero contact)',
				CountryKey: 'DK',
				VatNumber: 'DK31002192',
				EanNumber: null,
			},
			{ id: 'k2', name: 'Region (Billy contact)', countryId: 'DK', registrationNo: '31000548', ean: '5798000000001' },
			{
				invoice: {
					buyer: { name: 'Canonical buyer', endpoint: { scheme: '0184', id: '31001781' }, address: { country: 'DK' } },
				},
				source: { customerId: 'k3' },
			},
			{ id: 'k4', name: 'Nobody', countryId: 'DK', registrationNo: '31002877' },
		];
		const result = await runWorkflow(
			chain('match', [
				{
					name: 'Match',
					type: HUBBROKER,
					parameters: {
						resource: 'participant',
						operation: 'matchCustomers',
						...network(),
						preferredFormat: 'peppol-bis3',
						matchDestination: 'maventa',
					},
				},
			]),
			{ input: customers },
		);
		const matches = result.output('Match').map((i) => i.json.match as IDataObject);
		assert.deepEqual(
			matches.map((m) => [m.customerId, m.matched, m.participantId]),
			[
				['k1', true, 'iso6523-actorid-upis::0198:DK31002192'],
				['k2', true, 'iso6523-actorid-upis::0088:5798000000001'],
				['k3', true, 'iso6523-actorid-upis::0184:31001781'],
				['k4', false, undefined],
			],
		);
		assert.deepEqual((matches[0].suggestedRule as IDataObject).format, 'oioubl21');
		assert.deepEqual((matches[2].suggestedRule as IDataObject).creditNotes, false);
	});

	it('splits routes into Activated and Not activated outputs', async () => {
		const result = await runWorkflow(
			chain('route', [
				{
					name: 'Resolve',
					type: HUBBROKER,
					parameters: {
						resource: 'route',
						operation: 'resolve',
						activate: 'all',
						defaultFormat: 'peppol-bis3',
						defaultDestination: 'sftp',
						ruleSource: 'item',
						ruleField: 'rule',
						routeOptions: { receiver: { buyerReference: 'ACC-DEFAULT' } },
					},
				},
			]),
			{
				input: [
					{
						invoice: { number: '1', issueDate: '2026-01-01', seller: { name: 's' }, buyer: { name: 'b' } },
						source: { customerId: 'a' },
						rule: { activated: 'no' },
					},
					{
						invoice: { number: '2', issueDate: '2026-01-01', seller: { name: 's' }, buyer: { name: 'b' } },
						source: { customerId: 'b' },
						rule: { format: 'oioubl21', receiverEndpoint: '0088:5798000000001' },
					},
				],
			},
		);
		const [activated, notActivated] = result.outputs('Resolve');
		assert.equal(activated.length, 1);
		assert.equal(notActivated.length, 1);
		assert.equal((notActivated[0].json.route as IDataObject).reason, 'customer is deactivated');
		const invoice = activated[0].json.invoice as IDataObject;
		assert.deepEqual(invoice.buyer, { name: 'b', endpoint: { scheme: '0088', id: '5798000000001' } });
		assert.equal(invoice.buyerReference, 'ACC-DEFAULT');
		assert.equal((activated[0].json.route as IDataObject).format, 'oioubl21');
		assert.deepEqual(notActivated[0].pairedItem, { item: 0 });
	});

	it('activates matched customers automatically: Match customers → Resolve with the suggested rule', async () => {
		const invoice = (number: string, buyer: IDataObject) => ({
			invoice: { kind: 'invoice', number, issueDate: '2026-06-01', seller: { name: 's' }, buyer },
			source: { system: 'billy', number, customerId: `cust-${number}` },
		});
		const result = await runWorkflow(
			chain('auto activation', [
				{
					name: 'Match',
					type: HUBBROKER,
					parameters: {
						resource: 'participant',
						operation: 'matchCustomers',
						...network(),
						preferredFormat: 'peppol-bis3',
					},
				},
				{
					name: 'Resolve',
					type: HUBBROKER,
					parameters: {
						resource: 'route',
						operation: 'resolve',
						activate: 'listed',
						defaultFormat: 'peppol-bis3',
						defaultDestination: 'sftp',
						ruleSource: 'item',
						ruleField: 'match.suggestedRule',
					},
				},
			]),
			{
				input: [
					invoice('1', { name: 'Havn', legalId: { id: '31001781', scheme: '0184' }, address: { country: 'DK' } }),
					invoice('2', { name: 'Unknown', legalId: { id: '31002877', scheme: '0184' }, address: { country: 'DK' } }),
					invoice('3', { name: 'Skovbo', vatId: 'DK31002192', address: { country: 'DK' } }),
				],
			},
		);
		assert.equal(result.error, undefined, result.error?.message);
		const [activated, notActivated] = result.outputs('Resolve');
		assert.deepEqual(
			activated.map((i) => [
				(i.json.source as IDataObject).number,
				(i.json.route as IDataObject).destination,
				(i.json.route as IDataObject).format,
				((i.json.invoice as IDataObject).buyer as IDataObject).endpoint,
			]),
			[
				['1', 'maventa', 'peppol-bis3', { scheme: '0184', id: '31001781' }],
				['3', 'maventa', 'oioubl21', { scheme: '0198', id: 'DK31002192' }],
			],
		);
		assert.deepEqual(
			notActivated.map((i) => [(i.json.source as IDataObject).number, (i.json.route as IDataObject).reason]),
			[['2', 'customer is not listed']],
		);
	});
});
