/**
 * The shipped template `workflows/severa-maventa-autoinvoice.json`, unchanged, in the real n8n engine against the
 * Severa and Maventa emulators: Severa Invoice Status Trigger → Invoice to UBL → Maventa Send → Severa Invoice Status.
 *
 * n8n-nodes-base is not installed in-process, so the template's Send Email node runs as a stand-in that sends the
 * message (recipient, subject, text from the template's expressions) with nodemailer to the SMTP sandbox on loopback,
 * as the real node does over SMTP. The ledger rows (Set, Extract From File, Data Table nodes beside the main path)
 * need n8n's database: here they pass their items on unchanged, and `test/templates/templates.test.ts` checks them in a
 * real n8n. Every other node is ours and runs unchanged.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTransport } from 'nodemailer';
import type { ICredentialType, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { SENT_STATUS_MESSAGE } from '../../nodes/Severa/client';
import { createMaventaEmulator, type MaventaEmulator } from '../sandbox/maventa/emulator';
import { createSeveraEmulator, type SeveraEmulator } from '../sandbox/severa/emulator';
import { startSmtpSandbox, type SmtpSandbox } from '../sandbox/smtp/server';
import { fatalIds, validateDocuments } from '../support/validator';
import {
	loadWorkflow,
	pollTrigger,
	registerCredentialType,
	registerNodeType,
	LEDGER_NODE_TYPES,
	registerPassThrough,
	repoRoot,
	runWorkflow,
	testCredential,
	type CredentialStore,
	type WorkflowJson,
} from './harness';

const severaDataset = path.join(repoRoot, 'test', 'fixtures', 'severa');
const maventaDataset = path.join(repoRoot, 'test', 'fixtures', 'maventa');
const severaSettings = JSON.parse(readFileSync(path.join(severaDataset, 'dataset.json'), 'utf8')).settings as {
	clientId: string;
	clientSecret: string;
	scopes: string[];
	statuses: { toTransfer: string; afterTransfer: string; afterError: string };
};
const maventaSettings = JSON.parse(readFileSync(path.join(maventaDataset, 'dataset.json'), 'utf8')).settings as Record<
	string,
	string
>;
const { toTransfer, afterTransfer, afterError } = severaSettings.statuses;
const TRIGGER = 'Severa Invoice Status Trigger';

/**
 * Stand-in for n8n-nodes-base.emailSend (not installed in-process): like the real node it reads the `smtp`
 * credential and sends the message with nodemailer, here to the SMTP sandbox on loopback.
 */
class EmailSend implements INodeType {
	description = {
		displayName: 'Send Email',
		name: 'emailSend',
		group: ['output'],
		version: [2, 2.1],
		description: 'Stand-in for n8n-nodes-base.emailSend (SMTP through nodemailer)',
		defaults: { name: 'Send Email' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'smtp', required: true }],
		properties: [
			{ displayName: 'From', name: 'fromEmail', type: 'string', default: '' },
			{ displayName: 'To', name: 'toEmail', type: 'string', default: '' },
			{ displayName: 'Subject', name: 'subject', type: 'string', default: '' },
			{ displayName: 'Format', name: 'emailFormat', type: 'string', default: 'text' },
			{ displayName: 'Text', name: 'text', type: 'string', default: '' },
			{ displayName: 'Options', name: 'options', type: 'json', default: {} },
		],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const smtp = await this.getCredentials('smtp');
		const transport = createTransport({
			host: String(smtp.host),
			port: Number(smtp.port),
			secure: false,
			auth: { user: String(smtp.user), pass: String(smtp.password) },
		});
		const out: INodeExecutionData[] = [];
		for (const [i] of this.getInputData().entries()) {
			const info = await transport.sendMail({
				from: this.getNodeParameter('fromEmail', i) as string,
				to: this.getNodeParameter('toEmail', i) as string,
				subject: this.getNodeParameter('subject', i) as string,
				text: this.getNodeParameter('text', i) as string,
			});
			out.push({ json: { messageId: info.messageId, accepted: info.accepted as string[] }, pairedItem: { item: i } });
		}
		transport.close();
		return [out];
	}
}

const smtpCredentialType: ICredentialType = {
	name: 'smtp',
	displayName: 'SMTP (stand-in)',
	properties: [
		{ displayName: 'User', name: 'user', type: 'string', default: '' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Host', name: 'host', type: 'string', default: '' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 25 },
	],
};

interface Env {
	severa: SeveraEmulator;
	maventa: MaventaEmulator;
	smtp: SmtpSandbox;
	credentials: CredentialStore;
	parameters: Record<string, IDataObject>;
	template: WorkflowJson;
}

const status = (guid: string) => ({ __rl: true, mode: 'id', value: guid });

async function environment(severaDir = severaDataset): Promise<Env> {
	const severa = await createSeveraEmulator(severaDir);
	const maventa = await createMaventaEmulator(maventaDataset);
	const smtp = await startSmtpSandbox();
	return {
		severa,
		maventa,
		smtp,
		template: loadWorkflow(path.join(repoRoot, 'workflows', 'severa-maventa-autoinvoice.json')),
		credentials: {
			severaApi: {
				environment: 'sandbox',
				baseUrl: severa.url,
				clientId: severaSettings.clientId,
				clientSecret: severaSettings.clientSecret,
				scopes: severaSettings.scopes.join(','),
			},
			maventaApi: {
				environment: 'sandbox',
				baseUrl: maventa.url,
				companyId: maventaSettings.companyId,
				userApiKey: maventaSettings.userApiKey,
				vendorApiKey: maventaSettings.vendorApiKey,
				scope: 'eui',
			},
			smtp: { host: smtp.host, port: smtp.port, user: smtp.user, password: smtp.password },
		},
		parameters: {
			[TRIGGER]: { status: status(toTransfer) },
			'Set Status After Transfer': { status: status(afterTransfer) },
			'Set Status After Error': { status: status(afterError) },
		},
	};
}

/** One poll of the trigger, then the rest of the template with the polled items, as an active workflow runs. */
async function pollAndRun(env: Env, staticData?: IDataObject) {
	const poll = await pollTrigger(env.template, TRIGGER, staticData, 'trigger', {
		credentials: env.credentials,
		parameters: env.parameters,
	});
	assert.equal(poll.error, undefined, poll.error?.message);
	const items = poll.items?.[0] ?? [];
	if (!items.length) return { items, poll, run: undefined };
	const run = await runWorkflow(env.template, {
		startNode: TRIGGER,
		input: items,
		credentials: env.credentials,
		parameters: env.parameters,
		mode: 'trigger',
	});
	assert.equal(run.error, undefined, run.error?.message);
	return { items, poll, run };
}

async function closeAll(env: Env): Promise<void> {
	await env.severa.close();
	await env.maventa.close();
	await env.smtp.close();
}

const inStatus = (env: Env, guid: string) =>
	env.severa.invoices.filter((i) => i.status.guid === guid).map((i) => String(i.number));
const totalRequests = (env: Env) =>
	[env.severa, env.maventa].reduce((sum, e) => sum + Object.values(e.requests).reduce((s, n) => s + n, 0), 0);

describe('Severa → Maventa template in the n8n engine', () => {
	before(() => {
		registerCredentialType(smtpCredentialType);
		registerNodeType('n8n-nodes-base.emailSend', new EmailSend());
		registerPassThrough(...LEDGER_NODE_TYPES);
	});

	describe('a normal transfer', () => {
		let env: Env;
		let toSend: string[];
		before(async () => {
			env = await environment();
			toSend = inStatus(env, toTransfer);
		});
		after(async () => {
			await closeAll(env);
		});

		it('sends every invoice in the status to Maventa once, moves it to the status after transfer, and every document is valid', async () => {
			assert.equal(toSend.length, 26);
			const { run, items } = await pollAndRun(env);
			assert.equal(items.length, 26);
			assert.ok(
				items.every((i) => i.binary?.pdf),
				'the original PDF comes along',
			);

			const sentNumbers = env.maventa.invoices.map((r) => r.invoice.number as string).sort();
			assert.deepEqual(sentNumbers, [...toSend].sort(), 'each invoice reached Maventa exactly once');
			assert.ok(env.maventa.invoices.every((r) => r.uuidSupplied && r.file.type === 'zip' && r.file.pdf));
			assert.deepEqual(inStatus(env, toTransfer), []);
			assert.deepEqual(
				inStatus(env, afterTransfer)
					.filter((n) => toSend.includes(n))
					.sort(),
				[...toSend].sort(),
			);
			assert.equal(run!.output('Notify by E-mail').length, 0);
			assert.equal(env.smtp.mails.length, 0, 'no notification e-mail');
			const transferred = run!.output('Set Status After Transfer');
			assert.equal(transferred.length, 26);
			assert.ok(transferred.every((i) => (i.json.delivery as IDataObject).status === 'sent'));

			// Customers without an e-invoice address are e-mailed by Maventa, the rest go as e-invoices.
			const routes = env.maventa.invoices.map((r) => r.route);
			assert.ok(routes.includes('EMAIL') && routes.includes('EINVOICE'));
			assert.ok(routes.every((r) => r === 'EMAIL' || r === 'EINVOICE'));

			const documents = Object.fromEntries(env.maventa.invoices.map((r) => [`${r.invoice.number}.xml`, r.file.xml]));
			const results = await validateDocuments(documents);
			const invalid = Object.entries(results)
				.filter(([, r]) => fatalIds(r).length)
				.map(([name, r]) => `${name}: ${fatalIds(r).join(', ')}`);
			assert.deepEqual(invalid, [], 'the official validator finds no fatal error');
			const requests = totalRequests(env);
			console.log(
				`# measured: ${items.length} transferred, ${Object.keys(results).length} validated with 0 fatal, ${requests} requests (${(requests / items.length).toFixed(2)} per invoice: ${JSON.stringify({ severa: env.severa.requests, maventa: env.maventa.requests })})`,
			);
		});

		it('emits nothing more on the next poll, and an invoice that re-enters the status once', async () => {
			const first = await pollTrigger(env.template, TRIGGER, undefined, 'trigger', {
				credentials: env.credentials,
				parameters: env.parameters,
			});
			// A fresh cursor that includes existing invoices: nothing is in the status any more.
			assert.equal(first.items, null);
			const invoice = env.severa.invoices.find((i) => i.number === 26171)!; // in "Transfer error"
			await new Promise((resolve) => setTimeout(resolve, 5));
			const moved = await runWorkflow(
				{
					nodes: [
						{
							id: 'm',
							name: 'Start',
							type: 'n8n-nodes-base.manualTrigger',
							typeVersion: 1,
							position: [0, 0],
							parameters: {},
						},
						{
							id: 's',
							name: 'Set Status',
							type: 'n8n-nodes-einvoice-export.severaInvoiceStatus',
							typeVersion: 1,
							position: [200, 0],
							parameters: {
								resource: 'invoice',
								operation: 'setStatus',
								invoiceId: invoice.guid,
								status: status(toTransfer),
							},
							credentials: { severaApi: { id: 'sev', name: 'Severa' } },
						},
					],
					connections: { Start: { main: [[{ node: 'Set Status', type: 'main', index: 0 }]] } },
				},
				{ credentials: env.credentials },
			);
			assert.equal(moved.error, undefined, moved.error?.message);
			const second = await pollAndRun(env, first.staticData);
			assert.deepEqual(
				second.items.map((i) => (i.json.source as IDataObject).number),
				['26171'],
			);
			const third = await pollTrigger(env.template, TRIGGER, second.poll.staticData, 'trigger', {
				credentials: env.credentials,
				parameters: env.parameters,
			});
			assert.equal(third.items, null, 'not repeated');
			assert.equal(env.maventa.invoices.filter((r) => r.invoice.number === '26171').length, 1);
		});
	});

	it('moves invoices Maventa refuses to the status after error, with one notification each naming the invoice and reason', async () => {
		const env = await environment();
		try {
			for (const number of ['26143', '26158', '26160']) {
				env.maventa.inject({
					method: 'POST',
					path: /^\/v1\/invoices$/,
					invoiceNumber: number,
					status: 422,
					code: 'invalid_recipient',
					message: `Recipient rejected the document`,
				});
			}
			const { run } = await pollAndRun(env);
			assert.deepEqual(
				inStatus(env, afterError)
					.filter((n) => n !== '26171')
					.sort(),
				['26143', '26158', '26160'],
			);
			assert.equal(inStatus(env, afterTransfer).filter((n) => n !== '26168').length, 23);
			assert.equal(run!.output('Notify by E-mail').length, 3);
			const numberIn = (subject: string) => Number(/\b(\d{5})\b/.exec(subject)?.[1]);
			const mails = [...env.smtp.mails].sort((a, b) => numberIn(a.subject) - numberIn(b.subject));
			assert.equal(mails.length, 3, 'one e-mail per failed invoice reached the SMTP server');
			assert.ok(mails.every((m) => m.to.join() === 'billing@example.com' && m.from === 'einvoicing@example.com'));
			for (const [number, mail] of [
				['26143', mails[0]],
				['26158', mails[1]],
				['26160', mails[2]],
			] as const) {
				assert.match(mail.subject, new RegExp(`(invoice|credit note) ${number}`));
				assert.match(mail.text, /Recipient rejected the document/);
				assert.match(mail.text, /Transfer error/);
			}
			assert.equal(mails[2].subject, 'E-invoice transfer failed: credit note 26160 (Aalborg Vind & Energi A/S)');
			assert.equal(env.maventa.invoices.length, 23);
		} finally {
			await closeAll(env);
		}
	});

	it('does not create a second Maventa invoice on a timeout after the upload or on a replayed send', async () => {
		const env = await environment();
		try {
			// The server commits invoice 26150, then the connection drops: the request helper retries with the same uuid.
			env.maventa.inject({ method: 'POST', path: /^\/v1\/invoices$/, invoiceNumber: '26150', dropAfterCreate: true });
			const { items, run } = await pollAndRun(env);
			assert.equal(env.maventa.invoices.filter((r) => r.invoice.number === '26150').length, 1);
			const sent = run!.output('Set Status After Transfer');
			const item26150 = sent.find((i) => (i.json.source as IDataObject).number === '26150')!;
			assert.match(String((item26150.json.delivery as IDataObject).message), /same uuid/);

			// Replaying the whole execution sends the same documents with the same uuids.
			const before = env.maventa.invoices.length;
			const replay = await runWorkflow(env.template, {
				startNode: TRIGGER,
				input: items,
				credentials: env.credentials,
				parameters: env.parameters,
			});
			assert.equal(replay.error, undefined);
			assert.equal(env.maventa.invoices.length, before, 'no second invoice');
			const replayed = replay.output('Set Status After Transfer');
			assert.equal(replayed.length, items.length);
			assert.ok(replayed.every((i) => /same uuid/.test(String((i.json.delivery as IDataObject).message))));
			const uuids = env.maventa.invoices.map((r) => r.invoice.id);
			assert.equal(new Set(uuids).size, uuids.length);
		} finally {
			await closeAll(env);
		}
	});

	it('never sends an invoice whose document fails pre-flight, and reports it', async () => {
		// A typo in a customer's GLN (wrong check digit): the document would break PEPPOL-COMMON-R040.
		const dir = mkdtempSync(path.join(tmpdir(), 'severa-preflight-'));
		cpSync(severaDataset, dir, { recursive: true });
		const customersFile = path.join(dir, 'customers.json');
		const customers = JSON.parse(readFileSync(customersFile, 'utf8')) as IDataObject[];
		const aarhus = customers.find((c) => c.name === 'Aarhus Havnelogistik A/S')!;
		aarhus.eInvoiceAddress = '0088:5790000435976';
		writeFileSync(customersFile, JSON.stringify(customers));
		const env = await environment(dir);
		try {
			const { run } = await pollAndRun(env);
			const aarhusNumbers = env.severa.invoices
				.filter((i) => i.customer.guid === aarhus.guid && i.status.guid === afterError)
				.map((i) => String(i.number))
				.sort();
			assert.deepEqual(aarhusNumbers, ['26147', '26157']);
			assert.ok(
				!env.maventa.invoices.some((r) => ['26147', '26157'].includes(r.invoice.number as string)),
				'never sent',
			);
			assert.equal(env.maventa.invoices.length, 24);
			assert.equal(env.smtp.mails.length, 2);
			assert.ok(env.smtp.mails.every((m) => /PEPPOL-COMMON-R040/.test(m.text)));
			assert.ok(run!.executed.includes('Notify by E-mail'));
		} finally {
			await closeAll(env);
		}
	});

	it('reports an invoice whose rows disagree with its booked total instead of sending it', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'severa-books-'));
		cpSync(severaDataset, dir, { recursive: true });
		const invoicesFile = path.join(dir, 'invoices.json');
		const invoices = JSON.parse(readFileSync(invoicesFile, 'utf8')) as IDataObject[];
		const wrong = invoices.find((i) => i.number === 26154)!;
		(wrong.totalIncludingTax as IDataObject).amount = 8947.75;
		writeFileSync(invoicesFile, JSON.stringify(invoices));
		const env = await environment(dir);
		try {
			const { run } = await pollAndRun(env);
			assert.ok(inStatus(env, afterError).includes('26154'));
			assert.ok(!env.maventa.invoices.some((r) => r.invoice.number === '26154'));
			assert.ok(run!.executed.includes('Notify by E-mail'));
			const [mail] = env.smtp.mails;
			assert.match(mail.subject, /invoice 26154/);
			assert.match(mail.text, /computed payable amount 8847\.75 differs from booked total 8947\.75/);
		} finally {
			await closeAll(env);
		}
	});

	it('refuses a "to transfer" status flagged Sent, telling how to fix it', async () => {
		const env = await environment();
		try {
			const sent = env.severa.statuses.find((s) => s.name === 'Sent')!;
			const poll = await pollTrigger(env.template, TRIGGER, undefined, 'trigger', {
				credentials: env.credentials,
				parameters: { ...env.parameters, [TRIGGER]: { status: status(sent.guid) } },
			});
			assert.ok(poll.error);
			assert.equal(poll.error.message, SENT_STATUS_MESSAGE);
			assert.match(String((poll.error as { description?: string }).description), /not flagged "Sent"/);
			assert.equal(env.maventa.invoices.length, 0);
			assert.ok(!env.severa.requests['GET /v1/invoices'], 'no invoice was even listed');
		} finally {
			await closeAll(env);
		}
	});

	it('passes both credential tests against the emulators and fails a wrong secret', async () => {
		const env = await environment();
		try {
			assert.equal((await testCredential('severaApi', env.credentials.severaApi)).status, 'OK');
			assert.equal((await testCredential('maventaApi', env.credentials.maventaApi)).status, 'OK');
			// A refused token request fails the test (the harness throws where n8n shows the message); no secret in it.
			const wrong = await testCredential('severaApi', {
				...env.credentials.severaApi,
				clientSecret: 'not-the-s3cret',
			}).then(
				(result) => `${result.status}: ${result.message}`,
				(error: Error) => `Error: ${error.message}`,
			);
			assert.match(wrong, /^Error: .*401.*Invalid client credentials/);
			assert.doesNotMatch(wrong, /not-the-s3cret/);
		} finally {
			await closeAll(env);
		}
	});
});
