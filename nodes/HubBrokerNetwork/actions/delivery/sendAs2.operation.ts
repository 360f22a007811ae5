import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	As2Error,
	as2ConfigFrom,
	documentMessageId,
	sendAs2,
	type As2HttpResponse,
	type As2Post,
} from '../../../shared/delivery/as2';
import { type DeliveryRecord, readDocument, skippedByRoute, templateValues } from '../../../shared/delivery/record';
import { runPerItem } from '../../../shared/n8n/items';
import { apiRequestFull, type Service } from '../../../shared/n8n/request';

const show = { resource: ['delivery'], operation: ['sendAs2'] };

const AS2_PARTNER: Service = {
	system: 'AS2 partner',
	credentialType: 'as2Api',
	tokenExpiredStatus: false,
	timeoutMs: 120_000,
	errorMessage: ({ body }) =>
		Buffer.isBuffer(body)
			? body.toString('utf8').slice(0, 300)
			: typeof body === 'string'
				? body.slice(0, 300)
				: undefined,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Binary Property',
		name: 'binaryProperty',
		type: 'string',
		default: 'document',
		description: 'Binary property holding the document (e.g. the EDIFACT interchange from "Invoice to UBL")',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'as2Options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Content Type',
				name: 'contentType',
				type: 'string',
				default: '',
				placeholder: 'application/EDIFACT',
				description: "MIME type of the payload; default the document's own (application/EDIFACT, application/xml)",
			},
			{
				displayName: 'Put MDN in Binary Property',
				name: 'mdnProperty',
				type: 'string',
				default: 'mdn',
				description: 'Binary property for the MDN as received (empty: do not keep it)',
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
				description: 'Subject header; default the file name',
			},
		],
	},
];

/** POST through the package's request helper; the AS2 answer (MDN) comes back as bytes. */
function postVia(ctx: IExecuteFunctions, itemIndex: number, subject: string): As2Post {
	return async (request) => {
		const response = await apiRequestFull.call(ctx, AS2_PARTNER, {
			method: 'POST',
			url: request.url,
			headers: request.headers,
			body: request.body,
			encoding: 'arraybuffer',
			json: false,
			itemIndex,
			subject,
			// A POST is not repeated: the partner may have processed it (its duplicate check would then answer).
			idempotent: false,
		});
		const body = response.body;
		return {
			statusCode: response.statusCode,
			headers: response.headers,
			body: Buffer.isBuffer(body)
				? body
				: body instanceof ArrayBuffer
					? Buffer.from(body)
					: Buffer.from(String(body ?? '')),
		} satisfies As2HttpResponse;
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runPerItem(this, async (item, itemIndex) => {
		const skipped = skippedByRoute(item, 'as2');
		if (skipped) return skipped;
		const options = this.getNodeParameter('as2Options', itemIndex, {}) as IDataObject;
		const document = await readDocument(
			this,
			item,
			itemIndex,
			this.getNodeParameter('binaryProperty', itemIndex) as string,
		);
		const values = templateValues(item.json, document.fileName);
		const idempotencyKey = String(values.idempotencyKey);
		const fileName = String(values.fileName ?? document.fileName ?? `${idempotencyKey}.edi`);
		const config = as2ConfigFrom(await this.getCredentials('as2Api'));
		if (options.subject) config.subject = String(options.subject);
		const what = `${values.kind === 'creditNote' ? 'credit note' : 'invoice'} ${String(values.number ?? fileName)}`;
		let result;
		try {
			result = await sendAs2(
				{
					content: document.content,
					fileName,
					contentType: String(options.contentType || document.mimeType || 'application/octet-stream'),
				},
				config,
				postVia(this, itemIndex, `${what} to ${config.as2To}`),
				{ messageId: documentMessageId(idempotencyKey, config) },
			);
		} catch (error) {
			if (!(error instanceof As2Error)) throw error;
			const message = `AS2 delivery of ${what} to ${config.as2To} failed: ${error.message}`;
			if (error.code === 'config') throw new NodeOperationError(this.getNode(), message, { itemIndex });
			throw new NodeApiError(this.getNode(), { message: error.message, code: error.code } as never, {
				itemIndex,
				message,
				description: error.mdn?.explanation,
				...(error.httpStatus ? { httpCode: String(error.httpStatus) } : {}),
			});
		}
		const mdn = result.mdn;
		const delivery: DeliveryRecord = {
			channel: 'as2',
			status:
				result.status === 'warning' && /duplicate/i.test(mdn?.dispositionModifier ?? '')
					? 'alreadyDelivered'
					: 'delivered',
			remoteId: result.messageId,
			idempotencyKey,
			attempts: 1,
			at: new Date().toISOString(),
			message: result.message,
			as2: {
				from: config.as2From,
				to: config.as2To,
				messageId: result.messageId,
				httpStatus: result.httpStatus,
				ms: Math.round(result.ms),
			},
		};
		if (result.mic) delivery.mic = { ...result.mic };
		if (mdn) {
			const record: IDataObject = { signed: mdn.signed, verified: mdn.verified, disposition: mdn.disposition ?? null };
			if (mdn.dispositionModifier) record.modifier = mdn.dispositionModifier;
			if (mdn.originalMessageId) record.originalMessageId = mdn.originalMessageId;
			if (mdn.receivedContentMic) record.receivedContentMic = { ...mdn.receivedContentMic };
			if (mdn.reportingUa) record.reportingUa = mdn.reportingUa;
			if (mdn.finalRecipient) record.finalRecipient = mdn.finalRecipient;
			if (mdn.explanation) record.explanation = mdn.explanation;
			delivery.mdn = record;
		}
		const out: INodeExecutionData = {
			json: { ...item.json, delivery } as IDataObject,
			binary: { ...(item.binary ?? {}) },
		};
		const mdnProperty = options.mdnProperty === undefined ? 'mdn' : String(options.mdnProperty);
		if (mdn && mdnProperty) {
			out.binary![mdnProperty] = await this.helpers.prepareBinaryData(
				mdn.raw,
				`${fileName}.mdn`,
				'message/disposition-notification',
			);
		}
		return out;
	});
}
