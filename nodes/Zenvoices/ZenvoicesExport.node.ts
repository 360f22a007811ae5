import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { type DeliveryRecord, readDocument, skippedByRoute, templateValues } from '../shared/delivery/record';
import { runPerItem } from '../shared/n8n/items';
import { apiRequestFull, type RequestContext, type Service } from '../shared/n8n/request';
import {
	abpErrorMessage,
	type Company,
	findCompany,
	listCompanies,
	uploadToInbox,
	zenvoicesBaseUrl,
	type ZenvoicesCredentials,
	type ZenvoicesSend,
} from './client';

const ZENVOICES: Service = {
	system: 'Zenvoices',
	credentialType: 'zenvoicesApi',
	errorMessage: ({ body }) => abpErrorMessage(body),
};

async function sender(ctx: RequestContext): Promise<ZenvoicesSend> {
	const credentials = (await ctx.getCredentials('zenvoicesApi')) as ZenvoicesCredentials;
	const baseURL = zenvoicesBaseUrl(credentials);
	return async (request) => {
		const response = await apiRequestFull.call(ctx, ZENVOICES, {
			method: request.method,
			url: request.path,
			baseURL,
			body: request.body,
			itemIndex: request.itemIndex,
			subject: request.subject,
			idempotent: request.idempotent,
			okStatuses: request.okStatuses,
		});
		return { statusCode: response.statusCode, body: response.body };
	};
}

/** The date that counts for "approved or sent after": approval/send time when the source has it, else the issue date. */
function documentDate(json: IDataObject): string | undefined {
	const source = (json.source ?? {}) as IDataObject;
	const invoice = (json.invoice ?? {}) as IDataObject;
	const value = source.approvedAt ?? source.sentAt ?? invoice.issueDate;
	return value ? String(value).slice(0, 10) : undefined;
}

export class ZenvoicesExport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zenvoices Export',
		name: 'zenvoicesExport',
		icon: { light: 'file:zenvoices.svg', dark: 'file:zenvoices.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["resource"] + ": " + $parameter["operation"] }}',
		description: "Export invoices (UBL XML and/or the original PDF) into each customer's Zenvoices company inbox",
		defaults: { name: 'Zenvoices Export' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zenvoicesApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Company', value: 'company' },
					{ name: 'Document', value: 'document' },
				],
				default: 'document',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['company'] } },
				options: [
					{
						name: 'Get Many',
						value: 'list',
						action: 'Get many companies',
						description: 'List the administrations of the organisation',
					},
				],
				default: 'list',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['document'] } },
				options: [
					{
						name: 'Export to Inbox',
						value: 'exportToInbox',
						action: 'Export a document to a company inbox',
						description: "Upload the XML and/or PDF into the inbox of the customer's company",
					},
				],
				default: 'exportToInbox',
			},
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: true,
				description: 'Whether to return all results or only up to a given limit',
				displayOptions: { show: { resource: ['company'], operation: ['list'] } },
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Max number of results to return',
				displayOptions: { show: { resource: ['company'], operation: ['list'], returnAll: [false] } },
			},
			{
				displayName: 'Company',
				name: 'company',
				type: 'resourceLocator',
				default: { mode: 'code', value: '={{ $json.route?.destinationSettings?.companyCode }}' },
				required: true,
				description: "The customer's Zenvoices company, usually the company code from its export rule",
				displayOptions: { show: { resource: ['document'], operation: ['exportToInbox'] } },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchCompanies', searchable: true },
					},
					{ displayName: 'By Code', name: 'code', type: 'string', placeholder: 'ACME' },
				],
			},
			{
				displayName: 'Send',
				name: 'send',
				type: 'options',
				options: [
					{ name: 'XML Document', value: 'xml' },
					{ name: 'Original PDF', value: 'pdf' },
					{ name: 'XML and PDF', value: 'both' },
				],
				default: 'xml',
				displayOptions: { show: { resource: ['document'], operation: ['exportToInbox'] } },
			},
			{
				displayName: 'Options',
				name: 'exportOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { resource: ['document'], operation: ['exportToInbox'] } },
				options: [
					{
						displayName: 'Only Documents Approved or Sent After',
						name: 'activeFrom',
						type: 'dateTime',
						default: '',
						description: 'The activation date: older documents are skipped with reason "before activation"',
					},
					{ displayName: 'XML Binary Property', name: 'xmlProperty', type: 'string', default: 'document' },
					{ displayName: 'PDF Binary Property', name: 'pdfProperty', type: 'string', default: 'pdf' },
				],
			},
		],
	};

	methods = {
		listSearch: {
			async searchCompanies(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const companies = await listCompanies(await sender(this), { limit: 1000, sorting: 'name' });
				const wanted = (filter ?? '').toLowerCase();
				return {
					results: companies
						.filter((c) => !wanted || `${c.name} ${c.code}`.toLowerCase().includes(wanted))
						.map((c) => ({ name: `${c.name} (${c.code})`, value: c.code })),
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const send = await sender(this);
		if (resource === 'company' && operation === 'list') {
			const returnAll = this.getNodeParameter('returnAll', 0) as boolean;
			const companies = await listCompanies(send, {
				limit: returnAll ? undefined : (this.getNodeParameter('limit', 0) as number),
			});
			return [companies.map((company) => ({ json: company as IDataObject, pairedItem: { item: 0 } }))];
		}
		if (resource !== 'document' || operation !== 'exportToInbox')
			throw new NodeOperationError(this.getNode(), `Unknown operation ${resource}/${operation}`);

		let companies: Promise<Company[]> | undefined;
		return await runPerItem(
			this,
			async (item, itemIndex) => {
				const skipped = skippedByRoute(item, 'zenvoices');
				if (skipped) return skipped;
				const options = this.getNodeParameter('exportOptions', itemIndex, {}) as IDataObject;
				const values = templateValues(item.json);
				const idempotencyKey = String(values.idempotencyKey);
				const activeFrom = options.activeFrom ? String(options.activeFrom).slice(0, 10) : undefined;
				const date = documentDate(item.json);
				if (activeFrom && date && date < activeFrom) {
					const delivery: DeliveryRecord = {
						channel: 'zenvoices',
						status: 'skipped',
						idempotencyKey,
						attempts: 0,
						at: new Date().toISOString(),
						message: `before activation (${date} is before ${activeFrom})`,
					};
					return { json: { ...item.json, delivery }, binary: item.binary };
				}
				const code = String(this.getNodeParameter('company', itemIndex, '', { extractValue: true }) ?? '').trim();
				if (!code)
					throw new NodeOperationError(
						this.getNode(),
						"no Zenvoices company code (set it in the customer's export rule or on the node)",
						{
							itemIndex,
						},
					);
				companies ??= listCompanies(send);
				const company = findCompany(await companies, code);
				if (!company)
					throw new NodeOperationError(
						this.getNode(),
						`Zenvoices company "${code}" does not exist in this organisation`,
						{ itemIndex },
					);

				const which = this.getNodeParameter('send', itemIndex) as string;
				const parts: { property: string; suffix: string }[] = [];
				if (which !== 'pdf') parts.push({ property: String(options.xmlProperty ?? 'document'), suffix: 'xml' });
				if (which !== 'xml') parts.push({ property: String(options.pdfProperty ?? 'pdf'), suffix: 'pdf' });
				const files: IDataObject[] = [];
				for (const part of parts) {
					const document = await readDocument(this, item, itemIndex, part.property);
					const fileName =
						document.fileName ?? `${values.kind ?? 'invoice'}-${values.number ?? idempotencyKey}.${part.suffix}`;
					const result = await uploadToInbox(send, {
						administrationId: company.id,
						fileName,
						content: document.content,
						externalId: `${idempotencyKey}-${part.suffix}`,
						subject: `${values.kind === 'creditNote' ? 'Credit note' : 'Invoice'} ${values.number ?? ''}`.trim(),
						itemIndex,
						label: `${fileName} for company ${company.code}`,
					});
					files.push({ fileName, status: result.status, remoteId: result.remoteId });
				}
				const allThere = files.every((f) => f.status === 'alreadyDelivered');
				const delivery: DeliveryRecord = {
					channel: 'zenvoices',
					status: allThere ? 'alreadyDelivered' : 'delivered',
					remoteId:
						files
							.map((f) => f.remoteId)
							.filter(Boolean)
							.join(',') || undefined,
					idempotencyKey,
					attempts: 1,
					at: new Date().toISOString(),
					message: `${allThere ? 'already in' : 'sent to'} the inbox of ${company.name} (${company.code})`,
					companyCode: company.code,
					administrationId: company.id,
					files,
				};
				return { json: { ...item.json, delivery }, binary: item.binary };
			},
			{ system: 'Zenvoices' },
		);
	}
}
