/**
 * Maventa AutoXChange (AX) client. Every call goes through the shared request helper. Maventa's quirks live here:
 * the multipart upload (built here as bytes, so a retry re-sends exactly the same request), the `uuid` that makes
 * a send idempotent, the ZIP of XML + invoice image sharing one base name, and the `{ code, message, details }` errors.
 */
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { NodeApiError, type JsonObject } from 'n8n-workflow';
import { maventaBaseUrl } from '../../credentials/MaventaApi.credentials';
import {
	apiRequest,
	apiRequestFull,
	type ApiRequestOptions,
	type FullResponse,
	type RemoteError,
	type RequestContext,
	type Service,
} from '../shared/n8n/request';
import type { Endpoint } from '../shared/einvoice/model';

export function maventaErrorMessage(error: RemoteError): string | undefined {
	const body = error.body as { code?: string; message?: string; details?: unknown } | undefined;
	if (!body || typeof body !== 'object' || (!body.message && !body.code)) return undefined;
	const details = Array.isArray(body.details)
		? body.details.map(String).filter(Boolean)
		: typeof body.details === 'string'
			? [body.details]
			: [];
	return [
		body.message ?? body.code,
		details.length ? `(${details.join('; ')})` : undefined,
		body.code && body.message ? `[${body.code}]` : undefined,
	]
		.filter(Boolean)
		.join(' ');
}

/** Typed calls through the shared request helper. */
const call = <T>(ctx: RequestContext, service: Service, options: ApiRequestOptions) =>
	apiRequest.call(ctx, service, options) as Promise<T>;
const callFull = <T>(ctx: RequestContext, service: Service, options: ApiRequestOptions) =>
	apiRequestFull.call(ctx, service, options) as Promise<FullResponse<T>>;

export const MAVENTA_SERVICE: Service = {
	system: 'Maventa',
	credentialType: 'maventaApi',
	errorMessage: maventaErrorMessage,
};

export type MaventaStatus = 'PENDING' | 'DELIVERED' | 'FAILED';
export type MaventaRoute = 'EINVOICE' | 'EMAIL' | 'PRINT' | 'SCAN';

export interface MaventaInvoice {
	id: string;
	status: MaventaStatus;
	number?: string | null;
	reference?: string | null;
	recipient?: { eia?: string | null; bid?: string | null; name?: string | null; operator?: string | null } | null;
	created_at?: string;
	destination?: string | null;
	sum?: string | number | null;
	currency?: string | null;
	actions?: MaventaAction[];
	[key: string]: unknown;
}

export interface MaventaAction {
	type: 'RECEIVED' | 'CREATED' | 'SENT' | 'DELIVERED' | 'ERROR' | 'INFO' | string;
	channel?: string | null;
	message?: string | null;
	happened_at?: string;
}

export interface LookupReceiver {
	eia: string;
	network: string;
	operator?: string | null;
	identifier?: Record<string, unknown>;
	document_types?: Record<string, unknown>[];
	participant?: { id?: string; name?: string; bid?: string; country?: string };
}

/** Namespace of our invoice UUIDs (a fixed random UUID), so the same idempotency key always gives the same uuid. */
const UUID_NAMESPACE = Buffer.from('3b0c4a55d6e24c8f9a7e1f6b2d8c9e01', 'hex');

/** RFC 4122 version 5 UUID of an idempotency key: a retry of the same document sends the same `uuid`. */
export function invoiceUuid(idempotencyKey: string): string {
	const hash = createHash('sha1').update(UUID_NAMESPACE).update(idempotencyKey, 'utf8').digest();
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * `recipient_eia` for an endpoint. Finnish OVT addresses (0216) travel bare, as Finnish operators use them;
 * every other scheme as `ICD:identifier` (e.g. `0088:5790000435975`) [I: Maventa accepts both forms].
 */
export function maventaEia(endpoint: Endpoint): string {
	return endpoint.scheme === '0216' ? endpoint.id : `${endpoint.scheme}:${endpoint.id}`;
}

/** Parse a route receiver given as `ICD:id`, `iso6523-actorid-upis::ICD:id` or `{ scheme, id }`. */
export function parseReceiver(value: unknown): Endpoint | undefined {
	if (value && typeof value === 'object') {
		const v = value as { scheme?: unknown; id?: unknown; endpoint?: unknown };
		if (v.endpoint) return parseReceiver(v.endpoint);
		if (typeof v.scheme === 'string' && typeof v.id === 'string' && v.id) return { scheme: v.scheme, id: v.id };
		return undefined;
	}
	if (typeof value !== 'string' || !value.trim()) return undefined;
	const m = /^(?:iso6523-actorid-upis::)?([0-9A-Z]{2,4}):(.+)$/i.exec(value.trim());
	return m ? { scheme: m[1].toUpperCase(), id: m[2] } : undefined;
}

export interface MultipartFile {
	name: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

/** A multipart/form-data body (RFC 7578) as bytes. Array values repeat the field (`route_order[]`). */
export function multipartBody(
	fields: Record<string, string | string[] | undefined>,
	files: MultipartFile[],
	boundary: string,
) {
	const chunks: Buffer[] = [];
	const quote = (text: string) => text.replace(/[\r\n"]/g, (c) => encodeURIComponent(c));
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		for (const v of Array.isArray(value) ? value : [value]) {
			chunks.push(
				Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${v}\r\n`, 'utf8'),
			);
		}
	}
	for (const file of files) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.name)}"; filename="${quote(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
				'utf8',
			),
			file.data,
			Buffer.from('\r\n', 'utf8'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A ZIP holding the XML and the invoice image under one base name (Maventa takes `<base>.pdf` as the image). */
export function invoiceZip(
	baseName: string,
	xml: Buffer,
	pdf: Buffer,
	attachments: { fileName: string; data: Buffer }[] = [],
): Buffer {
	const entries: Record<string, Uint8Array> = {
		[`${baseName}.xml`]: new Uint8Array(xml),
		[`${baseName}.pdf`]: new Uint8Array(pdf),
	};
	for (const a of attachments) entries[a.fileName] = new Uint8Array(a.data);
	// A fixed timestamp keeps the bytes identical between retries of the same document.
	return Buffer.from(zipSync(entries, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') }));
}

/** A file base name Maventa and receivers accept: letters, digits, dot, dash, underscore. */
export function safeBaseName(name: string): string {
	return (
		name
			.replace(/\.[^.]*$/, '')
			.replace(/[^A-Za-z0-9._-]+/g, '_')
			.replace(/^_+|_+$/g, '') || 'invoice'
	);
}

/** Maventa's invoice ids are UUIDs (the uuid we send becomes the id); accept any short plain identifier [I]. */
const INVOICE_ID = /^[\w.:-]{1,100}$/;

function describeValue(value: unknown): string {
	if (value === null || value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (Buffer.isBuffer(value)) return 'raw bytes';
	if (typeof value === 'object') return 'a record';
	return `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The answer as a Maventa invoice (id and status strings), or an error naming the request and what came instead. */
export function expectInvoice(value: unknown, what: string, expectedId?: string): MaventaInvoice {
	if (!isObject(value)) throw new Error(`Maventa answered ${what} with ${describeValue(value)} instead of an invoice`);
	if (typeof value.id !== 'string' || !INVOICE_ID.test(value.id))
		throw new Error(`Maventa answered ${what} with an invoice without a usable id`);
	if (expectedId !== undefined && value.id.toLowerCase() !== expectedId.toLowerCase())
		throw new Error(`Maventa answered ${what} with another invoice (${value.id})`);
	if (typeof value.status !== 'string' || !value.status)
		throw new Error(`Maventa answered ${what} with invoice ${value.id} without a status`);
	return value as MaventaInvoice;
}

/** The answer as a list of records, or an error naming the request and what came instead. */
export function expectList<T>(value: unknown, what: string): T[] {
	if (!Array.isArray(value)) throw new Error(`Maventa answered ${what} with ${describeValue(value)} instead of a list`);
	const bad = value.findIndex((entry) => !isObject(entry));
	if (bad >= 0)
		throw new Error(`Maventa answered ${what} with a list whose entry ${bad + 1} is ${describeValue(value[bad])}`);
	return value as T[];
}

/** Words Maventa may use when a uuid is already taken [U: the duplicate-uuid answer is not documented]. */
const DUPLICATE_UUID = /uuid|duplicate|already exists/i;

export interface SendInvoiceRequest {
	xml: Buffer;
	baseName: string;
	pdf?: Buffer;
	uuid: string;
	recipientEia?: string;
	recipientOperator?: string;
	recipientEmail?: string;
	routeOrder?: MaventaRoute[];
	disabledRoutes?: MaventaRoute[];
	senderComment?: string;
	format?: string;
}

export interface SendInvoiceResult {
	invoice: MaventaInvoice;
	/** True when Maventa already had an invoice with this uuid (a replay); nothing new was created. */
	existing: boolean;
}

export class MaventaClient {
	requestCount = 0;

	constructor(
		private readonly ctx: RequestContext,
		readonly baseUrl: string,
	) {}

	static async create(ctx: RequestContext): Promise<MaventaClient> {
		return new MaventaClient(ctx, maventaBaseUrl(await ctx.getCredentials('maventaApi')));
	}

	async sendInvoice(request: SendInvoiceRequest, subject: string, itemIndex?: number): Promise<SendInvoiceResult> {
		const file: MultipartFile = request.pdf
			? {
					name: 'file',
					fileName: `${request.baseName}.zip`,
					contentType: 'application/zip',
					data: invoiceZip(request.baseName, request.xml, request.pdf),
				}
			: { name: 'file', fileName: `${request.baseName}.xml`, contentType: 'text/xml', data: request.xml };
		const boundary = `----einvoice-${request.uuid}`;
		const { body, contentType } = multipartBody(
			{
				uuid: request.uuid,
				format: request.format,
				recipient_eia: request.recipientEia,
				recipient_operator: request.recipientOperator,
				recipient_email: request.recipientEmail,
				'route_order[]': request.routeOrder?.length ? request.routeOrder : undefined,
				'disabled_routes[]': request.disabledRoutes?.length ? request.disabledRoutes : undefined,
				sender_comment: request.senderComment,
			},
			[file],
			boundary,
		);
		this.requestCount++;
		const response = await callFull<unknown>(this.ctx, MAVENTA_SERVICE, {
			method: 'POST',
			url: '/v1/invoices',
			baseURL: this.baseUrl,
			body,
			headers: { 'Content-Type': contentType, Accept: 'application/json' },
			json: false,
			// The uuid makes the upload safe to repeat: Maventa answers a known uuid with the existing invoice.
			idempotent: true,
			// A known uuid may also be answered as a conflict [U]; then the invoice is looked up below.
			okStatuses: [409, 422],
			subject,
			itemIndex,
		});
		const parsed = parseJson(response.body) as MaventaInvoice & { code?: string; message?: string };
		if (response.statusCode === 409 || response.statusCode === 422) {
			const text = `${parsed?.code ?? ''} ${parsed?.message ?? ''}`;
			if (response.statusCode === 409 || DUPLICATE_UUID.test(text)) {
				const known = await this.findInvoice(request.uuid, subject, itemIndex);
				if (known) return { invoice: known, existing: true };
			}
			const remote =
				maventaErrorMessage({ statusCode: response.statusCode, headers: response.headers, body: parsed }) ?? 'refused';
			const httpCode = String(response.statusCode);
			throw new NodeApiError(this.ctx.getNode(), { message: remote, httpCode } as JsonObject, {
				message: `Maventa (${subject}): ${remote} [HTTP ${httpCode}]`,
				httpCode,
				itemIndex,
			});
		}
		if (!isObject(parsed) || typeof parsed.id !== 'string' || !INVOICE_ID.test(parsed.id))
			throw new Error(
				`Maventa accepted the upload of the ${subject} but returned no usable invoice id (${describeValue(parsed)})`,
			);
		return { invoice: parsed, existing: response.statusCode === 200 };
	}

	/** The invoice with this id, or undefined when Maventa has none (404). */
	async findInvoice(id: string, subject: string, itemIndex?: number): Promise<MaventaInvoice | undefined> {
		this.requestCount++;
		const response = await callFull<MaventaInvoice>(this.ctx, MAVENTA_SERVICE, {
			url: `/v1/invoices/${encodeURIComponent(id)}`,
			baseURL: this.baseUrl,
			okStatuses: [404],
			subject,
			itemIndex,
		});
		return response.statusCode === 404 ? undefined : expectInvoice(response.body, `the lookup of the ${subject}`, id);
	}

	async getInvoice(id: string, subject: string, itemIndex?: number): Promise<MaventaInvoice> {
		this.requestCount++;
		const body = await call<unknown>(this.ctx, MAVENTA_SERVICE, {
			url: `/v1/invoices/${encodeURIComponent(id)}`,
			baseURL: this.baseUrl,
			subject,
			itemIndex,
		});
		const invoice = expectInvoice(body, `the status request of the ${subject}`, id);
		if (invoice.actions !== undefined) expectList(invoice.actions, `the status request of the ${subject} (actions)`);
		return invoice;
	}

	async getActions(id: string, subject: string, itemIndex?: number): Promise<MaventaAction[]> {
		this.requestCount++;
		const body = await call<unknown>(this.ctx, MAVENTA_SERVICE, {
			url: `/v1/invoices/${encodeURIComponent(id)}/actions`,
			baseURL: this.baseUrl,
			subject,
			itemIndex,
		});
		return expectList<MaventaAction>(body, `the actions request of the ${subject}`);
	}

	async lookupReceivers(
		query: { networks: string[]; eia?: string; bid?: string; name?: string; countries?: string[] },
		itemIndex?: number,
	): Promise<LookupReceiver[]> {
		const search = new URLSearchParams();
		for (const n of query.networks) search.append('network[]', n);
		if (query.eia) search.set('eia', query.eia);
		if (query.bid) search.set('bid', query.bid);
		if (query.name) search.set('name', query.name);
		for (const c of query.countries ?? []) search.append('country[]', c);
		this.requestCount++;
		const subject = `receiver lookup of ${query.eia ?? query.bid ?? query.name}`;
		const body = await call<unknown>(this.ctx, MAVENTA_SERVICE, {
			url: `/v1/lookup/receivers?${search.toString()}`,
			baseURL: this.baseUrl,
			subject,
			itemIndex,
		});
		return expectList<LookupReceiver>(body, `the ${subject}`);
	}
}

function parseJson(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		try {
			return JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	return body;
}
