import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Invoice } from '../../../shared/einvoice/model';
import { routeTo, runPerItem } from '../../../shared/n8n/items';
import {
	type AdaptorDefaults,
	applyOverrides,
	type CustomerRule,
	findCustomerRule,
	normaliseCustomerRule,
	type ReceiverOverrides,
	resolveRoute,
	type SenderOverrides,
} from '../../../shared/routing';

const show = { resource: ['route'], operation: ['resolve'] };

export const DESTINATIONS = [
	{ name: 'Maventa (PEPPOL Access Point)', value: 'maventa' },
	{ name: 'Zenvoices Inbox', value: 'zenvoices' },
	{ name: 'SFTP Gateway', value: 'sftp' },
	{ name: 'HTTP Gateway', value: 'http' },
	{ name: 'AS2 Gateway', value: 'as2' },
	{ name: 'Email', value: 'email' },
];

const contactFields: INodeProperties[] = [
	{ displayName: 'Contact Name', name: 'contactName', type: 'string', default: '' },
	{ displayName: 'Contact Email', name: 'contactEmail', type: 'string', placeholder: 'name@email.com', default: '' },
	{ displayName: 'Contact Phone', name: 'contactPhone', type: 'string', default: '' },
	{ displayName: 'Endpoint (Scheme:ID)', name: 'endpoint', type: 'string', default: '', placeholder: '0184:12345674' },
];

export const description: INodeProperties[] = [
	{
		displayName: 'Export Enabled',
		name: 'enabled',
		type: 'boolean',
		default: true,
		description: 'Whether export is on. Off sends every document to "Not activated" (one switch for all customers).',
		displayOptions: { show },
	},
	{
		displayName: 'Activate',
		name: 'activate',
		type: 'options',
		options: [
			{ name: 'All Customers', value: 'all', description: 'Every customer unless its rule deactivates it' },
			{ name: 'Only Listed Customers', value: 'listed', description: 'Only customers whose rule activates them' },
		],
		default: 'all',
		displayOptions: { show },
	},
	{
		displayName: 'Default Format',
		name: 'defaultFormat',
		type: 'options',
		options: [
			{ name: 'PEPPOL BIS 3', value: 'peppol-bis3' },
			{ name: 'OIOUBL 2.1', value: 'oioubl21' },
		],
		default: 'peppol-bis3',
		displayOptions: { show },
	},
	{
		displayName: 'Default Destination',
		name: 'defaultDestination',
		type: 'options',
		options: DESTINATIONS,
		default: 'maventa',
		displayOptions: { show },
	},
	{
		displayName: 'Default Destination Settings (JSON)',
		name: 'defaultDestinationSettings',
		type: 'json',
		default: '{}',
		description:
			'E.g. {"directory": "outbound/{customerId}", "fileName": "{kind}-{number}.xml"} or {"companyCode": "ACME"}.',
		displayOptions: { show },
	},
	{
		displayName: 'Customer Rules From',
		name: 'ruleSource',
		type: 'options',
		options: [
			{ name: 'A Field of the Item', value: 'item', description: 'E.g. a Data Table row merged into the item.' },
			{ name: 'A JSON List', value: 'parameter', description: 'Rules keyed by customerId' },
			{ name: 'No Customer Rules', value: 'none' },
		],
		default: 'item',
		displayOptions: { show },
	},
	{
		displayName: 'Rule Field',
		name: 'ruleField',
		type: 'string',
		default: 'rule',
		description:
			'Dot path of the customer rule in the item (structured or a flat Data Table row); match.suggestedRule activates customers found by Match Customers',
		displayOptions: { show: { ...show, ruleSource: ['item'] } },
	},
	{
		displayName: 'Customer Rules (JSON)',
		name: 'rules',
		type: 'json',
		default: '[]',
		description:
			'List of rules: [{"customerId": "17", "activated": true, "format": "oioubl21", "destination": "sftp", "destinationSettings": {…}}]',
		displayOptions: { show: { ...show, ruleSource: ['parameter'] } },
	},
	{
		displayName: 'Options',
		name: 'routeOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Active From',
				name: 'activeFrom',
				type: 'dateTime',
				default: '',
				description: 'Only documents issued on or after this date are activated (older: "before activation")',
			},
			{
				displayName: 'Apply Overrides to the Invoice',
				name: 'applyOverrides',
				type: 'boolean',
				default: true,
				description:
					'Whether to write sender/receiver overrides into JSON.invoice (otherwise they stay in JSON.route only)',
			},
			{
				displayName: 'Sender Overrides',
				name: 'sender',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: [{ displayName: 'Name', name: 'name', type: 'string', default: '' }, ...contactFields],
			},
			{
				displayName: 'Receiver Overrides',
				name: 'receiver',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: [
					{
						displayName: 'Buyer Reference',
						name: 'buyerReference',
						type: 'string',
						default: '',
						description: 'BT-10, used when the source has none',
					},
					{
						displayName: 'Always Replace Buyer Reference',
						name: 'buyerReferenceAlways',
						type: 'boolean',
						default: false,
					},
					...contactFields,
				],
			},
		],
	},
];

function parseJsonParameter<T>(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback: T): T {
	const value = ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (typeof value !== 'string') return (value ?? fallback) as T;
	if (!value.trim()) return fallback;
	try {
		return JSON.parse(value) as T;
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `"${name}" is not valid JSON: ${(error as Error).message}`, {
			itemIndex,
		});
	}
}

function party(fields: IDataObject | undefined): SenderOverrides & ReceiverOverrides {
	const out: SenderOverrides & ReceiverOverrides = {};
	if (!fields) return out;
	if (fields.name) out.name = String(fields.name);
	const contact = { name: fields.contactName, email: fields.contactEmail, phone: fields.contactPhone };
	if (Object.values(contact).some(Boolean))
		out.contact = Object.fromEntries(Object.entries(contact).filter(([, v]) => v)) as SenderOverrides['contact'];
	if (fields.endpoint) {
		const match = /^(\d{4}):(.+)$/.exec(String(fields.endpoint).trim());
		if (!match) throw new Error(`endpoint override "${String(fields.endpoint)}" is not <scheme>:<id>`);
		out.endpoint = { scheme: match[1], id: match[2] };
	}
	if (fields.buyerReference) out.buyerReference = String(fields.buyerReference);
	if (fields.buyerReferenceAlways) out.buyerReferenceMode = 'always';
	return out;
}

function pathGet(json: IDataObject, dotPath: string): unknown {
	return dotPath
		.split('.')
		.reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as IDataObject)[key] : undefined), json);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ruleSource = this.getNodeParameter('ruleSource', 0) as string;
	const listedRules =
		ruleSource === 'parameter'
			? parseJsonParameter<unknown[]>(this, 'rules', 0, []).map((r) => normaliseCustomerRule(r) as CustomerRule)
			: [];
	return await runPerItem(
		this,
		(item, itemIndex) => {
			const options = this.getNodeParameter('routeOptions', itemIndex, {}) as IDataObject;
			const defaults: AdaptorDefaults = {
				enabled: this.getNodeParameter('enabled', itemIndex) as boolean,
				activate: this.getNodeParameter('activate', itemIndex) as 'all' | 'listed',
				format: this.getNodeParameter('defaultFormat', itemIndex) as AdaptorDefaults['format'],
				destination: this.getNodeParameter('defaultDestination', itemIndex) as string,
				destinationSettings: parseJsonParameter(this, 'defaultDestinationSettings', itemIndex, {}),
				activeFrom: options.activeFrom ? String(options.activeFrom).slice(0, 10) : undefined,
			};
			const sender = party(options.sender as IDataObject);
			const receiver = party(options.receiver as IDataObject);
			if (Object.keys(sender).length) defaults.sender = sender;
			if (Object.keys(receiver).length) defaults.receiver = receiver;

			const json = item.json;
			const source = (json.source ?? {}) as IDataObject;
			let rule: CustomerRule | undefined;
			if (ruleSource === 'item')
				rule = normaliseCustomerRule(pathGet(json, this.getNodeParameter('ruleField', itemIndex) as string));
			else if (ruleSource === 'parameter')
				rule = findCustomerRule(listedRules, source.customerId as string | undefined);

			const route = resolveRoute(defaults, rule, json as never);
			const out: IDataObject = { ...json, route: route as unknown as IDataObject };
			if (!route.activated) return routeTo(1, { json: out, binary: item.binary });
			if (options.applyOverrides !== false && json.invoice)
				out.invoice = applyOverrides(json.invoice as unknown as Invoice, route) as unknown as IDataObject;
			return routeTo(0, { json: out, binary: item.binary });
		},
		{ outputs: 2 },
	);
}
