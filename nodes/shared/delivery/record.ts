/** n8n glue shared by the delivery operations (SFTP, HTTP, Zenvoices): the json.delivery record, skips, template values. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { documentIdempotencyKey } from './idempotency';
import type { TemplateValues } from '../routing';

export interface DeliveryRecord extends IDataObject {
	channel: string;
	status: 'delivered' | 'alreadyDelivered' | 'overwritten' | 'skipped' | 'failed';
	remoteId?: string;
	idempotencyKey: string;
	attempts: number;
	at: string;
	message?: string;
}

/** Values for `{placeholder}` templates of folders, file names and URLs. */
export function templateValues(json: IDataObject, fileName?: string): TemplateValues {
	const source = (json.source ?? {}) as IDataObject;
	const invoice = (json.invoice ?? {}) as IDataObject;
	const document = (json.document ?? {}) as IDataObject;
	const route = (json.route ?? {}) as IDataObject;
	const settings = (route.destinationSettings ?? {}) as IDataObject;
	const issueDate = String(invoice.issueDate ?? '');
	const str = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v));
	return {
		customerId: str(source.customerId),
		customerName: str(source.customerName),
		number: str(source.number ?? invoice.number),
		kind: str(source.kind ?? invoice.kind),
		system: str(source.system),
		account: str(source.account),
		sourceId: str(source.id),
		format: str(document.format ?? route.format),
		issueDate: str(issueDate),
		year: issueDate ? issueDate.slice(0, 4) : undefined,
		companyCode: str(settings.companyCode),
		fileName: str(fileName ?? document.fileName),
		idempotencyKey: documentIdempotencyKey(json as never),
	};
}

/** Items whose route says "not activated" are passed on as skipped, never delivered. */
export function skippedByRoute(item: INodeExecutionData, channel: string): INodeExecutionData | undefined {
	const route = item.json.route as IDataObject | undefined;
	if (!route || route.activated !== false) return undefined;
	const delivery: DeliveryRecord = {
		channel,
		status: 'skipped',
		idempotencyKey: documentIdempotencyKey(item.json as never),
		attempts: 0,
		at: new Date().toISOString(),
		message: `not activated: ${String(route.reason ?? 'no reason given')}`,
	};
	return { json: { ...item.json, delivery }, binary: item.binary };
}

export async function readDocument(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	property: string,
): Promise<{ content: Buffer; fileName?: string; mimeType?: string }> {
	const binary = item.binary?.[property];
	if (!binary)
		throw new NodeOperationError(
			ctx.getNode(),
			`no binary property "${property}" to deliver (run "Invoice to UBL" first, or set the binary property name)`,
			{ itemIndex },
		);
	const content = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	return { content, fileName: binary.fileName, mimeType: binary.mimeType };
}
