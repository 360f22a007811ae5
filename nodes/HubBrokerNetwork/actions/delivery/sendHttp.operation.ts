import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	buildHttpDeliveryRequest,
	type HttpDeliverySettings,
	interpretHttpResponse,
	parseStatusCodes,
} from '../../../shared/delivery/http';
import { apiRequestFull, type Service } from '../../../shared/n8n/request';
import { runPerItem } from '../../../shared/n8n/items';
import { renderTemplate } from '../../../shared/routing';
import { type DeliveryRecord, readDocument, skippedByRoute, templateValues } from '../../../shared/delivery/record';

const show = { resource: ['delivery'], operation: ['sendHttp'] };

const HTTP_GATEWAY: Service = {
	system: 'HTTP gateway',
	credentialType: 'httpGatewayApi',
	tokenExpiredStatus: false,
	errorMessage: ({ body }) =>
		typeof body === 'string'
			? body.slice(0, 300)
			: body && typeof body === 'object'
				? String((body as IDataObject).message ?? (body as IDataObject).error ?? JSON.stringify(body).slice(0, 300))
				: undefined,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'POST',
		displayOptions: { show },
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '={{ $json.route?.destinationSettings?.url ?? "/documents" }}',
		description:
			"Absolute, or relative to the credential's base URL. Placeholders such as {customerId}, {number}, {fileName} are filled in.",
		displayOptions: { show },
	},
	{
		displayName: 'Binary Property',
		name: 'binaryProperty',
		type: 'string',
		default: 'document',
		displayOptions: { show },
	},
	{
		displayName: 'Headers',
		name: 'headers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Header',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Header',
				name: 'header',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'httpOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Accepted Status Codes', name: 'acceptedStatusCodes', type: 'string', default: '200-299' },
			{
				displayName: 'Already-Delivered Status Codes',
				name: 'duplicateStatusCodes',
				type: 'string',
				default: '409',
				description: 'Answers meaning the gateway has this document already (counted as delivered)',
			},
			{ displayName: 'Content Type', name: 'contentType', type: 'string', default: 'application/xml' },
			{ displayName: 'Idempotency Header', name: 'idempotencyHeader', type: 'string', default: 'Idempotency-Key' },
			{
				displayName: 'Remote ID Field',
				name: 'remoteIdField',
				type: 'string',
				default: 'id',
				description: 'Dot path in the JSON answer; else the Location header',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runPerItem(this, async (item, itemIndex) => {
		const skipped = skippedByRoute(item, 'http');
		if (skipped) return skipped;
		const options = this.getNodeParameter('httpOptions', itemIndex, {}) as IDataObject;
		const headerRows = ((this.getNodeParameter('headers', itemIndex, {}) as IDataObject).header ?? []) as IDataObject[];
		const document = await readDocument(
			this,
			item,
			itemIndex,
			this.getNodeParameter('binaryProperty', itemIndex) as string,
		);
		const values = templateValues(item.json, document.fileName);
		let settings: HttpDeliverySettings;
		try {
			settings = {
				method: this.getNodeParameter('method', itemIndex) as 'POST' | 'PUT',
				url: renderTemplate(this.getNodeParameter('url', itemIndex) as string, values),
				headers: Object.fromEntries(
					headerRows.filter((h) => h.name).map((h) => [String(h.name), String(h.value ?? '')]),
				),
				acceptedStatusCodes: (options.acceptedStatusCodes as string) ?? '200-299',
				duplicateStatusCodes: (options.duplicateStatusCodes as string) ?? '409',
				idempotencyHeader: (options.idempotencyHeader as string) ?? 'Idempotency-Key',
				remoteIdField: (options.remoteIdField as string) ?? 'id',
			};
			parseStatusCodes(settings.acceptedStatusCodes);
			parseStatusCodes(settings.duplicateStatusCodes, '409');
		} catch (error) {
			throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex });
		}
		const idempotencyKey = String(values.idempotencyKey);
		const request = buildHttpDeliveryRequest(settings, {
			content: document.content,
			fileName: String(values.fileName ?? `${idempotencyKey}.xml`),
			contentType: (options.contentType as string) || document.mimeType || 'application/xml',
			idempotencyKey,
		});
		const accepted = parseStatusCodes(settings.acceptedStatusCodes);
		const duplicate = parseStatusCodes(settings.duplicateStatusCodes, '409');
		const credentials = await this.getCredentials('httpGatewayApi');
		const okStatuses = Array.from({ length: 500 }, (_, i) => i + 100).filter(
			(code) => code >= 300 && (accepted(code) || duplicate(code)),
		);
		const absolute = /^https?:\/\//i.test(request.url);
		const response = await apiRequestFull.call(this, HTTP_GATEWAY, {
			method: request.method,
			url: request.url,
			baseURL: absolute ? undefined : String(credentials.baseUrl ?? '').replace(/\/+$/, ''),
			headers: request.headers,
			body: request.body,
			json: false,
			itemIndex,
			subject: `document ${String(values.fileName ?? idempotencyKey)}`,
			idempotent: !!settings.idempotencyHeader,
			okStatuses,
		});
		const outcome = interpretHttpResponse(settings, response);
		if (outcome.status === 'failed')
			throw new NodeApiError(this.getNode(), { message: outcome.message } as never, {
				itemIndex,
				message: outcome.message,
				httpCode: String(outcome.statusCode),
			});
		const delivery: DeliveryRecord = {
			channel: 'http',
			status: outcome.status,
			remoteId: outcome.remoteId,
			idempotencyKey,
			attempts: 1,
			at: new Date().toISOString(),
			message: outcome.message,
			response: outcome.response as IDataObject,
		};
		return { json: { ...item.json, delivery } as IDataObject, binary: item.binary };
	});
}
