/**
 * The sandbox stack: emulators of every external system (seeded with the shipped datasets), a real SMTP server,
 * an HTTP gateway, and a real n8n with this package installed as a community package, the templates imported
 * with sandbox credentials, and the Data Tables created. Used by `npm start` and by the template tests.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import {
	DataTables,
	N8nInstance,
	ensureRuntime,
	freePort,
	installPackage,
	owner,
	repoRoot,
	type N8nOptions,
} from '../n8n/runtime';
import { createBillyEmulator } from '../sandbox/billy/emulator';
import { createDineroEmulator } from '../sandbox/dinero/emulator';
import type { DatasetInfo, Emulator } from '../sandbox/emulator';
import type { Faults } from '../sandbox/faults';
import { createHttpReceiver, type HttpReceiver } from '../sandbox/http-receiver/receiver';
import { createMaventaEmulator, type MaventaEmulator } from '../sandbox/maventa/emulator';
import { createSeveraEmulator, type SeveraEmulator } from '../sandbox/severa/emulator';
import { type NetworkSandbox, startNetworkSandbox } from '../sandbox/servers/network-sandbox';
import { readSmpParticipants } from '../sandbox/smp/emulator';
import { type OpenSshServer, startOpenSsh } from '../sandbox/servers/openssh';
import { startSmtpSandbox, type SmtpSandbox } from '../sandbox/smtp/server';
import { type Identity, makeIdentity, type Peer, startOpensslPeer } from '../support/as2-peers';
import { createZenvoicesEmulator, type ZenvoicesEmulator } from '../sandbox/zenvoices/emulator';
import { LEDGER_COLUMNS, RULES_TABLE, LEDGER_TABLE, RULE_COLUMNS, WORKFLOW_IDS } from './templates';

export const fixtures = path.join(repoRoot, 'test', 'fixtures');
export const datasets = {
	dinero: path.join(fixtures, 'dinero'),
	billy: path.join(fixtures, 'billy'),
	severa: path.join(fixtures, 'severa'),
	maventa: path.join(fixtures, 'maventa'),
	zenvoices: path.join(repoRoot, 'test', 'sandbox', 'zenvoices', 'dataset'),
};

const info = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'dataset.json'), 'utf8')) as DatasetInfo;
const settings = (dir: string) => (info(dir).settings ?? {}) as Record<string, unknown>;

/** The sandbox AS2 partner: its AS2 id and GLN, and our (the sender's) GLN for EDIFACT interchanges. */
export const AS2_PARTNER_ID = 'HUBBROKER-AS2';
export const AS2_PARTNER_GLN = '5790001234560';
export const AS2_SENDER_ID = 'N8N-EINVOICE';
export const SANDBOX_SENDER_GLN = '5790000000012';

/** Example export rules: one customer per destination for each source, and one deactivated customer. */
export const EXAMPLE_RULES: Record<string, unknown>[] = [
	{
		system: 'dinero',
		customerId: '2ae99699-cd6c-4b32-b6f8-a61cac10cc35',
		customerName: 'Grønnegårdens Blomster ApS',
		activated: true,
		destination: 'maventa',
		format: 'peppol-bis3',
		note: 'PEPPOL via Maventa',
	},
	{
		system: 'dinero',
		customerId: '1883c4ff-d020-4f5b-b14d-cc312684e4ed',
		customerName: 'Åbenrå Økologi I/S',
		activated: true,
		destination: 'http',
		format: 'oioubl21',
		url: '/inbound/abenraa',
		note: 'OIOUBL to an HTTP gateway',
	},
	{
		system: 'dinero',
		customerId: '41ff0d16-986b-424f-a802-932a90106aac',
		customerName: 'Kærgård Fiskeri & Røgeri',
		activated: true,
		destination: 'zenvoices',
		format: 'peppol-bis3',
		companyCode: 'NORDLYS',
		note: 'Zenvoices inbox NORDLYS',
	},
	{
		system: 'dinero',
		customerId: '88ad7c16-b3dc-412b-8cf5-eda79632fa09',
		customerName: 'Møllers Cykelværksted',
		activated: true,
		destination: 'email',
		format: 'peppol-bis3',
		email: 'faktura@moellers-cykler.example',
		note: 'XML by e-mail',
	},
	{
		system: 'dinero',
		customerId: '2d4e86a5-38cc-403a-a056-da5590e89a11',
		customerName: 'Brødrene Ødegaard ApS',
		activated: false,
		destination: 'maventa',
		note: 'Not activated (paper invoices)',
	},
	{
		system: 'billy',
		customerId: 'fbs7jqKsZn2YSFru9UQEu7',
		customerName: 'Ærø Tømrerfirma ApS',
		activated: true,
		destination: 'maventa',
		format: 'peppol-bis3',
		note: 'PEPPOL via Maventa',
	},
	{
		system: 'billy',
		customerId: 'KwGF6RlQyuDc-FFYysRfGe',
		customerName: 'Østerbro Kaffebar I/S',
		activated: true,
		destination: 'http',
		format: 'peppol-bis3',
		url: '/inbound/osterbro',
		note: 'HTTP gateway',
	},
	{
		system: 'billy',
		customerId: 'JwK1Y_dlUfpj4IIWIEYAl8',
		customerName: 'Åbyhøj Revision ApS',
		activated: true,
		destination: 'zenvoices',
		format: 'peppol-bis3',
		companyCode: 'HAVN',
		note: 'Zenvoices inbox HAVN',
	},
	{
		system: 'billy',
		customerId: 'DZLruzxxg76h87V6yfZRf9',
		customerName: 'Møllehøj Ejendomme ApS',
		activated: true,
		destination: 'email',
		format: 'peppol-bis3',
		email: 'bogholderi@mollehoj.example',
		note: 'XML by e-mail',
	},
	{
		system: 'dinero',
		customerId: 'b58bfaec-b5ec-475c-be1d-7626738f80f8',
		customerName: 'Müller Maschinenbau GmbH',
		activated: true,
		destination: 'sftp',
		format: 'peppol-bis3',
		directory: 'outbound/{customerId}',
		note: 'PEPPOL BIS 3 files on an SFTP gateway',
	},
	{
		system: 'dinero',
		customerId: '50e01d22-b9b3-4a5f-b345-4a04f64ab4bf',
		customerName: 'Van der Berg Logistiek B.V.',
		activated: true,
		destination: 'as2',
		format: 'peppol-bis3',
		note: 'PEPPOL BIS 3 over AS2',
	},
	{
		system: 'billy',
		customerId: 'mUuj2NbcM3pviB9wToyUSL',
		customerName: 'Frederiksværk Kommune, Teknik og Miljø',
		activated: true,
		destination: 'sftp',
		format: 'oioubl21',
		directory: 'outbound/{customerId}',
		note: 'OIOUBL files on an SFTP gateway',
	},
	{
		system: 'billy',
		customerId: 'RdYL6Txeq33Uwlq_yoXA04',
		customerName: 'Hvidovre Bådeværft A/S',
		activated: true,
		destination: 'as2',
		// EANCOM names every line item: Billy's lines carry product numbers (Dinero's do not).
		format: 'edifact-d96a',
		receiverEndpoint: `0088:${AS2_PARTNER_GLN}`,
		note: 'EDIFACT INVOIC D96A over AS2',
	},
];

/** The Severa → Maventa template's workflow id. */
export const SEVERA_WORKFLOW_ID = WORKFLOW_IDS.severa;

/** The Severa dataset's three statuses (to transfer, after transfer, after error). */
export const severaStatuses = () =>
	settings(datasets.severa).statuses as { toTransfer: string; afterTransfer: string; afterError: string };

/** Sandbox credential ids (fixed, so templates can point at them). */
export const CREDENTIAL_IDS: Record<string, string> = {
	dineroApi: 'sbxDineroApi0001',
	billyApi: 'sbxBillyApi00001',
	severaApi: 'sbxSeveraApi0001',
	maventaApi: 'sbxMaventaApi001',
	zenvoicesApi: 'sbxZenvoicesApi1',
	httpGatewayApi: 'sbxHttpGateway01',
	smtp: 'sbxSmtp000000001',
	sftpGatewayApi: 'sbxSftpGateway01',
	as2Api: 'sbxAs2Partner001',
	httpBasicAuth: 'sbxDashboardLogin',
};

/** The sandbox login of the dashboard webhook (Basic Auth); `npm start` prints it. */
export const DASHBOARD_LOGIN = { user: 'dashboard', password: 'sandbox-dashboard' } as const;

/** The AS2 partner of the sandbox: a receiver built on the OpenSSL command line, and both identities. */
export interface As2Sandbox {
	peer: Peer;
	as2Id: string;
	us: Identity;
	partner: Identity;
}

export interface Sandbox {
	dinero: Emulator;
	billy: Emulator;
	severa: SeveraEmulator;
	maventa: MaventaEmulator;
	zenvoices: ZenvoicesEmulator;
	gateway: HttpReceiver;
	smtp: SmtpSandbox;
	/** The PEPPOL network (SMP + dnsmasq for the SML zone); absent when dnsmasq is not installed. */
	network?: NetworkSandbox;
	/** An OpenSSH SFTP server on loopback; absent when sshd is not installed. */
	sftp?: OpenSshServer;
	/** An AS2 receiver (OpenSSL); absent when openssl is not installed. */
	as2?: As2Sandbox;
	/** The dataset folders the emulators were seeded from. */
	datasets: typeof datasets;
	close(): Promise<void>;
}

type EmulatorName = 'dinero' | 'billy' | 'severa' | 'maventa' | 'zenvoices' | 'gateway';

/** Other datasets and fault profiles for the emulators (the fault run); the shipped datasets by default. */
export interface SandboxSetup {
	datasets?: Partial<typeof datasets>;
	faults?: Partial<Record<EmulatorName, Faults>>;
	/** The HTTP gateway answers a repeated Idempotency-Key with 409 instead of storing it again. */
	gatewayConflictOnRepeat?: boolean;
}

/** Dataset customers registered on the sandbox PEPPOL network, so "Match customers" finds some. */
export const NETWORK_CUSTOMERS = [
	{
		participant: '0184:16829749',
		name: 'Søborg Rørservice A/S',
		documentTypes: ['bis3Invoice', 'bis3CreditNote'],
		accessPoint: 'https://ap.soborg.example/as4',
	},
	{
		participant: '0198:DK26764149',
		name: 'Fyns Lås & Nøgleservice',
		documentTypes: ['oioublInvoice', 'oioublCreditNote'],
		accessPoint: 'https://nemhandel.fynslaas.example/as4',
	},
	{
		participant: '0184:67150570',
		name: 'Blåbær Design A/S',
		documentTypes: ['bis3Invoice'],
		accessPoint: 'https://ap.blaabaer.example/as4',
	},
];

/** Start every emulator. `ports` pins their ports (npm start keeps credentials valid across restarts). */
export async function startEmulators(
	ports?: Partial<Record<keyof Omit<Sandbox, 'close' | 'datasets'>, number>>,
	setup: SandboxSetup = {},
): Promise<Sandbox> {
	const dirs = { ...datasets, ...setup.datasets };
	const at = (name: keyof Omit<Sandbox, 'close' | 'datasets'>) => ({
		port: ports?.[name] ?? 0,
		faults: setup.faults?.[name as EmulatorName],
	});
	const dinero = await createDineroEmulator(dirs.dinero, at('dinero'));
	const billy = await createBillyEmulator(dirs.billy, at('billy'));
	const severa = await createSeveraEmulator(dirs.severa, at('severa'));
	const maventa = await createMaventaEmulator(dirs.maventa, at('maventa'));
	const zenvoices = await createZenvoicesEmulator(dirs.zenvoices, at('zenvoices'));
	const gateway = await createHttpReceiver({ ...at('gateway'), conflictOnRepeat: setup.gatewayConflictOnRepeat });
	const smtp = await startSmtpSandbox(at('smtp'));
	let network: NetworkSandbox | undefined;
	try {
		network = await startNetworkSandbox([...readSmpParticipants(), ...NETWORK_CUSTOMERS]);
	} catch (error) {
		process.stderr.write(`PEPPOL network sandbox not started (is dnsmasq installed?): ${(error as Error).message}\n`);
	}
	let sftp: OpenSshServer | undefined;
	try {
		sftp = await startOpenSsh();
	} catch (error) {
		process.stderr.write(
			`SFTP gateway not started (install openssh-server for sshd); rules with destination "sftp" will fail: ${(error as Error).message}\n`,
		);
	}
	let as2: As2Sandbox | undefined;
	try {
		const [us, partner] = await Promise.all([makeIdentity(AS2_SENDER_ID), makeIdentity(AS2_PARTNER_ID)]);
		const peer = await startOpensslPeer({ as2Id: AS2_PARTNER_ID, identity: partner, senderCertPem: us.certPem });
		as2 = { peer, as2Id: AS2_PARTNER_ID, us, partner };
	} catch (error) {
		process.stderr.write(
			`AS2 partner not started (install openssl); rules with destination "as2" will fail: ${(error as Error).message}\n`,
		);
	}
	return {
		dinero,
		billy,
		severa,
		maventa,
		zenvoices,
		gateway,
		smtp,
		network,
		sftp,
		as2,
		datasets: dirs,
		close: async () => {
			await Promise.all([dinero, billy, severa, maventa, zenvoices, gateway, smtp].map((e) => e.close()));
			await network?.stop();
			await sftp?.stop();
			await as2?.peer.close();
		},
	};
}

/** Credentials for every node, pointing at the emulators (the same fields the e2e tests fill). */
export function sandboxCredentials(
	s: Sandbox,
): { id: string; name: string; type: string; data: Record<string, unknown> }[] {
	const dinero = settings(s.datasets.dinero);
	const severa = settings(s.datasets.severa);
	const maventa = settings(s.datasets.maventa);
	const zenvoicesUser = (
		settings(s.datasets.zenvoices).users as { userNameOrEmailAddress: string; password: string }[]
	)[0];
	const entry = (type: string, name: string, data: Record<string, unknown>) => ({
		id: CREDENTIAL_IDS[type],
		name,
		type,
		data,
	});
	return [
		entry('dineroApi', 'Dinero (sandbox)', {
			environment: 'sandbox',
			baseUrl: s.dinero.url,
			clientId: String(dinero.clientId ?? 'sandbox-client'),
			clientSecret: String(dinero.clientSecret ?? 'sandbox-secret'),
			apiKey: String(dinero.apiKey ?? 'sandbox-api-key'),
			organizationId: String(info(s.datasets.dinero).account),
			requestsPerMinute: 100,
		}),
		entry('billyApi', 'Billy (sandbox)', {
			environment: 'sandbox',
			baseUrl: s.billy.url,
			accessToken: String(settings(s.datasets.billy).accessToken ?? 'billy-sandbox-token'),
			maxRequestsPerMinute: 0,
		}),
		entry('severaApi', 'Visma Severa (sandbox)', {
			environment: 'sandbox',
			baseUrl: s.severa.url,
			clientId: String(severa.clientId),
			clientSecret: String(severa.clientSecret),
			scopes: (severa.scopes as string[]).join(','),
		}),
		entry('maventaApi', 'Maventa (sandbox)', {
			environment: 'sandbox',
			baseUrl: s.maventa.url,
			companyId: String(maventa.companyId),
			userApiKey: String(maventa.userApiKey),
			vendorApiKey: String(maventa.vendorApiKey),
			scope: 'eui',
		}),
		entry('zenvoicesApi', 'Zenvoices (sandbox)', {
			username: zenvoicesUser.userNameOrEmailAddress,
			password: zenvoicesUser.password,
			organisationCode: String(info(s.datasets.zenvoices).account),
			environment: 'sandbox',
			baseUrl: s.zenvoices.url,
		}),
		entry('httpGatewayApi', 'HTTP gateway (sandbox)', { baseUrl: s.gateway.url, authType: 'none', testPath: '/' }),
		entry('smtp', 'SMTP (sandbox)', {
			user: s.smtp.user,
			password: s.smtp.password,
			host: s.smtp.host,
			port: s.smtp.port,
			secure: false,
			disableStartTls: true,
		}),
		...gatewayCredentials(s).map(({ type, data }) => entry(type, sandboxCredentialName(type), data)),
		entry('httpBasicAuth', sandboxCredentialName('httpBasicAuth'), { ...DASHBOARD_LOGIN }),
	];
}

/**
 * The SFTP and AS2 credentials: their servers get a new port, host key and certificates on every start, so
 * `npm start` refreshes these two in an existing n8n (see `refreshGatewayCredentials`).
 */
function gatewayCredentials(s: Sandbox): { type: string; data: Record<string, unknown> }[] {
	const out: { type: string; data: Record<string, unknown> }[] = [];
	if (s.sftp)
		out.push({
			type: 'sftpGatewayApi',
			data: {
				host: s.sftp.host,
				port: s.sftp.port,
				username: s.sftp.username,
				authMethod: 'privateKey',
				privateKey: s.sftp.privateKey,
				passphrase: '',
				hostKeyFingerprint: s.sftp.hostKeyFingerprint,
			},
		});
	if (s.as2)
		out.push({
			type: 'as2Api',
			data: {
				as2From: AS2_SENDER_ID,
				as2To: s.as2.as2Id,
				url: s.as2.peer.url,
				privateKey: s.as2.us.keyPem,
				certificate: s.as2.us.certPem,
				partnerCertificate: s.as2.partner.certPem,
				signing: 'sha256',
				encryption: 'aes256-cbc',
				keyTransport: 'rsa-pkcs1',
				compress: false,
				transferEncoding: 'base64',
				mdn: 'signed',
				authType: 'none',
			},
		});
	return out;
}

/** Point the stored SFTP and AS2 credentials of a running n8n at this start's servers. */
export async function refreshGatewayCredentials(n8n: N8nInstance, s: Sandbox): Promise<void> {
	for (const { type, data } of gatewayCredentials(s)) {
		const id = CREDENTIAL_IDS[type];
		const body = { name: sandboxCredentialName(type), type, data };
		try {
			await n8n.rest('PATCH', `/rest/credentials/${id}`, body);
		} catch (error) {
			// A sandbox folder from before this credential existed: import it next time with a fresh folder.
			process.stderr.write(`${body.name} not updated (delete the sandbox folder to re-import): ${String(error)}\n`);
		}
	}
}

type Json = Record<string, any>;

export interface SandboxTemplateOptions {
	/** Poll every minute instead of the template's schedule (tests). */
	pollEveryMinute?: boolean;
	/** The dataset folders behind the emulators (default: the shipped ones). */
	datasets?: typeof datasets;
	/** Fields merged into the sandbox credentials by type. */
	credentialData?: Record<string, Record<string, unknown>>;
	/** Change a template (sandbox-filled) before it is imported. */
	adjust?: (workflow: Json) => void;
}

/** A template with the sandbox credential ids and the datasets' seller/payment details filled in. */
export function sandboxWorkflow(template: Json, options: SandboxTemplateOptions = {}, network?: NetworkSandbox): Json {
	const workflow = JSON.parse(JSON.stringify(template)) as Json;
	const dirs = options.datasets ?? datasets;
	for (const node of workflow.nodes as Json[]) {
		for (const [type, ref] of Object.entries((node.credentials ?? {}) as Record<string, Json>)) {
			if (CREDENTIAL_IDS[type]) {
				ref.id = CREDENTIAL_IDS[type];
				ref.name = sandboxCredentialName(type);
			}
		}
		const p = node.parameters as Json;
		if (node.type.endsWith('.dineroTrigger')) {
			const seller = info(dirs.dinero).seller ?? {};
			p.sellerDetails = { ...seller };
			// "Execute workflow" in the editor shows every document, not the latest five.
			p.options = { ...p.options, exportSince: '2000-01-01T00:00:00.000Z', manualLimit: 0 };
		}
		if (node.type.endsWith('.billyTrigger')) {
			p.exportSince = '2000-01-01T00:00:00.000Z';
			p.options = { ...p.options, paymentDetails: settings(dirs.billy).paymentMeans ?? {}, manualCount: 1000 };
		}
		if (node.type.endsWith('.dinero') && p.sellerDetails) p.sellerDetails = { ...(info(dirs.dinero).seller ?? {}) };
		if (node.type.endsWith('.billy') && p.options?.paymentDetails)
			p.options = { ...p.options, paymentDetails: settings(dirs.billy).paymentMeans ?? {} };
		// The Severa template and the Maventa watcher leave their Severa statuses to the user: the sandbox picks the
		// dataset's (a status node named "… After Error" gets the status after error).
		if (node.type.endsWith('.severaInvoiceStatusTrigger'))
			p.status = { __rl: true, mode: 'id', value: severaStatuses().toTransfer };
		if (node.type.endsWith('.severaInvoiceStatus') && p.operation === 'setStatus')
			p.status = {
				__rl: true,
				mode: 'id',
				value: /error/i.test(String(node.name)) ? severaStatuses().afterError : severaStatuses().afterTransfer,
			};
		// The sandbox seller has no GLN: EDIFACT interchanges need one as their sender.
		if (node.type.endsWith('.invoiceToUbl') && p.options && 'edifactSenderGln' in p.options)
			p.options = { ...p.options, edifactSenderGln: SANDBOX_SENDER_GLN };
		if (node.type.endsWith('.hubBrokerNetwork') && p.resource === 'participant' && network) {
			p.smlZone = 'custom';
			p.customZone = network.zone;
			p.dnsResolver = 'custom';
			p.dnsServer = network.dns.server;
		}
		if (options.pollEveryMinute && p.pollTimes) p.pollTimes = { item: [{ mode: 'everyMinute' }] };
	}
	return workflow;
}

function sandboxCredentialName(type: string): string {
	return (
		{
			dineroApi: 'Dinero (sandbox)',
			billyApi: 'Billy (sandbox)',
			severaApi: 'Visma Severa (sandbox)',
			maventaApi: 'Maventa (sandbox)',
			zenvoicesApi: 'Zenvoices (sandbox)',
			httpGatewayApi: 'HTTP gateway (sandbox)',
			smtp: 'SMTP (sandbox)',
			sftpGatewayApi: 'SFTP gateway (sandbox)',
			as2Api: 'AS2 partner (sandbox)',
			httpBasicAuth: 'Dashboard login (sandbox)',
		}[type] ?? type
	);
}

export function templateFiles(): string[] {
	const dir = path.join(repoRoot, 'workflows');
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => path.join(dir, f));
}

/** Import every template (sandbox-filled) and the credentials into a stopped instance. */
export async function importTemplates(
	n8n: N8nInstance,
	s: Sandbox,
	options: SandboxTemplateOptions = {},
	only?: (workflow: Json) => boolean,
) {
	if (!only)
		await n8n.importCredentials(
			sandboxCredentials(s).map((c) => ({ ...c, data: { ...c.data, ...options.credentialData?.[c.type] } })),
		);
	const { writeFileSync, mkdirSync } = await import('node:fs');
	const dir = path.join(n8n.options.userFolder, 'templates-import');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const files: string[] = [];
	for (const file of templateFiles()) {
		if (only && !only(JSON.parse(readFileSync(file, 'utf8')) as Json)) continue;
		const target = path.join(dir, path.basename(file));
		const workflow = sandboxWorkflow(
			JSON.parse(readFileSync(file, 'utf8')),
			{ ...options, datasets: s.datasets },
			s.network,
		);
		options.adjust?.(workflow);
		writeFileSync(target, JSON.stringify(workflow));
		files.push(target);
	}
	// One import call for the folder: each CLI call boots n8n (~3 s).
	await n8n.cli(['import:workflow', '--separate', `--input=${dir}`]);
	return files;
}

/**
 * Create the two Data Tables (rules seeded with `seedRules`, the examples by default; the ledger empty). Runs that
 * bring their own rules seed none: a generated dataset can reuse an example customer's id, and the first rule for a
 * customer wins.
 */
export async function ensureTables(
	n8n: N8nInstance,
	seedRules: Record<string, unknown>[] = EXAMPLE_RULES,
): Promise<{ tables: DataTables; rules: string; ledger: string }> {
	const tables = new DataTables(n8n);
	const columns = (list: readonly (readonly [string, string])[]) =>
		list.map(([name, type]) => ({ name, type: type as 'string' | 'boolean' }));
	const rules = await tables.ensure(RULES_TABLE, columns(RULE_COLUMNS), seedRules);
	const ledger = await tables.ensure(LEDGER_TABLE, columns(LEDGER_COLUMNS));
	// A sandbox folder from an older version: add the columns the templates write now (e.g. "resends").
	const project = (await n8n.rest<{ id: string }>('GET', '/rest/projects/personal')).id;
	for (const [id, list] of [
		[rules, RULE_COLUMNS],
		[ledger, LEDGER_COLUMNS],
	] as const) {
		const base = `/rest/projects/${project}/data-tables/${id}/columns`;
		const present = new Set((await n8n.rest<{ name: string }[]>('GET', base)).map((c) => c.name));
		for (const column of columns(list).filter((c) => !present.has(c.name))) await n8n.rest('POST', base, column);
	}
	return { tables, rules, ledger };
}

/** Activate (publish) a workflow unless it is active already. */
export async function publish(n8n: N8nInstance, id: string): Promise<void> {
	const workflow = await n8n.rest<Json>('GET', `/rest/workflows/${id}`);
	if (workflow.active) return;
	await n8n.rest('POST', `/rest/workflows/${id}/activate`, { versionId: workflow.versionId });
}

export interface StackOptions {
	userFolder: string;
	port?: number;
	emulatorPorts?: Parameters<typeof startEmulators>[0];
	pollEveryMinute?: boolean;
	log?: (line: string) => void;
	/** Import templates and credentials even when the database exists. */
	forceImport?: boolean;
	/** Other datasets and fault profiles for the emulators. */
	sandbox?: SandboxSetup;
	/** Seed the export rules with the examples for the shipped datasets (default); off for runs with their own rules. */
	exampleRules?: boolean;
	/** Fields merged into the sandbox credentials by type, e.g. `{ dineroApi: { requestsPerMinute: 1000 } }`. */
	credentialData?: Record<string, Record<string, unknown>>;
	/** Change a template (sandbox-filled) before it is imported. */
	adjustWorkflow?: (workflow: Json) => void;
	/** Options of the n8n instance (environment, own process group). */
	n8n?: Partial<Pick<N8nOptions, 'env' | 'ownProcessGroup'>>;
}

export interface Stack {
	n8n: N8nInstance;
	sandbox: Sandbox;
	tables: DataTables;
	rulesTable: string;
	ledgerTable: string;
	timings: Record<string, number>;
	stop(): Promise<void>;
}

/** Everything `npm start` does, in order; returns handles for tests. */
export async function startStack(options: StackOptions): Promise<Stack> {
	const log = options.log ?? (() => undefined);
	const timings: Record<string, number> = {};
	const step = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
		const started = Date.now();
		const result = await fn();
		timings[name] = (Date.now() - started) / 1000;
		return result;
	};
	if (!existsSync(path.join(repoRoot, 'dist', 'nodes')))
		throw new Error('The package is not built: run `npm run build` first (npm start does).');
	await step('runtime', () => ensureRuntime(log));
	const fresh = !existsSync(path.join(options.userFolder, '.n8n', 'database.sqlite'));
	await step('package', () => installPackage(options.userFolder));
	const sandbox = await step('emulators', () => startEmulators(options.emulatorPorts, options.sandbox));
	const port = options.port ?? (await freePort());
	const n8n = new N8nInstance({
		userFolder: options.userFolder,
		port,
		brokerPort: await freePort(),
		...options.n8n,
	});
	try {
		if (fresh || options.forceImport) {
			log('Importing the templates and sandbox credentials…');
			await step('import', () =>
				importTemplates(n8n, sandbox, {
					pollEveryMinute: options.pollEveryMinute,
					credentialData: options.credentialData,
					adjust: options.adjustWorkflow,
				}),
			);
		} else if (sandbox.network) {
			// The sandbox DNS server gets a new port on every start: refresh the templates that look participants up.
			const usesNetwork = (w: Json) =>
				(w.nodes as Json[]).some(
					(n) => n.type.endsWith('.hubBrokerNetwork') && n.parameters?.resource === 'participant',
				);
			await step('import', () => importTemplates(n8n, sandbox, {}, usesNetwork));
		}
		log('Starting n8n…');
		await step('n8n', () => n8n.start());
		await step('owner', () => n8n.setupOwnerAndLogin());
		if (!fresh && !options.forceImport) await step('credentials', () => refreshGatewayCredentials(n8n, sandbox));
		const { tables, rules, ledger } = await step('tables', () =>
			ensureTables(n8n, options.exampleRules === false ? [] : EXAMPLE_RULES),
		);
		// n8n 2.x runs an error workflow only when it is active; the dashboard is a webhook. Both are safe to publish.
		await step('activate', async () => {
			for (const id of [WORKFLOW_IDS.errors, WORKFLOW_IDS.dashboard]) await publish(n8n, id);
		});
		return {
			n8n,
			sandbox,
			tables,
			rulesTable: rules,
			ledgerTable: ledger,
			timings,
			stop: async () => {
				await n8n.stop();
				await sandbox.close();
			},
		};
	} catch (error) {
		await n8n.stop();
		await sandbox.close();
		throw error;
	}
}

export { owner };
