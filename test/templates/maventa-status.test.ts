/**
 * The "Maventa: watch delivery status" template in a real n8n 2.41 against the sandbox: documents accepted by the
 * Maventa emulator settle DELIVERED (receiver in its lookup data) or FAILED (an address no network knows and no
 * e-mail route); the ledger rows of exported Maventa documents get their final network status, each failed one gives
 * exactly one e-mail on the real SMTP server and shows as not delivered on the dashboard, a second run notifies
 * nothing, and a status Maventa cannot answer is reported once per run with the row left for the next run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DASHBOARD_LOGIN, datasets, severaStatuses, startStack, type Stack } from '../tools/stack';
import { WORKFLOW_IDS } from '../tools/templates';
import { runManually, waitFor } from './support';

type Row = Record<string, any>;

const TRIGGER = 'Every 15 Minutes';
/** A receiver in the emulator's lookup data (test/fixtures/maventa/receivers.json). */
const KNOWN_EIA = '0216:003701120389';
/** A GLN no network knows: with no e-mail route the emulator settles the invoice FAILED. */
const UNKNOWN_EIA = '0088:5790000099999';

interface Doc {
	number: string;
	customer: string;
	eia: string;
	kind: 'invoice' | 'creditNote';
	/** How the row leaves deliveryStatus open: column absent (null, as in rows from before the column) or ''. */
	blank: 'absent' | 'empty';
}

const DOCS: Doc[] = [
	{ number: 'W-2001', customer: 'Tampereen Tekniikka Oy', eia: KNOWN_EIA, kind: 'invoice', blank: 'absent' },
	{ number: 'W-2002', customer: 'Grønnegårdens Blomster ApS', eia: KNOWN_EIA, kind: 'creditNote', blank: 'empty' },
	{ number: 'W-2003', customer: 'Brødrene Ødegaard ApS', eia: UNKNOWN_EIA, kind: 'invoice', blank: 'empty' },
	{ number: 'W-2004', customer: 'Müller Maschinenbau GmbH', eia: UNKNOWN_EIA, kind: 'invoice', blank: 'absent' },
];
const delivered = DOCS.filter((d) => d.eia === KNOWN_EIA);
const undelivered = DOCS.filter((d) => d.eia === UNKNOWN_EIA);

function ublDocument(doc: Doc): string {
	const root = doc.kind === 'creditNote' ? 'CreditNote' : 'Invoice';
	const [scheme, id] = doc.eia.split(':');
	return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:${root}-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
	<cbc:ID>${doc.number}</cbc:ID>
	<cbc:IssueDate>2026-11-20</cbc:IssueDate>
	<cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode>
	<cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="${scheme}">${id}</cbc:EndpointID><cac:PartyLegalEntity><cbc:RegistrationName>${doc.customer}</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
	<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="DKK">125.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</${root}>`;
}

describe('Maventa: watch delivery status (real n8n, sandbox)', { timeout: 600_000 }, () => {
	let stack: Stack;
	let userFolder: string;
	const remoteIds = new Map<string, string>();
	const keyOf = (doc: Doc) => `dinero:watch-test:${doc.kind}:${doc.number}`;
	const ledger = async () => (await stack.tables.rows(stack.ledgerTable)) as Row[];
	const rowOf = (rows: Row[], doc: Doc) => rows.find((r) => r.key === keyOf(doc))!;
	const mails = () => stack.sandbox.smtp.mails;
	const notDelivered = () => mails().filter((m) => m.subject.startsWith('E-invoice not delivered'));

	/** Send a document to the Maventa emulator over its HTTP API, as Maventa Send does; returns Maventa's id. */
	async function sendToMaventa(doc: Doc): Promise<string> {
		const s = (JSON.parse(readFileSync(path.join(datasets.maventa, 'dataset.json'), 'utf8')) as { settings: Row })
			.settings;
		const token = (await (
			await fetch(`${stack.sandbox.maventa.url}/oauth2/token`, {
				method: 'POST',
				body: new URLSearchParams({
					grant_type: 'client_credentials',
					client_id: s.companyId,
					client_secret: s.userApiKey,
					vendor_api_key: s.vendorApiKey,
					scope: 'eui',
				}),
			})
		).json()) as { access_token: string };
		const form = new FormData();
		form.append('file', new Blob([ublDocument(doc)], { type: 'text/xml' }), `${doc.number}.xml`);
		form.append('recipient_eia', doc.eia);
		const res = await fetch(`${stack.sandbox.maventa.url}/v1/invoices`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token.access_token}` },
			body: form,
		});
		assert.equal(res.status, 201, await res.clone().text());
		const invoice = (await res.json()) as { id: string; status: string };
		assert.equal(invoice.status, 'PENDING');
		return invoice.id;
	}

	async function runWatcher(): Promise<Row> {
		const execution = await runManually(stack.n8n, WORKFLOW_IDS.deliveryStatus, TRIGGER);
		assert.equal(execution.status, 'success', JSON.stringify(execution.data?.resultData?.error ?? {}));
		return execution;
	}

	before(async () => {
		userFolder = mkdtempSync(path.join(tmpdir(), 'einvoice-maventa-status-'));
		const started = Date.now();
		stack = await startStack({ userFolder, forceImport: true });
		process.stdout.write(`# stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
		for (const doc of DOCS) remoteIds.set(doc.number, await sendToMaventa(doc));
		const row = (doc: Doc, extra: Row = {}): Row => ({
			key: keyOf(doc),
			time: new Date().toISOString(),
			source: 'dinero',
			account: 'watch-test',
			documentId: doc.number,
			kind: doc.kind,
			number: doc.number,
			customerName: doc.customer,
			receiver: doc.customer,
			receiverEndpoint: doc.eia,
			format: 'peppol-bis3',
			destination: 'maventa',
			status: 'exported',
			message: `Accepted by Maventa for delivery to ${doc.eia}`,
			remoteId: remoteIds.get(doc.number),
			fileName: `${doc.kind}-${doc.number}.xml`,
			...(doc.blank === 'empty' ? { deliveryStatus: '' } : {}),
			...extra,
		});
		await stack.tables.insert(stack.ledgerTable, [
			...DOCS.map((doc) => row(doc)),
			// Not the watcher's: another destination, a failed export, and a row without a Maventa id.
			row({ ...DOCS[2], number: 'W-2901' }, { destination: 'http', remoteId: 'gw-1' }),
			row({ ...DOCS[2], number: 'W-2902' }, { status: 'failed', message: 'Injected', remoteId: '' }),
			row({ ...DOCS[2], number: 'W-2903' }, { remoteId: '' }),
		]);
	});

	after(async () => {
		await stack?.stop();
		rmSync(userFolder, { recursive: true, force: true });
	});

	it('records DELIVERED and FAILED on the rows; one e-mail per failed document, none for delivered ones', async () => {
		const mailsBefore = mails().length;
		const started = Date.now();
		await runWatcher();
		process.stdout.write(`# watcher run 1: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
		// The emulator settled each invoice when the watcher asked for its status.
		for (const doc of DOCS) {
			const record = stack.sandbox.maventa.invoices.find((r) => r.invoice.id === remoteIds.get(doc.number))!;
			assert.equal(record.invoice.status, doc.eia === KNOWN_EIA ? 'DELIVERED' : 'FAILED', doc.number);
		}
		const rows = await ledger();
		for (const doc of delivered) {
			const r = rowOf(rows, doc);
			assert.equal(r.deliveryStatus, 'delivered', doc.number);
			assert.equal(r.status, 'exported', `${doc.number} stays exported`);
			assert.match(r.message, /Delivered via EINVOICE/);
		}
		for (const doc of undelivered) {
			const r = rowOf(rows, doc);
			assert.equal(r.deliveryStatus, 'failed', doc.number);
			// Still exported: the export templates' ledger guard must not let a re-poll send it again silently.
			assert.equal(r.status, 'exported', `${doc.number} stays exported`);
			assert.match(r.message, /^Maventa could not deliver it: No route to the recipient 0088:5790000099999/);
		}
		for (const number of ['W-2901', 'W-2902', 'W-2903']) {
			const r = rows.find((x) => x.number === number)!;
			assert.ok(!r.deliveryStatus, `${number} is not the watcher's`);
		}

		const got = await waitFor(
			'the not-delivered e-mails',
			async () => (notDelivered().length >= undelivered.length ? notDelivered() : undefined),
			20_000,
			250,
		);
		assert.equal(got.length, undelivered.length);
		assert.equal(mails().length - mailsBefore, undelivered.length, 'no e-mail for delivered documents');
		for (const doc of undelivered) {
			const mine = got.filter((m) => m.subject.includes(` ${doc.number} `));
			assert.equal(mine.length, 1, `exactly one e-mail for ${doc.number}`);
			assert.equal(mine[0].subject, `E-invoice not delivered: Dinero invoice ${doc.number} (${doc.customer})`);
			assert.match(mine[0].text, new RegExp(`to ${doc.customer} was accepted by Maventa`));
			assert.match(mine[0].text, /Reason: Maventa could not deliver it: No route to the recipient 0088:5790000099999/);
			assert.ok(mine[0].text.includes(`Maventa invoice id: ${remoteIds.get(doc.number)}`));
			assert.deepEqual(mine[0].to, ['billing@example.com']);
		}
		process.stdout.write(
			`# rows: ${delivered.length} delivered, ${undelivered.length} failed; e-mails: ${got.length}\n`,
		);
	});

	it('the dashboard shows the failed deliveries as not delivered', async () => {
		const login = Buffer.from(`${DASHBOARD_LOGIN.user}:${DASHBOARD_LOGIN.password}`).toString('base64');
		const response = await fetch(`${stack.n8n.url}/webhook/einvoice-dashboard?status=not%20delivered`, {
			headers: { authorization: `Basic ${login}` },
		});
		assert.equal(response.status, 200);
		const page = await response.text();
		assert.match(page, new RegExp(`${undelivered.length} not delivered`));
		for (const doc of undelivered) assert.ok(page.includes(`<td>${doc.number}<div`), doc.number);
		for (const doc of delivered) assert.ok(!page.includes(`<td>${doc.number}<div`), doc.number);
		assert.equal((page.match(/<tr class="failed">/g) ?? []).length, undelivered.length);
	});

	it('a second run asks nothing and notifies nothing', async () => {
		const mailsBefore = mails().length;
		const statusReads = () => stack.sandbox.maventa.requests['GET /v1/invoices/{id}'] ?? 0;
		const readsBefore = statusReads();
		const before = await ledger();
		await runWatcher();
		await new Promise((r) => setTimeout(r, 500));
		assert.equal(mails().length, mailsBefore, 'no new e-mail');
		assert.equal(statusReads(), readsBefore, 'rows with a final status are not asked again');
		const rows = await ledger();
		for (const doc of DOCS) assert.deepEqual(rowOf(rows, doc), rowOf(before, doc), doc.number);
	});

	it('Severa rows: FAILED moves the invoice to "after error" with one e-mail, DELIVERED leaves Severa alone, a refused status change is in the e-mail', async () => {
		const { afterError } = severaStatuses();
		const severa = stack.sandbox.severa;
		const afterErrorName = severa.statuses.find((s) => s.guid === afterError)!.name as string;
		// Three Severa invoices not in the status after error (as sent by the Severa template, whatever their status now).
		const sent = severa.invoices.filter((i) => i.number !== null && i.status.guid !== afterError);
		assert.ok(sent.length >= 3);
		const initial = new Map(sent.map((i) => [i.guid as string, i.status.guid as string]));
		const [failing, reached, locked] = sent.map((invoice, i) => ({
			invoice,
			doc: {
				number: String(invoice.number),
				customer: String(invoice.customer.name),
				eia: i === 1 ? KNOWN_EIA : UNKNOWN_EIA,
				kind: invoice.isCreditNote ? 'creditNote' : 'invoice',
				blank: 'empty',
			} as Doc,
		}));
		const cases = [failing, reached, locked];
		const severaKey = (c: (typeof cases)[number]) => `severa:watch-test:${c.doc.kind}:${c.invoice.guid}`;
		const severaIds = new Map<string, string>();
		for (const c of cases) severaIds.set(c.doc.number, await sendToMaventa(c.doc));
		await stack.tables.insert(
			stack.ledgerTable,
			cases.map((c) => ({
				key: severaKey(c),
				time: new Date().toISOString(),
				source: 'severa',
				account: 'watch-test',
				documentId: c.invoice.guid,
				kind: c.doc.kind,
				number: c.doc.number,
				customerName: c.doc.customer,
				receiver: c.doc.customer,
				receiverEndpoint: c.doc.eia,
				format: 'peppol-bis3',
				destination: 'maventa',
				status: 'exported',
				message: 'Accepted by Maventa',
				remoteId: severaIds.get(c.doc.number),
				deliveryStatus: '',
				notice: '',
			})),
		);
		// Severa refuses the status change of one invoice (not retried: a 4xx).
		severa.inject({
			method: 'PATCH',
			path: new RegExp(`^/v1/invoices/${locked.invoice.guid}$`),
			status: 400,
			type: 'InvalidOperation',
			message: 'Injected: the invoice is locked by another user',
			times: 5,
		});
		const changesBefore = severa.statusChanges.length;
		const mailsBefore = mails().length;
		const dineroBefore = await ledger();
		const started = Date.now();
		await runWatcher();
		process.stdout.write(`# watcher run with Severa rows: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

		// Severa: only the undelivered invoice whose status change Severa accepted moved, to the status after error.
		const changes = severa.statusChanges.slice(changesBefore);
		assert.deepEqual(
			changes.map((c) => [c.invoiceGuid, c.to]),
			[[failing.invoice.guid, afterError]],
		);
		const statusOf = (c: (typeof cases)[number]) => severa.invoices.find((i) => i.guid === c.invoice.guid)!.status.guid;
		assert.equal(statusOf(failing), afterError);
		assert.equal(statusOf(reached), initial.get(reached.invoice.guid), 'a delivered Severa invoice is not touched');
		assert.equal(statusOf(locked), initial.get(locked.invoice.guid), 'Severa refused the change');

		// The ledger: every row has its network status, the refused status change included.
		const rows = await ledger();
		const row = (c: (typeof cases)[number]) => rows.find((r) => r.key === severaKey(c))!;
		assert.equal(row(failing).deliveryStatus, 'failed');
		assert.equal(row(locked).deliveryStatus, 'failed', 'the network failure is recorded though Severa refused');
		assert.equal(row(reached).deliveryStatus, 'delivered');
		for (const c of cases) assert.equal(row(c).status, 'exported', c.doc.number);
		for (const c of [failing, locked])
			assert.match(row(c).message, /^Maventa could not deliver it: No route to the recipient 0088:5790000099999/);
		for (const doc of DOCS) assert.deepEqual(rowOf(rows, doc), rowOf(dineroBefore, doc), `${doc.number} untouched`);

		// One e-mail per undelivered Severa invoice, none for the delivered one.
		const got = await waitFor(
			'the Severa e-mails',
			async () => (mails().length - mailsBefore >= 2 ? mails().slice(mailsBefore) : undefined),
			20_000,
			250,
		);
		await new Promise((r) => setTimeout(r, 500));
		assert.equal(mails().length - mailsBefore, 2, got.map((m) => m.subject).join(' | '));
		const mailOf = (c: (typeof cases)[number]) => {
			const mine = got.filter((m) => m.subject.includes(` ${c.doc.number} `));
			assert.equal(mine.length, 1, `exactly one e-mail for ${c.doc.number}`);
			const noun = c.doc.kind === 'creditNote' ? 'credit note' : 'invoice';
			assert.equal(mine[0].subject, `E-invoice not delivered: Severa ${noun} ${c.doc.number} (${c.doc.customer})`);
			assert.match(mine[0].text, /Reason: Maventa could not deliver it: No route to the recipient/);
			assert.ok(mine[0].text.includes(`Maventa invoice id: ${severaIds.get(c.doc.number)}`));
			return mine[0].text;
		};
		const moved = mailOf(failing);
		assert.ok(moved.includes(`The Severa invoice is now in the status "${afterErrorName}".`), moved);
		assert.doesNotMatch(moved, /manual export/);
		assert.match(moved, /Moving it back to the status of invoices to transfer does not deliver it again/);
		const refused = mailOf(locked);
		assert.match(
			refused,
			/The Severa status could not be set: move the invoice to the status after error in Severa yourself/,
		);
		assert.match(refused, new RegExp(`Severa answered: .*${locked.doc.number}`));
		assert.match(refused, /Injected: the invoice is locked by another user/);
		process.stdout.write(
			`# Severa rows: 1 moved to "${afterErrorName}", 1 delivered untouched, 1 refused by Severa; e-mails: 2\n`,
		);
	});

	it('a status Maventa cannot answer: one e-mail for the run, the row is left for the next run', async () => {
		const lost: Doc = {
			number: 'W-2005',
			customer: 'Åbenrå Økologi I/S',
			eia: KNOWN_EIA,
			kind: 'invoice',
			blank: 'empty',
		};
		await stack.tables.insert(stack.ledgerTable, [
			{
				key: keyOf(lost),
				time: new Date().toISOString(),
				source: 'dinero',
				kind: 'invoice',
				number: lost.number,
				customerName: lost.customer,
				destination: 'maventa',
				status: 'exported',
				remoteId: '00000000-0000-4000-8000-000000000000',
				deliveryStatus: '',
			},
		]);
		const mailsBefore = mails().length;
		await runWatcher();
		const fresh = await waitFor(
			'the status-not-read e-mail',
			async () => {
				const list = mails().slice(mailsBefore);
				return list.length ? list : undefined;
			},
			20_000,
			250,
		);
		await new Promise((r) => setTimeout(r, 500));
		assert.equal(mails().length - mailsBefore, 1);
		assert.equal(fresh[0].subject, 'E-invoice delivery status not read: 1 document(s)');
		assert.match(
			fresh[0].text,
			/Invoice W-2005 \(Åbenrå Økologi I\/S, Maventa id 00000000-0000-4000-8000-000000000000\): /,
		);
		assert.match(fresh[0].text, /not found/i);
		const r = rowOf(await ledger(), lost);
		assert.ok(!r.deliveryStatus, 'left open for the next run');
	});
});
