/** The Maventa Send operations: what each reads from an item and what it adds (`json.delivery`). */
import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Endpoint } from '../shared/einvoice/model';
import {
	MaventaClient,
	invoiceUuid,
	maventaEia,
	parseReceiver,
	safeBaseName,
	type MaventaAction,
	type MaventaInvoice,
	type MaventaRoute,
} from './client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SendSettings {
	documentProperty: string;
	sendOriginalPdf: boolean;
	pdfProperty: string;
	sendByEmail: boolean;
	recipientEia?: string;
	recipientOperator?: string;
	recipientEmail?: string;
	routeOrder: MaventaRoute[];
	disabledRoutes: MaventaRoute[];
	senderComment?: string;
	format?: string;
}

export interface Delivery extends IDataObject {
	channel: 'maventa';
	/** sent (accepted by Maventa), pending, delivered or failed. */
	status: 'sent' | 'pending' | 'delivered' | 'failed';
	remoteId?: string;
	remoteStatus?: string;
	idempotencyKey: string;
	attempts: number;
	at: string;
	message?: string;
}

function obj(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

/** "invoice 1001" / "credit note 7" for messages. */
function subjectOf(json: IDataObject): string {
	const source = obj(json.source);
	const invoice = obj(json.invoice);
	const number = source.number || invoice.number;
	const kind = (source.kind || invoice.kind) === 'creditNote' ? 'credit note' : 'invoice';
	return number ? `${kind} ${String(number)}` : kind;
}

/**
 * The idempotency key of a document: Invoice to UBL's `json.document.idempotencyKey` (one per source invoice, kind,
 * number and format), else one from the source invoice and the XML's digest. Maventa's `uuid` is this key (a UUID
 * already) or derived from it, so a timeout retry or a replay of the same document never creates a second invoice.
 */
export function idempotencyKeyOf(json: IDataObject, xml: Buffer): string {
	const given = obj(json.document).idempotencyKey;
	if (typeof given === 'string' && given) return given;
	const source = obj(json.source);
	const invoice = obj(json.invoice);
	const digest = createHash('sha256').update(xml).digest('hex').slice(0, 32);
	const parts = [
		source.system,
		source.account,
		source.id,
		source.kind ?? invoice.kind,
		source.number ?? invoice.number,
	].map((p) => String(p ?? ''));
	return `${parts.join(':')}:${digest}`;
}

export async function sendItem(
	ctx: IExecuteFunctions,
	client: MaventaClient,
	item: INodeExecutionData,
	itemIndex: number,
	settings: SendSettings,
): Promise<INodeExecutionData> {
	const json = item.json;
	const subject = subjectOf(json);
	const document = obj(json.document);
	if (document.valid === false) {
		const findings = Array.isArray(document.findings) ? (document.findings as IDataObject[]) : [];
		const fatal = findings.filter((f) => f.flag === 'fatal');
		throw new NodeOperationError(
			ctx.getNode(),
			`The ${subject} was not sent: its document failed pre-flight (${fatal.length} fatal finding${fatal.length === 1 ? '' : 's'}: ${[...new Set(fatal.map((f) => f.id))].join(', ') || 'see json.document.findings'})`,
			{
				itemIndex,
				description: fatal
					.slice(0, 10)
					.map((f) => `${String(f.id)}: ${String(f.message)}`)
					.join('\n'),
			},
		);
	}
	if (!item.binary?.[settings.documentProperty]) {
		throw new NodeOperationError(
			ctx.getNode(),
			`No XML document in binary.${settings.documentProperty} for the ${subject}`,
			{
				itemIndex,
				description:
					'Put "Invoice to UBL" before Maventa Send, or set "Document Field" to the binary field holding the XML.',
			},
		);
	}
	const xml = await ctx.helpers.getBinaryDataBuffer(itemIndex, settings.documentProperty);
	let pdf: Buffer | undefined;
	if (settings.sendOriginalPdf) {
		if (!item.binary?.[settings.pdfProperty]) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"Send original PDF" is on, but the ${subject} has no PDF in binary.${settings.pdfProperty}`,
				{
					itemIndex,
					description: 'Turn on "Download Original PDF" in the trigger, or turn "Send Original PDF" off.',
				},
			);
		}
		pdf = await ctx.helpers.getBinaryDataBuffer(itemIndex, settings.pdfProperty);
	}

	const route = obj(json.route);
	const invoice = obj(json.invoice);
	const buyer = obj(invoice.buyer);
	const source = obj(json.source);
	const endpoint: Endpoint | undefined = parseReceiver(route.receiver) ?? parseReceiver(buyer.endpoint);
	const recipientEia =
		settings.recipientEia || (endpoint && endpoint.scheme !== 'EM' ? maventaEia(endpoint) : undefined);
	const recipientOperator =
		settings.recipientOperator ||
		(obj(route.destinationSettings).operator as string | undefined) ||
		(source.recipientOperator as string | undefined) ||
		undefined;
	const email =
		(obj(buyer.contact).email as string | undefined) || (endpoint?.scheme === 'EM' ? endpoint.id : undefined);
	const recipientEmail = settings.recipientEmail || (settings.sendByEmail ? email : undefined);

	const idempotencyKey = idempotencyKeyOf(json, xml);
	const previous = obj(json.delivery);
	const attempts = previous.idempotencyKey === idempotencyKey ? Number(previous.attempts ?? 0) + 1 : 1;
	const baseName = safeBaseName(
		String(document.fileName || item.binary[settings.documentProperty].fileName || subject.replace(' ', '-')),
	);
	const { invoice: sent, existing } = await client.sendInvoice(
		{
			xml,
			baseName,
			pdf,
			uuid: UUID.test(idempotencyKey) ? idempotencyKey.toLowerCase() : invoiceUuid(idempotencyKey),
			recipientEia,
			recipientOperator,
			recipientEmail,
			routeOrder: settings.routeOrder,
			disabledRoutes: settings.disabledRoutes,
			senderComment: settings.senderComment,
			format: settings.format,
		},
		subject,
		itemIndex,
	);
	const to = recipientEia ?? recipientEmail ?? 'the address Maventa finds for the buyer';
	const delivery: Delivery = {
		channel: 'maventa',
		status: 'sent',
		remoteId: sent.id,
		remoteStatus: sent.status,
		idempotencyKey,
		attempts,
		at: new Date().toISOString(),
		message: existing
			? `Maventa already had this ${subject} (same uuid ${sent.id}); nothing was sent twice`
			: `Accepted by Maventa for delivery to ${to}${pdf ? ' with the original PDF' : ''}`,
		recipient: { eia: recipientEia ?? null, operator: recipientOperator ?? null, email: recipientEmail ?? null },
	};
	return { json: { ...json, delivery }, binary: item.binary };
}

const STATUS: Record<string, Delivery['status']> = { PENDING: 'pending', DELIVERED: 'delivered', FAILED: 'failed' };

/** `json.delivery` from Maventa's invoice status and actions history. */
export function deliveryFromStatus(
	invoice: MaventaInvoice,
	actions: MaventaAction[] | undefined,
	previous: IDataObject,
): Delivery {
	const status = STATUS[invoice.status] ?? 'pending';
	const error = [...(actions ?? invoice.actions ?? [])].reverse().find((a) => a.type === 'ERROR');
	const delivered = [...(actions ?? invoice.actions ?? [])].reverse().find((a) => a.type === 'DELIVERED');
	const delivery: Delivery = {
		channel: 'maventa',
		status,
		remoteId: invoice.id,
		remoteStatus: invoice.status,
		idempotencyKey: String(previous.idempotencyKey ?? ''),
		attempts: Number(previous.attempts ?? 1),
		at: new Date().toISOString(),
	};
	if (status === 'failed') delivery.message = error?.message ?? 'Maventa could not deliver the invoice';
	else if (status === 'delivered')
		delivery.message = `Delivered via ${delivered?.channel ?? invoice.destination ?? 'Maventa'}`;
	else delivery.message = 'Maventa is still delivering the invoice';
	if (invoice.destination) delivery.route = invoice.destination;
	return delivery;
}

export async function getStatusItem(
	ctx: IExecuteFunctions,
	client: MaventaClient,
	item: INodeExecutionData,
	itemIndex: number,
	id: string,
	includeActions: boolean,
): Promise<INodeExecutionData> {
	if (!id) {
		throw new NodeOperationError(ctx.getNode(), 'No Maventa invoice ID given', {
			itemIndex,
			description: 'Set "Maventa Invoice ID", e.g. to {{ $json.delivery.remoteId }} after Maventa Send.',
		});
	}
	const subject = subjectOf(item.json);
	const invoice = await client.getInvoice(id, subject, itemIndex);
	const actions = includeActions ? (invoice.actions ?? (await client.getActions(id, subject, itemIndex))) : undefined;
	const delivery = deliveryFromStatus(invoice, actions, obj(item.json.delivery));
	const maventa: IDataObject = {
		id: invoice.id,
		status: invoice.status,
		number: invoice.number ?? null,
		destination: invoice.destination ?? null,
		recipient: (invoice.recipient ?? null) as IDataObject | null,
	};
	if (actions) maventa.actions = actions as unknown as IDataObject[];
	return { json: { ...item.json, delivery, maventa }, binary: item.binary };
}

export async function lookupItems(
	ctx: IExecuteFunctions,
	client: MaventaClient,
	itemIndex: number,
	query: { networks: string[]; eia?: string; bid?: string; name?: string; countries?: string[] },
): Promise<INodeExecutionData[]> {
	if (!query.eia && !query.bid && !query.name) {
		throw new NodeOperationError(ctx.getNode(), 'Give an e-invoice address, a business ID or a name to look up', {
			itemIndex,
		});
	}
	if (!query.networks.length) throw new NodeOperationError(ctx.getNode(), 'Choose at least one network', { itemIndex });
	const receivers = await client.lookupReceivers(query, itemIndex);
	return receivers.map((r) => ({ json: r as unknown as IDataObject }));
}
