import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { startSandbox } from './index';
import type { MaventaEmulator } from './maventa/emulator';

const dataset = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'maventa');
const COMPANY = '6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const xmlFor = (number: string, buyer = '<cbc:EndpointID schemeID="0088">5790000435975</cbc:EndpointID>') =>
	`<?xml version="1.0" encoding="UTF-8"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"><cbc:ID>${number}</cbc:ID><cbc:IssueDate>2026-10-05</cbc:IssueDate><cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode><cac:AccountingCustomerParty><cac:Party>${buyer}<cac:PartyLegalEntity><cbc:RegistrationName>Aarhus Havnelogistik A/S</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty><cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="DKK">100.00</cbc:PayableAmount></cac:LegalMonetaryTotal></Invoice>`;
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

describe('Maventa emulator', () => {
	let emulator: MaventaEmulator;
	let token: string;
	const getToken = async (fields: Record<string, string> = {}) =>
		fetch(`${emulator.url}/oauth2/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form({
				grant_type: 'client_credentials',
				client_id: COMPANY,
				client_secret: 'sandbox-user-api-key-7d1e',
				vendor_api_key: 'sandbox-vendor-api-key-a93b',
				scope: 'eui',
				...fields,
			}),
		});
	const send = (
		file: { name: string; type: string; data: Buffer | string },
		fields: Record<string, string | string[]> = {},
		bearer = token,
	) => {
		const body = new FormData();
		for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
		body.append('file', new Blob([file.data], { type: file.type }), file.name);
		return fetch(`${emulator.url}/v1/invoices`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${bearer}` },
			body,
		});
	};
	const get = (url: string) => fetch(`${emulator.url}${url}`, { headers: { Authorization: `Bearer ${token}` } });

	before(async () => {
		emulator = (await startSandbox(dataset)) as MaventaEmulator;
		const response = await getToken();
		assert.equal(response.status, 200);
		const body = (await response.json()) as { access_token: string; expires_in: number; token_type: string };
		assert.equal(body.expires_in, 3600);
		assert.equal(body.token_type, 'bearer');
		token = body.access_token;
	});
	after(() => emulator.close());

	it('refuses a wrong vendor key and unknown scopes with {code, message, details}', async () => {
		const wrong = await getToken({ vendor_api_key: 'x' });
		assert.equal(wrong.status, 401);
		const body = (await wrong.json()) as { code: string; message: string; details: unknown[] };
		assert.equal(body.code, 'invalid_client');
		assert.ok(Array.isArray(body.details));
		assert.equal((await getToken({ scope: 'company:lookup' })).status, 400);
	});

	it('needs the invoice:send scope to send', async () => {
		const lookupOnly = (await (await getToken({ scope: 'lookup' })).json()) as { access_token: string };
		const response = await send({ name: 'a.xml', type: 'text/xml', data: xmlFor('1') }, {}, lookupOnly.access_token);
		assert.equal(response.status, 403);
		const current = (await (
			await fetch(`${emulator.url}/oauth2/current`, { headers: { Authorization: `Bearer ${lookupOnly.access_token}` } })
		).json()) as { company: { id: string }; scopes: string[] };
		assert.equal(current.company.id, COMPANY);
		assert.deepEqual(current.scopes, ['lookup']);
	});

	it('accepts well-formed XML only', async () => {
		const broken = await send({ name: 'bad.xml', type: 'text/xml', data: '<Invoice><cbc:ID>1</Invoice>' });
		assert.equal(broken.status, 422);
		assert.equal(((await broken.json()) as { code: string }).code, 'invalid_file');
		const ok = await send({ name: 'inv-1.xml', type: 'text/xml', data: xmlFor('1001') });
		assert.equal(ok.status, 201);
		const invoice = (await ok.json()) as { id: string; status: string; number: string; recipient: { eia: string } };
		assert.equal(invoice.status, 'PENDING');
		assert.equal(invoice.number, '1001');
		assert.equal(invoice.recipient.eia, '0088:5790000435975', 'read from the XML when recipient_eia is absent');
	});

	it('accepts a ZIP only with the PDF under the XML base name', async () => {
		const zip = (entries: Record<string, Buffer | string>) =>
			Buffer.from(
				zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]))),
			);
		const mismatch = await send({
			name: 'x.zip',
			type: 'application/zip',
			data: zip({ 'inv-2.xml': xmlFor('1002'), 'other.pdf': PDF }),
		});
		assert.equal(mismatch.status, 422);
		assert.match(((await mismatch.json()) as { message: string }).message, /inv-2\.pdf/);
		const ok = await send({
			name: 'x.zip',
			type: 'application/zip',
			data: zip({ 'inv-2.xml': xmlFor('1002'), 'inv-2.pdf': PDF }),
		});
		assert.equal(ok.status, 201);
		const record = emulator.invoices.find((r) => r.invoice.number === '1002')!;
		assert.equal(record.file.type, 'zip');
		assert.ok(record.file.pdf?.equals(PDF));
	});

	it('returns the existing invoice for a known uuid instead of creating another', async () => {
		const uuid = randomUUID();
		const first = await send({ name: 'inv-3.xml', type: 'text/xml', data: xmlFor('1003') }, { uuid });
		assert.equal(first.status, 201);
		const replay = await send({ name: 'inv-3.xml', type: 'text/xml', data: xmlFor('1003') }, { uuid });
		assert.equal(replay.status, 200);
		assert.equal(((await replay.json()) as { id: string }).id, uuid);
		assert.equal(emulator.invoices.filter((r) => r.invoice.id === uuid).length, 1);
	});

	it('delivers to a known receiver and fails an unreachable one, with actions', async () => {
		const delivered = (await (await send({ name: 'a.xml', type: 'text/xml', data: xmlFor('1004') })).json()) as {
			id: string;
		};
		const status = (await (await get(`/v1/invoices/${delivered.id}`)).json()) as {
			status: string;
			destination: string;
		};
		assert.equal(status.status, 'DELIVERED');
		assert.equal(status.destination, 'EINVOICE');
		const unknownBuyer = '<cbc:EndpointID schemeID="0216">003799999999</cbc:EndpointID>';
		const failed = (await (
			await send({ name: 'b.xml', type: 'text/xml', data: xmlFor('1005', unknownBuyer) })
		).json()) as { id: string };
		const actions = (await (await get(`/v1/invoices/${failed.id}/actions`)).json()) as {
			type: string;
			message: string;
		}[];
		assert.deepEqual(
			actions.map((a) => a.type),
			['CREATED', 'ERROR'],
		);
		const emailed = (await (
			await send(
				{ name: 'c.xml', type: 'text/xml', data: xmlFor('1006', unknownBuyer) },
				{ recipient_email: 'ap@example.com' },
			)
		).json()) as { id: string };
		assert.equal(
			((await (await get(`/v1/invoices/${emailed.id}`)).json()) as { destination: string }).destination,
			'EMAIL',
		);
		const noEmailRoute = (await (
			await send(
				{ name: 'd.xml', type: 'text/xml', data: xmlFor('1007', unknownBuyer) },
				{ recipient_email: 'ap@example.com', 'disabled_routes[]': ['EMAIL'] },
			)
		).json()) as { id: string };
		assert.equal(
			((await (await get(`/v1/invoices/${noEmailRoute.id}`)).json()) as { status: string }).status,
			'FAILED',
		);
	});

	it('answers receiver lookups by network and address', async () => {
		assert.equal((await get('/v1/lookup/receivers?eia=0088:5790000435975')).status, 400);
		const found = (await (await get('/v1/lookup/receivers?network[]=PEPPOL&eia=0088:5790000435975')).json()) as {
			participant: { name: string };
		}[];
		assert.equal(found.length, 1);
		assert.equal(found[0].participant.name, 'Aarhus Havnelogistik A/S');
		const ovt = (await (
			await get('/v1/lookup/receivers?network[]=INTERNAL&network[]=EXTERNAL&eia=003701120389')
		).json()) as unknown[];
		assert.equal(ovt.length, 1, 'a bare OVT finds the 0216 entry');
	});

	it('injects failures: an error answer, and a dropped connection after the invoice was created', async () => {
		emulator.inject({
			method: 'POST',
			path: /^\/v1\/invoices$/,
			status: 503,
			code: 'unavailable',
			message: 'down',
			times: 1,
		});
		assert.equal((await send({ name: 'e.xml', type: 'text/xml', data: xmlFor('1008') })).status, 503);
		emulator.inject({ method: 'POST', path: /^\/v1\/invoices$/, invoiceNumber: '1009', dropAfterCreate: true });
		const uuid = randomUUID();
		await assert.rejects(send({ name: 'f.xml', type: 'text/xml', data: xmlFor('1009') }, { uuid }));
		assert.equal(
			emulator.invoices.filter((r) => r.invoice.id === uuid).length,
			1,
			'created although the client saw no answer',
		);
		const retry = await send({ name: 'f.xml', type: 'text/xml', data: xmlFor('1009') }, { uuid });
		assert.equal(retry.status, 200);
	});
});
