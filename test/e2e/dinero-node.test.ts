import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject } from 'n8n-workflow';

import type { DineroEmulator } from '../sandbox/dinero/emulator';
import {
	binaryBuffer,
	listSearchInWorkflow,
	nodeType,
	runWorkflow,
	testCredential,
	type WorkflowJson,
} from './harness';
import { datasetCopy, dineroCredentials, seller, startDinero } from './dinero-support';

type Rec = Record<string, unknown>;

function workflow(parameters: IDataObject, extra: Partial<WorkflowJson['nodes'][number]> = {}): WorkflowJson {
	return {
		name: 'Dinero node test',
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'dinero',
				name: 'Dinero',
				type: nodeType('dinero'),
				typeVersion: 1,
				position: [200, 0],
				parameters: { authentication: 'dineroApi', sellerDetails: seller, ...parameters },
				credentials: { dineroApi: { id: 'dinero-cred', name: 'Dinero sandbox' } },
				...extra,
			},
		],
		connections: { Start: { main: [[{ node: 'Dinero', type: 'main', index: 0 }]] } },
	};
}

describe('Dinero node in the real engine', () => {
	let emulator: DineroEmulator;
	let credentials: Record<string, IDataObject>;
	let booked: Rec;
	let creditNote: Rec;

	before(async () => {
		emulator = await startDinero(datasetCopy(undefined, { rateLimitPerMinute: 2000 }));
		credentials = { 'dinero-cred': dineroCredentials(emulator).dineroApi as IDataObject };
		booked = emulator.data.invoices.find((d) => d.Status === 'Booked' && (d.ProductLines as Rec[]).length > 1)!;
		creditNote = emulator.data.creditnotes.find((d) => d.Status === 'Booked')!;
	});
	after(async () => await emulator.close());

	const run = async (parameters: IDataObject, input?: IDataObject[], extra = {}) => {
		const result = await runWorkflow(workflow(parameters, extra), { credentials: credentials as never, input });
		return result;
	};

	it('credential test: the personal API key works, a wrong one is refused', async () => {
		const ok = await testCredential('dineroApi', dineroCredentials(emulator).dineroApi);
		assert.equal(ok.status, 'OK', ok.message);
		await assert.rejects(
			testCredential('dineroApi', { ...dineroCredentials(emulator).dineroApi, apiKey: 'wrong' }),
			/preAuthentication failed: Dinero: the token request was refused: invalid_grant/,
		);
	});

	it('OAuth2 (Visma Connect): authorization code → token → API calls with the organisation id', async () => {
		const authorize = new URL(`${emulator.url}/connect/authorize`);
		for (const [k, v] of Object.entries({
			client_id: 'sandbox-client',
			response_type: 'code',
			redirect_uri: 'http://localhost/callback',
			state: 's1',
			scope: 'dineropublicapi:read dineropublicapi:write offline_access',
		})) {
			authorize.searchParams.set(k, v);
		}
		const consent = await fetch(authorize, { redirect: 'manual' });
		assert.equal(consent.status, 302);
		const callback = new URL(String(consent.headers.get('location')));
		assert.equal(callback.searchParams.get('state'), 's1');
		const body = new URLSearchParams({
			grant_type: 'authorization_code',
			code: String(callback.searchParams.get('code')),
			client_id: 'sandbox-client',
			client_secret: 'sandbox-secret',
			redirect_uri: 'http://localhost/callback',
		});
		const token = (await (
			await fetch(`${emulator.url}/connect/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body,
			})
		).json()) as IDataObject;
		assert.ok(token.refresh_token, 'offline_access gives a refresh token');
		const oauth = {
			environment: 'sandbox',
			baseUrl: emulator.url,
			organizationId: emulator.organizationId,
			clientId: 'sandbox-client',
			clientSecret: 'sandbox-secret',
			grantType: 'authorizationCode',
			authUrl: `${emulator.url}/connect/authorize`,
			accessTokenUrl: `${emulator.url}/connect/token`,
			scope: 'dineropublicapi:read dineropublicapi:write offline_access',
			authentication: 'body',
			oauthTokenData: token,
		};
		const result = await runWorkflow(
			workflow(
				{ authentication: 'dineroOAuth2Api', resource: 'organization', operation: 'get' },
				{ credentials: { dineroOAuth2Api: { id: 'oauth', name: 'Dinero OAuth2' } } },
			),
			{
				credentials: { oauth } as never,
			},
		);
		assert.equal(result.error, undefined);
		assert.equal(String(result.output('Dinero')[0].json.Id), emulator.organizationId);
	});

	it('invoice get by id gives the canonical invoice with its source', async () => {
		const result = await run({ resource: 'invoice', operation: 'get', findBy: 'id', documentId: String(booked.Guid) });
		assert.equal(result.error, undefined);
		const [item] = result.output('Dinero');
		const invoice = item.json.invoice as IDataObject;
		assert.equal(invoice.number, String(booked.Number));
		assert.equal(
			(invoice.lines as unknown[]).length,
			(booked.ProductLines as Rec[]).filter((l) => l.LineType !== 'Text').length,
		);
		assert.equal((invoice.totals as IDataObject).payable as string, Number(booked.TotalInclVat).toFixed(2));
		assert.deepEqual(item.pairedItem, { item: 0 });
		assert.equal((item.json.source as IDataObject).customerId, booked.ContactGuid);
	});

	it('invoice get by number; an unknown number is a clear per-item error with continue on fail', async () => {
		const result = await run(
			{ resource: 'invoice', operation: 'get', findBy: 'number', documentNumber: '={{ $json.number }}', output: 'raw' },
			[{ number: String(booked.Number) }, { number: '999999' }],
			{ onError: 'continueRegularOutput' },
		);
		assert.equal(result.error, undefined);
		const [found, missing] = result.output('Dinero');
		assert.equal((found.json.dinero as IDataObject).Guid, booked.Guid);
		assert.match(String(missing.json.error), /Dinero invoice 999999 was not found/);
		assert.deepEqual(missing.pairedItem, { item: 1 });
	});

	it('invoice get many: customer, date range and paid/unpaid filters', async () => {
		const customer = String(booked.ContactGuid);
		const result = await run({
			resource: 'invoice',
			operation: 'getMany',
			returnAll: true,
			output: 'summary',
			filters: {
				customer: { __rl: true, mode: 'id', value: customer },
				dateFrom: '2026-01-01',
				dateTo: '2026-12-31',
				payment: 'unpaid',
			},
		});
		assert.equal(result.error, undefined);
		const expected = emulator.data.invoices.filter(
			(d) =>
				d.ContactGuid === customer &&
				d.Status !== 'Draft' &&
				!d.DeletedAt &&
				d.Status !== 'Paid' &&
				String(d.Date) >= '2026-01-01',
		);
		assert.deepEqual(
			result
				.output('Dinero')
				.map((i) => i.json.Guid)
				.sort(),
			expected.map((d) => d.Guid).sort(),
		);
		const paid = await run({
			resource: 'invoice',
			operation: 'getMany',
			returnAll: true,
			output: 'summary',
			filters: { payment: 'paid' },
		});
		const paidItems = paid.output('Dinero');
		assert.ok(paidItems.length > 0);
		assert.ok(paidItems.every((i) => i.json.Status === 'Paid'));
	});

	it('invoice get many by numbers and customer text fetches only the matches in full', async () => {
		const bookedInvoices = emulator.data.invoices.filter((d) => d.Status !== 'Draft' && !d.DeletedAt);
		const numbers = bookedInvoices.map((d) => Number(d.Number)).sort((a, b) => a - b);
		const [first, , third] = numbers;
		const last = numbers[numbers.length - 1];
		const details = () => emulator.requests['GET /v1/{org}/invoices/{guid}'] ?? 0;
		const before = details();
		const result = await run({
			resource: 'invoice',
			operation: 'getMany',
			returnAll: true,
			filters: { numbers: `${first}; ${third}-${third + 1}, ${last}` },
		});
		assert.equal(result.error, undefined, result.error?.message);
		const wanted = bookedInvoices
			.filter((d) => [first, third, third + 1, last].includes(Number(d.Number)))
			.map((d) => String(d.Number))
			.sort();
		const got = result
			.output('Dinero')
			.map((i) => String((i.json.source as IDataObject).number))
			.sort();
		assert.deepEqual(got, wanted);
		assert.ok(details() - before <= wanted.length, `${details() - before} detail requests for ${wanted.length}`);

		const name = String(booked.ContactName);
		const byName = await run({
			resource: 'invoice',
			operation: 'getMany',
			returnAll: true,
			output: 'summary',
			filters: { customerText: name.slice(1, -1).toUpperCase() },
		});
		const named = byName.output('Dinero');
		assert.ok(named.length > 0);
		assert.ok(named.every((i) => String(i.json.ContactName).toLowerCase().includes(name.slice(1, -1).toLowerCase())));
		assert.equal(
			named.length,
			bookedInvoices.filter((d) => String(d.ContactName).toLowerCase().includes(name.slice(1, -1).toLowerCase()))
				.length,
		);

		const bad = await run(
			{ resource: 'invoice', operation: 'getMany', returnAll: true, filters: { numbers: '1001, ten' } },
			undefined,
			{ continueOnFail: true },
		);
		const [error] = bad.output('Dinero');
		assert.match(String(error.json.error), /Filters › Numbers: "ten" is not a document number or a range/);
	});

	it('invoice get many with a limit returns canonical invoices; drafts never appear', async () => {
		const result = await run({ resource: 'invoice', operation: 'getMany', returnAll: false, limit: 3 });
		const items = result.output('Dinero');
		assert.equal(items.length, 3);
		assert.ok(items.every((i) => (i.json.invoice as IDataObject).number !== '9223372036854775807'));
	});

	it('download PDF puts the file into the chosen binary field', async () => {
		const result = await run({
			resource: 'invoice',
			operation: 'downloadPdf',
			findBy: 'id',
			documentId: String(booked.Guid),
			binaryPropertyName: 'faktura',
		});
		const [item] = result.output('Dinero');
		const pdf = await binaryBuffer(item.binary!.faktura);
		assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
		assert.equal(item.binary!.faktura.fileName, `faktura-${String(booked.Number)}.pdf`);
	});

	it('credit note get links the credited invoice; get many lists booked credit notes', async () => {
		const one = await run({
			resource: 'creditNote',
			operation: 'get',
			findBy: 'id',
			documentId: String(creditNote.Guid),
		});
		const invoice = one.output('Dinero')[0].json.invoice as IDataObject;
		const credited = emulator.data.invoices.find((d) => d.Guid === creditNote.CreditNoteFor)!;
		assert.equal(invoice.kind, 'creditNote');
		assert.deepEqual(invoice.precedingInvoices, [{ number: String(credited.Number), issueDate: credited.Date }]);
		const many = await run({ resource: 'creditNote', operation: 'getMany', returnAll: true, output: 'summary' });
		assert.equal(
			many.output('Dinero').length,
			emulator.data.creditnotes.filter((d) => d.Status !== 'Draft' && !d.DeletedAt).length,
		);
	});

	it('customer list search by name, CVR or EAN (resource locator "From List")', async () => {
		const found = await listSearchInWorkflow(
			workflow({ resource: 'contact', operation: 'get' }),
			'Dinero',
			'searchCustomers',
			'kommune',
			{ credentials: credentials as never },
		);
		assert.deepEqual(
			found.results.map((r) => r.name),
			[
				'Hørsholm Kommune (' +
					String(emulator.data.contacts.find((c) => c.Name === 'Hørsholm Kommune')!.VatNumber) +
					')',
			],
		);
		const all = await listSearchInWorkflow(
			workflow({ resource: 'contact', operation: 'get' }),
			'Dinero',
			'searchCustomers',
			'',
			{
				credentials: credentials as never,
			},
		);
		assert.equal(all.results.length, emulator.data.contacts.length);
	});

	it('contact get (with its canonical party) and get many; organization get', async () => {
		const contact = emulator.data.contacts[0];
		const one = await run({
			resource: 'contact',
			operation: 'get',
			contact: { __rl: true, mode: 'id', value: String(contact.ContactGuid) },
		});
		assert.equal(one.output('Dinero')[0].json.Name, contact.Name);
		const party = one.output('Dinero')[0].json.party as IDataObject;
		assert.equal(party.name, contact.Name);
		assert.deepEqual(party.endpoint, { scheme: '0184', id: String(contact.VatNumber).replace(/^DK/, '') });
		const byName = await run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			contactFilters: { name: String(contact.Name) },
		});
		assert.deepEqual(
			byName.output('Dinero').map((i) => i.json.ContactGuid),
			[contact.ContactGuid],
		);
		const all = await run({ resource: 'contact', operation: 'getMany', returnAll: false, limit: 5 });
		assert.equal(all.output('Dinero').length, 5);
		const org = await run({ resource: 'organization', operation: 'get' });
		assert.equal(String(org.output('Dinero')[0].json.Id), emulator.organizationId);
	});

	it('a draft cannot be exported as canonical or PDF; a Dinero error keeps its remote message', async () => {
		const draft = emulator.data.invoices.find((d) => d.Status === 'Draft' && !d.DeletedAt)!;
		const result = await run({ resource: 'invoice', operation: 'get', findBy: 'id', documentId: String(draft.Guid) });
		assert.match(String(result.error?.message), /draft/);
		const missing = await run({
			resource: 'invoice',
			operation: 'get',
			findBy: 'id',
			documentId: '00000000-0000-4000-8000-000000000000',
		});
		assert.match(String(missing.error?.message), /No invoice with guid .* was found.*\[HTTP 404\]/);
		const deleted = emulator.data.invoices.find((d) => d.DeletedAt)!;
		const gone = await run({ resource: 'invoice', operation: 'get', findBy: 'id', documentId: String(deleted.Guid) });
		assert.match(String(gone.error?.message), /deleted.*Dinero error code 65/);
	});
});
