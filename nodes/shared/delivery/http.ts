/**
 * HTTP(S) gateway delivery: the request for one document and the reading of the answer. The request itself goes
 * through the package's one HTTP path (the n8n request helper); this module stays pure so it can be tested alone.
 */

export interface HttpDeliverySettings {
	/** Absolute URL, or a path joined to the credential's base URL. May hold `{placeholders}` rendered by the caller. */
	url: string;
	method: 'POST' | 'PUT';
	/** Extra headers; the credential adds the auth header. */
	headers?: Record<string, string>;
	/** Status codes that mean "delivered", e.g. `200-299`. */
	acceptedStatusCodes?: string;
	/** Status codes that mean "the gateway has it already", e.g. `409`. */
	duplicateStatusCodes?: string;
	/** Header carrying the idempotency key (empty: none). Default `Idempotency-Key`. */
	idempotencyHeader?: string;
	/** JSON field of the response body holding the gateway's id for the document (dot path). */
	remoteIdField?: string;
}

export interface HttpDocument {
	content: Buffer;
	fileName: string;
	contentType?: string;
	idempotencyKey: string;
}

export interface HttpDeliveryRequest {
	method: 'POST' | 'PUT';
	url: string;
	headers: Record<string, string>;
	body: Buffer;
}

export interface HttpResponseLike {
	statusCode: number;
	headers?: Record<string, string | string[] | undefined>;
	body?: unknown;
}

export interface HttpDeliveryOutcome {
	status: 'delivered' | 'alreadyDelivered' | 'failed';
	statusCode: number;
	remoteId?: string;
	message: string;
	/** The response kept for the ledger: status, selected headers and body (parsed JSON or text, at most 4 kB). */
	response: { statusCode: number; location?: string; contentType?: string; body?: unknown };
}

/** Parse `200-299, 409` into a predicate; throws on anything else. */
export function parseStatusCodes(spec: string | undefined, fallback = '200-299'): (code: number) => boolean {
	const text = spec?.trim() || fallback;
	const ranges = text
		.split(/\s*,\s*/)
		.filter(Boolean)
		.map((part) => {
			const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
			if (!match) throw new Error(`"${part}" is not a status code or range (e.g. 200-299, 409)`);
			return [Number(match[1]), Number(match[2] ?? match[1])] as const;
		});
	return (code) => ranges.some(([from, to]) => code >= from && code <= to);
}

export function buildHttpDeliveryRequest(settings: HttpDeliverySettings, document: HttpDocument): HttpDeliveryRequest {
	const headers: Record<string, string> = {
		'content-type': document.contentType ?? 'application/xml',
		'content-disposition': `attachment; filename="${document.fileName.replace(/["\\\r\n]/g, '_')}"`,
	};
	for (const [name, value] of Object.entries(settings.headers ?? {}))
		if (name.trim()) headers[name.trim().toLowerCase()] = value;
	const idempotencyHeader = settings.idempotencyHeader ?? 'Idempotency-Key';
	if (idempotencyHeader.trim()) headers[idempotencyHeader.trim().toLowerCase()] = document.idempotencyKey;
	return { method: settings.method, url: settings.url, headers, body: document.content };
}

function header(response: HttpResponseLike, name: string): string | undefined {
	const value = response.headers?.[name] ?? response.headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function readBody(body: unknown): unknown {
	if (body === undefined || body === null) return undefined;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
	if (text === undefined) return body;
	try {
		return JSON.parse(text);
	} catch {
		return text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
	}
}

function pick(value: unknown, dotPath: string): unknown {
	return dotPath
		.split('.')
		.reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

export function interpretHttpResponse(settings: HttpDeliverySettings, response: HttpResponseLike): HttpDeliveryOutcome {
	const accepted = parseStatusCodes(settings.acceptedStatusCodes);
	const duplicate = settings.duplicateStatusCodes?.trim()
		? parseStatusCodes(settings.duplicateStatusCodes)
		: () => false;
	const body = readBody(response.body);
	const location = header(response, 'location');
	const kept = { statusCode: response.statusCode, location, contentType: header(response, 'content-type'), body };
	const idFromBody = settings.remoteIdField ? pick(body, settings.remoteIdField) : undefined;
	const remoteId = idFromBody !== undefined && idFromBody !== null ? String(idFromBody) : location;
	if (accepted(response.statusCode))
		return {
			status: 'delivered',
			statusCode: response.statusCode,
			remoteId,
			message: `accepted with HTTP ${response.statusCode}`,
			response: kept,
		};
	if (duplicate(response.statusCode))
		return {
			status: 'alreadyDelivered',
			statusCode: response.statusCode,
			remoteId,
			message: `the gateway already has this document (HTTP ${response.statusCode})`,
			response: kept,
		};
	const detail =
		typeof body === 'string' ? body.slice(0, 300) : body !== undefined ? JSON.stringify(body).slice(0, 300) : '';
	return {
		status: 'failed',
		statusCode: response.statusCode,
		remoteId,
		message: `gateway answered HTTP ${response.statusCode}${detail ? `: ${detail}` : ''}`,
		response: kept,
	};
}
