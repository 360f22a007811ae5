import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { runPerItem } from '../shared/n8n/items';
import { SeveraClient, type InvoiceFilter } from './client';
import { searchCustomers, searchInvoiceStatuses, statusLocator } from './methods';
import { SEVERA_CONCURRENCY, invoiceItem, mapLimit, mappingOptions, readOutputOptions } from './output';
import type { SeveraInvoice } from './types';

const invoiceOps = { show: { resource: ['invoice'] } };

export class SeveraInvoiceStatus implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Severa Invoice Status',
		name: 'severaInvoiceStatus',
		icon: { light: 'file:severa.svg', dark: 'file:severa.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read Visma Severa invoices and set their status after an e-invoice transfer',
		defaults: { name: 'Severa Invoice Status' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'severaApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Invoice', value: 'invoice' },
					{ name: 'Invoice Status', value: 'invoiceStatus' },
				],
				default: 'invoice',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: invoiceOps,
				options: [
					{
						name: 'Set Status',
						value: 'setStatus',
						action: 'Set the status of an invoice',
						description: 'Move an invoice to another status (JSON Patch)',
					},
					{
						name: 'Get',
						value: 'get',
						action: 'Get an invoice',
						description: 'Get one invoice as a canonical e-invoice',
					},
					{
						name: 'Get Many',
						value: 'getMany',
						action: 'Get many invoices',
						description: 'List invoices by status, customer, date or change',
					},
					{ name: 'Download PDF', value: 'downloadPdf', action: 'Download the PDF of an invoice' },
				],
				default: 'setStatus',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['invoiceStatus'] } },
				options: [{ name: 'Get Many', value: 'getMany', action: 'List invoice statuses' }],
				default: 'getMany',
			},
			{
				displayName: 'Invoice ID',
				name: 'invoiceId',
				type: 'string',
				default: '={{ $json.source.id }}',
				required: true,
				description: 'GUID of the Severa invoice; after the Severa trigger it is the source ID of the item',
				displayOptions: { show: { resource: ['invoice'], operation: ['get', 'downloadPdf', 'setStatus'] } },
			},
			{
				...statusLocator(
					'status',
					'New Status',
					'The status to move the invoice to, e.g. the status after transfer or after error',
				),
				displayOptions: { show: { resource: ['invoice'], operation: ['setStatus'] } },
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryProperty',
				type: 'string',
				default: 'pdf',
				displayOptions: { show: { resource: ['invoice'], operation: ['downloadPdf'] } },
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'canonical',
				options: [
					{
						name: 'Canonical Invoice',
						value: 'canonical',
						description: 'The canonical invoice and its source, ready for Invoice to UBL',
					},
					{ name: 'Severa JSON', value: 'raw', description: 'The invoice as the Severa API returns it' },
				],
				displayOptions: { show: { resource: ['invoice'], operation: ['get', 'getMany'] } },
			},
			{
				displayName: 'Download Original PDF',
				name: 'downloadPdf',
				type: 'boolean',
				default: false,
				description: 'Whether to put the invoice PDF into binary.pdf',
				displayOptions: { show: { resource: ['invoice'], operation: ['get', 'getMany'], output: ['canonical'] } },
			},
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				description: 'Whether to return all results or only up to a given limit',
				displayOptions: { show: { resource: ['invoice'], operation: ['getMany'] } },
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Max number of results to return',
				displayOptions: { show: { resource: ['invoice'], operation: ['getMany'], returnAll: [false] } },
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add filter',
				default: {},
				displayOptions: { show: { resource: ['invoice'], operation: ['getMany'] } },
				options: [
					statusLocator('status', 'Status', 'Only invoices in this status', false),
					{
						displayName: 'Customer',
						name: 'customer',
						type: 'resourceLocator',
						default: { mode: 'list', value: '' },
						modes: [
							{
								displayName: 'From List',
								name: 'list',
								type: 'list',
								typeOptions: { searchListMethod: 'searchCustomers', searchable: true },
							},
							{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'Customer GUID' },
						],
					},
					{ displayName: 'Invoice Date From', name: 'startDate', type: 'dateTime', default: '' },
					{ displayName: 'Invoice Date To', name: 'endDate', type: 'dateTime', default: '' },
					{ displayName: 'Changed Since', name: 'changedSince', type: 'dateTime', default: '' },
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { resource: ['invoice'], operation: ['get', 'getMany'], output: ['canonical'] } },
				options: mappingOptions,
			},
			{
				displayName: 'PDF Content',
				name: 'pdfContent',
				type: 'options',
				default: 'All',
				options: [
					{ name: 'Invoice, Attachments and Breakdown', value: 'All' },
					{ name: 'Invoice Only', value: 'InvoiceOnly' },
					{ name: 'Attachments and Breakdown', value: 'AttachmentAndBreakdown' },
				],
				displayOptions: { show: { resource: ['invoice'], operation: ['downloadPdf'] } },
			},
			{
				displayName: 'Active Statuses Only',
				name: 'activeOnly',
				type: 'boolean',
				default: true,
				displayOptions: { show: { resource: ['invoiceStatus'] } },
			},
		],
	};

	methods = { listSearch: { searchInvoiceStatuses, searchCustomers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const client = await SeveraClient.create(this);
		const prepare = this.helpers.prepareBinaryData.bind(this.helpers);

		if (resource === 'invoiceStatus') {
			return runPerItem(
				this,
				async (_item, i) => {
					const activeOnly = this.getNodeParameter('activeOnly', i, true) as boolean;
					const statuses = await client.listStatuses();
					return statuses
						.filter((s) => !activeOnly || s.isActive !== false)
						.map((s) => ({ json: s as unknown as IDataObject }));
				},
				{ system: 'Visma Severa' },
			);
		}

		return runPerItem(
			this,
			async (item, i) => {
				if (operation === 'setStatus') {
					const invoiceId = requiredId(this, 'invoiceId', i);
					const statusGuid = this.getNodeParameter('status', i, '', { extractValue: true }) as string;
					if (!statusGuid) throw new NodeOperationError(this.getNode(), 'Choose the new status', { itemIndex: i });
					const source = (item.json.source ?? {}) as IDataObject;
					const subject = `invoice ${source.number || invoiceId}`;
					const updated = await client.setStatus(invoiceId, statusGuid, subject, i);
					return {
						json: {
							...item.json,
							source: { ...source, status: updated.status?.name ?? statusGuid, updatedAt: updated.lastUpdatedDateTime },
							severaStatus: {
								guid: statusGuid,
								name: updated.status?.name ?? null,
								changedAt: updated.lastUpdatedDateTime,
							},
						},
						binary: item.binary,
					};
				}
				if (operation === 'downloadPdf') {
					const invoiceId = requiredId(this, 'invoiceId', i);
					const property = this.getNodeParameter('binaryProperty', i, 'pdf') as string;
					const pdfContent = this.getNodeParameter('pdfContent', i, 'All') as
						'All' | 'InvoiceOnly' | 'AttachmentAndBreakdown';
					const invoice = await client.getInvoice(invoiceId, i);
					const pdf = await client.getInvoicePdf(invoice, { pdfGetOptions: pdfContent }, i);
					const kind = invoice.isCreditNote ? 'credit-note' : 'invoice';
					return {
						json: item.json,
						binary: {
							...item.binary,
							[property]: await prepare(pdf.data, `${kind}-${invoice.number ?? invoice.guid}.pdf`, 'application/pdf'),
						},
					};
				}
				const output = this.getNodeParameter('output', i, 'canonical') as string;
				const downloadPdf = output === 'canonical' && (this.getNodeParameter('downloadPdf', i, false) as boolean);
				const options = output === 'canonical' ? (this.getNodeParameter('options', i, {}) as IDataObject) : {};
				const toItem = async (invoice: SeveraInvoice): Promise<INodeExecutionData> =>
					output === 'raw'
						? { json: invoice as unknown as IDataObject }
						: await invoiceItem(client, invoice, readOutputOptions(options, downloadPdf), prepare, i);
				if (operation === 'get') return await toItem(await client.getInvoice(requiredId(this, 'invoiceId', i), i));

				const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
				const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
				const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
				const filter: InvoiceFilter = {};
				const locatorValue = (value: unknown) =>
					value && typeof value === 'object' ? String((value as IDataObject).value ?? '') : String(value ?? '');
				const status = locatorValue(filters.status);
				if (status) filter.statusGuids = [status];
				const customer = locatorValue(filters.customer);
				if (customer) filter.customerGuids = [customer];
				if (filters.startDate) filter.startDate = String(filters.startDate).slice(0, 10);
				if (filters.endDate) filter.endDate = String(filters.endDate).slice(0, 10);
				if (filters.changedSince) filter.changedSince = new Date(String(filters.changedSince)).toISOString();
				const invoices = await client.listInvoices(filter, { maxItems: limit });
				return await mapLimit(invoices, SEVERA_CONCURRENCY, toItem);
			},
			{ system: 'Visma Severa' },
		);
	}
}

function requiredId(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(ctx.getNode(), 'No Severa invoice ID given', {
			itemIndex,
			description: 'Set "Invoice ID", e.g. to {{ $json.source.id }} after the Severa trigger.',
		});
	}
	return value;
}
