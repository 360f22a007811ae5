import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../shared/n8n/items';
import { parseNumberSelection, type NumberSelection } from '../shared/routing/document-numbers';
import { DINERO, type DineroClient, type DineroDocumentKind } from './client';
import {
	authenticationProperty,
	clientFor,
	credentials,
	customerLocator,
	locatorValue,
	readSellerDetails,
	searchCustomers,
	sellerDetailsProperty,
} from './description';
import { DineroItemBuilder, type KindedDocument } from './documents';
import { contactParty, describeDocument, isDraft, isPaid } from './mapper';
import type { DineroContact, DineroDocument } from './types';

const documentResources = ['invoice', 'creditNote'];

const documentOutput: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{
			name: 'Canonical Invoice',
			value: 'canonical',
			description: 'EN 16931 invoice in JSON.invoice, ready for Invoice to UBL',
		},
		{
			name: 'Raw Dinero Document',
			value: 'raw',
			description: 'The document with its lines, in the dinero field of the item',
		},
		{ name: 'Summary', value: 'summary', description: 'List fields only: one request per 1000 documents' },
	],
	default: 'canonical',
	displayOptions: { show: { resource: documentResources, operation: ['get', 'getMany'] } },
};

const properties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Contact', value: 'contact' },
			{ name: 'Credit Note', value: 'creditNote' },
			{ name: 'Invoice', value: 'invoice' },
			{ name: 'Organization', value: 'organization' },
		],
		default: 'invoice',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['invoice'] } },
		options: [
			{
				name: 'Download PDF',
				value: 'downloadPdf',
				action: 'Download an invoice PDF',
				description: 'Get the PDF of a booked invoice',
			},
			{ name: 'Get', value: 'get', action: 'Get an invoice', description: 'Get an invoice by ID or number' },
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many invoices',
				description: 'Find invoices by customer, date, status or payment',
			},
		],
		default: 'get',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['creditNote'] } },
		options: [
			{ name: 'Download PDF', value: 'downloadPdf', action: 'Download a credit note PDF' },
			{ name: 'Get', value: 'get', action: 'Get a credit note' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many credit notes' },
		],
		default: 'get',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a contact' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many contacts' },
		],
		default: 'get',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['organization'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get the organization', description: 'The organization of the credential' },
		],
		default: 'get',
	},

	// Invoice / credit note: get, download PDF
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		options: [
			{ name: 'ID', value: 'id' },
			{ name: 'Number', value: 'number' },
		],
		default: 'id',
		displayOptions: { show: { resource: documentResources, operation: ['get', 'downloadPdf'] } },
	},
	{
		displayName: 'Document ID',
		name: 'documentId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 626911cd-e133-43cc-a73d-d4c6a6bc7501',
		description: 'The GUID of the invoice or credit note',
		displayOptions: { show: { resource: documentResources, operation: ['get', 'downloadPdf'], findBy: ['id'] } },
	},
	{
		displayName: 'Document Number',
		name: 'documentNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1042',
		displayOptions: { show: { resource: documentResources, operation: ['get', 'downloadPdf'], findBy: ['number'] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'pdf',
		displayOptions: { show: { resource: documentResources, operation: ['downloadPdf'] } },
	},

	// get many
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { operation: ['getMany'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['getMany'], returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: documentResources, operation: ['getMany'] } },
		options: [
			customerLocator('customer', 'Customer', 'Only documents to this customer'),
			{ displayName: 'Changed Since', name: 'changedSince', type: 'dateTime', default: '' },
			{
				displayName: 'Customer Contains',
				name: 'customerText',
				type: 'string',
				default: '',
				description:
					'Only documents whose customer name or contact GUID contains this text (any case). Checked on the list, so only matches are fetched in full.',
			},
			{ displayName: 'Date From', name: 'dateFrom', type: 'dateTime', default: '' },
			{ displayName: 'Date To', name: 'dateTo', type: 'dateTime', default: '' },
			{
				displayName: 'Numbers',
				name: 'numbers',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1001, 1005-1010',
				description:
					'Only these document numbers and ranges. Checked on the list, so only matches are fetched in full (Dinero allows 100 requests a minute).',
			},
			{
				displayName: 'Payment',
				name: 'payment',
				type: 'options',
				options: [
					{ name: 'Any', value: 'any' },
					{ name: 'Paid', value: 'paid' },
					{ name: 'Unpaid', value: 'unpaid' },
				],
				default: 'any',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: [
					{ name: 'Booked', value: 'Booked' },
					{ name: 'Overdue', value: 'Overdue' },
					{ name: 'Overpaid', value: 'OverPaid' },
					{ name: 'Paid', value: 'Paid' },
				],
				default: [],
				description: 'Booked documents in these statuses (default: all booked). Drafts are never returned.',
			},
		],
	},
	{
		...documentOutput,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: documentResources, operation: ['get', 'getMany'] } },
		options: [
			{
				displayName: 'Download PDF',
				name: 'downloadPdf',
				type: 'boolean',
				default: false,
				description: 'Whether to put the PDF into binary property "pdf"',
			},
		],
	},
	{
		...sellerDetailsProperty,
		displayOptions: { show: { resource: documentResources, operation: ['get', 'getMany'], output: ['canonical'] } },
	},

	// contacts
	{
		...customerLocator('contact', 'Contact', 'The contact to get'),
		required: true,
		displayOptions: { show: { resource: ['contact'], operation: ['get'] } },
	},
	{
		displayName: 'Filters',
		name: 'contactFilters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['contact'], operation: ['getMany'] } },
		options: [
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Exact name (Dinero query filter)',
			},
			{ displayName: 'Changed Since', name: 'changedSince', type: 'dateTime', default: '' },
		],
	},
];

export class Dinero implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dinero',
		name: 'dinero',
		icon: { light: 'file:dinero.svg', dark: 'file:dinero.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Get invoices, credit notes, contacts and the organization from Dinero',
		defaults: { name: 'Dinero' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties,
	};

	methods = { listSearch: { searchCustomers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const client = await clientFor(this);
		const builders = new Map<string, DineroItemBuilder>();
		const builderFor = (itemIndex: number, output: 'canonical' | 'raw', downloadPdf: boolean) => {
			const seller = output === 'canonical' ? readSellerDetails(this, itemIndex) : undefined;
			const key = JSON.stringify([output, downloadPdf, seller]);
			let builder = builders.get(key);
			if (!builder) builders.set(key, (builder = new DineroItemBuilder(this, client, { output, downloadPdf, seller })));
			return builder;
		};

		return await runPerItem(
			this,
			async (_item, itemIndex) => {
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				if (resource === 'organization') {
					const organizations = await client.getOrganizations();
					const own = organizations.find((o) => String(o.Id) === client.organizationId);
					if (!own)
						throw new NodeOperationError(
							this.getNode(),
							`Dinero organization ${client.organizationId} is not reachable with this credential`,
							{ itemIndex },
						);
					return { json: own as IDataObject };
				}
				if (resource === 'contact') return await contactOperation(this, client, operation, itemIndex);

				const kind = resource as DineroDocumentKind;
				if (operation === 'getMany') {
					const output = this.getNodeParameter('output', itemIndex) as 'canonical' | 'raw' | 'summary';
					const documents = await findDocuments(this, client, kind, itemIndex);
					if (output === 'summary') return documents.map((d) => ({ json: d as IDataObject }));
					const downloadPdf = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).downloadPdf === true;
					const builder = builderFor(itemIndex, output, downloadPdf);
					const kinded = documents.map((document) => ({ kind, document }));
					await builder.prepare(kinded);
					const out: INodeExecutionData[] = [];
					for (const doc of kinded) out.push(await builder.build(doc, itemIndex));
					return out;
				}
				const document = await findOne(this, client, kind, itemIndex);
				if (operation === 'downloadPdf') {
					if (isDraft(document))
						throw new NodeOperationError(
							this.getNode(),
							`${describeDocument(kind, document)} is a draft; Dinero renders PDFs of booked documents only`,
							{ itemIndex },
						);
					const field = this.getNodeParameter('binaryPropertyName', itemIndex, 'pdf') as string;
					const pdf = await client.getDocumentPdf(kind, document.Guid, describeDocument(kind, document), itemIndex);
					const fileName = `${kind === 'creditNote' ? 'kreditnota' : 'faktura'}-${isDraft(document) ? document.Guid : String(document.Number)}.pdf`;
					return {
						json: { id: document.Guid, number: String(document.Number ?? ''), kind, fileName },
						binary: { [field]: await this.helpers.prepareBinaryData(pdf, fileName, 'application/pdf') },
					};
				}
				const output = this.getNodeParameter('output', itemIndex) as 'canonical' | 'raw' | 'summary';
				if (output === 'summary') return { json: document as IDataObject };
				if (isDraft(document) && output === 'canonical') {
					throw new NodeOperationError(
						this.getNode(),
						`${describeDocument(kind, document)} is a draft; only booked documents become e-invoices`,
						{ itemIndex },
					);
				}
				const downloadPdf = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).downloadPdf === true;
				const builder = builderFor(itemIndex, output, downloadPdf);
				if (kind === 'creditNote' || document.CreditNoteFor) await builder.prepare([{ kind, document }]);
				return await builder.build({ kind, document } as KindedDocument, itemIndex);
			},
			{ system: 'Dinero' },
		);
	}
}

async function findOne(
	ctx: IExecuteFunctions,
	client: DineroClient,
	kind: DineroDocumentKind,
	itemIndex: number,
): Promise<DineroDocument> {
	const findBy = ctx.getNodeParameter('findBy', itemIndex) as 'id' | 'number';
	if (findBy === 'id') {
		const id = String(ctx.getNodeParameter('documentId', itemIndex)).trim();
		return await client.getDocument(kind, id, itemIndex);
	}
	const number = String(ctx.getNodeParameter('documentNumber', itemIndex)).trim();
	if (!/^\d+$/.test(number))
		throw new NodeOperationError(ctx.getNode(), `"${number}" is not a Dinero document number`, { itemIndex });
	const { items } = await client.listDocuments(kind, {
		freeTextSearch: number,
		statusFilter: [...DINERO.bookedStatuses],
		itemIndex,
	});
	const match = items.find((d) => String(d.Number) === number);
	if (!match)
		throw new NodeOperationError(
			ctx.getNode(),
			`Dinero ${kind === 'creditNote' ? 'credit note' : 'invoice'} ${number} was not found`,
			{ itemIndex },
		);
	return await client.withLines(kind, match, itemIndex);
}

async function findDocuments(
	ctx: IExecuteFunctions,
	client: DineroClient,
	kind: DineroDocumentKind,
	itemIndex: number,
): Promise<DineroDocument[]> {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const payment = String(filters.payment ?? 'any');
	const statuses = (filters.status as string[] | undefined)?.length
		? (filters.status as string[])
		: [...DINERO.bookedStatuses];
	const date = (value: unknown) => (value ? String(value).slice(0, 10) : undefined);
	let numbers: NumberSelection | undefined;
	try {
		numbers = String(filters.numbers ?? '').trim() ? parseNumberSelection(String(filters.numbers)) : undefined;
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Filters › Numbers: ${(error as Error).message}`, { itemIndex });
	}
	const customerText = String(filters.customerText ?? '')
		.trim()
		.toLowerCase();
	// Checked on the list rows, before any document is fetched in full (one request each).
	const wanted = (d: DineroDocument) =>
		(payment === 'any' || (payment === 'paid') === isPaid(d)) &&
		(!numbers || numbers.has(d.Number)) &&
		(!customerText ||
			[d.ContactName, d.ContactGuid].some((v) =>
				String(v ?? '')
					.toLowerCase()
					.includes(customerText),
			));
	const found: DineroDocument[] = [];
	await client.listDocuments(kind, {
		statusFilter: statuses,
		startDate: date(filters.dateFrom),
		endDate: date(filters.dateTo),
		changesSince: filters.changedSince ? String(filters.changedSince) : undefined,
		contactGuid: locatorValue(filters.customer) || undefined,
		itemIndex,
		onPage: (page) => {
			found.push(...page.filter((d) => !isDraft(d) && wanted(d)));
			return limit === undefined || found.length < limit;
		},
	});
	return limit === undefined ? found : found.slice(0, limit);
}

async function contactOperation(ctx: IExecuteFunctions, client: DineroClient, operation: string, itemIndex: number) {
	if (operation === 'get') {
		const guid = locatorValue(ctx.getNodeParameter('contact', itemIndex));
		if (!guid) throw new NodeOperationError(ctx.getNode(), 'Choose a contact', { itemIndex });
		return { json: withParty(await client.getContact(guid, itemIndex)) };
	}
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = ctx.getNodeParameter('contactFilters', itemIndex, {}) as IDataObject;
	const name = String(filters.name ?? '').trim();
	const { items } = await client.listContacts({
		queryFilter: name ? `Name eq '${name.replace(/'/g, "''")}'` : undefined,
		changesSince: filters.changedSince ? String(filters.changedSince) : undefined,
		maxItems: limit,
		itemIndex,
	});
	return items.map((c) => ({ json: withParty(c) }));
}

/** The contact as Dinero returns it, plus `party`: the canonical buyer (endpoint 0184/0088/…) for rules and matching. */
function withParty(contact: DineroContact): IDataObject {
	const party = contactParty(contact);
	return { ...contact, ...(party ? { party: party as unknown as IDataObject } : {}) } as IDataObject;
}
