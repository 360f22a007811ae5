import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { runPerItem } from '../shared/n8n/items';
import { toEpochMs } from '../shared/n8n/poll-cursor';
import { isCreditNoteType, type BillyInvoice } from './api';
import { BillyClient, billyTime, type BillyBundle, type InvoiceListFilter } from './client';
import { customerLocator, locatorId, outputOptionProperties, searchCustomers } from './descriptions';
import { billyBuyer, billySeller, billySource } from './mapper';
import { documentContext, documentItem, outputOptions } from './output';

const show = (resource: string[], operation?: string[]) => ({
	show: operation ? { resource, operation } : { resource },
});

const documentResources = ['invoice', 'creditNote'];

const properties: INodeProperties[] = [
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
		displayOptions: show(['invoice']),
		options: [
			{ name: 'Download PDF', value: 'downloadPdf', action: 'Download the PDF of an invoice' },
			{ name: 'Get', value: 'get', action: 'Get an invoice' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many invoices' },
		],
		default: 'get',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: show(['creditNote']),
		options: [
			{ name: 'Download PDF', value: 'downloadPdf', action: 'Download the PDF of a credit note' },
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
		displayOptions: show(['contact']),
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
		displayOptions: show(['organization']),
		options: [{ name: 'Get', value: 'get', action: 'Get the organization of the access token' }],
		default: 'get',
	},
	// ----- invoice / credit note: get, download PDF
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		displayOptions: show(documentResources, ['get', 'downloadPdf']),
		options: [
			{ name: 'Number', value: 'number' },
			{ name: 'ID', value: 'id' },
		],
		default: 'number',
	},
	{
		displayName: 'Number',
		name: 'number',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1001',
		displayOptions: { show: { resource: documentResources, operation: ['get', 'downloadPdf'], findBy: ['number'] } },
	},
	{
		displayName: 'ID',
		name: 'documentId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { resource: documentResources, operation: ['get', 'downloadPdf'], findBy: ['id'] } },
	},
	// ----- invoice / credit note: get many
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: show([...documentResources, 'contact'], ['getMany']),
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: {
			show: { resource: [...documentResources, 'contact'], operation: ['getMany'], returnAll: [false] },
		},
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show(documentResources, ['getMany']),
		options: [
			customerLocator,
			{
				displayName: 'Approved Since',
				name: 'approvedSince',
				type: 'dateTime',
				default: '',
				description: 'Approved at or after this time (the export catch-up lists recently approved documents with it)',
			},
			{
				displayName: 'Date From',
				name: 'dateFrom',
				type: 'dateTime',
				default: '',
				description: 'Invoice date on or after',
			},
			{
				displayName: 'Date To',
				name: 'dateTo',
				type: 'dateTime',
				default: '',
				description: 'Invoice date on or before',
			},
			{
				displayName: 'Payment',
				name: 'paid',
				type: 'options',
				options: [
					{ name: 'Any', value: 'any' },
					{ name: 'Paid', value: 'paid' },
					{ name: 'Unpaid', value: 'unpaid' },
				],
				default: 'any',
			},
			{
				displayName: 'Search',
				name: 'q',
				type: 'string',
				default: '',
				description: 'Free text (number, description, customer name)',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'All', value: 'all' },
					{ name: 'Approved', value: 'approved' },
					{ name: 'Draft', value: 'draft' },
					{ name: 'Voided', value: 'voided' },
				],
				default: 'approved',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(documentResources, ['get', 'getMany']),
		options: outputOptionProperties,
	},
	// ----- contact
	{
		...customerLocator,
		displayName: 'Contact',
		name: 'contact',
		required: true,
		displayOptions: show(['contact'], ['get']),
	},
	{
		displayName: 'Filters',
		name: 'contactFilters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show(['contact'], ['getMany']),
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Part of the name' },
			{
				displayName: 'Type',
				name: 'type',
				type: 'options',
				options: [
					{ name: 'Any', value: '' },
					{ name: 'Company', value: 'company' },
					{ name: 'Person', value: 'person' },
				],
				default: '',
			},
			{ displayName: 'Customers Only', name: 'isCustomer', type: 'boolean', default: true },
			{ displayName: 'Include Archived', name: 'includeArchived', type: 'boolean', default: false },
		],
	},
];

export class Billy implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Billy',
		name: 'billy',
		icon: { light: 'file:billy.svg', dark: 'file:billy.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Get invoices, credit notes, contacts and the organization from Billy, as canonical e-invoices',
		defaults: { name: 'Billy' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'billyApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchCustomers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const client = await BillyClient.create(this);
		return runPerItem(this, (_item, i) => run(this, client, i), { system: 'Billy' });
	}
}

async function run(
	ctx: IExecuteFunctions,
	client: BillyClient,
	i: number,
): Promise<INodeExecutionData | INodeExecutionData[] | null> {
	const resource = ctx.getNodeParameter('resource', i) as string;
	const operation = ctx.getNodeParameter('operation', i) as string;

	if (resource === 'organization') {
		const organization = await client.getOrganization();
		return { json: { organization, party: billySeller(organization) } as unknown as IDataObject };
	}

	if (resource === 'contact') {
		if (operation === 'get') {
			const { contact, persons, cities } = await client.getContact(locatorId(ctx.getNodeParameter('contact', i)));
			return {
				json: {
					contact,
					contactPersons: persons,
					party: billyBuyer(contact, persons, cities),
				} as unknown as IDataObject,
			};
		}
		const filters = ctx.getNodeParameter('contactFilters', i, {}) as IDataObject;
		const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
		const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', i, 50) as number);
		const { contacts, persons, cities } = await client.listContacts(
			{
				name: (filters.name as string) || undefined,
				type: (filters.type as string) || undefined,
				isCustomer: filters.isCustomer === undefined ? true : (filters.isCustomer as boolean) || undefined,
				isArchived: filters.includeArchived ? undefined : false,
			},
			limit,
		);
		return contacts.map((contact) => {
			const own = persons.filter((p) => p.contactId === contact.id);
			return {
				json: { contact, contactPersons: own, party: billyBuyer(contact, own, cities) } as unknown as IDataObject,
			};
		});
	}

	// invoice / creditNote
	const wantCredit = resource === 'creditNote';
	const noun = wantCredit ? 'credit note' : 'invoice';
	if (operation === 'get' || operation === 'downloadPdf') {
		const findBy = ctx.getNodeParameter('findBy', i) as string;
		let bundle: BillyBundle | undefined;
		let label: string;
		if (findBy === 'id') {
			const id = (ctx.getNodeParameter('documentId', i) as string).trim();
			label = `id ${id}`;
			bundle = await client.getInvoice(id);
		} else {
			const number = String(ctx.getNodeParameter('number', i)).trim();
			label = `number ${number}`;
			bundle = await client.findInvoiceByNumber(number);
		}
		const invoice = bundle?.invoices[0];
		if (!bundle || !invoice)
			throw new NodeOperationError(ctx.getNode(), `Billy has no ${noun} with ${label}`, { itemIndex: i });
		if (isCreditNoteType(invoice.type) !== wantCredit) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Billy document ${invoice.invoiceNo ?? invoice.id} is ${wantCredit ? 'an invoice' : 'a credit note'}, not ${wantCredit ? 'a credit note' : 'an invoice'}`,
				{
					itemIndex: i,
				},
			);
		}
		if (operation === 'downloadPdf') {
			const organization = await client.getOrganization();
			const pdf = await client.downloadPdf(invoice);
			const binary = await ctx.helpers.prepareBinaryData(pdf.data, pdf.fileName, pdf.mimeType);
			return {
				json: { source: billySource(invoice, organization.id, bundle.contacts.get(invoice.contactId)) },
				binary: { pdf: binary },
			};
		}
		const options = outputOptions(ctx.getNodeParameter('options', i, {}) as IDataObject);
		const context = await documentContext(client, bundle);
		return documentItem(ctx, client, invoice, bundle, context, options, true);
	}

	// getMany
	const filters = ctx.getNodeParameter('filters', i, {}) as IDataObject;
	const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', i, 50) as number);
	const options = outputOptions(ctx.getNodeParameter('options', i, {}) as IDataObject);
	const filter: InvoiceListFilter = {
		state: ((filters.status as string) || 'approved') as InvoiceListFilter['state'],
		contactId: locatorId(filters.customer) || undefined,
		minEntryDate: dateOnly(filters.dateFrom),
		maxEntryDate: dateOnly(filters.dateTo),
		minApprovedTime: filters.approvedSince
			? billyTime(new Date(toEpochMs(String(filters.approvedSince))).toISOString())
			: undefined,
		isPaid: filters.paid === 'paid' ? true : filters.paid === 'unpaid' ? false : undefined,
		q: (filters.q as string) || undefined,
		sortProperty: 'entryDate',
		sortDirection: 'DESC',
	};
	// Billy lists invoices and credit notes together; stop paging once enough of the wanted kind are in.
	let found = 0;
	const bundle = await client.listInvoices(filter, {
		onPage: (page) => {
			found += page.invoices.filter((d) => isCreditNoteType(d.type) === wantCredit).length;
			return found < limit;
		},
	});
	const documents = bundle.invoices.filter((d) => isCreditNoteType(d.type) === wantCredit).slice(0, limit);
	if (!documents.length) return [];
	const context = await documentContext(
		client,
		{ ...bundle, invoices: documents },
		new Map(bundle.invoices.map((d) => [d.id, d])),
	);
	const items: INodeExecutionData[] = [];
	for (const invoice of documents) {
		// Drafts and voided documents have no canonical form; they come out with their source and the reason.
		items.push(await documentItem(ctx, client, invoice as BillyInvoice, bundle, context, options, false));
	}
	return items;
}

function dateOnly(value: unknown): string | undefined {
	const text = typeof value === 'string' ? value.trim() : '';
	return text ? text.slice(0, 10) : undefined;
}
