/**
 * The one HTTP path of the package (ARCHITECTURE rule 5).
 *
 * Every client calls `apiRequest` (JSON body), `apiRequestFull` (status + headers + body) or `apiRequestBinary`
 * (a Buffer, e.g. a PDF). They wrap n8n's `this.helpers.httpRequestWithAuthentication`, so the credential's
 * `authenticate` block and `preAuthentication` (token refresh on 401) run exactly as in n8n, and add:
 * - retries of 429 (honouring Retry-After in seconds or as an HTTP date), 5xx and network errors, with exponential
 *   back-off, jitter and a cap on attempts and on total waiting time;
 * - a per-key sliding-window rate limit (e.g. Dinero: 100 requests per minute per organisation), kept in module
 *   memory: it only throttles this process and stores no business state;
 * - the service's own error shape turned into a `NodeApiError` carrying the remote message, the system name and the
 *   item index, and never a header, token or password;
 * - optional bearer tokens that the client obtains itself (`TokenSource`, see `token.ts`), refreshed once on 401.
 *
 * Non-idempotent requests (POST, PATCH) are retried only when the server cannot have acted on them (429, 503,
 * refused connection) unless the caller marks them `idempotent` (e.g. an upload carrying an idempotency key).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { acquireRateLimit, blockRateLimitKey, RateLimitBlockedError, type RateLimit } from './rate-limit';
import { TokenFetchError, type TokenSource } from './token';

/** The n8n contexts a client can call from: node execution, polling, list search/load options, webhooks, hooks. */
export type RequestContext =
	IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export interface RetryPolicy {
	/** Attempts in total, including the first (default 5). */
	maxAttempts: number;
	/** First back-off delay in ms (default 500); doubles per attempt. */
	baseDelayMs: number;
	/** Largest single back-off delay in ms (default 30 s). */
	maxDelayMs: number;
	/** Total time spent waiting between attempts before giving up (default 120 s). A longer Retry-After fails at once. */
	maxTotalWaitMs: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export const DEFAULT_RETRY: RetryPolicy = {
	maxAttempts: 5,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxTotalWaitMs: 120_000,
};

/** A remote error as the service's extractor sees it. */
export interface RemoteError {
	statusCode: number;
	/** Parsed JSON when the body was JSON, else the text (binary bodies are decoded as UTF-8). */
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
}

/** What a client declares once about its service. */
export interface Service {
	/** System name used in errors, e.g. `Dinero`. */
	system: string;
	/** n8n credential type name, e.g. `dineroApi`. */
	credentialType: string;
	/** Turns the service's error body into a readable message (the remote message). Falls back to `defaultErrorMessage`. */
	errorMessage?: (error: RemoteError) => string | undefined;
	/** Default retry policy for this service. */
	retry?: Partial<RetryPolicy>;
	/** Per-attempt timeout in ms (default 60 000), so a server that never answers cannot hang an execution. */
	timeoutMs?: number;
	/**
	 * Status that means "token expired" (default 401). n8n then runs the credential's `preAuthentication` and repeats
	 * the request once. `false` when the credential has no `preAuthentication`, so a 401 is not sent twice.
	 */
	tokenExpiredStatus?: number | false;
}

export interface ApiRequestOptions {
	method?: IHttpRequestMethods;
	/** Absolute URL, or a path relative to `baseURL`. */
	url: string;
	baseURL?: string;
	qs?: IDataObject;
	body?: IHttpRequestOptions['body'];
	headers?: IDataObject;
	/** Send and parse JSON (default true unless `encoding` is set). */
	json?: boolean;
	encoding?: IHttpRequestOptions['encoding'];
	/** Per-attempt timeout in ms (default: the service's `timeoutMs`, else 60 s). A timed-out attempt counts as a network error. */
	timeout?: number;
	/** Item the request is made for; set on the error. */
	itemIndex?: number;
	/** What the request is about, named in errors, e.g. `invoice 1001`. */
	subject?: string;
	/** Throttle on this key (e.g. `dinero:<organisation id>`). */
	rateLimit?: RateLimit;
	/** Override the service's retry policy for this call. */
	retry?: Partial<RetryPolicy>;
	/** Mark a POST/PATCH safe to repeat (it carries an idempotency key). GET/HEAD/PUT/DELETE are idempotent already. */
	idempotent?: boolean;
	/** Statuses that are not errors for this call (e.g. 404 on a lookup); they are returned as responses. */
	okStatuses?: number[];
	/** A bearer token the client obtains itself; sent as `Authorization: Bearer …`, refreshed once on 401. */
	token?: TokenSource;
	/** Header to carry the token (default `Authorization`, value `Bearer <token>`). */
	tokenHeader?: string;
}

export interface FullResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

export interface BinaryResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	data: Buffer;
	/** Content-Type without parameters, e.g. `application/pdf`. */
	mimeType?: string;
	/** File name from Content-Disposition, when the server sent one. */
	fileName?: string;
}

const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ECONNREFUSED',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
]);
/** Network failures where the request surely did not reach the server, so even a POST may be repeated. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/** JSON request, returns the parsed body. */
export async function apiRequest<T = unknown>(
	this: RequestContext,
	service: Service,
	options: ApiRequestOptions,
): Promise<T> {
	const response = await apiRequestFull.call(this, service, options);
	return response.body as T;
}

/** Request returning status, headers and body (for paging tokens in headers, Location, ETag …). */
export async function apiRequestFull<T = unknown>(
	this: RequestContext,
	service: Service,
	options: ApiRequestOptions,
): Promise<FullResponse<T>> {
	return (await send(this, service, options)) as FullResponse<T>;
}

/** Request returning the body as bytes (PDF downloads and other files). */
export async function apiRequestBinary(
	this: RequestContext,
	service: Service,
	options: ApiRequestOptions,
): Promise<BinaryResponse> {
	const response = await send(this, service, { ...options, encoding: 'arraybuffer', json: false });
	const data = toBuffer(response.body);
	const contentType = headerValue(response.headers, 'content-type');
	return {
		statusCode: response.statusCode,
		headers: response.headers,
		data,
		mimeType: contentType?.split(';')[0].trim() || undefined,
		fileName: fileNameFromDisposition(headerValue(response.headers, 'content-disposition')),
	};
}

async function send(ctx: RequestContext, service: Service, options: ApiRequestOptions): Promise<FullResponse> {
	const policy: RetryPolicy = { ...DEFAULT_RETRY, ...service.retry, ...options.retry };
	const method = options.method ?? 'GET';
	const idempotent = options.idempotent ?? !['POST', 'PATCH'].includes(method);
	const expiredStatus = service.tokenExpiredStatus === false ? undefined : (service.tokenExpiredStatus ?? 401);
	const signal = cancelSignal(ctx);
	let waited = 0;
	let tokenRefreshed = false;

	for (let attempt = 1; ; attempt++) {
		let release: (() => void) | undefined;
		if (options.rateLimit) {
			try {
				release = await acquireRateLimit(options.rateLimit, signal, policy.maxTotalWaitMs - waited);
			} catch (error) {
				if (!(error instanceof RateLimitBlockedError)) throw error;
				throw await pausedApiError(ctx, service, options, error);
			}
		}
		let outcome: FullResponse | { networkError: Error & { code?: string } };
		try {
			outcome = await attemptRequest(ctx, service, options, method, expiredStatus);
			release?.();
		} catch (error) {
			release?.();
			if (isCancelled(error, signal)) throw error;
			if (error instanceof TokenFetchError) {
				// The main request was not sent: a failing token endpoint (5xx, 429, network) is worth another try.
				const transient = error.statusCode === undefined || error.statusCode === 429 || error.statusCode >= 500;
				if (!transient || attempt >= policy.maxAttempts) throw await tokenApiError(ctx, service, options, error);
				const delay = backoffDelay(attempt, policy);
				if (waited + delay > policy.maxTotalWaitMs) throw await tokenApiError(ctx, service, options, error);
				waited += delay;
				await sleep(delay, signal);
				continue;
			}
			const remote = remoteFromThrown(error);
			if (remote) outcome = remote;
			else {
				const code = networkCode(error);
				// Not an HTTP answer nor a network failure (e.g. the credential's token request refused inside n8n):
				// nothing to retry; say which request failed, without any secret the message may carry.
				if (!code) throw await failedRequestError(ctx, service, options, error);
				outcome = { networkError: Object.assign(error as Error, { code }) };
			}
		}

		let retryAfterMs: number | undefined;
		if ('networkError' in outcome) {
			const code = outcome.networkError.code!;
			const retryable = idempotent || NOT_SENT_CODES.has(code);
			if (!retryable || attempt >= policy.maxAttempts) {
				throw await networkApiError(ctx, service, options, code, attempt);
			}
		} else {
			const { statusCode } = outcome;
			if (statusCode < 300 && idempotent && (isHtmlPage(outcome) || isBrokenJson(outcome))) {
				// A proxy or maintenance page with 200 instead of the API's data: as transient as a 502.
				if (attempt >= policy.maxAttempts) throw await htmlPageError(ctx, service, options, attempt);
				const delay = backoffDelay(attempt, policy);
				if (waited + delay > policy.maxTotalWaitMs) throw await htmlPageError(ctx, service, options, attempt);
				ctx.logger?.debug(
					`${service.system}: HTML page instead of data on ${method} ${options.url}; retry ${attempt + 1}`,
				);
				waited += delay;
				await sleep(delay, signal);
				continue;
			}
			if (statusCode < 400 || options.okStatuses?.includes(statusCode)) return outcome;
			if (statusCode === (expiredStatus ?? 401) && (options.token || expiredStatus !== undefined) && !tokenRefreshed) {
				// Our own token expired early (revoked, clock skew): fetch a new one once, then try again. A credential's
				// token was already refreshed once by n8n; it may have expired again since: one more round.
				options.token?.invalidate();
				tokenRefreshed = true;
				attempt--;
				continue;
			}
			const retryable = statusCode === 429 || (statusCode >= 500 && (idempotent || statusCode === 503));
			if (statusCode === 429 || statusCode === 503) {
				retryAfterMs = parseRetryAfter(headerValue(outcome.headers, 'retry-after'));
				if (retryAfterMs !== undefined && options.rateLimit) blockRateLimitKey(options.rateLimit.key, retryAfterMs);
			}
			if (!retryable || attempt >= policy.maxAttempts)
				throw await remoteApiError(ctx, service, options, outcome, attempt);
			if (retryAfterMs !== undefined && waited + retryAfterMs > policy.maxTotalWaitMs) {
				throw await remoteApiError(ctx, service, options, outcome, attempt, retryAfterMs);
			}
		}

		const delay = retryAfterMs ?? backoffDelay(attempt, policy);
		const reason = 'networkError' in outcome ? outcome.networkError.code! : `HTTP ${outcome.statusCode}`;
		ctx.logger?.debug(
			`${service.system}: ${reason} on ${method} ${options.url}; retry ${attempt + 1}/${policy.maxAttempts} in ${delay} ms`,
		);
		if (waited + delay > policy.maxTotalWaitMs) {
			if ('networkError' in outcome)
				throw await networkApiError(ctx, service, options, outcome.networkError.code!, attempt);
			throw await remoteApiError(ctx, service, options, outcome, attempt);
		}
		waited += delay;
		await sleep(delay, signal);
	}
}

async function attemptRequest(
	ctx: RequestContext,
	service: Service,
	options: ApiRequestOptions,
	method: IHttpRequestMethods,
	expiredStatus: number | undefined,
): Promise<FullResponse> {
	const headers: IDataObject = { ...options.headers };
	if (options.token) {
		const token = await options.token.get();
		const header = options.tokenHeader ?? 'Authorization';
		headers[header] = header.toLowerCase() === 'authorization' ? `Bearer ${token}` : token;
	}
	const request: IHttpRequestOptions = {
		method,
		url: options.url,
		headers,
		returnFullResponse: true,
		// Statuses come back as responses so retries and error messages are ours; the token-expired status still
		// throws so that n8n runs the credential's preAuthentication refresh and repeats the request once.
		ignoreHttpStatusErrors: {
			ignore: true,
			except: options.token || expiredStatus === undefined ? [] : [expiredStatus],
		},
		json: options.encoding ? false : (options.json ?? true),
	};
	if (options.baseURL !== undefined) request.baseURL = options.baseURL;
	if (options.qs !== undefined) request.qs = options.qs;
	if (options.body !== undefined) request.body = options.body;
	if (options.encoding !== undefined) request.encoding = options.encoding;
	request.timeout = options.timeout ?? service.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, service.credentialType, request)) as {
		statusCode: number;
		headers: Record<string, string | string[] | undefined>;
		body: unknown;
	};
	return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
}

/** n8n wraps a thrown axios error in NodeApiError; dig out the HTTP response when there is one. */
function remoteFromThrown(error: unknown): FullResponse | undefined {
	for (let e = error as { cause?: unknown; response?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
		const response = e.response as { status?: number; headers?: Record<string, string>; data?: unknown } | undefined;
		if (response && typeof response.status === 'number') {
			return { statusCode: response.status, headers: response.headers ?? {}, body: response.data };
		}
		e = e.cause as typeof e;
	}
	return undefined;
}

function networkCode(error: unknown): string | undefined {
	for (
		let e = error as { cause?: unknown; code?: unknown; message?: unknown } | undefined, depth = 0;
		e && depth < 5;
		depth++
	) {
		if (typeof e.code === 'string' && RETRYABLE_NETWORK_CODES.has(e.code)) return e.code;
		if (typeof e.message === 'string') {
			if (/socket hang up|stream has been aborted|\baborted\b|premature close/i.test(e.message)) return 'ECONNRESET';
			const match = /\b(ECONNRESET|ETIMEDOUT|ECONNREFUSED|ECONNABORTED|EPIPE|EAI_AGAIN|ENOTFOUND)\b/.exec(e.message);
			if (match) return match[1];
			if (/timeout of \d+ms exceeded/i.test(e.message)) return 'ETIMEDOUT';
		}
		e = e.cause as typeof e;
	}
	return undefined;
}

function cancelSignal(ctx: RequestContext): AbortSignal | undefined {
	const candidate = ctx as { getExecutionCancelSignal?: () => AbortSignal | undefined };
	return typeof candidate.getExecutionCancelSignal === 'function' ? candidate.getExecutionCancelSignal() : undefined;
}

function isCancelled(error: unknown, signal?: AbortSignal): boolean {
	if (signal?.aborted) return true;
	for (
		let e = error as { cause?: unknown; code?: unknown; name?: unknown } | undefined, depth = 0;
		e && depth < 4;
		depth++
	) {
		if (e.code === 'ERR_CANCELED' || e.name === 'CanceledError' || e.name === 'AbortError') return true;
		e = e.cause as typeof e;
	}
	return false;
}

/** Exponential back-off with jitter: a random delay between half and all of base × 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retry-After as ms: delta seconds ("120") or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(new Error('Execution cancelled'));
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('Execution cancelled'));
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

export function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
		return Array.isArray(value) ? String(value[0]) : String(value);
	}
	return undefined;
}

function fileNameFromDisposition(disposition: string | undefined): string | undefined {
	if (!disposition) return undefined;
	const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
	if (star) {
		try {
			return decodeURIComponent(star[1].trim());
		} catch {
			// fall through to the plain parameter
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(disposition);
	return plain ? (plain[2] ?? plain[1]).trim() : undefined;
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Decode an error body (possibly bytes) to JSON or text. */
function decodeBody(body: unknown): unknown {
	if (Buffer.isBuffer(body) || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
		const text = toBuffer(body).toString('utf8');
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	if (typeof body === 'string') {
		const trimmed = body.trim();
		if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
			try {
				return JSON.parse(trimmed);
			} catch {
				return body;
			}
		}
	}
	return body;
}

const MESSAGE_KEYS = [
	'message',
	'Message',
	'error_description',
	'errorMessage',
	'ErrorMessage',
	'detail',
	'title',
	'error',
	'Error',
	'errors',
	'Errors',
	'msg',
	'reason',
	'description',
];

/** Find a human message in a typical error body: `{message}`, `{error: {message}}`, `{errors: [...]}`, problem+json … */
export function defaultErrorMessage(body: unknown, depth = 0): string | undefined {
	if (depth > 4 || body === undefined || body === null) return undefined;
	if (typeof body === 'string') {
		const text = body
			.replace(/<[^>]+>/g, ' ')
			.replace(/\s+/g, ' ')
			.trim();
		return text ? truncate(text, 300) : undefined;
	}
	if (typeof body === 'number' || typeof body === 'boolean') return String(body);
	if (Array.isArray(body)) {
		const parts = body.map((entry) => defaultErrorMessage(entry, depth + 1)).filter((p): p is string => !!p);
		return parts.length ? truncate([...new Set(parts)].join('; '), 500) : undefined;
	}
	if (typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of MESSAGE_KEYS) {
			const found = defaultErrorMessage(record[key], depth + 1);
			if (found) {
				const field = record.field ?? record.Field ?? record.property ?? record.Property ?? record.path;
				return typeof field === 'string' && !found.includes(field) ? `${field}: ${found}` : found;
			}
		}
	}
	return undefined;
}

function truncate(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const SECRET_NAME = /auth|token|key|secret|password|passwd|cookie|signature|credential/i;

/**
 * Values that must never appear in an error, even when the server echoes them back: secret-like fields of the
 * credential (API keys, client secrets, passwords, tokens), auth-like headers we sent, and our own bearer token.
 */
async function secretsOf(ctx: RequestContext, service: Service, options: ApiRequestOptions): Promise<string[]> {
	const secrets: string[] = [];
	const collect = (record: Record<string, unknown> | undefined) => {
		for (const [name, value] of Object.entries(record ?? {})) {
			if (!SECRET_NAME.test(name)) continue;
			if (typeof value === 'string' && value.length >= 4) secrets.push(value);
			else if (value && typeof value === 'object') collect(value as Record<string, unknown>);
		}
	};
	collect(options.headers);
	try {
		collect((await ctx.getCredentials(service.credentialType)) as Record<string, unknown>);
	} catch {
		// No credential of that type on this node: nothing more to hide.
	}
	const token = options.token?.peek?.();
	if (token) secrets.push(token);
	return secrets.sort((a, b) => b.length - a.length);
}

/** `text` without the given secret values or bearer/basic tokens: for errors raised outside `apiRequest` (credentials). */
export function redactSecrets(text: string, values: unknown[]): string {
	const secrets = values.filter((v): v is string => typeof v === 'string' && v.length >= 4);
	return redact(
		text,
		secrets.sort((a, b) => b.length - a.length),
	);
}

function redact(text: string, secrets: string[]): string {
	let out = text;
	for (const secret of secrets) out = out.split(secret).join('***');
	return out.replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***');
}

function prefix(service: Service, options: ApiRequestOptions): string {
	return options.subject ? `${service.system} (${options.subject})` : service.system;
}

async function remoteApiError(
	ctx: RequestContext,
	service: Service,
	options: ApiRequestOptions,
	response: FullResponse,
	attempts: number,
	retryAfterMs?: number,
): Promise<NodeApiError> {
	const secrets = await secretsOf(ctx, service, options);
	const remote: RemoteError = {
		statusCode: response.statusCode,
		headers: response.headers,
		body: decodeBody(response.body),
	};
	const remoteMessage =
		service.errorMessage?.(remote) ?? defaultErrorMessage(remote.body) ?? statusText(response.statusCode);
	let message = `${prefix(service, options)}: ${remoteMessage} [HTTP ${response.statusCode}]`;
	if (retryAfterMs !== undefined) message += ` — the service asks to retry after ${Math.ceil(retryAfterMs / 1000)} s`;
	else if (attempts > 1) message += ` after ${attempts} attempts`;
	const safe = redact(message, secrets);
	const error = new NodeApiError(
		ctx.getNode(),
		{ message: safe, httpCode: String(response.statusCode), system: service.system } as JsonObject,
		{
			message: safe,
			description: redact(describeBody(remote.body), secrets),
			httpCode: String(response.statusCode),
			itemIndex: options.itemIndex,
		},
	);
	error.message = safe; // NodeApiError may swap in a generic text for well-known codes; keep the remote message
	return error;
}

/**
 * A successful JSON answer whose body does not parse: cut off in transit (an empty or truncated body that still
 * ended the response). Parsed from the first `{` or `[`, as some services prefix their JSON.
 */
function isBrokenJson(response: FullResponse): boolean {
	if (!/json/i.test(headerValue(response.headers, 'content-type') ?? '')) return false;
	const body = response.body;
	if (
		body !== null &&
		typeof body === 'object' &&
		!Buffer.isBuffer(body) &&
		!ArrayBuffer.isView(body) &&
		!(body instanceof ArrayBuffer)
	)
		return false; // parsed already
	const text = toBuffer(body).toString('utf8');
	const start = text.search(/[{["]|\d|true|false|null/);
	if (start < 0) return true;
	try {
		JSON.parse(text.slice(start));
		return false;
	} catch {
		return true;
	}
}

/** A successful status whose body is an HTML page (content type text/html), which no JSON or file API sends as data. */
function isHtmlPage(response: FullResponse): boolean {
	return /^\s*text\/html\b/i.test(headerValue(response.headers, 'content-type') ?? '');
}

async function htmlPageError(
	ctx: RequestContext,
	service: Service,
	options: ApiRequestOptions,
	attempts: number,
): Promise<NodeApiError> {
	const message = `${prefix(service, options)}: answered with an HTML page or an incomplete JSON body instead of data${attempts > 1 ? ` (${attempts} attempts)` : ''}`;
	const error = new NodeApiError(ctx.getNode(), { message, system: service.system } as JsonObject, {
		message,
		description: `${service.system} (or a proxy in front of it) answered with a web page, e.g. a maintenance or error page.`,
		itemIndex: options.itemIndex,
	});
	error.message = message;
	return error;
}

async function networkApiError(
	ctx: RequestContext,
	service: Service,
	options: ApiRequestOptions,
	code: string,
	attempts: number,
): Promise<NodeApiError> {
	const message = `${prefix(service, options)}: network error ${code}${attempts > 1 ? ` after ${attempts} attempts` : ''}`;
	const error = new NodeApiError(ctx.getNode(), { message, code, system: service.system } as JsonObject, {
		message,
		description: `The request to ${service.system} failed before a response arrived (${code}).`,
		itemIndex: options.itemIndex,
	});
	error.message = message;
	return error;
}

async function pausedApiError(
	ctx: RequestContext,
	service: Service,
	options: ApiRequestOptions,
	cause: RateLimitBlockedError,
): Promise<NodeApiError> {
	const message = `${prefix(service, options)}: ${cause.message}`;
	const error = new NodeApiError(ctx.getNode(), { message, system: service.system } as JsonObject, {
		message,
		description: 'An earlier request was answered 429/503 with a Retry-After longer than this node may wait.',
		httpCode: '429',
		itemIndex: options.itemIndex,
	});
	error.message = message;
	return error;
}

async function tokenApiError(
	ctx: RequestContext,
	service: Service,
	options: ApiRequestOptions,
	cause: TokenFetchError,
): Promise<NodeApiError> {
	const secrets = await secretsOf(ctx, service, options);
	const message = redact(`${prefix(service, options)}: could not obtain an access token: ${cause.message}`, secrets);
	const httpCode = cause.statusCode === undefined ? undefined : String(cause.statusCode);
	const error = new NodeApiError(ctx.getNode(), { message, system: service.system } as JsonObject, {
		message,
		description: 'Check the credential (client id, secret, user) and the environment it points to.',
		httpCode,
		itemIndex: options.itemIndex,
	});
	error.message = message;
	return error;
}

async function failedRequestError(
	ctx: RequestContext,
	service: Service,
	options: ApiRequestOptions,
	cause: unknown,
): Promise<NodeApiError> {
	const secrets = await secretsOf(ctx, service, options);
	const text = cause instanceof Error ? cause.message : String(cause);
	const message = redact(`${prefix(service, options)}: ${text}`, secrets);
	const error = new NodeApiError(ctx.getNode(), { message, system: service.system } as JsonObject, {
		message,
		itemIndex: options.itemIndex,
	});
	error.message = message;
	return error;
}

function describeBody(body: unknown): string {
	if (body === undefined || body === null || body === '') return '';
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	return truncate(text, 1000);
}

function statusText(status: number): string {
	const texts: Record<number, string> = {
		400: 'Bad request',
		401: 'Unauthorized (check the credential)',
		403: 'Forbidden (check the credential and its permissions)',
		404: 'Not found',
		409: 'Conflict',
		422: 'Unprocessable entity',
		429: 'Too many requests',
		500: 'Internal server error',
		502: 'Bad gateway',
		503: 'Service unavailable',
		504: 'Gateway timeout',
	};
	return texts[status] ?? `HTTP status ${status}`;
}
