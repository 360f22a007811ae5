/**
 * Builds the template workflows in `workflows/` from one description, so the Dinero and Billy export templates
 * (and any later source) share every node but their trigger. The JSON files are committed; a unit test checks
 * that they equal what this builder generates.
 *
 *   npm run templates        # rewrite workflows/*.json from this file
 *
 * Conventions: node types carry the npm prefix `n8n-nodes-einvoice-export.`, credentials are placeholders
 * (`REPLACE_WITH_…`), every workflow is inactive and names "E-invoice: error notifications" as its error workflow.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const PACKAGE = 'n8n-nodes-einvoice-export';
export const RULES_TABLE = 'einvoice_export_rules';
export const LEDGER_TABLE = 'einvoice_ledger';

/** Fixed workflow ids, so the templates can name the error workflow and tests can find them. */
export const WORKFLOW_IDS = {
	errors: 'EinvErrorNotify1',
	dinero: 'EinvDineroExport',
	billy: 'EinvBillyExport1',
	dashboard: 'EinvDashboard001',
	manual: 'EinvManualExport',
	match: 'EinvMatchCustomer',
	zenvoices: 'EinvZenvoicesExp',
	deliveryStatus: 'EinvMaventaStatus',
	severa: 'EinvSeveraMaventa',
} as const;

export interface TemplateNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: 'continueErrorOutput' | 'continueRegularOutput' | 'stopWorkflow';
	executeOnce?: boolean;
	alwaysOutputData?: boolean;
	webhookId?: string;
}

export interface TemplateWorkflow {
	id: string;
	name: string;
	active: false;
	settings: Record<string, unknown>;
	meta: Record<string, unknown>;
	tags: unknown[];
	nodes: TemplateNode[];
	connections: Record<string, { main: { node: string; type: 'main'; index: number }[][] }>;
	pinData: Record<string, unknown>;
}

/** Column names and types of the two Data Tables (also used by `npm start` and the tests to create them). */
export const RULE_COLUMNS = [
	['system', 'string'],
	['customerId', 'string'],
	['customerName', 'string'],
	['activated', 'boolean'],
	['format', 'string'],
	['destination', 'string'],
	['companyCode', 'string'],
	['directory', 'string'],
	['fileName', 'string'],
	['url', 'string'],
	['email', 'string'],
	['receiverEndpoint', 'string'],
	['buyerReference', 'string'],
	['activeFrom', 'string'],
	['note', 'string'],
] as const;

export const LEDGER_COLUMNS = [
	['key', 'string'],
	['time', 'string'],
	['source', 'string'],
	['account', 'string'],
	['documentId', 'string'],
	['kind', 'string'],
	['sender', 'string'],
	['receiver', 'string'],
	['receiverEndpoint', 'string'],
	['number', 'string'],
	['customerId', 'string'],
	['customerName', 'string'],
	['customerOrderNo', 'string'],
	['supplierOrderNo', 'string'],
	['format', 'string'],
	['destination', 'string'],
	['status', 'string'],
	['message', 'string'],
	['remoteId', 'string'],
	['fileName', 'string'],
	['xml', 'string'],
	['resends', 'number'],
	['deliveryStatus', 'string'],
	['notice', 'string'],
] as const;

const credential = (type: string, label: string) => ({
	[type]: { id: `REPLACE_WITH_${type.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_CREDENTIAL_ID`, name: label },
});

const table = (name: string) => ({ __rl: true, mode: 'name', value: name });

/** The document key of the ledger: one row per source document, whatever format or destination it went to. */
const DOCUMENT_KEY_JS = "[$json.source.system, $json.source.account, $json.source.kind, $json.source.id].join(':')";
const DOCUMENT_KEY = `={{ ${DOCUMENT_KEY_JS} }}`;

/** A Data Table read of every row, once per run (input 2 of a `waitForSideInput` merge). */
function readWholeTable(name: string, tableName: string, position: [number, number]): Omit<TemplateNode, 'id'> {
	return {
		name,
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position,
		parameters: { resource: 'row', operation: 'get', dataTableId: table(tableName), returnAll: true, filters: {} },
		executeOnce: true,
		alwaysOutputData: true,
	};
}

/** A Data Table read of every ledger row that meets all the conditions (or any, with `match` 'anyCondition'). */
function ledgerRowsWhere(
	conditions: Record<string, string>[],
	match: 'allConditions' | 'anyCondition' = 'allConditions',
): Record<string, unknown> {
	return {
		resource: 'row',
		operation: 'get',
		dataTableId: table(LEDGER_TABLE),
		matchType: match,
		filters: { conditions },
		returnAll: true,
	};
}

/**
 * The conditions of an If, Filter or Switch rule with one test: `leftValue` equals `rightValue` (strings), or, without
 * `rightValue`, `leftValue` is true.
 */
function oneCondition(
	id: string,
	leftValue: string,
	rightValue?: string,
	typeValidation: 'strict' | 'loose' = 'strict',
): Record<string, unknown> {
	return {
		options: { caseSensitive: true, leftValue: '', typeValidation, version: 2 },
		conditions: [
			{
				id,
				leftValue,
				rightValue: rightValue ?? '',
				operator:
					rightValue === undefined
						? { type: 'boolean', operation: 'true', singleValue: true }
						: { type: 'string', operation: 'equals' },
			},
		],
		combinator: 'and',
	};
}

/** An If node with one condition (see `oneCondition`): output 0 true, output 1 false. */
function ifNode(
	name: string,
	position: [number, number],
	conditions: Record<string, unknown>,
): Omit<TemplateNode, 'id'> {
	return { name, type: 'n8n-nodes-base.if', typeVersion: 2.2, position, parameters: { conditions, options: {} } };
}

/** A Merge that passes input 1 on only once input 2 (e.g. a table read) has run, so later nodes can read it. */
function waitForSideInput(name: string, position: [number, number]): Omit<TemplateNode, 'id'> {
	return {
		name,
		type: 'n8n-nodes-base.merge',
		typeVersion: 3.2,
		position,
		parameters: { mode: 'chooseBranch', useDataOfInput: 1 },
	};
}

/** HubBroker Network › Resolve Route over the rows of the export rules (only listed customers); errors leave by output 3. */
function resolveRoute(position: [number, number], defaultDestination: string, rules: string): Omit<TemplateNode, 'id'> {
	return {
		name: 'Resolve Route',
		type: `${PACKAGE}.hubBrokerNetwork`,
		typeVersion: 1,
		position,
		parameters: {
			resource: 'route',
			operation: 'resolve',
			enabled: true,
			activate: 'listed',
			defaultFormat: 'peppol-bis3',
			defaultDestination,
			defaultDestinationSettings: '{}',
			ruleSource: 'parameter',
			rules,
			routeOptions: {},
		},
		onError: 'continueErrorOutput',
	};
}

class Builder {
	private nodes: TemplateNode[] = [];
	private connections: TemplateWorkflow['connections'] = {};
	private counter = 0;

	constructor(private readonly prefix: string) {}

	add(node: Omit<TemplateNode, 'id'>): string {
		this.counter++;
		this.nodes.push({ id: `${this.prefix}-${String(this.counter).padStart(4, '0')}`, ...node });
		return node.name;
	}

	note(name: string, position: [number, number], content: string, size: [number, number], color = 7): void {
		this.add({
			name,
			type: 'n8n-nodes-base.stickyNote',
			typeVersion: 1,
			position,
			parameters: { content, width: size[0], height: size[1], color },
		});
	}

	connect(from: string, to: string, output = 0, input = 0): void {
		const main = (this.connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: input });
	}

	workflow(id: string, name: string, settings: Record<string, unknown> = {}): TemplateWorkflow {
		return {
			id,
			name,
			active: false,
			settings: { executionOrder: 'v1', errorWorkflow: WORKFLOW_IDS.errors, ...settings },
			meta: { templateCredsSetupCompleted: false },
			tags: [],
			nodes: this.nodes,
			connections: this.connections,
			pinData: {},
		};
	}
}

const smtp = credential('smtp', 'SMTP account');
const NOTIFY_FROM = 'einvoicing@example.com';
const NOTIFY_TO = 'billing@example.com';

/** A Data Table upsert of one ledger row keyed by the document key (`$json.key`, or `key`), with every column mapped. */
function ledgerUpsert(values: Record<string, string>, key = '={{ $json.key }}'): Record<string, unknown> {
	return {
		resource: 'row',
		operation: 'upsert',
		dataTableId: table(LEDGER_TABLE),
		matchType: 'allConditions',
		filters: { conditions: [{ keyName: 'key', condition: 'eq', keyValue: key }] },
		columns: {
			mappingMode: 'defineBelow',
			value: values,
			matchingColumns: [],
			schema: LEDGER_COLUMNS.map(([name, type]) => ({
				id: name,
				displayName: name,
				required: false,
				defaultMatch: false,
				display: true,
				type,
				readOnly: false,
				removed: !(name in values),
			})),
			attemptToConvertTypes: false,
			convertFieldsToString: false,
		},
		options: {},
	};
}

/** Ledger columns from an item of our contract (`source`, `invoice`, `route`, `document`, `delivery`). */
function ledgerValues(status: 'exported' | 'failed', resends = false): Record<string, string> {
	const endpoint = (party: string) =>
		`={{ ((e) => e && e.id ? e.scheme + ':' + e.id : '')($json.invoice?.${party}?.endpoint) }}`;
	return {
		key: '={{ $json.key }}',
		time: '={{ $now.toUTC().toISO() }}',
		source: '={{ $json.source?.system ?? "" }}',
		account: '={{ String($json.source?.account ?? "") }}',
		documentId: '={{ String($json.source?.id ?? "") }}',
		kind: '={{ $json.source?.kind ?? $json.invoice?.kind ?? "" }}',
		sender: '={{ $json.invoice?.seller?.name ?? "" }}',
		receiver: '={{ $json.invoice?.buyer?.name ?? $json.source?.customerName ?? "" }}',
		receiverEndpoint: endpoint('buyer'),
		number: '={{ String($json.source?.number ?? $json.invoice?.number ?? "") }}',
		customerId: '={{ String($json.source?.customerId ?? "") }}',
		customerName: '={{ $json.source?.customerName ?? "" }}',
		customerOrderNo: '={{ $json.invoice?.orderReference ?? "" }}',
		supplierOrderNo: '={{ $json.invoice?.salesOrderReference ?? "" }}',
		format: '={{ $json.document?.format ?? $json.route?.format ?? "" }}',
		destination: '={{ $json.route?.destination ?? "" }}',
		// A failed resend leaves the document exported (it was delivered before); the message says what failed.
		status: status === 'failed' && resends ? '={{ $json.resend ? "exported" : "failed" }}' : `=${status}`,
		message:
			status === 'exported'
				? '={{ $json.delivery?.mdn ? "MDN " + ($json.delivery.mdn.disposition ?? "received") + ($json.delivery.mdn.verified ? " (signature verified)" : "") : ($json.delivery?.message ?? ($json.delivery?.status ? "delivery " + $json.delivery.status : "sent")) }}'
				: `={{ ${resends ? '($json.resend ? "Resend " + $json.resend + " failed: " : "") + ' : ''}(typeof $json.error === "string" ? $json.error : ($json.error?.message ?? "unknown error")) }}`,
		remoteId: '={{ String($json.delivery?.remoteId ?? "") }}',
		fileName: '={{ $json.document?.fileName ?? "" }}',
		...(status === 'exported' ? { xml: '={{ $json.xml ?? "" }}' } : {}),
		// A new delivery (a resend too) has no final network status yet: the Maventa watcher fills it in.
		...(status === 'exported' ? { deliveryStatus: '={{ "" }}' } : {}),
		// Only the manual export counts resends; the scheduled export leaves the counter as it is.
		...(resends ? { resends: '={{ $json.resends ?? 0 }}' } : {}),
		// A failure notice is due from this workflow until "Ledger: Notice Sent" records the e-mail (see addFailureNotice).
		notice: status === 'failed' ? NOTICE_DUE : '={{ "" }}',
	};
}

/** First lines of a failure notice sent by the catch-up pass: the run that failed the document may have sent it too. */
const LATE_NOTICE =
	"{{ $json.late ? 'Sent by the catch-up pass: n8n stopped before it recorded this notice as sent. If you have it already, it is the same failure.\\n\\n' : '' }}";

/** The `notice` value of a failed row whose e-mail this workflow has not recorded as sent yet. */
const NOTICE_DUE = "={{ 'due:' + $workflow.id }}";

interface SourceSpec {
	system: 'dinero' | 'billy';
	label: string;
	id: string;
	trigger: Omit<TemplateNode, 'id' | 'position' | 'name'>;
	triggerNote: string;
}

const HOURLY = { item: [{ mode: 'everyHour', minute: 5 }] };

export const SOURCES: Record<'dinero' | 'billy', SourceSpec> = {
	dinero: {
		system: 'dinero',
		label: 'Dinero',
		id: WORKFLOW_IDS.dinero,
		trigger: {
			type: `${PACKAGE}.dineroTrigger`,
			typeVersion: 1,
			parameters: {
				pollTimes: HOURLY,
				authentication: 'dineroApi',
				events: ['newInvoice', 'newCreditNote'],
				filters: {},
				options: { exportSince: '', downloadPdf: false },
				output: 'canonical',
				sellerDetails: {
					name: 'Your Company ApS',
					cvr: '12345674',
					street: 'Street 1',
					postalCode: '1000',
					city: 'København',
					country: 'DK',
					email: 'invoice@example.com',
					paymentMethod: 'iban',
					iban: 'DK5000400440116243',
				},
			},
			credentials: credential('dineroApi', 'Dinero account'),
		},
		triggerNote:
			"## 1. Dinero Trigger\nPolls Dinero **every hour** (minute 5) for newly booked invoices and credit notes. For daily or weekly runs open *Poll Times* and pick *Every Day* or *Every Week*.\n\n**Seller details**: Dinero's API has no company address or CVR, so fill them in once here (they become the e-invoice's seller).\n\n**Also export documents since** (*Options*): on first activation only documents booked after activation are sent; set a date to include older ones.",
	},
	billy: {
		system: 'billy',
		label: 'Billy',
		id: WORKFLOW_IDS.billy,
		trigger: {
			type: `${PACKAGE}.billyTrigger`,
			typeVersion: 1,
			parameters: {
				pollTimes: HOURLY,
				events: ['invoiceApproved', 'creditNoteApproved'],
				customers: {},
				minDate: '',
				exportSince: '',
				options: {
					output: 'canonical',
					downloadPdf: false,
					paymentDetails: { iban: 'DK5000400440116243', bic: 'DABADKKK' },
				},
			},
			credentials: credential('billyApi', 'Billy account'),
		},
		triggerNote:
			'## 1. Billy Trigger\nPolls Billy **every hour** (minute 5) for newly approved invoices and credit notes. For daily or weekly runs open *Poll Times* and pick *Every Day* or *Every Week*.\n\n**Payment details** (*Options*): your IBAN/BIC or FIK creditor, written into every e-invoice.\n\n**Also export documents approved since**: on first activation only documents approved after activation are sent; set a date to include older ones.',
	},
};

/**
 * The delivery half shared by the export and manual-export templates: Invoice to UBL → Switch on the route's
 * destination → Maventa / SFTP / HTTP / Zenvoices / e-mail → ledger row + summary; every failure → failed ledger
 * row + one e-mail. Returns the entry node and the node that takes failed items.
 */
function addDelivery(
	b: Builder,
	label: string,
	prefix: string,
	dx: number,
	only?: string[],
	options: { resend?: boolean } = {},
): { ubl: string; keyFailed: string; summary: string; notice: string } {
	const want = (destination: string) => !only || only.includes(destination);
	const ubl = b.add({
		name: 'Invoice to UBL',
		type: `${PACKAGE}.invoiceToUbl`,
		typeVersion: 1,
		position: [1200 + dx, 200],
		parameters: {
			invoiceSource: 'field',
			invoiceField: 'invoice',
			format: 'peppol-bis3',
			onInvalid: 'fail',
			// EDIFACT (the AS2 branch) names us by GLN: set yours when the seller details carry none.
			options: { attachPdf: true, fileName: '{kind}-{number}.xml', useRouteFormat: true, edifactSenderGln: '' },
		},
		onError: 'continueErrorOutput',
	});
	// A resend is a new delivery: its own key, so Maventa, Zenvoices and HTTP gateways do not de-duplicate it.
	const resendKey = !options.resend
		? undefined
		: b.add({
				name: 'Resend Key',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [1320 + dx, 40],
				parameters: { mode: 'runOnceForEachItem', jsCode: RESEND_KEY_CODE },
			});
	const destinations: [string, string][] = [
		['maventa', 'Maventa'],
		['sftp', 'SFTP'],
		['http', 'HTTP'],
		['zenvoices', 'Zenvoices'],
		['email', 'E-mail'],
		['as2', 'AS2'],
	].filter(([destination]) => want(destination)) as [string, string][];
	const route = b.add({
		name: 'Destination',
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.2,
		position: [1440 + dx, 160],
		parameters: {
			rules: {
				values: destinations.map(([value, label]) => ({
					conditions: oneCondition(`${prefix}-dest-${value}`, '={{ $json.route.destination }}', value),
					renameOutput: true,
					outputKey: label,
				})),
			},
			options: { fallbackOutput: 'extra', renameFallbackOutput: 'Other' },
		},
	});
	const maventa = !want('maventa')
		? undefined
		: b.add({
				name: 'Maventa Send',
				type: `${PACKAGE}.maventaSend`,
				typeVersion: 1,
				position: [1720 + dx, -160],
				parameters: {
					operation: 'send',
					documentProperty: 'document',
					sendOriginalPdf: false,
					sendByEmail: false,
					options: {},
				},
				credentials: credential('maventaApi', 'Maventa account'),
				onError: 'continueErrorOutput',
			});
	const sftp = !want('sftp')
		? undefined
		: b.add({
				name: 'Deliver via SFTP',
				type: `${PACKAGE}.hubBrokerNetwork`,
				typeVersion: 1,
				position: [1720 + dx, 0],
				parameters: {
					resource: 'delivery',
					operation: 'sendSftp',
					directory: '={{ $json.route?.destinationSettings?.directory ?? "outbound/{customerId}" }}',
					fileName: '={{ $json.route?.destinationSettings?.fileName ?? "{fileName}" }}',
					binaryProperty: 'document',
					overwrite: false,
				},
				credentials: credential('sftpGatewayApi', 'SFTP gateway'),
				onError: 'continueErrorOutput',
			});
	const http = !want('http')
		? undefined
		: b.add({
				name: 'Deliver via HTTP',
				type: `${PACKAGE}.hubBrokerNetwork`,
				typeVersion: 1,
				position: [1720 + dx, 160],
				parameters: {
					resource: 'delivery',
					operation: 'sendHttp',
					method: 'POST',
					url: '={{ $json.route?.destinationSettings?.url ?? "/documents" }}',
					binaryProperty: 'document',
					headers: {},
					httpOptions: {},
				},
				credentials: credential('httpGatewayApi', 'HTTP gateway'),
				onError: 'continueErrorOutput',
			});
	const zenvoices = !want('zenvoices')
		? undefined
		: b.add({
				name: 'Zenvoices Export',
				type: `${PACKAGE}.zenvoicesExport`,
				typeVersion: 1,
				position: [1720 + dx, 320],
				parameters: {
					resource: 'document',
					operation: 'exportToInbox',
					company: { __rl: true, mode: 'code', value: '={{ $json.route?.destinationSettings?.companyCode }}' },
					send: 'xml',
					exportOptions: {},
				},
				credentials: credential('zenvoicesApi', 'Zenvoices account'),
				onError: 'continueErrorOutput',
			});
	const email = !want('email')
		? undefined
		: b.add({
				name: 'Send by E-mail',
				type: 'n8n-nodes-base.emailSend',
				typeVersion: 2.1,
				position: [2060 + dx, 440],
				parameters: {
					fromEmail: NOTIFY_FROM,
					toEmail: '={{ $json.route.destinationSettings.email }}',
					subject:
						"={{ $json.source.kind === 'creditNote' ? 'Credit note' : 'Invoice' }} {{ $json.source.number }} from {{ $json.invoice.seller.name }}",
					emailFormat: 'text',
					text: "=Dear {{ $json.source.customerName }},\n\nattached is {{ $json.source.kind === 'creditNote' ? 'credit note' : 'invoice' }} {{ $json.source.number }} as an e-invoice ({{ $json.document.formatName }}){{ $binary.pdf ? ' and as PDF' : '' }}.\n\nKind regards\n{{ $json.invoice.seller.name }}",
					options: { fileAttachments: "={{ ['document', $binary.pdf ? 'pdf' : ''].filter(Boolean).join(',') }}" },
				},
				credentials: smtp,
				onError: 'continueErrorOutput',
			});
	const emailed = !want('email')
		? undefined
		: b.add({
				name: 'E-mail Sent',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [2180 + dx, 440],
				parameters: {
					mode: 'runOnceForEachItem',
					jsCode:
						"// Send Email replaces the item with the SMTP answer: put the document back, with a delivery record.\nconst sent = $('Invoice to UBL').item;\nreturn {\n\tjson: {\n\t\t...sent.json,\n\t\tdelivery: { channel: 'email', status: 'sent', remoteId: $json.messageId ?? '', at: new Date().toISOString(), message: 'e-mailed to ' + sent.json.route.destinationSettings.email },\n\t},\n\tbinary: sent.binary,\n};",
				},
			});
	const as2 = !want('as2')
		? undefined
		: b.add({
				name: 'Deliver via AS2',
				type: `${PACKAGE}.hubBrokerNetwork`,
				typeVersion: 1,
				position: [1720 + dx, 640],
				parameters: {
					resource: 'delivery',
					operation: 'sendAs2',
					binaryProperty: 'document',
					as2Options: { mdnProperty: 'mdn' },
				},
				credentials: credential('as2Api', 'AS2 partner'),
				onError: 'continueErrorOutput',
			});
	if (as2)
		b.note(
			'Note: AS2',
			[1660 + dx, 980],
			"## AS2 (destination `as2`)\nThe rule's *format* picks the payload: `edifact-d96a` (EANCOM INVOIC D96A, the receiver's GLN from *receiverEndpoint* `0088:…`, ours from *Invoice to UBL › Options › EDIFACT Sender GLN*) or a UBL format. **Deliver via AS2** signs, encrypts and posts it to the partner of the *AS2* credential and verifies the signed MDN; the ledger row says `exported` with the MDN's disposition, and a refused or unverifiable MDN gives a `failed` row and one e-mail. One credential is one partner: copy the node (and a Switch rule) per partner.",
			[520, 260],
			5,
		);
	const unsupported = b.add({
		name: 'Unsupported Destination',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [1720 + dx, 800],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{
						id: `${prefix}-unsupported`,
						name: 'error',
						value: '=No branch for destination "{{ $json.route.destination }}" in this workflow',
						type: 'string',
					},
				],
			},
			includeOtherFields: true,
			options: {},
		},
	});
	const delivered = b.add({
		name: 'Delivered',
		type: 'n8n-nodes-base.merge',
		typeVersion: 3.2,
		position: [2200 + dx, 100],
		parameters: { mode: 'append', numberInputs: destinations.length },
	});
	const readXml = b.add({
		name: 'Read XML',
		type: 'n8n-nodes-base.extractFromFile',
		typeVersion: 1.1,
		position: [2440 + dx, 100],
		parameters: {
			operation: 'text',
			binaryPropertyName: 'document',
			destinationKey: 'xml',
			options: { keepSource: 'both' },
		},
	});
	const keyExported = b.add({
		name: 'Document Key',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [2680 + dx, 100],
		parameters: {
			mode: 'manual',
			assignments: { assignments: [{ id: `${prefix}-key-ok`, name: 'key', value: DOCUMENT_KEY, type: 'string' }] },
			includeOtherFields: true,
			options: {},
		},
	});
	const ledgerOk = b.add({
		name: 'Ledger: Exported',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [2920 + dx, 100],
		parameters: ledgerUpsert(ledgerValues('exported', options.resend)),
	});
	const summary = b.add({
		name: 'Run Summary',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [3160 + dx, 100],
		parameters: {
			mode: 'runOnceForAllItems',
			jsCode:
				"const rows = $input.all().map((item) => item.json);\nconst lines = rows.map((r) => `${r.kind === 'creditNote' ? 'Credit note' : 'Invoice'} ${r.number} to ${r.receiver} (${r.format} via ${r.destination})`);\nreturn [{ json: { count: rows.length, text: lines.join('\\n') } }];",
		},
	});
	const notifyOk = b.add({
		name: 'Notify: Exported',
		type: 'n8n-nodes-base.emailSend',
		typeVersion: 2.1,
		position: [3400 + dx, 100],
		parameters: {
			fromEmail: NOTIFY_FROM,
			toEmail: NOTIFY_TO,
			subject: `=${label}: {{ $json.count }} e-invoice(s) exported`,
			emailFormat: 'text',
			text: `=${label} export run at {{ $now.toUTC().toISO() }}:\n\n{{ $json.text }}`,
			options: {},
		},
		credentials: smtp,
	});
	const keyFailed = b.add({
		name: 'Failed Document Key',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [2200 + dx, 700],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [{ id: `${prefix}-key-failed`, name: 'key', value: DOCUMENT_KEY, type: 'string' }],
			},
			includeOtherFields: true,
			options: {},
		},
	});
	const ledgerFailed = b.add({
		name: 'Ledger: Failed',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [2440 + dx, 700],
		parameters: ledgerUpsert(ledgerValues('failed', options.resend)),
	});
	const notice = b.add({
		name: 'Failure Notice',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [2680 + dx, 700],
		parameters: {},
	});
	const notifyFailed = b.add({
		name: 'Notify: Failed',
		type: 'n8n-nodes-base.emailSend',
		typeVersion: 2.1,
		position: [2920 + dx, 700],
		parameters: {
			fromEmail: NOTIFY_FROM,
			toEmail: NOTIFY_TO,
			subject: `=E-invoice not sent: ${label} {{ $json.kind === 'creditNote' ? 'credit note' : 'invoice' }} {{ $json.number }} ({{ $json.customerName }})`,
			emailFormat: 'text',
			text: `=${LATE_NOTICE}${label} {{ $json.kind === 'creditNote' ? 'credit note' : 'invoice' }} {{ $json.number }} to {{ $json.customerName }} was not sent{{ $json.destination ? ' to ' + $json.destination : '' }}.\n\nReason: {{ $json.message }}\n\nIt is in the ledger with status "{{ $json.status }}". Fix the cause and export it again with the "E-invoice: manual export" form (it is retried automatically when ${label} emits it again).`,
			options: {},
		},
		credentials: smtp,
	});
	const noticeSent = b.add({
		name: 'Ledger: Notice Sent',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [3160 + dx, 700],
		parameters: ledgerUpdate({ notice: '=sent' }, "={{ $('Failure Notice').item.json.key }}"),
	});

	if (resendKey) {
		b.connect(ubl, resendKey, 0);
		b.connect(resendKey, route);
	} else b.connect(ubl, route, 0);
	b.connect(ubl, keyFailed, 1);
	// Branch i of the Switch is destinations[i]; the e-mail branch reaches the ledger through "E-mail Sent".
	const branch: Record<string, string | undefined> = { maventa, sftp, http, zenvoices, email, as2 };
	// E-mail cannot de-duplicate: a "sending" row is its claim (see addEmailClaim).
	const emailClaim = email ? addEmailClaim(b, dx) : undefined;
	destinations.forEach(([destination], index) => {
		const node = branch[destination]!;
		if (destination === 'email' && emailClaim) {
			for (const entry of emailClaim.entries) b.connect(route, entry, index);
			b.connect(emailClaim.claimed, node);
			b.connect(emailClaim.maybeSent, keyFailed);
		} else b.connect(route, node, index);
		// One Merge collects every branch, so the ledger, the summary and its e-mail run once per run.
		b.connect(destination === 'email' ? emailed! : node, delivered, 0, index);
		b.connect(node, keyFailed, 1);
	});
	if (email) b.connect(email, emailed!, 0);
	b.connect(route, unsupported, destinations.length);
	b.connect(delivered, readXml);
	b.connect(unsupported, keyFailed);
	b.connect(readXml, keyExported);
	b.connect(keyExported, ledgerOk);
	b.connect(ledgerOk, summary);
	b.connect(summary, notifyOk);
	b.connect(keyFailed, ledgerFailed);
	// The row says "notice due" before the e-mail and "sent" after it: a run stopped in between leaves it due, and the
	// catch-up pass sends it (addCatchUp). Only a stop between the e-mail and its record repeats a notice, marked so.
	b.connect(ledgerFailed, notice);
	b.connect(notice, notifyFailed);
	b.connect(notifyFailed, noticeSent);
	return { ubl, keyFailed, summary, notice };
}

/**
 * The e-mail branch's claim. Maventa, Zenvoices, HTTP, AS2 and SFTP recognise a document sent again; an e-mail
 * cannot be taken back. So before the e-mail the ledger row says `sending`, and only the export result replaces it.
 * A document that arrives here with a `sending` row (a run stopped between the e-mail and its result: the catch-up
 * passes it on once settled, or it was emitted again) is not e-mailed again: it fails with a notice asking the user to
 * check with the customer, and the manual export's Resend sends it when it did not arrive.
 */
function addEmailClaim(b: Builder, dx: number): { entries: string[]; claimed: string; maybeSent: string } {
	// One read of the open claims per run and one decision per document (two row checks would each see the other's
	// writes, as n8n runs one branch to its end before the next).
	const claims = b.add({
		name: 'Open E-mail Claims',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [1580 + dx, 560],
		parameters: ledgerRowsWhere([{ keyName: 'status', condition: 'eq', keyValue: 'sending' }]),
		executeOnce: true,
		alwaysOutputData: true,
	});
	const loaded = b.add(waitForSideInput('With Open Claims', [1580 + dx, 440]));
	const claimedBefore = b.add(
		ifNode(
			'Was Being E-mailed?',
			[1700 + dx, 440],
			oneCondition(
				'email-claimed-before',
				`={{ $('Open E-mail Claims').all().some((row) => row.json.key === ${DOCUMENT_KEY_JS}) }}`,
			),
		),
	);
	const identity = ledgerValues('exported');
	const values: Record<string, string> = {
		...Object.fromEntries(
			[
				'time',
				'source',
				'account',
				'documentId',
				'kind',
				'sender',
				'receiver',
				'receiverEndpoint',
				'number',
				'customerId',
				'customerName',
				'format',
				'destination',
			].map((column) => [column, identity[column]]),
		),
		key: DOCUMENT_KEY,
		status: '=sending',
		message:
			'=Being e-mailed to {{ $json.route.destinationSettings.email }}; if this stays, n8n stopped during the send',
	};
	const claim = b.add({
		name: 'Ledger: E-mailing',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [1820 + dx, 440],
		parameters: ledgerUpsert(values, DOCUMENT_KEY),
	});
	// The Data Table answers with the row: put the document (and its attachments) back for Send Email.
	const restore = b.add({
		name: 'Document Again',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [1940 + dx, 440],
		parameters: {
			mode: 'runOnceForEachItem',
			jsCode: "const sent = $('Was Being E-mailed?').item;\nreturn { json: sent.json, binary: sent.binary };",
		},
	});
	const maybeSent = b.add({
		name: 'May Have Been E-mailed',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [1820 + dx, 600],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{
						id: 'email-maybe-sent',
						name: 'error',
						value:
							'=n8n stopped while this document was being e-mailed to {{ $json.route.destinationSettings.email }}, so it may have arrived. It is not e-mailed again on its own: check with the customer, and send it with the manual export (Resend) if it did not arrive.',
						type: 'string',
					},
				],
			},
			includeOtherFields: true,
			options: {},
		},
	});
	b.connect(claims, loaded, 0, 1);
	b.connect(loaded, claimedBefore);
	b.connect(claimedBefore, maybeSent, 0);
	b.connect(claimedBefore, claim, 1);
	b.connect(claim, restore);
	return { entries: [loaded, claims], claimed: restore, maybeSent };
}

/** Resent documents get the delivery key `<document key>:resend-<n>` (n counted in the ledger row). */
const RESEND_KEY_CODE = String.raw`const resend = Number($json.resend ?? 0);
if (!resend || !$json.document) return $input.item;
const key = $json.document.idempotencyKey + ':resend-' + resend;
return { json: { ...$json, document: { ...$json.document, idempotencyKey: key } }, binary: $input.item.binary };`;

/** Defaults of the catch-up pass (the "Catch-up Settings" node of the export templates). */
export const CATCH_UP = { lookbackDays: 3, settleMinutes: 10, minute: 35 } as const;

/** Catch-up (n8n Code node): documents whose "pending" row is older than the settle delay are sent now. */
const SETTLED_CODE = String.raw`// A "pending" ledger row says when a catch-up pass first saw the document without an export result. A document still
// in flight in a live run gets its result row when that run ends; one still pending after the settle delay is sent.
// A "sending" row (an e-mail a stopped run did not confirm) is passed on the same way; the e-mail branch fails it.
const settleMs = Number($('Catch-up Settings').first().json.settleMinutes ?? 10) * 60000;
const pending = new Map($('Pending Rows').all().map((row) => [row.json.key, Date.parse(row.json.time)]));
const now = Date.now();
return $('No Export Result')
	.all()
	.filter((item) => {
		const s = item.json.source;
		const since = s ? pending.get([s.system, s.account, s.kind, s.id].join(':')) : undefined;
		return since !== undefined && now - since >= settleMs;
	})
	.map((item) => ({ json: item.json, binary: item.binary }));
`;

/** Catch-up (n8n Code node): failure notices still due after the settle delay; the e-mail says it may be a repeat. */
const NOTICES_DUE_CODE = String.raw`// A live run writes "due" before its failure e-mail and "sent" after it; a row still due after the settle delay
// belongs to a run that stopped in between (n8n killed or restarted).
const settleMs = Number($('Catch-up Settings').first().json.settleMinutes ?? 10) * 60000;
const now = Date.now();
return $input
	.all()
	.filter((row) => now - Date.parse(row.json.time) >= settleMs)
	.map((row) => ({ json: { ...row.json, late: true } }));
`;

/** Catch-up (n8n Code node): documents seen without an export result for the first time get a "pending" row. */
const FIRST_SEEN_CODE = String.raw`// Documents without any ledger row: remember when they were first seen (the settle delay counts from here).
const pending = new Set($('Pending Rows').all().map((row) => row.json.key));
return $('No Export Result')
	.all()
	.filter((item) => item.json.source?.id)
	.map((item) => ({ json: { ...item.json, key: [item.json.source.system, item.json.source.account, item.json.source.kind, item.json.source.id].join(':') } }))
	.filter((item) => !pending.has(item.json.key));
`;

/**
 * The catch-up pass of an export template: on its own schedule it lists the source's documents booked or changed in
 * the last days and keeps those without an export result in the ledger. The first pass that sees one writes a
 * "pending" row; a later pass sends it once that row is older than the settle delay, through the same chain as the
 * trigger. It recovers a batch the trigger emitted but n8n never finished (a crash or restart after the poll saved
 * its cursor). The listed documents take the trigger's way through the rules, the route and "Not Exported Yet", so
 * documents of customers not activated never get a row. The state lives in the ledger Data Table, not in memory or
 * static data (n8n does not reload a Code node's static data between executions of an active workflow), so it
 * survives restarts and suits queue mode.
 */
function addCatchUp(
	b: Builder,
	spec: SourceSpec,
	chain: { rules: string; wait: string; check: string; ubl: string; notice: string },
): void {
	const schedule = b.add({
		name: 'Catch-up Schedule',
		type: 'n8n-nodes-base.scheduleTrigger',
		typeVersion: 1.2,
		position: [-720, 980],
		parameters: { rule: { interval: [{ field: 'hours', hoursInterval: 1, triggerAtMinute: CATCH_UP.minute }] } },
	});
	const settings = b.add({
		name: 'Catch-up Settings',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [-480, 980],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: `${spec.system}-catchup-days`, name: 'lookbackDays', value: CATCH_UP.lookbackDays, type: 'number' },
					{
						id: `${spec.system}-catchup-settle`,
						name: 'settleMinutes',
						value: CATCH_UP.settleMinutes,
						type: 'number',
					},
				],
			},
			options: {},
		},
	});
	const since = '={{ $now.minus({ days: Number($json.lookbackDays) }).toUTC().toISO() }}';
	const listers = (['invoice', 'creditNote'] as const).map((resource, i) =>
		b.add({
			name: `Recent ${spec.label} ${resource === 'invoice' ? 'Invoices' : 'Credit Notes'}`,
			position: [-240, 900 + i * 160],
			...(spec.system === 'dinero'
				? {
						type: `${PACKAGE}.dinero`,
						typeVersion: 1,
						parameters: {
							authentication: 'dineroApi',
							resource,
							operation: 'getMany',
							returnAll: true,
							filters: { changedSince: since },
							output: 'canonical',
							options: {},
							sellerDetails: (SOURCES.dinero.trigger.parameters as Record<string, unknown>).sellerDetails,
						},
						credentials: credential('dineroApi', 'Dinero account'),
					}
				: {
						type: `${PACKAGE}.billy`,
						typeVersion: 1,
						parameters: {
							resource,
							operation: 'getMany',
							returnAll: true,
							filters: { status: 'approved', approvedSince: since },
							options: {
								output: 'canonical',
								paymentDetails: (SOURCES.billy.trigger.parameters.options as Record<string, unknown>).paymentDetails,
							},
						},
						credentials: credential('billyApi', 'Billy account'),
					}),
		}),
	);
	const recent = b.add({
		name: 'Recent Documents',
		type: 'n8n-nodes-base.merge',
		typeVersion: 3.2,
		position: [0, 980],
		parameters: { mode: 'append', numberInputs: 2 },
	});
	// In a catch-up run the documents come here after the route and "Not Exported Yet": only activated documents
	// without an exported row. The Data Table's "row exists" compares with "equals" only, so "failed" is a second check.
	const fromCatchUp = b.add(
		ifNode(
			'From Catch-up?',
			[1080, 420],
			oneCondition(`${spec.system}-from-catch-up`, "={{ $('Catch-up Schedule').isExecuted }}"),
		),
	);
	const noResult = b.add({
		name: 'No Export Result',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [480, 900],
		parameters: {
			resource: 'row',
			operation: 'rowNotExists',
			dataTableId: table(LEDGER_TABLE),
			matchType: 'allConditions',
			filters: {
				conditions: [
					{ keyName: 'key', condition: 'eq', keyValue: DOCUMENT_KEY },
					{ keyName: 'status', condition: 'eq', keyValue: 'failed' },
				],
			},
		},
	});
	const pendingRows = b.add({
		name: 'Pending Rows',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [720, 1100],
		// "sending" too: an e-mail a stopped run left unconfirmed is passed on once settled, and never marked pending.
		parameters: ledgerRowsWhere(
			[
				{ keyName: 'status', condition: 'eq', keyValue: 'pending' },
				{ keyName: 'status', condition: 'eq', keyValue: 'sending' },
			],
			'anyCondition',
		),
		executeOnce: true,
		alwaysOutputData: true,
	});
	const loaded = b.add(waitForSideInput('With Pending Rows', [960, 980]));
	const settled = b.add({
		name: 'Settled',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [1200, 900],
		parameters: { mode: 'runOnceForAllItems', jsCode: SETTLED_CODE },
	});
	const firstSeen = b.add({
		name: 'First Seen',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [1200, 1100],
		parameters: { mode: 'runOnceForAllItems', jsCode: FIRST_SEEN_CODE },
	});
	const pendingValues: Record<string, string> = {
		key: '={{ $json.key }}',
		time: '={{ $now.toUTC().toISO() }}',
		source: '={{ $json.source.system }}',
		account: '={{ String($json.source.account ?? "") }}',
		documentId: '={{ String($json.source.id) }}',
		kind: '={{ $json.source.kind }}',
		number: '={{ String($json.source.number ?? "") }}',
		customerId: '={{ String($json.source.customerId ?? "") }}',
		customerName: '={{ $json.source.customerName ?? "" }}',
		status: '=pending',
		message: '=Seen by the catch-up without an export result; sent at a later pass unless a run records one first',
	};
	const upsert = ledgerUpsert(pendingValues);
	const markPending = b.add({
		name: 'Ledger: Pending',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [1440, 1100],
		parameters: {
			resource: 'row',
			operation: 'insert',
			dataTableId: upsert.dataTableId,
			columns: upsert.columns,
			options: {},
		},
	});
	b.connect(schedule, settings);
	for (const lister of listers) b.connect(settings, lister);
	listers.forEach((lister, index) => b.connect(lister, recent, 0, index));
	// The catch-up's documents take the trigger's way through the rules and the route, then the If below.
	b.connect(recent, chain.wait, 0, 0);
	b.connect(recent, chain.rules);
	b.connect(chain.check, fromCatchUp);
	b.connect(fromCatchUp, noResult, 0);
	b.connect(fromCatchUp, chain.ubl, 1);
	b.connect(noResult, loaded, 0, 0);
	b.connect(noResult, pendingRows);
	b.connect(pendingRows, loaded, 0, 1);
	b.connect(loaded, settled);
	b.connect(loaded, firstSeen);
	b.connect(firstSeen, markPending);
	b.connect(settled, chain.ubl);
	// Failure notices a stopped run left unsent: through the same e-mail node, which records them as sent.
	const unsent = b.add({
		name: 'Unsent Failure Notices',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [-240, 1300],
		parameters: ledgerRowsWhere([{ keyName: 'notice', condition: 'eq', keyValue: NOTICE_DUE }]),
	});
	const due = b.add({
		name: 'Notices Due',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [0, 1300],
		parameters: { mode: 'runOnceForAllItems', jsCode: NOTICES_DUE_CODE },
	});
	b.connect(settings, unsent);
	b.connect(unsent, due);
	b.connect(due, chain.notice);
	b.note(
		'Note: Catch-up',
		[-780, 1180],
		`## 5. Catch-up: nothing lost when n8n stops mid-run\nn8n saves the trigger's cursor when the poll emits, before the run has sent anything: if n8n is killed or restarted during a run, that batch is never emitted again. **Catch-up Schedule** (every hour at minute ${CATCH_UP.minute}, off the trigger's minute) lists the ${spec.label} documents ${spec.system === 'dinero' ? 'booked or changed' : 'approved'} in the last **lookbackDays** (${CATCH_UP.lookbackDays}), takes them through the rules and *Resolve Route* like the trigger's (customers not activated drop out there), and at **From Catch-up?** keeps those **without an export result** in the ledger (a failed one was notified already; it is retried when ${spec.label} emits it again). The first pass that sees one writes a *pending* row; a later pass sends it once that row is older than **settleMinutes** (${CATCH_UP.settleMinutes}). Keep that longer than your longest export run, so a document still in flight is never taken. Sending again is safe: Maventa (uuid), Zenvoices (externalId) and HTTP gateways (Idempotency-Key) de-duplicate by the document's idempotency key.\n\n**Unsent Failure Notices** finds failed rows whose e-mail a stopped run never recorded as sent (column *notice* still \`due:<this workflow>\` after the settle delay) and sends them through *Notify: Failed*, saying it may be a repeat.\n\nThe two *Recent* nodes have their own ${spec.system === 'dinero' ? 'seller details' : 'payment details'}: keep them equal to the trigger's.`,
		[720, 360],
		5,
	);
}

/** "<Source>: export customer invoices": trigger → rules → route → ledger check → UBL → destination → ledger. */
export interface ExportVariant {
	id: string;
	name: string;
	/** Only these destinations get a branch. */
	only: string[];
	defaultDestination: string;
	note: string;
}

export function exportTemplate(spec: SourceSpec, variant?: ExportVariant): TemplateWorkflow {
	const b = new Builder(variant ? `${spec.system}-${variant.defaultDestination}` : `${spec.system}-export`);
	const trigger = b.add({ name: `${spec.label} Trigger`, position: [0, 300], ...spec.trigger });
	const rules = b.add(readWholeTable('Export Rules', RULES_TABLE, [240, 500]));
	const wait = b.add(waitForSideInput('Invoices With Rules Loaded', [480, 300]));
	const resolve = b.add(
		resolveRoute(
			[720, 300],
			variant?.defaultDestination ?? 'maventa',
			// The variant takes only the customers whose rule names its destination (or none).
			`={{ JSON.stringify($('Export Rules').all().map((row) => row.json).filter((rule) => rule.customerId && (!rule.system || rule.system === '${spec.system}')${variant ? ` && (!rule.destination || rule.destination === '${variant.defaultDestination}')` : ''})) }}`,
		),
	);
	const check = b.add({
		name: 'Not Exported Yet',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [960, 200],
		parameters: {
			resource: 'row',
			operation: 'rowNotExists',
			dataTableId: table(LEDGER_TABLE),
			matchType: 'allConditions',
			filters: {
				conditions: [
					{ keyName: 'key', condition: 'eq', keyValue: DOCUMENT_KEY },
					{ keyName: 'status', condition: 'eq', keyValue: 'exported' },
				],
			},
		},
	});
	const { ubl, keyFailed, notice } = addDelivery(b, spec.label, spec.system, 0, variant?.only);
	if (variant) b.note('Note: Variant', [1420, -260], variant.note, [520, 300], 4);
	b.connect(trigger, wait, 0, 0);
	b.connect(trigger, rules);
	b.connect(rules, wait, 0, 1);
	b.connect(wait, resolve);
	b.connect(resolve, check, 0);
	b.connect(resolve, keyFailed, 2);

	b.note('Note: Trigger', [-60, -260], spec.triggerNote, [420, 380], 4);
	b.note(
		'Note: Export Rules',
		[400, -260],
		`## 2. Export rules (Data Table \`${RULES_TABLE}\`)\nOne row per customer: *system* (\`${spec.system}\` or empty for all), *customerId*, *activated*, *format* (\`peppol-bis3\`/\`oioubl21\`), *destination* (\`maventa\`, \`sftp\`, \`http\`, \`zenvoices\`, \`email\`) and its settings (*companyCode*, *directory*, *fileName*, *url*, *email*), *receiverEndpoint* (\`0184:…\`), *buyerReference*, *activeFrom*.\n\n**Resolve Route** merges the row over its defaults. *Activate: Only Listed Customers* sends only customers whose row says activated; switch to *All Customers* to export everyone and use rows for exceptions. Not activated documents leave by the second output (nothing is sent).`,
		[480, 380],
		5,
	);
	b.note(
		'Note: Ledger',
		[940, -260],
		`## 3. Never twice: the ledger (Data Table \`${LEDGER_TABLE}\`)\n**Not Exported Yet** lets a document through only when the ledger has no *exported* row for its key (system:account:kind:id), so a document emitted again (a crash, a re-poll) is never sent twice. E-mail, which no receiver can de-duplicate, is claimed first: *Ledger: E-mailing* writes \`sending\`, and a document that comes back still \`sending\` is not e-mailed again but fails with a notice (*Was Being E-mailed?*). Every result is written back (upsert by that key) with time, sender, receiver, number, order numbers, format, destination, status, message and the XML; the *E-invoice: dashboard* workflow shows it.`,
		[480, 300],
		6,
	);
	b.note(
		'Note: Notifications',
		[2180, -260],
		"## 4. Notifications (SMTP credential)\n**Notify: Failed** sends one e-mail per document that could not be converted or delivered, naming it and the reason; the ledger row's *notice* says `due` before it and `sent` after it (**Ledger: Notice Sent**), so the catch-up pass can send a notice a stopped run left out. **Notify: Exported** sends one summary per run; delete it if you do not want positive notifications. Errors of the workflow itself go to *E-invoice: error notifications* (Settings › Error workflow). Change the addresses in the three e-mail nodes.",
		[480, 300],
		3,
	);
	// The catch-up pass joins the chain where the trigger does (after the notes, so existing node ids stay).
	addCatchUp(b, spec, { rules, wait, check, ubl, notice });
	return b.workflow(variant?.id ?? spec.id, variant?.name ?? `${spec.label}: export customer invoices`, {
		callerPolicy: 'workflowsFromSameOwner',
	});
}

/** Error Trigger → one e-mail with the workflow, the node and the error (the adaptor-level negative notification). */
export function errorTemplate(): TemplateWorkflow {
	const b = new Builder('errors');
	const trigger = b.add({
		name: 'Error Trigger',
		type: 'n8n-nodes-base.errorTrigger',
		typeVersion: 1,
		position: [0, 300],
		parameters: {},
	});
	const mail = b.add({
		name: 'Notify: Workflow Failed',
		type: 'n8n-nodes-base.emailSend',
		typeVersion: 2.1,
		position: [260, 300],
		parameters: {
			fromEmail: NOTIFY_FROM,
			toEmail: NOTIFY_TO,
			subject: '=E-invoice workflow failed: {{ $json.workflow.name }}',
			emailFormat: 'text',
			text: "=The workflow \"{{ $json.workflow.name }}\" stopped with an error{{ $json.execution?.lastNodeExecuted ? ' in the node \"' + $json.execution.lastNodeExecuted + '\"' : '' }}.\n\nError: {{ $json.execution?.error?.message ?? $json.trigger?.error?.message ?? 'unknown' }}\n\nExecution: {{ $json.execution?.url ?? '(the trigger failed before an execution started)' }}\n\nNo document of this run was exported after the error; the trigger emits them again on its next poll once the cause is fixed (the ledger keeps sent ones from going out twice).",
			options: {},
		},
		credentials: smtp,
	});
	b.connect(trigger, mail);
	b.note(
		'Note: Error Workflow',
		[-60, -40],
		'## Adaptor-level negative notification\n**Activate (publish) this workflow**: n8n 2.x runs an error workflow only when it is active. The export templates name this workflow in *Settings › Error workflow*. When one of them stops (a source is unreachable, a credential expired, a node throws), n8n runs this workflow with the error and it sends one e-mail. Per-document failures do not stop a run; those are notified by the export workflow itself.',
		[440, 300],
		3,
	);
	const workflow = b.workflow(WORKFLOW_IDS.errors, 'E-invoice: error notifications');
	delete workflow.settings.errorWorkflow;
	return workflow;
}

/** Rows shown per dashboard page. */
const DASHBOARD_PAGE_SIZE = 100;
const DASHBOARD_QUERY = "$('Dashboard Page').first().json.query";

/**
 * The dashboard's filters as Data Table conditions (all must match), so the database filters, not a Code node.
 * A filter left empty becomes `id > 0`, which every row meets.
 */
function dashboardConditions(): Record<string, string>[] {
	const q = DASHBOARD_QUERY;
	const day = (name: string) => `/^\\d{4}-\\d{2}-\\d{2}$/.test(String(${q}.${name} ?? ''))`;
	const condition = (when: string, keyName: string, operator: string, value: string) => ({
		keyName: `={{ ${when} ? '${keyName}' : 'id' }}`,
		condition: `={{ ${when} ? '${operator}' : 'gt' }}`,
		keyValue: `={{ ${when} ? ${value} : 0 }}`,
	});
	const customer = `String(${q}.customer ?? '').trim().replace(/%/g, '')`;
	const known = `['exported', 'failed', 'pending'].includes(${q}.status)`;
	return [
		// "not delivered" is Maventa's final network status (the delivery watcher's deliveryStatus column).
		{
			keyName: `={{ ${known} ? 'status' : ${q}.status === 'not delivered' ? 'deliveryStatus' : 'id' }}`,
			condition: `={{ ${known} || ${q}.status === 'not delivered' ? 'eq' : 'gt' }}`,
			keyValue: `={{ ${known} ? ${q}.status : ${q}.status === 'not delivered' ? 'failed' : 0 }}`,
		},
		condition(`${customer} !== ''`, 'customerName', 'ilike', `'%' + ${customer} + '%'`),
		condition(day('from'), 'time', 'gte', `${q}.from`),
		condition(day('to'), 'time', 'lte', `${q}.to + 'T23:59:59.999Z'`),
	];
}

/** A Data Table read of the ledger: the dashboard's filters, newest first. */
function dashboardLedgerRead(limit: string | undefined): Record<string, unknown> {
	return {
		resource: 'row',
		operation: 'get',
		dataTableId: table(LEDGER_TABLE),
		matchType: 'allConditions',
		filters: { conditions: dashboardConditions() },
		returnAll: limit === undefined,
		...(limit === undefined ? {} : { limit }),
		orderBy: true,
		orderByColumn: 'time',
		orderByDirection: 'DESC',
	};
}

/**
 * Webhook GET (Basic Auth) → one of three answers: the HTML page (one page of the filtered ledger and the counters),
 * the CSV of the filtered ledger (`?format=csv`), or the XML of one row (`?xml=<row id>`).
 */
export function dashboardTemplate(): TemplateWorkflow {
	const b = new Builder('dashboard');
	const q = DASHBOARD_QUERY;
	const hook = b.add({
		name: 'Dashboard Page',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 300],
		parameters: {
			httpMethod: 'GET',
			path: 'einvoice-dashboard',
			authentication: 'basicAuth',
			responseMode: 'responseNode',
			options: {},
		},
		credentials: credential('httpBasicAuth', 'Dashboard login'),
		webhookId: 'einvoice-dashboard',
	});
	const answer = b.add({
		name: 'Page, CSV Or XML',
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.2,
		position: [220, 300],
		parameters: {
			mode: 'expression',
			numberOutputs: 3,
			output: `={{ ${q}.xml ? 2 : ${q}.format === 'csv' ? 1 : 0 }}`,
		},
	});
	const counts = b.add({
		name: 'Ledger Counts',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [460, 100],
		parameters: {
			resource: 'row',
			operation: 'get',
			dataTableId: table(LEDGER_TABLE),
			returnAll: true,
			filters: {},
		},
		executeOnce: true,
		alwaysOutputData: true,
	});
	const byStatus = b.add({
		name: 'Count By Status',
		type: 'n8n-nodes-base.summarize',
		typeVersion: 1.1,
		position: [680, 100],
		parameters: {
			fieldsToSummarize: { values: [{ aggregation: 'count', field: 'id' }] },
			fieldsToSplitBy: 'status,deliveryStatus',
			options: { continueIfFieldNotFound: true },
		},
	});
	const page = b.add({
		name: 'Ledger Page',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [900, 100],
		// Page n reads the first n × page size rows (+1 to know whether there is a next page).
		parameters: dashboardLedgerRead(
			`={{ Math.min(Math.max(parseInt(${q}.page) || 1, 1), 10000) * ${DASHBOARD_PAGE_SIZE} + 1 }}`,
		),
		executeOnce: true,
		alwaysOutputData: true,
	});
	const render = b.add({
		name: 'Render Page',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [1120, 100],
		parameters: { mode: 'runOnceForAllItems', jsCode: DASHBOARD_CODE },
	});
	const csvRows = b.add({
		name: 'Ledger CSV',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [460, 300],
		parameters: dashboardLedgerRead(undefined),
		executeOnce: true,
		alwaysOutputData: true,
	});
	const csv = b.add({
		name: 'Render CSV',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [680, 300],
		parameters: { mode: 'runOnceForAllItems', jsCode: DASHBOARD_CSV_CODE },
	});
	const xmlRow = b.add({
		name: 'Ledger Row',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [460, 500],
		parameters: {
			resource: 'row',
			operation: 'get',
			dataTableId: table(LEDGER_TABLE),
			matchType: 'allConditions',
			filters: {
				conditions: [{ keyName: 'id', condition: 'eq', keyValue: `={{ parseInt(${q}.xml) || 0 }}` }],
			},
			limit: 1,
		},
		executeOnce: true,
		alwaysOutputData: true,
	});
	const xml = b.add({
		name: 'Render XML',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [680, 500],
		parameters: { mode: 'runOnceForAllItems', jsCode: DASHBOARD_XML_CODE },
	});
	const respond = b.add({
		name: 'Respond',
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.1,
		position: [1340, 300],
		parameters: {
			respondWith: 'text',
			responseBody: '={{ $json.body }}',
			options: {
				responseCode: '={{ $json.status }}',
				responseHeaders: {
					entries: [
						{ name: 'content-type', value: '={{ $json.contentType }}' },
						{ name: 'content-disposition', value: "={{ $json.disposition ?? 'inline' }}" },
						{ name: 'cache-control', value: 'no-store' },
					],
				},
			},
		},
	});
	b.connect(hook, answer);
	b.connect(answer, counts, 0);
	b.connect(answer, csvRows, 1);
	b.connect(answer, xmlRow, 2);
	b.connect(counts, byStatus);
	b.connect(byStatus, page);
	b.connect(page, render);
	b.connect(csvRows, csv);
	b.connect(xmlRow, xml);
	for (const node of [render, csv, xml]) b.connect(node, respond);
	b.note(
		'Note: Dashboard',
		[-60, -260],
		`## E-invoice dashboard\nActivate this workflow and open **/webhook/einvoice-dashboard** on your n8n URL. It lists the ledger (\`${LEDGER_TABLE}\`): time, source, sender, receiver, number, customer and supplier order numbers, format, destination, status and message, newest first, ${DASHBOARD_PAGE_SIZE} rows a page with *Newer* / *Older* links. Filter by status, customer name and date in the form on top: the filters are Data Table conditions, so only the rows shown are read. *Download CSV* gives every row of the filtered view; each row links to its stored XML (\`?xml=<row id>\`).\n\n**Login required.** The ledger holds customer names and whole invoices, so the Webhook node uses *Basic Auth*: create an **HTTP Basic Auth** credential (user and a long password) and select it in *Dashboard Page* before activating.\n\nThe counters on top (documents, exported, failed, pending) count the whole ledger and so read every row; delete *Ledger Counts* and *Count By Status* (connect the switch to *Ledger Page*) if that becomes slow.`,
		[560, 360],
		4,
	);
	// A page view is not worth an execution record, and each would hold a copy of the ledger rows (customer names,
	// invoices): keep only failed runs.
	return b.workflow(WORKFLOW_IDS.dashboard, 'E-invoice: dashboard', { saveDataSuccessExecution: 'none' });
}

/** The page renderer (runs in n8n's Code node; plain JavaScript, no imports). */
const DASHBOARD_CODE = String.raw`// One page of the filtered ledger (read by "Ledger Page", newest first) and the counters of the whole ledger.
const PAGE_SIZE = ${DASHBOARD_PAGE_SIZE};
const query = $('Dashboard Page').first().json.query ?? {};
const pageNo = Math.min(Math.max(parseInt(query.page) || 1, 1), 10000);
const read = $input.all().map((item) => item.json).filter((row) => row && row.id);
const rows = read.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
const hasOlder = read.length > pageNo * PAGE_SIZE;
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const counts = {};
let undelivered = 0;
for (const c of $('Count By Status').all().map((i) => i.json)) {
	if (!c.status) continue;
	counts[c.status] = (counts[c.status] ?? 0) + Number(c.count_id ?? 0);
	if (c.deliveryStatus === 'failed') undelivered += Number(c.count_id ?? 0);
}
const total = Object.values(counts).reduce((a, b) => a + b, 0);
const count = (s) => counts[s] ?? 0;

const status = String(query.status ?? '');
const from = String(query.from ?? '');
const to = String(query.to ?? '');
const filters = { status, customer: String(query.customer ?? ''), from, to };
const link = (extra) => '?' + Object.entries({ ...filters, ...extra }).filter(([, v]) => v !== '' && v !== undefined).map(([k, v]) => k + '=' + encodeURIComponent(v)).join('&');
const statuses = [...new Set(['exported', 'failed', 'pending', ...Object.keys(counts)])].sort().concat(undelivered ? ['not delivered'] : []);
// Maventa's final network status (the delivery watcher): a failed delivery is shown as failed, the status stays exported.
const rowClass = (r) => (r.deliveryStatus === 'failed' ? 'failed' : r.status);
const network = (r) => (r.deliveryStatus === 'failed' ? ' <span class="badge failed">not delivered</span>' : r.deliveryStatus === 'delivered' ? ' <span class="badge delivered">delivered</span>' : '');
const option = (value, label) => '<option value="' + esc(value) + '"' + (value === status ? ' selected' : '') + '>' + esc(label) + '</option>';
const kindLabel = (k) => (k === 'creditNote' ? 'Credit note' : 'Invoice');
const body = rows.map((r) => '<tr class="' + esc(rowClass(r)) + '">' +
	'<td>' + esc(String(r.time).replace('T', ' ').slice(0, 16)) + '</td>' +
	'<td>' + esc(r.source) + '</td>' +
	'<td class="wrap">' + esc(r.sender) + '</td>' +
	'<td class="wrap">' + esc(r.receiver) + (r.receiverEndpoint ? '<div class="sub">' + esc(r.receiverEndpoint) + '</div>' : '') + '</td>' +
	'<td>' + esc(r.number) + '<div class="sub">' + esc(kindLabel(r.kind)) + '</div></td>' +
	'<td>' + esc(r.customerOrderNo) + '</td>' +
	'<td>' + esc(r.supplierOrderNo) + '</td>' +
	'<td>' + esc(r.format) + '</td>' +
	'<td>' + esc(r.destination) + '</td>' +
	'<td><span class="badge ' + esc(r.status) + '">' + esc(r.status) + '</span>' + network(r) + '</td>' +
	'<td class="msg">' + esc(r.message) + '</td>' +
	'<td>' + (r.xml ? '<a href="?xml=' + encodeURIComponent(r.id) + '" target="_blank">XML</a>' : '') + '</td>' +
	'</tr>').join('');
const first = (pageNo - 1) * PAGE_SIZE + 1;
const range = rows.length ? 'Rows ' + first + '–' + (first + rows.length - 1) + (hasOlder ? '' : ' (last page)') : 'No rows';
const pager = '<nav class="pager">' +
	(pageNo > 1 ? '<a rel="prev" href="' + esc(link({ page: pageNo - 1 > 1 ? pageNo - 1 : '' })) + '">← Newer</a>' : '<span class="off">← Newer</span>') +
	'<span>' + esc(range) + '</span>' +
	(hasOlder ? '<a rel="next" href="' + esc(link({ page: pageNo + 1 })) + '">Older →</a>' : '<span class="off">Older →</span>') +
	'<a class="csv" href="' + esc(link({ format: 'csv' })) + '">Download CSV</a></nav>';
const html = '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
	'<title>E-invoice dashboard</title><style>' +
	'body{font:13px/1.35 system-ui,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}' +
	'header{background:#1f3a5f;color:#fff;padding:10px 16px;display:flex;gap:20px;align-items:baseline}' +
	'header h1{font-size:17px;margin:0}.stat{font-size:13px;opacity:.9}' +
	'form{display:flex;gap:10px;flex-wrap:wrap;padding:8px 16px;background:#fff;border-bottom:1px solid #d9e2ec}' +
	'label{font-size:11px;color:#52606d;display:flex;flex-direction:column;gap:2px}' +
	'input,select,button{font:inherit;padding:3px 6px}button{align-self:flex-end}' +
	'main{padding:8px 16px;overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}' +
	'th,td{padding:4px 6px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}' +
	'td{white-space:nowrap}td.wrap{white-space:normal;min-width:110px;max-width:180px}' +
	'th{background:#f0f4f8;font-size:11px;text-transform:uppercase;color:#52606d;position:sticky;top:0}' +
	'td.msg{white-space:normal;min-width:160px;max-width:260px;font-size:12px}.sub{font-size:11px;color:#7b8794}' +
	'.badge{padding:1px 7px;border-radius:10px;font-size:12px}.badge.exported{background:#e3f9e5;color:#1f6e28}' +
	'.badge.failed{background:#ffe3e3;color:#a61b1b}.badge.pending{background:#fff3c4;color:#8d6708}tr.failed td{background:#fff8f8}.badge.delivered{background:#e3f0ff;color:#1f4f8f}' +
	'.pager{display:flex;gap:16px;align-items:baseline;margin:4px 0 8px}.pager .off{color:#9aa5b1}.pager .csv{margin-left:auto}' +
	'</style></head><body><header><h1>E-invoice dashboard</h1>' +
	'<span class="stat">' + total + ' documents</span><span class="stat">' + count('exported') + ' exported</span><span class="stat">' + count('failed') + ' failed</span><span class="stat">' + count('pending') + ' pending</span>' + (undelivered ? '<span class="stat">' + undelivered + ' not delivered</span>' : '') + '</header>' +
	'<form method="get"><label>Status<select name="status">' + option('', 'All') + statuses.map((s) => option(s, s)).join('') + '</select></label>' +
	'<label>Customer<input name="customer" value="' + esc(filters.customer) + '" placeholder="name contains"></label>' +
	'<label>From<input type="date" name="from" value="' + esc(from) + '"></label>' +
	'<label>To<input type="date" name="to" value="' + esc(to) + '"></label>' +
	'<button type="submit">Filter</button></form><main>' + pager +
	'<table><thead><tr><th>Time (UTC)</th><th>Source</th><th>Sender</th><th>Receiver</th><th>Number</th><th>Customer order no.</th><th>Supplier order no.</th><th>Format</th><th>Destination</th><th>Status</th><th>Message</th><th>Document</th></tr></thead>' +
	'<tbody>' + (body || '<tr><td colspan="12">No documents match.</td></tr>') + '</tbody></table></main></body></html>';
return [{ json: { status: 200, contentType: 'text/html; charset=utf-8', body: html } }];
`;

/** Every row of the filtered view as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read æøå). */
const DASHBOARD_CSV_CODE = String.raw`const columns = ['time', 'source', 'kind', 'sender', 'receiver', 'receiverEndpoint', 'number', 'customerId', 'customerName', 'customerOrderNo', 'supplierOrderNo', 'format', 'destination', 'status', 'message', 'remoteId', 'fileName', 'resends'];
const rows = $input.all().map((item) => item.json).filter((row) => row && row.id);
// A leading = + - @ would make a spreadsheet run the cell as a formula: prefix it with an apostrophe.
const cell = (value) => {
	let text = String(value ?? '');
	if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
	return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
};
const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))];
const day = new Date().toISOString().slice(0, 10);
return [{ json: { status: 200, contentType: 'text/csv; charset=utf-8', disposition: 'attachment; filename="einvoice-ledger-' + day + '.csv"', body: '\uFEFF' + lines.join('\r\n') + '\r\n' } }];
`;

/** The stored XML of one ledger row. */
const DASHBOARD_XML_CODE = String.raw`const row = $input.all().map((item) => item.json).find((r) => r && r.id);
if (!row || !row.xml) return [{ json: { status: 404, contentType: 'text/plain; charset=utf-8', body: 'No stored XML for this row' } }];
return [{ json: { status: 200, contentType: 'application/xml; charset=utf-8', body: row.xml } }];
`;

/** The picker logic of the manual export (n8n Code node, plain JavaScript). */
const MATCH_CODE = String.raw`// Keep the documents the form asked for and give each its state from the export rules and the ledger.
const form = $('Find Invoices').first().json;
const by = form['Find by'];
const wanted = String(form['Invoice numbers'] ?? '').split(/[\s,;]+/).filter(Boolean);
const numberWanted = (n) => wanted.some((w) => {
	const range = /^(\d+)-(\d+)$/.exec(w);
	return range ? Number(n) >= Number(range[1]) && Number(n) <= Number(range[2]) : String(n) === w;
});
const customer = String(form.Customer ?? '').trim().toLowerCase();
const from = String(form.From ?? '');
const to = String(form.To ?? '');
const exported = new Set($('Ledger').all().map((i) => i.json).filter((r) => r.status === 'exported').map((r) => r.key));
// Maventa could not deliver these (the delivery watcher): still exported, so only a Resend sends them again.
const undelivered = new Set($('Ledger').all().map((i) => i.json).filter((r) => r.status === 'exported' && r.deliveryStatus === 'failed').map((r) => r.key));
const out = [];
for (const item of $input.all()) {
	const j = item.json;
	const s = j.source ?? {};
	if (!s.id) continue;
	const date = String(j.invoice?.issueDate ?? '');
	if (by === 'Invoice numbers' && !numberWanted(s.number)) continue;
	if (by === 'Customer' && ![s.customerName, s.customerId].some((v) => String(v ?? '').toLowerCase().includes(customer))) continue;
	if (by === 'Date range' && ((from && date < from) || (to && date > to))) continue;
	const key = [s.system, s.account, s.kind, s.id].join(':');
	const state = j.error ? 'Error' : !j.route?.activated ? 'Not activated' : exported.has(key) ? 'Already exported' : 'Not exported';
	const label = (s.kind === 'creditNote' ? 'Credit note ' : 'Invoice ') + s.number + ' · ' + (s.customerName ?? s.customerId) + ' · ' + date + ' · ' + state + (undelivered.has(key) ? ' (not delivered)' : '');
	out.push({ json: { ...j, key, state, label, reason: j.error ? String(j.error) : (j.route?.reason ?? '') }, binary: item.binary });
}
out.sort((a, b) => String(a.json.source.number).localeCompare(String(b.json.source.number), undefined, { numeric: true }));
return out.length ? out : [{ json: { state: 'none' } }];
`;

const CHOOSE_FORM = String.raw`={{ JSON.stringify((() => {
	const esc = (v) => String(v ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
	const docs = $input.all().map((i) => i.json).filter((j) => j.label);
	const pickable = docs.filter((j) => j.state === 'Not exported' || j.state === 'Already exported');
	const blocked = docs.filter((j) => !pickable.includes(j));
	const count = (state) => docs.filter((j) => j.state === state).length;
	let html = '<p>' + docs.length + ' found: ' + count('Not exported') + ' not exported, ' + count('Already exported') + ' already exported, ' + count('Not activated') + ' not activated.</p>';
	if (blocked.length) html += '<p><strong>Not activated</strong> (activate the customer in the export rules to send these):</p><ul>' + blocked.map((j) => '<li>' + esc(j.label) + (j.reason ? ' (' + esc(j.reason) + ')' : '') + '</li>').join('') + '</ul>';
	const fields = [{ fieldType: 'html', html }];
	if (pickable.length) fields.push({ fieldLabel: 'Documents to export', fieldType: 'checkbox', fieldOptions: { values: pickable.map((j) => ({ option: j.label })) } });
	fields.push({ fieldLabel: 'Resend', fieldType: 'checkbox', fieldOptions: { values: [{ option: 'Send already exported documents again' }] } });
	return fields;
})()) }}`;

const PICKED_CODE = String.raw`// The documents ticked on the form; already exported ones only with "Resend", as a new delivery (resend n).
const answer = $input.first().json;
const picked = new Set(answer['Documents to export'] ?? []);
const resend = (answer['Resend'] ?? []).length > 0;
const rows = new Map($('Ledger').all().map((i) => [i.json.key, i.json]));
return $('Match And Label')
	.all()
	.filter((i) => picked.has(i.json.label) && (i.json.state === 'Not exported' || (resend && i.json.state === 'Already exported')))
	.map((i) => {
		const before = Number(rows.get(i.json.key)?.resends ?? 0);
		const again = i.json.state === 'Already exported';
		return { json: { ...i.json, resends: again ? before + 1 : before, resend: again ? before + 1 : 0 }, binary: i.binary };
	});
`;

/** What the completion page says: counted before the delivery, so it appears when nothing was sent too. */
const PICK_OUTCOME_CODE = String.raw`const answer = $input.first().json;
const picked = answer['Documents to export'] ?? [];
const resend = (answer['Resend'] ?? []).length > 0;
const docs = $('Match And Label').all().map((i) => i.json).filter((j) => picked.includes(j.label));
const skipped = docs.filter((j) => j.state === 'Already exported' && !resend);
return [{ json: { picked: docs.length, skipped: skipped.map((j) => j.label) } }];
`;

const OUTCOME_CODE = String.raw`// Runs once, after every delivery and ledger row of this run (the Merge before it waits for them).
const pick = $('Pick Outcome').first().json;
const exported = $('Run Summary').isExecuted ? $('Run Summary').first().json : { count: 0, text: '' };
const failed = [];
for (let run = 0; $('Ledger: Failed').isExecuted && run < 100; run++) {
	let rows = [];
	try { rows = $('Ledger: Failed').all(0, run); } catch { break; }
	if (!rows.length) break;
	for (const row of rows) failed.push(row.json);
}
const label = (r) => (r.kind === 'creditNote' ? 'Credit note ' : 'Invoice ') + r.number + ' (' + (r.customerName || r.customerId) + ')';
const lines = [];
if (exported.count) lines.push('Exported:\n' + exported.text);
if (failed.length) lines.push('Not sent:\n' + failed.map((r) => label(r) + ': ' + r.message).join('\n'));
if (pick.skipped.length) lines.push('Already exported, not sent again (tick "Resend" to send them again):\n' + pick.skipped.join('\n'));
if (!pick.picked) lines.push('No document was picked.');
const title = exported.count + ' document(s) exported' + (failed.length ? ', ' + failed.length + ' failed' : '');
return [{ json: { title, message: lines.join('\n\n') } }];
`;

/** Form Trigger → find documents (by numbers, customer or dates) → states → pick → the same delivery as the schedule. */
export function manualExportTemplate(): TemplateWorkflow {
	const b = new Builder('manual');
	const form = b.add({
		name: 'Find Invoices',
		type: 'n8n-nodes-base.formTrigger',
		typeVersion: 2.2,
		position: [0, 300],
		parameters: {
			path: 'einvoice-manual-export',
			formTitle: 'Export e-invoices',
			formDescription:
				'Find invoices and credit notes by number, customer or date. The next page lists them as Not activated, Not exported or Already exported; tick the ones to send.',
			formFields: {
				values: [
					{
						fieldLabel: 'Source',
						fieldType: 'dropdown',
						fieldOptions: { values: [{ option: 'Dinero' }, { option: 'Billy' }] },
						requiredField: true,
					},
					{
						fieldLabel: 'Find by',
						fieldType: 'dropdown',
						fieldOptions: { values: [{ option: 'Invoice numbers' }, { option: 'Customer' }, { option: 'Date range' }] },
						requiredField: true,
					},
					{ fieldLabel: 'Invoice numbers', placeholder: 'e.g. 1001, 1005-1010' },
					{ fieldLabel: 'Customer', placeholder: 'customer name or id' },
					{ fieldLabel: 'From', fieldType: 'date' },
					{ fieldLabel: 'To', fieldType: 'date' },
				],
			},
			options: {},
		},
		webhookId: 'einvoice-manual-export',
	});
	const source = b.add({
		name: 'Source',
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.2,
		position: [240, 300],
		parameters: {
			rules: {
				values: ['Dinero', 'Billy'].map((label) => ({
					conditions: oneCondition(`manual-source-${label}`, '={{ $json.Source }}', label),
					renameOutput: true,
					outputKey: label,
				})),
			},
			options: {},
		},
	});
	const dateFilter = {
		dateFrom: "={{ $json['Find by'] === 'Date range' && $json.From ? $json.From : '' }}",
		dateTo: "={{ $json['Find by'] === 'Date range' && $json.To ? $json.To : '' }}",
	};
	// Dinero's list has no lines: each document is fetched in full (100 requests a minute), so the node narrows the
	// list by number or customer first. Billy's list carries the lines, and "Match And Label" narrows both anyway.
	const dineroFilter = {
		...dateFilter,
		// Only a well-formed list: anything else lists everything, and "Match And Label" finds nothing to show.
		numbers:
			"={{ $json['Find by'] === 'Invoice numbers' && /^[\\s,;]*\\d+(-\\d+)?([\\s,;]+\\d+(-\\d+)?)*[\\s,;]*$/.test(String($json['Invoice numbers'] ?? '')) ? String($json['Invoice numbers']) : '' }}",
		customerText: "={{ $json['Find by'] === 'Customer' ? String($json.Customer ?? '') : '' }}",
	};
	const dineroSeller = (SOURCES.dinero.trigger.parameters as Record<string, unknown>).sellerDetails;
	const fetchers = [
		b.add({
			name: 'Dinero Invoices',
			type: `${PACKAGE}.dinero`,
			typeVersion: 1,
			position: [480, 80],
			parameters: {
				authentication: 'dineroApi',
				resource: 'invoice',
				operation: 'getMany',
				returnAll: true,
				filters: dineroFilter,
				output: 'canonical',
				options: {},
				sellerDetails: dineroSeller,
			},
			credentials: credential('dineroApi', 'Dinero account'),
		}),
		b.add({
			name: 'Dinero Credit Notes',
			type: `${PACKAGE}.dinero`,
			typeVersion: 1,
			position: [480, 240],
			parameters: {
				authentication: 'dineroApi',
				resource: 'creditNote',
				operation: 'getMany',
				returnAll: true,
				filters: dineroFilter,
				output: 'canonical',
				options: {},
				sellerDetails: dineroSeller,
			},
			credentials: credential('dineroApi', 'Dinero account'),
		}),
		...(['invoice', 'creditNote'] as const).map((resource, i) =>
			b.add({
				name: resource === 'invoice' ? 'Billy Invoices' : 'Billy Credit Notes',
				type: `${PACKAGE}.billy`,
				typeVersion: 1,
				position: [480, 400 + i * 160],
				parameters: {
					resource,
					operation: 'getMany',
					returnAll: true,
					filters: { status: 'approved', ...dateFilter },
					options: { output: 'canonical', paymentDetails: { iban: 'DK5000400440116243', bic: 'DABADKKK' } },
				},
				credentials: credential('billyApi', 'Billy account'),
			}),
		),
	];
	const found = b.add({
		name: 'Found',
		type: 'n8n-nodes-base.merge',
		typeVersion: 3.2,
		position: [720, 300],
		parameters: { mode: 'append', numberInputs: 4 },
	});
	const rules = b.add(readWholeTable('Export Rules', RULES_TABLE, [960, 480]));
	const ledger = b.add(readWholeTable('Ledger', LEDGER_TABLE, [1200, 480]));
	const loaded = b.add(waitForSideInput('Documents With Rules Loaded', [1440, 300]));
	const resolve = b.add(
		resolveRoute(
			[1680, 300],
			'maventa',
			"={{ JSON.stringify($('Export Rules').all().map((row) => row.json).filter((rule) => rule.customerId && (!rule.system || rule.system === $('Find Invoices').first().json.Source.toLowerCase()))) }}",
		),
	);
	const matches = b.add({
		name: 'Matches',
		type: 'n8n-nodes-base.merge',
		typeVersion: 3.2,
		position: [1920, 300],
		parameters: { mode: 'append', numberInputs: 3 },
	});
	const label = b.add({
		name: 'Match And Label',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [2160, 300],
		parameters: { mode: 'runOnceForAllItems', jsCode: MATCH_CODE },
	});
	const choose = b.add({
		name: 'Choose Documents',
		type: 'n8n-nodes-base.form',
		typeVersion: 1,
		position: [2400, 300],
		parameters: {
			operation: 'page',
			defineForm: 'json',
			jsonOutput: CHOOSE_FORM,
			options: { formTitle: 'Choose the documents to export', buttonLabel: 'Export selected' },
		},
		webhookId: 'einvoice-manual-export-choose',
	});
	const picked = b.add({
		name: 'Picked Documents',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [2640, 300],
		parameters: { mode: 'runOnceForAllItems', jsCode: PICKED_CODE },
	});
	const { ubl, keyFailed, summary } = addDelivery(b, 'Manual export', 'manual', 2880, undefined, { resend: true });
	const pickOutcome = b.add({
		name: 'Pick Outcome',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [2640, -100],
		parameters: { mode: 'runOnceForAllItems', jsCode: PICK_OUTCOME_CODE },
	});
	const finished = b.add({
		name: 'Export Finished',
		type: 'n8n-nodes-base.merge',
		typeVersion: 3.2,
		position: [2880 + 3400, -260],
		parameters: { mode: 'append', numberInputs: 2 },
	});
	const outcome = b.add({
		name: 'Outcome',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [2880 + 3640, -260],
		parameters: { mode: 'runOnceForAllItems', jsCode: OUTCOME_CODE },
	});
	const done = b.add({
		name: 'Done',
		type: 'n8n-nodes-base.form',
		typeVersion: 1,
		position: [2880 + 3880, -260],
		parameters: {
			operation: 'completion',
			respondWith: 'text',
			completionTitle: '={{ $json.title }}',
			completionMessage: '={{ $json.message }}',
			options: {},
		},
		webhookId: 'einvoice-manual-export-done',
	});
	b.connect(form, source);
	b.connect(source, fetchers[0], 0);
	b.connect(source, fetchers[1], 0);
	b.connect(source, fetchers[2], 1);
	b.connect(source, fetchers[3], 1);
	fetchers.forEach((node, index) => b.connect(node, found, 0, index));
	b.connect(found, loaded, 0, 0);
	b.connect(found, rules);
	b.connect(rules, ledger);
	b.connect(ledger, loaded, 0, 1);
	b.connect(loaded, resolve);
	b.connect(resolve, matches, 0, 0);
	b.connect(resolve, matches, 1, 1);
	b.connect(resolve, matches, 2, 2);
	b.connect(matches, label);
	b.connect(label, choose);
	b.connect(choose, picked);
	b.connect(picked, ubl);
	// The page always appears: "Export Finished" has the pick at once and waits for the run summary, if any.
	b.connect(choose, pickOutcome);
	b.connect(pickOutcome, finished, 0, 0);
	b.connect(summary, finished, 0, 1);
	b.connect(finished, outcome);
	b.connect(outcome, done);
	void keyFailed;
	b.note(
		'Note: Manual Export',
		[-60, -260],
		`## Manual export\nActivate this workflow and open **/form/einvoice-manual-export**. Pick the source and find documents by invoice numbers (\`1001, 1005-1010\`), customer (name or id) or date range. The next page lists every match as **Not activated** (no export rule activates the customer; shown, not selectable), **Not exported** or **Already exported** (from the ledger \`${LEDGER_TABLE}\`). Ticked documents go through the same route as the scheduled export and are written to the ledger; an already exported document is only sent again when *Resend* is ticked, and then as a new delivery (its own delivery key \`…:resend-<n>\`, so Maventa, Zenvoices and HTTP gateways do not drop it as a duplicate; *resends* in the ledger row counts them). The last page always says what happened: exported, failed with the reason, or why nothing was sent.`,
		[560, 340],
		4,
	);
	return b.workflow(WORKFLOW_IDS.manual, 'E-invoice: manual export');
}

/** Contacts → HubBroker Network: Match customers → suggested export rules (inactive unless auto-activate). */
export function matchCustomersTemplate(): TemplateWorkflow {
	const b = new Builder('match');
	const trigger = b.add({
		name: 'Every Monday',
		type: 'n8n-nodes-base.scheduleTrigger',
		typeVersion: 1.2,
		position: [0, 300],
		parameters: { rule: { interval: [{ field: 'weeks', triggerAtDay: [1], triggerAtHour: 6 }] } },
	});
	const settings = b.add({
		name: 'Settings',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [240, 300],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: 'match-source', name: 'source', value: 'dinero', type: 'string' },
					{ id: 'match-auto', name: 'autoActivate', value: false, type: 'boolean' },
					{ id: 'match-destination', name: 'destination', value: 'maventa', type: 'string' },
				],
			},
			options: {},
		},
	});
	const source = b.add({
		name: 'Source',
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.2,
		position: [480, 300],
		parameters: {
			rules: {
				values: ['dinero', 'billy'].map((value) => ({
					conditions: {
						options: { caseSensitive: false, leftValue: '', typeValidation: 'strict', version: 2 },
						conditions: [
							{
								id: `match-source-${value}`,
								leftValue: '={{ $json.source }}',
								rightValue: value,
								operator: { type: 'string', operation: 'equals' },
							},
						],
						combinator: 'and',
					},
					renameOutput: true,
					outputKey: value === 'dinero' ? 'Dinero' : 'Billy',
				})),
			},
			options: {},
		},
	});
	const dinero = b.add({
		name: 'Dinero Contacts',
		type: `${PACKAGE}.dinero`,
		typeVersion: 1,
		position: [720, 200],
		parameters: {
			authentication: 'dineroApi',
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			contactFilters: {},
		},
		credentials: credential('dineroApi', 'Dinero account'),
	});
	const billy = b.add({
		name: 'Billy Contacts',
		type: `${PACKAGE}.billy`,
		typeVersion: 1,
		position: [720, 400],
		parameters: { resource: 'contact', operation: 'getMany', returnAll: true, contactFilters: { isCustomer: true } },
		credentials: credential('billyApi', 'Billy account'),
	});
	const contacts = b.add({
		name: 'Contacts',
		type: 'n8n-nodes-base.merge',
		typeVersion: 3.2,
		position: [960, 300],
		parameters: { mode: 'append', numberInputs: 2 },
	});
	const match = b.add({
		name: 'Match Customers',
		type: `${PACKAGE}.hubBrokerNetwork`,
		typeVersion: 1,
		position: [1200, 300],
		parameters: {
			resource: 'participant',
			operation: 'matchCustomers',
			smlZone: 'production',
			dnsResolver: 'system',
			identifierFields: {},
			preferredFormat: 'peppol-bis3',
			matchDestination: "={{ $('Settings').first().json.destination }}",
		},
		onError: 'continueRegularOutput',
	});
	const matched = b.add({
		name: 'Matched',
		type: 'n8n-nodes-base.filter',
		typeVersion: 2.2,
		position: [1440, 300],
		parameters: {
			conditions: oneCondition(
				'match-matched',
				'={{ $json.match?.matched === true && !!$json.match?.suggestedRule }}',
				undefined,
				'loose',
			),
			options: {},
		},
	});
	const suggested = b.add({
		name: 'Suggested Rule',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [1680, 300],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: 'rule-system', name: 'system', value: "={{ $('Settings').first().json.source }}", type: 'string' },
					{
						id: 'rule-customer',
						name: 'customerId',
						value: '={{ String($json.match.suggestedRule.customerId ?? $json.match.customerId) }}',
						type: 'string',
					},
					{ id: 'rule-name', name: 'customerName', value: '={{ $json.match.name ?? "" }}', type: 'string' },
					{
						id: 'rule-activated',
						name: 'activated',
						value: "={{ $('Settings').first().json.autoActivate }}",
						type: 'boolean',
					},
					{ id: 'rule-format', name: 'format', value: '={{ $json.match.suggestedRule.format }}', type: 'string' },
					{
						id: 'rule-destination',
						name: 'destination',
						value: '={{ $json.match.suggestedRule.destination }}',
						type: 'string',
					},
					{
						id: 'rule-endpoint',
						name: 'receiverEndpoint',
						value:
							"={{ ((e) => (e && e.id ? e.scheme + ':' + e.id : ''))($json.match.suggestedRule.receiver?.endpoint ?? $json.match.endpoint) }}",
						type: 'string',
					},
					{
						id: 'rule-note',
						name: 'note',
						value:
							"=Matched on the PEPPOL network {{ $now.toISODate() }} ({{ $json.match.participantId }}{{ $json.match.suggestedRule.creditNotes ? '' : ', no credit notes' }})",
						type: 'string',
					},
				],
			},
			options: {},
		},
	});
	const fresh = b.add({
		name: 'Not In Rules Yet',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [1920, 300],
		parameters: {
			resource: 'row',
			operation: 'rowNotExists',
			dataTableId: table(RULES_TABLE),
			matchType: 'allConditions',
			filters: {
				conditions: [
					{ keyName: 'system', condition: 'eq', keyValue: '={{ $json.system }}' },
					{ keyName: 'customerId', condition: 'eq', keyValue: '={{ $json.customerId }}' },
				],
			},
		},
	});
	const ruleColumns = [
		'system',
		'customerId',
		'customerName',
		'activated',
		'format',
		'destination',
		'receiverEndpoint',
		'note',
	];
	const insert = b.add({
		name: 'Add Suggested Rule',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [2160, 300],
		parameters: {
			resource: 'row',
			operation: 'insert',
			dataTableId: table(RULES_TABLE),
			columns: {
				mappingMode: 'defineBelow',
				value: Object.fromEntries(ruleColumns.map((name) => [name, `={{ $json.${name} }}`])),
				matchingColumns: [],
				schema: RULE_COLUMNS.map(([name, type]) => ({
					id: name,
					displayName: name,
					required: false,
					defaultMatch: false,
					display: true,
					type,
					readOnly: false,
					removed: !ruleColumns.includes(name),
				})),
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
			options: {},
		},
	});
	b.connect(trigger, settings);
	b.connect(settings, source);
	b.connect(source, dinero, 0);
	b.connect(source, billy, 1);
	b.connect(dinero, contacts, 0, 0);
	b.connect(billy, contacts, 0, 1);
	b.connect(contacts, match);
	b.connect(match, matched);
	b.connect(matched, suggested);
	b.connect(suggested, fresh);
	b.connect(fresh, insert);
	b.note(
		'Note: Match Customers',
		[-60, -280],
		`## Match customers on the network\nOnce a week (or *Execute workflow*) the customers of your accounting system are looked up on the PEPPOL network (SML/SMP, which includes the Danish NemHandel registry) by CVR, VAT number, EAN/GLN or endpoint. A customer that receives e-invoices gets a **suggested rule** in the Data Table \`${RULES_TABLE}\`: format, destination and its endpoint, **inactive** (activated = false) so you review it first. Customers that already have a rule are left alone.\n\n**Settings**: *source* (\`dinero\` or \`billy\`), *autoActivate* (true: matched customers are exported from the next run on, "help me activate customers automatically"), *destination* for matched customers (\`maventa\`).`,
		[620, 360],
		4,
	);
	return b.workflow(WORKFLOW_IDS.match, 'E-invoice: match customers on the network');
}

/** A Data Table update of the ledger row with this item's key, or `key` (the same column mapping as `ledgerUpsert`). */
function ledgerUpdate(values: Record<string, string>, key?: string): Record<string, unknown> {
	return { ...ledgerUpsert(values, key), operation: 'update' };
}

/** Defaults of the Maventa delivery watcher. */
export const DELIVERY_WATCH = { minutes: 15 } as const;

/** The reason for a status the watcher could not read (n8n Code node: one e-mail per run, not one per row). */
const STATUS_UNREAD_CODE = String.raw`const rows = $input.all().map((item) => item.json);
const label = (r) => (r.kind === 'creditNote' ? 'Credit note ' : 'Invoice ') + r.number + ' (' + (r.customerName || r.customerId || 'unknown customer') + ', Maventa id ' + r.remoteId + ')';
const lines = rows.map((r) => label(r) + ': ' + (typeof r.error === 'string' ? r.error : (r.error?.message ?? 'unknown error')));
return [{ json: { count: rows.length, text: lines.join('\n') } }];
`;

/**
 * "Maventa: watch delivery status": every 15 minutes the ledger rows sent to Maventa without a final network status
 * → Maventa Send: Get Status → delivered: the row says so; failed: the row says so and one e-mail; pending: nothing
 * (asked again next time). The row keeps status `exported`, so the export templates never send it again on their
 * own; the manual export's Resend sends it as a new delivery and clears the column.
 */
export function deliveryStatusTemplate(): TemplateWorkflow {
	const b = new Builder('maventa-status');
	const schedule = b.add({
		name: 'Every 15 Minutes',
		type: 'n8n-nodes-base.scheduleTrigger',
		typeVersion: 1.2,
		position: [0, 300],
		parameters: { rule: { interval: [{ field: 'minutes', minutesInterval: DELIVERY_WATCH.minutes }] } },
	});
	const open = b.add({
		name: 'Awaiting Final Status',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [240, 300],
		parameters: {
			resource: 'row',
			operation: 'get',
			dataTableId: table(LEDGER_TABLE),
			matchType: 'allConditions',
			filters: {
				conditions: [
					{ keyName: 'destination', condition: 'eq', keyValue: 'maventa' },
					{ keyName: 'status', condition: 'eq', keyValue: 'exported' },
					{ keyName: 'remoteId', condition: 'isNotEmpty' },
					{ keyName: 'deliveryStatus', condition: 'isEmpty' },
				],
			},
			returnAll: true,
		},
	});
	const status = b.add({
		name: 'Maventa Get Status',
		type: `${PACKAGE}.maventaSend`,
		typeVersion: 1,
		position: [480, 300],
		parameters: { operation: 'getStatus', invoiceId: '={{ $json.remoteId }}', includeActions: true },
		credentials: credential('maventaApi', 'Maventa account'),
		onError: 'continueErrorOutput',
	});
	const outcome = b.add({
		name: 'Network Status',
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.2,
		position: [720, 200],
		parameters: {
			rules: {
				values: [
					['delivered', 'Delivered'],
					['failed', 'Failed'],
				].map(([value, label]) => ({
					conditions: oneCondition(`maventa-status-${value}`, '={{ $json.delivery.status }}', value),
					renameOutput: true,
					outputKey: label,
				})),
			},
			// Still pending: no output, the next run asks again.
			options: {},
		},
	});
	const checked = '{{ $now.toUTC().toISO() }}';
	const delivered = b.add({
		name: 'Ledger: Delivered',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [960, 100],
		parameters: ledgerUpdate({
			deliveryStatus: '=delivered',
			message: `={{ $json.delivery.message }} (Maventa status DELIVERED, checked ${checked})`,
		}),
	});
	const failed = b.add({
		name: 'Ledger: Not Delivered',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [960, 300],
		parameters: ledgerUpdate({
			deliveryStatus: '=failed',
			message: `=Maventa could not deliver it: {{ $json.delivery.message }} (Maventa status {{ $json.delivery.remoteStatus }}, checked ${checked})`,
		}),
	});
	const docLabel =
		"{{ {dinero: 'Dinero', billy: 'Billy', severa: 'Severa'}[$json.source] ?? $json.source }} {{ $json.kind === 'creditNote' ? 'credit note' : 'invoice' }} {{ $json.number }}";
	const notifyFailed = b.add({
		name: 'Notify: Not Delivered',
		type: 'n8n-nodes-base.emailSend',
		typeVersion: 2.1,
		position: [1920, 300],
		parameters: {
			fromEmail: NOTIFY_FROM,
			toEmail: NOTIFY_TO,
			subject: `=E-invoice not delivered: ${docLabel} ({{ $json.customerName }})`,
			emailFormat: 'text',
			// A Severa row says where its invoice is now (Severa Outcome); the others are sent again with the manual export.
			text: `=${docLabel} to {{ $json.customerName }} was accepted by Maventa, but Maventa could not deliver it to the receiver{{ $json.receiverEndpoint ? ' (' + $json.receiverEndpoint + ')' : '' }}.\n\nReason: {{ $json.message }}\n\nMaventa invoice id: {{ $json.remoteId }}\n\n{{ $json.source === 'severa' && $json.severa ? $json.severa : 'The ledger row stays "exported" with delivery status "failed" (red on the dashboard), so it is not sent again on its own. Fix the cause (the receiver\\'s e-invoice address, or an e-mail route in Maventa) and send it again with the "E-invoice: manual export" form, ticking "Resend".' }}`,
			options: {},
		},
		credentials: smtp,
	});
	const unread = b.add({
		name: 'Status Not Read',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [720, 500],
		parameters: { mode: 'runOnceForAllItems', jsCode: STATUS_UNREAD_CODE },
	});
	const notifyUnread = b.add({
		name: 'Notify: Status Not Read',
		type: 'n8n-nodes-base.emailSend',
		typeVersion: 2.1,
		position: [960, 500],
		parameters: {
			fromEmail: NOTIFY_FROM,
			toEmail: NOTIFY_TO,
			subject: '=E-invoice delivery status not read: {{ $json.count }} document(s)',
			emailFormat: 'text',
			text: '=Maventa did not answer the status of these documents; they are asked again at the next run:\n\n{{ $json.text }}',
			options: {},
		},
		credentials: smtp,
	});
	b.connect(schedule, open);
	b.connect(open, status);
	b.connect(status, outcome, 0);
	b.connect(status, unread, 1);
	b.connect(outcome, delivered, 0);
	b.connect(outcome, failed, 1);
	// Severa rows (source severa, from the Severa → Maventa template) also move their invoice to the status after error.
	const fromSevera = b.add(
		ifNode('From Severa?', [1200, 300], oneCondition('maventa-status-severa', '={{ $json.source }}', 'severa')),
	);
	const severaStatus = b.add({
		name: 'Severa: Set Status After Error',
		type: `${PACKAGE}.severaInvoiceStatus`,
		typeVersion: 1,
		position: [1440, 160],
		parameters: {
			resource: 'invoice',
			operation: 'setStatus',
			invoiceId: '={{ $json.documentId }}',
			status: { __rl: true, mode: 'list', value: '', cachedResultName: 'Choose: Severa status after error' },
		},
		credentials: credential('severaApi', 'Visma Severa account'),
		onError: 'continueErrorOutput',
	});
	const severaOutcome = b.add({
		name: 'Severa Outcome',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [1680, 160],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					// The ledger row's source (the Severa node puts the item contract's source object there).
					{ id: 'maventa-status-severa-source', name: 'source', value: 'severa', type: 'string' },
					{
						id: 'maventa-status-severa-outcome',
						name: 'severa',
						value:
							"={{ $json.error ? 'The Severa status could not be set: move the invoice to the status after error in Severa yourself. Severa answered: ' + (typeof $json.error === 'string' ? $json.error : ($json.error.message ?? 'unknown error')) : 'The Severa invoice is now in the status \"' + ($json.severaStatus?.name ?? $json.severaStatus?.guid) + '\". Moving it back to the status of invoices to transfer does not deliver it again: Maventa answers the same document id with this failed invoice. Fix the cause (the receiver\\'s e-invoice address, or an e-mail route in Maventa) and deliver it from Maventa or another way.' }}",
						type: 'string',
					},
				],
			},
			includeOtherFields: true,
			options: {},
		},
	});
	b.connect(failed, fromSevera);
	b.connect(fromSevera, severaStatus, 0);
	b.connect(fromSevera, notifyFailed, 1);
	b.connect(severaStatus, severaOutcome, 0);
	b.connect(severaStatus, severaOutcome, 1);
	b.connect(severaOutcome, notifyFailed);
	b.connect(unread, notifyUnread);
	b.note(
		'Note: Delivery Status',
		[-60, -300],
		`## Maventa: watch delivery status\nMaventa accepting a document (ledger status \`exported\`) is not the end: it may still fail to reach the receiver. Every **${DELIVERY_WATCH.minutes} minutes** (change it in *Every ${DELIVERY_WATCH.minutes} Minutes*) **Awaiting Final Status** reads the ledger rows (\`${LEDGER_TABLE}\`) with destination \`maventa\`, status \`exported\`, a Maventa id (*remoteId*) and no *deliveryStatus* yet, and **Maventa Get Status** asks Maventa for each.\n\n• **DELIVERED**: *deliveryStatus* becomes \`delivered\` with the route in *message*. No e-mail.\n• **FAILED**: *deliveryStatus* becomes \`failed\` with Maventa's reason in *message* (red on the dashboard) and **one e-mail** names the document, the customer and the reason. The row has a final status now, so a later run never notifies it again.\n• **PENDING**: nothing; asked again at the next run.`,
		[560, 400],
		4,
	);
	b.note(
		'Note: Resend',
		[520, -300],
		'## Why the status stays `exported`\nThe export templates send a document only when the ledger has no `exported` row for it. A failed delivery keeps `exported`, so a re-poll or the catch-up pass never sends it again silently (Maventa would only answer with the same failed invoice: same uuid). Send it again on purpose with **E-invoice: manual export** and *Resend*: that is a new Maventa invoice, its row gets the new id and an empty *deliveryStatus*, and this workflow watches it again.\n\nIf Maventa does not answer for a document (an error, an unknown id), its row is left as it is and **one e-mail per run** lists those documents.',
		[520, 400],
		5,
	);
	b.note(
		'Note: Severa',
		[1100, -300],
		`## Severa invoices\nRows of the *Severa → Maventa/AutoInvoice* template (*source* \`severa\`) are watched like the others. When Maventa reports one **FAILED**, **Severa: Set Status After Error** also moves the Severa invoice to the status after error: choose that status there (**New Status**, the same as *Set Status After Error* in the Severa template) and the Severa credential. DELIVERED changes nothing in Severa. Moving the invoice back to the status to transfer does not deliver it again (Maventa answers the same document id with the failed invoice); the e-mail says so. If Severa refuses the change, the row still says \`failed\` and the one e-mail says the status could not be set, naming the invoice and Severa's answer. No Severa? Delete *From Severa?*, the two Severa nodes, and connect *Ledger: Not Delivered* to *Notify: Not Delivered*.`,
		[440, 400],
		7,
	);
	return b.workflow(WORKFLOW_IDS.deliveryStatus, 'Maventa: watch delivery status');
}

/** The reason a Severa invoice was not transferred: the node's error, else the document's fatal findings. */
const SEVERA_REASON =
	"($json.error ? (typeof $json.error === 'string' ? $json.error : ($json.error.message ?? 'unknown error')) : ($json.document && $json.document.findings ? $json.document.findings.filter(f => f.flag === 'fatal').map(f => f.id + ': ' + f.message).join('; ') : 'unknown'))";

/** Ledger columns of a Severa invoice sent to (or refused before/by) Maventa. */
function severaLedgerValues(status: 'exported' | 'failed'): Record<string, string> {
	return {
		...ledgerValues(status),
		// The template has no route: every invoice goes to Maventa.
		destination: '=maventa',
		...(status === 'failed' ? { message: `={{ ${SEVERA_REASON} }}` } : {}),
		// No catch-up pass here to send a notice left due: the e-mail goes out in the same run as the row.
		notice: '={{ "" }}',
	};
}

/**
 * "Severa → Maventa/AutoInvoice": Severa Invoice Status Trigger → Invoice to UBL → Maventa Send → status after
 * transfer + exported ledger row; every failure → status after error + one e-mail + failed ledger row. The statuses
 * are Severa's own workflow, so no export rules and no ledger check before sending: the trigger emits an invoice
 * when it enters the status to transfer, and the status moves on after the run.
 */
export function severaTemplate(): TemplateWorkflow {
	const b = new Builder('severa-maventa');
	const severa = credential('severaApi', 'Visma Severa account');
	const setStatus = (name: string, position: [number, number], choose: string): Omit<TemplateNode, 'id'> => ({
		name,
		type: `${PACKAGE}.severaInvoiceStatus`,
		typeVersion: 1,
		position,
		parameters: {
			resource: 'invoice',
			operation: 'setStatus',
			invoiceId: '={{ $json.source.id }}',
			status: { __rl: true, mode: 'list', value: '', cachedResultName: choose },
		},
		credentials: severa,
	});
	const trigger = b.add({
		name: 'Severa Invoice Status Trigger',
		type: `${PACKAGE}.severaInvoiceStatusTrigger`,
		typeVersion: 1,
		position: [0, 300],
		parameters: {
			pollTimes: { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] },
			status: { __rl: true, mode: 'list', value: '', cachedResultName: 'Choose: status of invoices to transfer' },
			downloadPdf: true,
			includeExisting: true,
			options: {},
		},
		credentials: severa,
	});
	const ubl = b.add({
		name: 'Invoice to UBL',
		type: `${PACKAGE}.invoiceToUbl`,
		typeVersion: 1,
		position: [260, 300],
		parameters: {
			invoiceSource: 'field',
			invoiceField: 'invoice',
			format: 'peppol-bis3',
			onInvalid: 'output',
			options: { attachPdf: true, pdfProperty: 'pdf', fileName: '{kind}-{number}.xml' },
		},
		onError: 'continueErrorOutput',
	});
	const maventa = b.add({
		name: 'Maventa Send',
		type: `${PACKAGE}.maventaSend`,
		typeVersion: 1,
		position: [560, 200],
		parameters: {
			operation: 'send',
			documentProperty: 'document',
			sendOriginalPdf: true,
			pdfProperty: 'pdf',
			sendByEmail: true,
			options: {},
		},
		credentials: credential('maventaApi', 'Maventa account'),
		onError: 'continueErrorOutput',
	});
	const transferred = b.add(setStatus('Set Status After Transfer', [860, 100], 'Choose: status after transfer'));
	const afterError = b.add({
		...setStatus('Set Status After Error', [860, 460], 'Choose: status after error'),
		onError: 'continueRegularOutput',
	});
	const notify = b.add({
		name: 'Notify by E-mail',
		type: 'n8n-nodes-base.emailSend',
		typeVersion: 2.1,
		position: [1120, 460],
		parameters: {
			fromEmail: NOTIFY_FROM,
			toEmail: NOTIFY_TO,
			subject:
				"=E-invoice transfer failed: {{ $json.source.kind === 'creditNote' ? 'credit note' : 'invoice' }} {{ $json.source.number }} ({{ $json.source.customerName }})",
			emailFormat: 'text',
			text: "=Visma Severa {{ $json.source.kind === 'creditNote' ? 'credit note' : 'invoice' }} {{ $json.source.number }} to {{ $json.source.customerName }} was not transferred to Maventa.\n\nReason: {{ $json.error ? $json.error : ($json.document && $json.document.findings ? $json.document.findings.filter(f => f.flag === 'fatal').map(f => f.id + ': ' + f.message).join('; ') : 'unknown') }}\n\nThe invoice is now in the status \"{{ $json.source.status }}\". Fix it in Severa and move it back to the status of invoices to transfer to send it again.",
			options: {},
		},
		credentials: smtp,
	});
	const readXml = b.add({
		name: 'Read XML',
		type: 'n8n-nodes-base.extractFromFile',
		typeVersion: 1.1,
		position: [1120, 100],
		parameters: {
			operation: 'text',
			binaryPropertyName: 'document',
			destinationKey: 'xml',
			options: { keepSource: 'both' },
		},
	});
	const key = (name: string, id: string, position: [number, number]) =>
		b.add({
			name,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position,
			parameters: {
				mode: 'manual',
				assignments: { assignments: [{ id, name: 'key', value: DOCUMENT_KEY, type: 'string' }] },
				includeOtherFields: true,
				options: {},
			},
		});
	const keyExported = key('Document Key', 'severa-key-ok', [1360, 100]);
	const ledgerOk = b.add({
		name: 'Ledger: Exported',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [1600, 100],
		parameters: ledgerUpsert(severaLedgerValues('exported')),
	});
	const keyFailed = key('Failed Document Key', 'severa-key-failed', [1120, 720]);
	const ledgerFailed = b.add({
		name: 'Ledger: Failed',
		type: 'n8n-nodes-base.dataTable',
		typeVersion: 1.1,
		position: [1360, 720],
		parameters: ledgerUpsert(severaLedgerValues('failed')),
	});
	b.connect(trigger, ubl);
	b.connect(ubl, maventa, 0);
	// Output 2: invalid documents (pre-flight), output 3: errors.
	b.connect(ubl, afterError, 1);
	b.connect(ubl, afterError, 2);
	b.connect(maventa, transferred, 0);
	b.connect(maventa, afterError, 1);
	b.connect(afterError, notify);
	b.connect(afterError, keyFailed);
	b.connect(transferred, readXml);
	b.connect(readXml, keyExported);
	b.connect(keyExported, ledgerOk);
	b.connect(keyFailed, ledgerFailed);
	b.note(
		'Note: statuses',
		[-40, -220],
		'## The three statuses\n**Status of invoices to transfer** (trigger): invoices moved into it are sent. It must *not* be flagged "Sent" in Severa; the trigger refuses such a status ("Status of the invoices to be transferred can not be sent").\n\n**Status after transfer** (Set Status After Transfer): where a sent invoice lands, typically flagged Sent + read-only.\n\n**Status after error** (Set Status After Error): where an invoice lands when it could not be sent. Fix it and move it back to the transfer status.',
		[420, 300],
		4,
	);
	b.note(
		'Note: original PDF',
		[420, -220],
		'## Send original PDF\nOn in three places: the trigger downloads the PDF (*Download Original PDF*), Invoice to UBL embeds it in the e-invoice (*Attach Original PDF*), and Maventa Send uploads XML + PDF as one ZIP (*Send Original PDF*). Turn all three off to send the invoice data only.',
		[380, 260],
		5,
	);
	b.note(
		'Note: e-mail fallback',
		[820, -220],
		"## Send by e-mail when no e-invoice address\n*Send by E-mail When No E-Invoice Address* in Maventa Send gives Maventa the customer's invoice e-mail. Maventa tries the e-invoice address first and uses the e-mail when the customer cannot receive e-invoices.",
		[360, 260],
		6,
	);
	b.note(
		'Note: notifications',
		[1080, 220],
		'## Notification e-mail addresses\nPut the addresses that should hear about failed transfers in **To Email** of *Notify by E-mail* (comma-separated), and set up an SMTP credential. One e-mail goes out per failed invoice, naming it and the reason.',
		[340, 220],
		3,
	);
	b.note(
		'Note: ledger',
		[1220, -220],
		`## The ledger (Data Table \`${LEDGER_TABLE}\`)\nEvery invoice gets one row, upserted by its key \`severa:<account>:<kind>:<invoice guid>\` (*account*: the organisation name, or the trigger's *Options › Account*): **Ledger: Exported** with Maventa's invoice id (*remoteId*), the XML, format, sender, receiver and number once Maventa accepts it; **Ledger: Failed** with the reason when it could not be sent. An invoice sent again after a fix overwrites its row. The *E-invoice: dashboard* workflow lists the rows, and *Maventa: watch delivery status* asks Maventa whether each accepted invoice reached its receiver; one Maventa cannot deliver goes to the status after error there.`,
		[460, 300],
		7,
	);
	return b.workflow(WORKFLOW_IDS.severa, 'Severa → Maventa/AutoInvoice: transfer invoices by status');
}

/** Every generated template by file name. */
export function buildTemplates(): Record<string, TemplateWorkflow> {
	return {
		'dinero-export-customer-invoices.json': exportTemplate(SOURCES.dinero),
		'billy-export-customer-invoices.json': exportTemplate(SOURCES.billy),
		'error-notifications.json': errorTemplate(),
		'dashboard.json': dashboardTemplate(),
		'manual-export.json': manualExportTemplate(),
		'match-customers.json': matchCustomersTemplate(),
		'maventa-delivery-status.json': deliveryStatusTemplate(),
		'severa-maventa-autoinvoice.json': severaTemplate(),
		'export-to-zenvoices.json': exportTemplate(SOURCES.dinero, {
			id: WORKFLOW_IDS.zenvoices,
			name: 'Export to Zenvoices',
			only: ['zenvoices'],
			defaultDestination: 'zenvoices',
			note: `## Export to Zenvoices\nEvery activated customer's invoices go to a Zenvoices inbox (*Zenvoices Export*). The inbox is the customer's **companyCode** in \`${RULES_TABLE}\` (a Zenvoices administration code, e.g. \`NORDLYS\`); set a default for all customers in *Resolve Route › Default Destination Settings* (\`{"companyCode": "…"}\`).\n\n**Only documents after activation**: on first activation the trigger sends only documents booked from then on; a customer's *activeFrom* (YYYY-MM-DD) in its rule, or *Options › Active From* on Resolve Route, holds back anything issued earlier. Replace the Dinero Trigger by the Billy Trigger for Billy.`,
		}),
	};
}

export function serialise(workflow: TemplateWorkflow): string {
	return `${JSON.stringify(workflow, null, '\t')}\n`;
}

if (require.main === module) {
	const root = path.resolve(__dirname, '..', '..', '..');
	const dir = path.join(root, 'workflows');
	mkdirSync(dir, { recursive: true });
	for (const [file, workflow] of Object.entries(buildTemplates())) {
		writeFileSync(path.join(dir, file), serialise(workflow));
		process.stdout.write(`wrote workflows/${file}\n`);
	}
}
