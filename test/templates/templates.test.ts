/**
 * The shipped templates in a real n8n 2.41 (our package installed as a community package) against the sandbox:
 * Dinero and Billy export workflows activated and polled on their schedule, documents delivered to Maventa, an HTTP
 * gateway, Zenvoices and e-mail (a real SMTP server), judged by the official validator; the ledger Data Table;
 * a second run that must not send anything twice; an injected delivery failure; the dashboard in headless Chromium;
 * the Severa → Maventa template with its ledger rows.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { fatalIds, validateDocuments } from '../support/validator';
import {
	AS2_PARTNER_GLN,
	AS2_PARTNER_ID,
	CREDENTIAL_IDS,
	DASHBOARD_LOGIN,
	datasets,
	EXAMPLE_RULES,
	NETWORK_CUSTOMERS,
	SANDBOX_SENDER_GLN,
	SEVERA_WORKFLOW_ID,
	severaStatuses,
	startStack,
	type Stack,
} from '../tools/stack';
import { WORKFLOW_IDS } from '../tools/templates';
import {
	activate,
	artifacts,
	datasetDocuments,
	deactivate,
	executions,
	expectedDocuments,
	runManually,
	waitFor,
	waitForExecutions,
	withPage,
} from './support';

type Row = Record<string, any>;

const FAILING = { system: 'dinero', number: '1043' } as const;
const SEVERA_REFUSED = '26143';
/** A Dinero customer without an example rule; the manual-export test activates it. */
const NAESTVED = { customerId: 'fdd763eb-03da-4c0a-a030-b1e360aade1e', name: 'Næstved Gymnasium' };

describe('Template workflows in a real n8n against the sandbox', { timeout: 900_000 }, () => {
	let stack: Stack;
	let userFolder: string;
	let severaToTransfer: string[] = [];
	const severaIn = (guid: string) =>
		stack.sandbox.severa.invoices.filter((i) => i.status.guid === guid).map((i) => String(i.number));
	const expected = expectedDocuments();
	const count = (system: string, destination?: string) =>
		expected.filter((d) => d.system === system && (!destination || d.destination === destination)).length;
	const ledger = async () => (await stack.tables.rows(stack.ledgerTable)) as Row[];
	/** Rows of the Dinero and Billy workflows (the Severa template writes its own, checked in its test). */
	const exportLedger = async () => (await ledger()).filter((r) => r.source !== 'severa');
	/** Maventa invoices from Dinero and Billy (the Severa template sends to the same Maventa account). */
	const severaNumbers = new Set(
		(JSON.parse(readFileSync(path.join(datasets.severa, 'invoices.json'), 'utf8')) as Row[]).map((i) =>
			String(i.number),
		),
	);
	const fromSevera = (r: { invoice: Row }) => severaNumbers.has(String(r.invoice.number ?? ''));
	const severaMail = (m: { subject: string }) => m.subject.startsWith('E-invoice transfer failed');
	const deliveries = () => ({
		maventa: stack.sandbox.maventa.invoices.filter((r) => !fromSevera(r)).length,
		http: stack.sandbox.gateway.received.length,
		zenvoices: stack.sandbox.zenvoices.inbox.length,
		email: stack.sandbox.smtp.mails.filter((m) => m.attachments.some((a) => a.filename?.endsWith('.xml'))).length,
		sftp: sftpFiles().length,
		as2: stack.sandbox.as2!.peer.received.length,
	});
	/** Every file on the SFTP server, relative to its root. */
	const sftpFiles = () =>
		readdirSync(stack.sandbox.sftp!.root, { recursive: true, withFileTypes: true })
			.filter((e) => e.isFile())
			.map((e) => path.relative(stack.sandbox.sftp!.root, path.join(e.parentPath, e.name)));

	before(async () => {
		userFolder = mkdtempSync(path.join(tmpdir(), 'einvoice-templates-'));
		stack = await startStack({ userFolder, pollEveryMinute: true, forceImport: true });
		assert.ok(stack.sandbox.sftp, 'the stack runs an OpenSSH SFTP server (install openssh-server)');
		assert.ok(stack.sandbox.as2, 'the stack runs an AS2 partner (install openssl)');
	});

	after(async () => {
		await stack?.stop();
		rmSync(userFolder, { recursive: true, force: true });
	});

	it('the example rules activate documents for every destination in both datasets', () => {
		for (const system of ['dinero', 'billy'])
			for (const destination of ['maventa', 'http', 'zenvoices', 'email', 'sftp', 'as2'])
				assert.ok(count(system, destination) > 0, `${system} → ${destination}`);
		assert.ok(expected.some((d) => d.system === FAILING.system && d.number === FAILING.number));
	});

	it('active Dinero and Billy workflows export on their poll: every document delivered once, valid, in the ledger', async () => {
		// One Maventa upload fails with a 400: that document must give one failed ledger row and one e-mail.
		stack.sandbox.maventa.inject({
			method: 'POST',
			path: /^\/v1\/invoices$/,
			invoiceNumber: FAILING.number,
			status: 400,
			code: 'invalid_file',
			message: 'Injected failure: file rejected',
			times: 1,
		});
		// The Severa → Maventa template polls alongside (checked in its own test below): Maventa refuses one invoice.
		stack.sandbox.maventa.inject({
			method: 'POST',
			path: /^\/v1\/invoices$/,
			invoiceNumber: SEVERA_REFUSED,
			status: 422,
			code: 'invalid_recipient',
			message: 'Injected failure: recipient rejected the document',
			times: 1,
		});
		severaToTransfer = severaIn(severaStatuses().toTransfer);
		await activate(stack.n8n, SEVERA_WORKFLOW_ID);
		await activate(stack.n8n, WORKFLOW_IDS.dinero);
		await activate(stack.n8n, WORKFLOW_IDS.billy);
		await activate(stack.n8n, WORKFLOW_IDS.dashboard);
		// Polls fire on the next minute; each trigger emits its whole dataset once (export since 2000-01-01).
		await waitFor(
			'every expected document in the ledger',
			async () => (await exportLedger()).length >= expected.length,
			200_000,
			5000,
		);
		await waitForExecutions(stack.n8n, WORKFLOW_IDS.dinero, 1);
		await waitForExecutions(stack.n8n, WORKFLOW_IDS.billy, 1);
		await deactivate(stack.n8n, WORKFLOW_IDS.dinero);
		await deactivate(stack.n8n, WORKFLOW_IDS.billy);

		const rows = await exportLedger();
		assert.equal(rows.length, expected.length, 'one ledger row per document');
		assert.equal(new Set(rows.map((r) => r.key)).size, rows.length, 'ledger keys are unique');
		const byDoc = new Map(rows.map((r) => [`${r.source}:${r.number}`, r]));
		for (const doc of expected) {
			const row = byDoc.get(`${doc.system}:${doc.number}`);
			assert.ok(row, `ledger row for ${doc.system} ${doc.number}`);
			assert.equal(row.destination, doc.destination);
			assert.equal(row.customerId, doc.customerId);
			const failing = doc.system === FAILING.system && doc.number === FAILING.number;
			assert.equal(row.status, failing ? 'failed' : 'exported', `${doc.system} ${doc.number}: ${row.message}`);
			if (!failing)
				assert.match(row.xml, row.format === 'edifact-d96a' ? /^UNA:\+\.\? 'UNB\+/ : /<(Invoice|CreditNote)\b/);
			if (doc.destination === 'as2')
				assert.match(row.message, /^MDN automatic-action\/MDN-sent-automatically; processed \(signature verified\)$/);
			for (const column of ['time', 'sender', 'receiver', 'format', 'message'])
				assert.ok(row[column], `${column} of ${doc.system} ${doc.number}`);
			// The failure e-mail is recorded as sent; an exported row has no notice.
			assert.equal(row.notice, failing ? 'sent' : '', `notice of ${doc.system} ${doc.number}`);
		}
		const failedRow = byDoc.get(`${FAILING.system}:${FAILING.number}`)!;
		assert.match(failedRow.message, /Injected failure: file rejected/);

		// Deliveries per destination: what the rules route there, minus the one injected failure.
		const maventaNumbers = stack.sandbox.maventa.invoices
			.filter((r) => !fromSevera(r))
			.map((r) => String(r.invoice.invoice_nr ?? ''));
		assert.equal(
			deliveries().maventa,
			count('dinero', 'maventa') + count('billy', 'maventa') - 1,
			maventaNumbers.join(),
		);
		assert.equal(deliveries().http, count('dinero', 'http') + count('billy', 'http'));
		assert.equal(deliveries().zenvoices, count('dinero', 'zenvoices') + count('billy', 'zenvoices'));
		assert.equal(deliveries().email, count('dinero', 'email') + count('billy', 'email'));
		// SFTP: one file per document in the customer's folder, byte for byte what the ledger stored.
		const files = sftpFiles();
		assert.equal(files.length, count('dinero', 'sftp') + count('billy', 'sftp'), files.join());
		for (const doc of expected.filter((d) => d.destination === 'sftp')) {
			const row = byDoc.get(`${doc.system}:${doc.number}`)!;
			const file = `outbound/${doc.customerId}/${row.fileName}`;
			assert.ok(files.includes(file), `${file} in ${files.join()}`);
			assert.equal(readFileSync(path.join(stack.sandbox.sftp!.root, file), 'utf8'), row.xml);
		}
		// AS2: every message decrypted and verified by the OpenSSL partner, answered with a processed MDN.
		const as2 = stack.sandbox.as2!.peer;
		assert.equal(as2.received.length, count('dinero', 'as2') + count('billy', 'as2'));
		assert.ok(
			as2.dispositions.every((d) => d === 'processed'),
			as2.dispositions.join(),
		);
		assert.ok(as2.received.every((m) => m.signed && m.encrypted && m.as2To === AS2_PARTNER_ID));
		for (const doc of expected.filter((d) => d.destination === 'as2')) {
			const row = byDoc.get(`${doc.system}:${doc.number}`)!;
			const message = as2.received.find((m) => m.messageId === row.remoteId);
			assert.ok(message, `AS2 message ${row.remoteId} of ${doc.system} ${doc.number}`);
			// EANCOM's UNOC character set is ISO 8859-1; the ledger keeps the text.
			assert.equal(message.payload.toString(row.format === 'edifact-d96a' ? 'latin1' : 'utf8'), row.xml);
			if (row.format === 'edifact-d96a') {
				assert.equal(message.contentType, 'application/EDIFACT');
				assert.match(row.xml, new RegExp(`UNB\\+UNOC:3\\+${SANDBOX_SENDER_GLN}:14\\+${AS2_PARTNER_GLN}:14\\+`));
			}
		}
		const emailRules = EXAMPLE_RULES.filter((r) => r.destination === 'email');
		for (const mail of stack.sandbox.smtp.mails.filter((m) => m.attachments.length))
			assert.ok(
				emailRules.some((r) => mail.to.includes(String(r.email))),
				`mail to ${mail.to.join()}`,
			);

		// The official validator judges what was stored and what arrived at the HTTP gateway and Maventa.
		const documents: Record<string, string> = {};
		const ubl = rows.filter((r) => r.status === 'exported' && r.format !== 'edifact-d96a');
		for (const row of ubl) documents[`ledger-${row.source}-${row.number}.xml`] = row.xml;
		stack.sandbox.gateway.received.forEach((r, i) => (documents[`gateway-${i}.xml`] = r.body.toString('utf8')));
		stack.sandbox.maventa.invoices
			.filter((r) => !fromSevera(r))
			.forEach((r, i) => (documents[`maventa-${i}.xml`] = r.file.xml));
		for (const file of files)
			documents[`sftp-${file.replace(/\//g, '-')}`] = readFileSync(path.join(stack.sandbox.sftp!.root, file), 'utf8');
		const as2Xml = as2.received.filter((m) => m.payload.toString('utf8').startsWith('<?xml'));
		as2Xml.forEach((m, i) => (documents[`as2-${i}.xml`] = m.payload.toString('utf8')));
		const results = await validateDocuments(documents);
		const invalid = Object.entries(results).filter(([, r]) => r.fatalCount > 0);
		assert.deepEqual(
			invalid.map(([name, r]) => `${name}: ${fatalIds(r).join(',')}`),
			[],
			'every document validates with 0 fatal',
		);
		assert.equal(
			Object.keys(results).length,
			ubl.length + deliveries().http + deliveries().maventa + files.length + as2Xml.length,
		);
		assert.ok(as2Xml.length > 0 && files.length > 0, 'AS2 and SFTP documents were judged too');
		console.log(
			`# measured: ${rows.length} ledger rows, deliveries ${JSON.stringify(deliveries())}, ${Object.keys(results).length} documents validated with 0 fatal`,
		);

		// Notifications: exactly one negative e-mail (naming the invoice and the reason), one summary per workflow.
		const negative = stack.sandbox.smtp.mails.filter((m) => m.subject.startsWith('E-invoice not sent'));
		assert.equal(negative.length, 1, negative.map((m) => m.subject).join(' | '));
		assert.match(negative[0].subject, new RegExp(`Dinero invoice ${FAILING.number}\\b`));
		assert.match(negative[0].text, /Injected failure: file rejected/);
		const summaries = stack.sandbox.smtp.mails.filter((m) => /e-invoice\(s\) exported/.test(m.subject));
		assert.deepEqual(summaries.map((m) => m.subject).sort(), [
			`Billy: ${count('billy')} e-invoice(s) exported`,
			`Dinero: ${count('dinero') - 1} e-invoice(s) exported`,
		]);

		// The dashboard shows every row with the failed ones marked (the Severa template's refusal too, once its run has
		// written its rows), and fits a laptop screen without scrolling sideways.
		await waitFor('the Severa run', async () => severaIn(severaStatuses().toTransfer).length === 0, 150_000, 3000);
		await waitForExecutions(stack.n8n, SEVERA_WORKFLOW_ID, 1);
		const everyRow = await ledger();
		assert.equal(everyRow.length, rows.length + severaToTransfer.length, 'one row per Severa invoice too');
		await withPage(async (page) => {
			await page.goto(`${stack.n8n.url}/webhook/einvoice-dashboard`);
			assert.equal(await page.locator('tbody tr').count(), everyRow.length);
			const failed = page.locator('tbody tr.failed');
			assert.equal(await failed.count(), 2);
			const failedText = (await failed.allInnerTexts()).join('\n');
			assert.match(failedText, new RegExp(`${FAILING.number}[\\s\\S]*Injected failure: file rejected`));
			assert.match(failedText, new RegExp(`${SEVERA_REFUSED}[\\s\\S]*Injected failure: recipient rejected`));
			// A string, so the test needs no DOM typings.
			const overflow = Number(
				await page.evaluate(
					'(() => { const m = document.querySelector("main"); return m.scrollWidth - m.clientWidth; })()',
				),
			);
			assert.ok(overflow <= 0, `the table is ${overflow} px wider than a 1440 px window`);
			mkdirSync(artifacts, { recursive: true });
			await page.screenshot({ path: path.join(artifacts, 'dashboard.png') });
		});
	});

	it('a second run of every document sends nothing twice and retries only the failed one', async () => {
		const before = deliveries();
		const mailsBefore = stack.sandbox.smtp.mails.length;
		// "Execute workflow" in the editor re-emits every document of the dataset, as a crash and restart would.
		const [dinero, billy] = await Promise.all([
			runManually(stack.n8n, WORKFLOW_IDS.dinero, 'Dinero Trigger'),
			runManually(stack.n8n, WORKFLOW_IDS.billy, 'Billy Trigger'),
		]);
		assert.equal(dinero.status, 'success');
		assert.equal(billy.status, 'success');
		const after = deliveries();
		assert.deepEqual(after, { ...before, maventa: before.maventa + 1 }, 'only the failed document went out again');
		const rows = await exportLedger();
		assert.equal(rows.length, expected.length, 'still one ledger row per document');
		assert.ok(
			rows.every((r) => r.status === 'exported'),
			'the retried document is now exported',
		);
		const newMails = stack.sandbox.smtp.mails.slice(mailsBefore).filter((m) => !severaMail(m));
		assert.equal(newMails.filter((m) => m.subject.startsWith('E-invoice not sent')).length, 0);
		assert.deepEqual(
			newMails.map((m) => m.subject),
			['Dinero: 1 e-invoice(s) exported'],
			'one summary for the one document exported in this run',
		);
	});

	it('the manual export form lists Not activated / Not exported / Already exported and exports what was picked', async () => {
		// Activate one more customer: its documents are then "Not exported"; everything else activated is exported.
		await stack.tables.insert(stack.rulesTable, [
			{
				system: 'dinero',
				customerId: NAESTVED.customerId,
				customerName: NAESTVED.name,
				activated: true,
				destination: 'http',
				format: 'peppol-bis3',
				url: '/inbound/naestved',
			},
		]);
		await activate(stack.n8n, WORKFLOW_IDS.manual);
		const formUrl = `${stack.n8n.url}/form/einvoice-manual-export`;
		await waitFor('the form', async () => /Export e-invoices/.test(await (await fetch(formUrl)).text()), 30_000, 1000);

		const activated = new Set([
			...EXAMPLE_RULES.filter((r) => r.system === 'dinero' && r.activated === true).map((r) => String(r.customerId)),
			NAESTVED.customerId,
		]);
		const inRange = datasetDocuments().filter(
			(d) => d.system === 'dinero' && Number(d.number) >= 1030 && Number(d.number) <= 1043,
		);
		const expectedState = (d: { number: string; customerId: string }) =>
			!activated.has(d.customerId)
				? 'Not activated'
				: d.customerId === NAESTVED.customerId
					? 'Not exported'
					: 'Already exported';
		const states = ['Not activated', 'Not exported', 'Already exported'];
		for (const state of states)
			assert.ok(
				inRange.some((d) => expectedState(d) === state),
				`the range has a ${state} document`,
			);
		const notExported = inRange.filter((d) => expectedState(d) === 'Not exported');
		// Resend to the HTTP gateway: it records every upload (Maventa and Zenvoices deduplicate by idempotency key).
		const destinationOf = (number: string) =>
			expected.find((d) => d.system === 'dinero' && d.number === number)?.destination;
		const exported = inRange.find(
			(d) => expectedState(d) === 'Already exported' && destinationOf(d.number) === 'http',
		)!;
		// And one at Maventa, which de-duplicates by the delivery key: a resend must still arrive as a second invoice.
		const atMaventa = inRange.find(
			(d) => expectedState(d) === 'Already exported' && destinationOf(d.number) === 'maventa',
		)!;
		const maventaCopies = () =>
			stack.sandbox.maventa.invoices.filter((r) => String(r.invoice.number ?? '') === atMaventa.number).length;
		const rowOf = async (number: string) =>
			(await ledger()).filter((r) => r.source === 'dinero' && r.number === number);

		/** Fill the first page, read the listed states, tick `pick`, submit, and return the completion text. */
		const useForm = async (pick: string[], resend: boolean) => {
			let listed = new Map<string, string>();
			let completion = '';
			await withPage(async (page) => {
				await page.goto(formUrl);
				await page.selectOption('select >> nth=0', 'Dinero');
				await page.selectOption('select >> nth=1', 'Invoice numbers');
				await page.fill('input[placeholder="e.g. 1001, 1005-1010"]', '1030-1043');
				await page.click('button[type=submit]');
				await page.getByText('Choose the documents to export').waitFor({ timeout: 60_000 });
				const text = await page.locator('body').innerText();
				listed = new Map(
					[
						...text.matchAll(/(?:Invoice|Credit note) (\d+) · [^\n]*?· (Not activated|Not exported|Already exported)/g),
					].map((m) => [m[1], m[2]]),
				);
				mkdirSync(artifacts, { recursive: true });
				await page.screenshot({ path: path.join(artifacts, 'manual-export-choose.png'), fullPage: true });
				for (const number of pick) await page.getByText(new RegExp(`^(Invoice|Credit note) ${number} ·`)).click();
				if (resend) await page.getByText('Send already exported documents again').click();
				await page.click('button[type=submit]');
				await page.getByText(/\d+ document\(s\) exported/).waitFor({ timeout: 120_000 });
				completion = await page.locator('body').innerText();
			});
			return { listed, completion };
		};

		const before = deliveries();
		assert.equal(maventaCopies(), 1);
		const first = await useForm([...notExported.map((d) => d.number), exported.number, atMaventa.number], false);
		assert.deepEqual(
			Object.fromEntries([...first.listed].sort()),
			Object.fromEntries(inRange.map((d) => [d.number, expectedState(d)]).sort()),
			'every document in the range is listed with its state',
		);
		assert.match(first.completion, new RegExp(`${notExported.length} document\\(s\\) exported`));
		assert.match(first.completion, /Already exported, not sent again \(tick "Resend"/);
		assert.match(first.completion, new RegExp(`Invoice ${exported.number} ·`));
		assert.deepEqual(
			deliveries(),
			{ ...before, http: before.http + notExported.length },
			'the already exported ones are not sent without "Resend"',
		);
		assert.equal(maventaCopies(), 1, 'no second Maventa invoice without "Resend"');
		const naestvedRows = (await ledger()).filter((r) =>
			notExported.some((d) => d.number === r.number && r.source === 'dinero'),
		);
		assert.equal(naestvedRows.length, notExported.length);
		assert.ok(naestvedRows.every((r) => r.status === 'exported' && r.destination === 'http'));

		// With "Resend" the already exported documents go out again as new deliveries; one ledger row each, counted.
		const keyBefore = (await rowOf(exported.number))[0].key;
		const second = await useForm([exported.number, atMaventa.number], true);
		assert.match(second.completion, /2 document\(s\) exported/);
		assert.deepEqual(deliveries(), {
			...before,
			http: before.http + notExported.length + 1,
			maventa: before.maventa + 1,
		});
		assert.equal(maventaCopies(), 2, 'Maventa has the invoice twice after a Resend');
		const resent = stack.sandbox.gateway.received.at(-1)!;
		assert.match(resent.body.toString('utf8'), new RegExp(`<cbc:ID>${exported.number}</cbc:ID>`));
		assert.match(String(resent.headers['idempotency-key']), /:resend-1$/);
		for (const number of [exported.number, atMaventa.number]) {
			const rows = await rowOf(number);
			assert.equal(rows.length, 1, `one ledger row for ${number}`);
			assert.equal(rows[0].status, 'exported');
			assert.equal(Number(rows[0].resends), 1, `resends of ${number}`);
		}
		assert.equal((await rowOf(exported.number))[0].key, keyBefore);

		// Nothing picked still ends on a page that says so.
		const none = await useForm([], false);
		assert.match(none.completion, /0 document\(s\) exported/);
		assert.match(none.completion, /No document was picked/);

		// A resend the AS2 partner's receipt cannot confirm (wrong partner certificate in the credential), together with
		// a second resend to Maventa (resend-2, a third invoice there): the page names the exported one, the failed one
		// and the reason; one negative e-mail; the AS2 row stays exported with the failure noted.
		const atAs2 = inRange.find((d) => expectedState(d) === 'Already exported' && destinationOf(d.number) === 'as2')!;
		const as2Id = CREDENTIAL_IDS.as2Api;
		const credential = await stack.n8n.rest<Row>('GET', `/rest/credentials/${as2Id}?includeData=true`);
		const patch = (data: Row) =>
			stack.n8n.rest('PATCH', `/rest/credentials/${as2Id}`, { name: credential.name, type: credential.type, data });
		await patch({ ...credential.data, partnerCertificate: stack.sandbox.as2!.us.certPem });
		const mailsBefore = stack.sandbox.smtp.mails.length;
		try {
			const refused = await useForm([atAs2.number, atMaventa.number], true);
			assert.match(refused.completion, /1 document\(s\) exported, 1 failed/);
			assert.match(refused.completion, new RegExp(`Exported:\\s+Invoice ${atMaventa.number} to `));
			assert.match(
				refused.completion,
				new RegExp(`Invoice ${atAs2.number} \\([^)]*\\): Resend 1 failed: .*AS2 delivery of invoice ${atAs2.number}`),
			);
			assert.match(refused.completion, /not signed with the partner's certificate/);
		} finally {
			await patch(credential.data);
		}
		const negative = stack.sandbox.smtp.mails
			.slice(mailsBefore)
			.filter((m) => m.subject.startsWith('E-invoice not sent'));
		assert.equal(negative.length, 1);
		assert.match(negative[0].subject, new RegExp(`Manual export invoice ${atAs2.number}\\b`));
		const [as2Row] = await rowOf(atAs2.number);
		assert.equal(as2Row.status, 'exported', 'delivered before; only the resend failed');
		assert.match(as2Row.message, /^Resend 1 failed: .*AS2 delivery of invoice/);
		assert.equal(maventaCopies(), 3, 'a second Resend is a third invoice at Maventa');
		assert.equal(Number((await rowOf(atMaventa.number))[0].resends), 2);
	});

	it('the dashboard lists the ledger in headless Chromium, filters, and links the stored XML', async () => {
		const url = `${stack.n8n.url}/webhook/einvoice-dashboard`;
		const rows = await ledger();
		await withPage(async (page) => {
			await page.goto(url);
			assert.equal(await page.locator('tbody tr').count(), rows.length);
			const headers = (await page.locator('thead th').allTextContents()).map((h) => h.trim());
			for (const column of [
				'Time (UTC)',
				'Source',
				'Sender',
				'Receiver',
				'Number',
				'Customer order no.',
				'Supplier order no.',
				'Format',
				'Destination',
				'Status',
				'Message',
			])
				assert.ok(headers.includes(column), column);

			// Filter by customer and by status through the form.
			const moellers = rows.filter((r) => String(r.customerName).includes('Møllers'));
			assert.ok(moellers.length > 0);
			await page.fill('input[name=customer]', 'Møllers');
			await Promise.all([page.waitForURL(/customer=/), page.click('button[type=submit]')]);
			assert.equal(await page.locator('tbody tr').count(), moellers.length);
			await page.screenshot({ path: path.join(artifacts, 'dashboard-filtered.png') });
			// Every Dinero and Billy document is exported by now; the Severa invoice Maventa refused is the failed one.
			await page.goto(`${url}?status=failed`);
			assert.equal(await page.locator('tbody tr').count(), 1);
			assert.match(await page.locator('tbody').innerText(), new RegExp(`${SEVERA_REFUSED}[\\s\\S]*Injected failure`));

			// The XML link of a row returns that document.
			await page.goto(url);
			const newest = [...rows].sort((a, b) => String(b.time).localeCompare(String(a.time)))[0];
			const href = await page.locator('tbody tr').first().locator('a').getAttribute('href');
			assert.equal(href, `?xml=${newest.id}`);
			const login = Buffer.from(`${DASHBOARD_LOGIN.user}:${DASHBOARD_LOGIN.password}`).toString('base64');
			const response = await fetch(`${url}${href}`, { headers: { authorization: `Basic ${login}` } });
			assert.equal(response.status, 200);
			assert.match(response.headers.get('content-type') ?? '', /application\/xml/);
			assert.equal(await response.text(), newest.xml);
		});
	});
	it('match customers writes one inactive suggested rule per customer found on the PEPPOL network, once', async (t) => {
		if (!stack.sandbox.network) return t.skip('dnsmasq is not installed: no sandbox PEPPOL network');
		const matchedNote = /^Matched on the PEPPOL network/;
		const contacts = JSON.parse(readFileSync(path.join(datasets.dinero, 'contacts.json'), 'utf8')) as Row[];
		const digits = (v: unknown) => String(v ?? '').replace(/\D/g, '');
		const onNetwork = contacts.filter((c) =>
			NETWORK_CUSTOMERS.some((n) => digits(n.participant.split(':')[1]) === digits(c.VatNumber)),
		);
		assert.ok(onNetwork.length >= 2, 'the sandbox network knows some Dinero customers');
		const run = await runManually(stack.n8n, WORKFLOW_IDS.match, 'Every Monday');
		assert.equal(run.status, 'success');
		const suggested = (await stack.tables.rows(stack.rulesTable)).filter((r) => matchedNote.test(String(r.note ?? '')));
		assert.deepEqual(suggested.map((r) => r.customerId).sort(), onNetwork.map((c) => c.ContactGuid).sort());
		for (const rule of suggested) {
			const contact = onNetwork.find((c) => c.ContactGuid === rule.customerId)!;
			const participant = NETWORK_CUSTOMERS.find(
				(n) => digits(n.participant.split(':')[1]) === digits(contact.VatNumber),
			)!;
			assert.equal(rule.system, 'dinero');
			assert.equal(rule.activated, false, 'suggested, not activated');
			assert.equal(rule.receiverEndpoint, participant.participant);
			assert.equal(
				rule.format,
				participant.documentTypes.some((d) => d.startsWith('bis3')) ? 'peppol-bis3' : 'oioubl21',
			);
			assert.equal(rule.destination, 'maventa');
		}
		// A second run finds the same customers and leaves their rules alone.
		assert.equal((await runManually(stack.n8n, WORKFLOW_IDS.match, 'Every Monday')).status, 'success');
		assert.equal(
			(await stack.tables.rows(stack.rulesTable)).filter((r) => matchedNote.test(String(r.note ?? ''))).length,
			suggested.length,
		);
	});

	it('Export to Zenvoices sends only the zenvoices customers, into their inbox, and only documents after activation', async () => {
		// Region Sjælland gets a Zenvoices rule active from its second invoice's date.
		const customerId = 'e6b245b5-875b-4bf1-b416-a685beb15428';
		const docs = ['invoices.json', 'creditnotes.json']
			.flatMap((file) => JSON.parse(readFileSync(path.join(datasets.dinero, file), 'utf8')) as Row[])
			.filter((d) => d.ContactGuid === customerId && d.Status !== 'Draft' && !d.DeletedAt)
			.sort((a, b) => String(a.Date).localeCompare(String(b.Date)));
		const activeFrom = String(docs[1].Date).slice(0, 10);
		const after = docs.filter((d) => String(d.Date).slice(0, 10) >= activeFrom).map((d) => String(d.Number));
		assert.ok(after.length > 0 && after.length < docs.length, 'some documents before, some after activation');
		await stack.tables.insert(stack.rulesTable, [
			{
				system: 'dinero',
				customerId,
				customerName: 'Region Sjælland',
				activated: true,
				destination: 'zenvoices',
				companyCode: 'HAVN',
				activeFrom,
			},
		]);
		const inboxBefore = stack.sandbox.zenvoices.inbox.length;
		const ledgerBefore = (await ledger()).length;
		const run = await runManually(stack.n8n, WORKFLOW_IDS.zenvoices, 'Dinero Trigger');
		assert.equal(run.status, 'success');
		const arrived = stack.sandbox.zenvoices.inbox.slice(inboxBefore);
		assert.equal(arrived.length, after.length, 'only the new customer’s documents after activation');
		assert.ok(
			arrived.every((d) => d.destination === 'havn@inbox.zenvoices.example'),
			JSON.stringify(arrived.map((d) => d.destination)),
		);
		const rows = await ledger();
		assert.equal(rows.length, ledgerBefore + after.length);
		assert.deepEqual(
			rows
				.filter((r) => r.customerId === customerId)
				.map((r) => r.number)
				.sort(),
			[...after].sort(),
		);
		const results = await validateDocuments(
			Object.fromEntries(arrived.map((d, i) => [`zenvoices-${i}.xml`, d.content.toString('utf8')])),
		);
		assert.deepEqual(
			Object.entries(results)
				.filter(([, r]) => r.fatalCount > 0)
				.map(([name, r]) => `${name}: ${fatalIds(r).join(',')}`),
			[],
		);
	});

	it('Severa → Maventa, active: every invoice "to transfer" reaches Maventa once, a refusal goes to "after error" with one e-mail', async () => {
		const { toTransfer, afterTransfer, afterError } = severaStatuses();
		assert.ok(severaToTransfer.length > 10 && severaToTransfer.includes(SEVERA_REFUSED));
		// It has polled since the first test (every minute); wait until the status is empty and the run finished.
		await waitFor('Severa "to transfer" emptied', async () => severaIn(toTransfer).length === 0, 150_000, 3000);
		const [first] = await waitForExecutions(stack.n8n, SEVERA_WORKFLOW_ID, 1);
		const sent = stack.sandbox.maventa.invoices.filter(fromSevera);
		// Later polls must send nothing again: wait until at least one more poll has come and gone.
		const firstAt = Date.parse(String((await stack.n8n.rest<Row>('GET', `/rest/executions/${first.id}`)).stoppedAt));
		const wait = firstAt + 65_000 - Date.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
		await deactivate(stack.n8n, SEVERA_WORKFLOW_ID);
		assert.equal(stack.sandbox.maventa.invoices.filter(fromSevera).length, sent.length, 'nothing sent twice');

		const numbers = sent.map((r) => String(r.invoice.number)).sort();
		const transferred = severaToTransfer.filter((n) => n !== SEVERA_REFUSED).sort();
		assert.deepEqual(numbers, transferred, 'each invoice reached Maventa exactly once');
		assert.deepEqual(
			severaIn(afterTransfer)
				.filter((n) => severaToTransfer.includes(n))
				.sort(),
			transferred,
		);
		assert.deepEqual(
			severaIn(afterError).filter((n) => severaToTransfer.includes(n)),
			[SEVERA_REFUSED],
		);
		const mails = stack.sandbox.smtp.mails.filter(severaMail);
		assert.equal(mails.length, 1, mails.map((m) => m.subject).join(' | '));
		assert.match(mails[0].subject, new RegExp(`(invoice|credit note) ${SEVERA_REFUSED}\\b`));
		assert.match(mails[0].text, /Injected failure: recipient rejected the document/);
		assert.equal((await executions(stack.n8n, SEVERA_WORKFLOW_ID)).length, 1, 'one run: later polls found nothing');

		// The ledger: one row per invoice under its document key, Maventa's id (for the delivery watcher) and the XML
		// as sent; the refused one failed with the reason.
		const organisation = (
			JSON.parse(readFileSync(path.join(datasets.severa, 'organizationdetails.json'), 'utf8')) as Row
		).name as string;
		const severaRows = (await ledger()).filter((r) => r.source === 'severa');
		assert.equal(severaRows.length, severaToTransfer.length, 'one ledger row per Severa invoice');
		for (const number of severaToTransfer) {
			const invoice = stack.sandbox.severa.invoices.find((i) => String(i.number) === number)!;
			const row = severaRows.find((r) => r.number === number);
			assert.ok(row, `ledger row of Severa ${number}`);
			const kind = invoice.isCreditNote ? 'creditNote' : 'invoice';
			assert.equal(row.key, `severa:${organisation}:${kind}:${invoice.guid}`);
			assert.equal(row.documentId, invoice.guid);
			assert.equal(row.kind, kind);
			assert.equal(row.destination, 'maventa');
			assert.equal(row.format, 'peppol-bis3');
			assert.equal(row.notice, '');
			for (const column of ['time', 'sender', 'receiver', 'customerName', 'message'])
				assert.ok(row[column], `${column} of Severa ${number}`);
			if (number === SEVERA_REFUSED) {
				assert.equal(row.status, 'failed');
				assert.match(row.message, /Injected failure: recipient rejected the document/);
				assert.equal(row.remoteId, '');
			} else {
				const atMaventa = sent.find((r) => String(r.invoice.number) === number)!;
				assert.equal(row.status, 'exported', `${number}: ${row.message}`);
				assert.equal(row.remoteId, atMaventa.invoice.id);
				assert.equal(row.deliveryStatus, '', `${number}: no network status yet (the watcher asks Maventa)`);
				assert.equal(row.xml, atMaventa.file.xml, `${number}: the XML as sent`);
			}
		}
		const results = await validateDocuments(Object.fromEntries(sent.map((r, i) => [`severa-${i}.xml`, r.file.xml])));
		assert.deepEqual(
			Object.entries(results)
				.filter(([, r]) => r.fatalCount > 0)
				.map(([name, r]) => `${name}: ${fatalIds(r).join(',')}`),
			[],
		);
		console.log(
			`# measured: Severa → Maventa ${sent.length} sent, 1 refused, ${Object.keys(results).length} validated`,
		);
	});

	it('a workflow that fails while active sends one e-mail through the error workflow', async () => {
		// The Billy workflow polls fine when activated; then its credential is revoked and the next poll fails.
		const mailsBefore = stack.sandbox.smtp.mails.length;
		await activate(stack.n8n, WORKFLOW_IDS.billy);
		await new Promise((r) => setTimeout(r, 10_000));
		const credential = await stack.n8n.rest<Row>(
			'GET',
			`/rest/credentials/${CREDENTIAL_IDS.billyApi}?includeData=true`,
		);
		await stack.n8n.rest('PATCH', `/rest/credentials/${CREDENTIAL_IDS.billyApi}`, {
			name: credential.name,
			type: credential.type,
			data: { ...credential.data, accessToken: 'revoked-token' },
		});
		try {
			const mail = await waitFor(
				'the error notification',
				async () =>
					stack.sandbox.smtp.mails.slice(mailsBefore).find((m) => m.subject.startsWith('E-invoice workflow failed')),
				150_000,
				3000,
			);
			assert.equal(mail.subject, 'E-invoice workflow failed: Billy: export customer invoices');
			assert.match(mail.text, /401|unauthori[sz]ed|access token/i);
		} finally {
			await deactivate(stack.n8n, WORKFLOW_IDS.billy);
		}
		const errors = stack.sandbox.smtp.mails
			.slice(mailsBefore)
			.filter((m) => m.subject.startsWith('E-invoice workflow failed'));
		assert.ok(errors.length >= 1);
	});

	it('the catch-up pass sends a failure notice a stopped run left due, once, and only its own settled ones', async () => {
		// Rows as a run killed between "Ledger: Failed" and "Ledger: Notice Sent" leaves them: notice still due.
		const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
		const row = (number: string, notice: string, time: string) => ({
			key: `dinero:notice-test:invoice:${number}`,
			time,
			source: 'dinero',
			kind: 'invoice',
			number,
			customerName: 'Notice Test ApS',
			destination: 'maventa',
			status: 'failed',
			message: `Injected: the run for ${number} stopped`,
			notice,
		});
		await stack.tables.insert(stack.ledgerTable, [
			row('NT-1', `due:${WORKFLOW_IDS.dinero}`, hourAgo),
			// Still within the settle delay: its run may be sending it right now.
			row('NT-2', `due:${WORKFLOW_IDS.dinero}`, new Date().toISOString()),
			// Due from another workflow (Billy's catch-up sends it, not Dinero's).
			row('NT-3', `due:${WORKFLOW_IDS.billy}`, hourAgo),
		]);
		// Look back over the whole dataset: every document is exported or belongs to a customer not activated, so the
		// pass must send no document and write no "pending" row (not activated ones drop out at the route).
		const workflow = await stack.n8n.rest<Row>('GET', `/rest/workflows/${WORKFLOW_IDS.dinero}`);
		for (const node of workflow.nodes as Row[])
			if (node.name === 'Catch-up Settings')
				for (const a of node.parameters.assignments.assignments as Row[])
					if (a.name === 'lookbackDays') a.value = 36500;
		await stack.n8n.rest('PATCH', `/rest/workflows/${WORKFLOW_IDS.dinero}`, {
			nodes: workflow.nodes,
			connections: workflow.connections,
			versionId: workflow.versionId,
		});
		const deliveriesBefore = deliveries();
		const mailsBefore = stack.sandbox.smtp.mails.length;
		const notices = () =>
			stack.sandbox.smtp.mails.slice(mailsBefore).filter((m) => m.subject.includes('Notice Test ApS'));
		const run = await runManually(stack.n8n, WORKFLOW_IDS.dinero, 'Catch-up Schedule');
		assert.equal(run.status, 'success');
		assert.deepEqual(deliveries(), deliveriesBefore, 'the catch-up sent nothing');
		const pending = (await ledger()).filter((r) => r.status === 'pending');
		assert.deepEqual(
			pending.map((r) => r.number),
			[],
			'no pending row (documents of customers not activated drop out at the route)',
		);
		assert.deepEqual(
			notices().map((m) => m.subject),
			['E-invoice not sent: Dinero invoice NT-1 (Notice Test ApS)'],
		);
		assert.match(notices()[0].text, /^Sent by the catch-up pass: n8n stopped before it recorded this notice as sent/);
		assert.match(notices()[0].text, /Reason: Injected: the run for NT-1 stopped/);
		const notice = async (number: string) =>
			(await ledger()).find((r) => r.key === `dinero:notice-test:invoice:${number}`)?.notice;
		assert.equal(await notice('NT-1'), 'sent');
		assert.equal(await notice('NT-2'), `due:${WORKFLOW_IDS.dinero}`);
		assert.equal(await notice('NT-3'), `due:${WORKFLOW_IDS.billy}`);
		// A second pass has nothing left to send.
		assert.equal((await runManually(stack.n8n, WORKFLOW_IDS.dinero, 'Catch-up Schedule')).status, 'success');
		assert.equal(notices().length, 1);
	});

	it('a document whose e-mail a stopped run left unconfirmed is never e-mailed again: it fails with one notice', async () => {
		// The row as a run killed after "Ledger: E-mailing" leaves it: "sending", an hour ago. (The catch-up looks back
		// over the whole dataset since the test above.)
		const doc = expected.find((d) => d.system === 'dinero' && d.destination === 'email')!;
		const row = (await ledger()).find((r) => r.source === 'dinero' && r.number === doc.number)!;
		assert.equal(row.status, 'exported');
		await stack.tables.update(
			stack.ledgerTable,
			{ key: String(row.key) },
			{ status: 'sending', time: new Date(Date.now() - 3_600_000).toISOString(), message: 'Being e-mailed' },
		);
		const invoiceMails = () =>
			stack.sandbox.smtp.mails.filter(
				(m) => m.attachments.some((a) => a.filename?.endsWith('.xml')) && m.subject.includes(` ${doc.number} `),
			).length;
		const mailsBefore = stack.sandbox.smtp.mails.length;
		const invoiceMailsBefore = invoiceMails();
		const run = await runManually(stack.n8n, WORKFLOW_IDS.dinero, 'Catch-up Schedule');
		assert.equal(run.status, 'success');
		assert.equal(invoiceMails(), invoiceMailsBefore, 'not e-mailed again');
		const after = (await ledger()).filter((r) => r.key === row.key);
		assert.deepEqual(
			after.map((r) => [r.status, r.notice]),
			[['failed', 'sent']],
		);
		assert.match(String(after[0].message), /n8n stopped while this document was being e-mailed to .+, so it may have/);
		const notices = stack.sandbox.smtp.mails
			.slice(mailsBefore)
			.filter((m) => m.subject.startsWith('E-invoice not sent: Dinero ') && m.subject.includes(` ${doc.number} (`));
		assert.equal(notices.length, 1);
		assert.match(notices[0].text, /check with the customer/);
	});
});
