/**
 * Access tokens that a client obtains itself (OAuth 2 client-credentials or password grant), for services whose
 * token flow n8n's credential `authenticate` block cannot express (e.g. a token plus an extra header).
 *
 * Tokens are cached in module memory keyed by a SHA-256 digest of the credential's identity (URL, client id, user
 * and a digest of the secrets), never by a secret in clear. A cached token is used until shortly before it expires;
 * `apiRequest` invalidates it and fetches a new one once when the service answers 401. The cache holds no business
 * data; another worker simply fetches its own token.
 *
 * Credentials that prefer n8n's own mechanism (a hidden `expirable` property filled by `preAuthentication`) can call
 * `fetchOAuth2Token` from their `preAuthentication` with `this.helpers.httpRequest`.
 */
import { createHash } from 'node:crypto';
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

export interface TokenResult {
	accessToken: string;
	/** Lifetime in seconds from now (`expires_in`). Unknown lifetimes use `defaultTtlMs`. */
	expiresInSeconds?: number;
	tokenType?: string;
	refreshToken?: string;
}

/** What `apiRequest` needs: a current token and a way to drop it after a 401. */
export interface TokenSource {
	get(): Promise<string>;
	invalidate(): void;
	/** The token in hand, without fetching (used to keep it out of error messages). */
	peek?(): string | undefined;
}

/** Thrown when the token endpoint refuses or fails; carries no secret. */
export class TokenFetchError extends Error {
	constructor(
		message: string,
		readonly statusCode?: number,
		readonly code?: string,
	) {
		super(message);
		this.name = 'TokenFetchError';
	}
	/** A failure that may pass on a repeat (429, 5xx, no answer, an answer without a token). */
	transient = false;
	/** The server's Retry-After, when it sent one. */
	retryAfterMs?: number;
}

interface CacheEntry {
	token?: string;
	expiresAt: number;
	pending?: Promise<string>;
}

const cache = new Map<string, CacheEntry>();

/** Digest of a credential's identity. Secrets are hashed with the rest, so a changed secret gives a new key. */
export function credentialIdentity(...parts: unknown[]): string {
	const hash = createHash('sha256');
	for (const part of parts)
		hash.update(typeof part === 'string' ? part : JSON.stringify(part ?? null)).update('\u0000');
	return hash.digest('hex');
}

/**
 * A cached token source. `identity` should come from `credentialIdentity(...)`. Concurrent callers share one fetch.
 * A token is refreshed `skewMs` (default 60 s) before it expires.
 */
export function cachedToken(
	identity: string,
	fetchToken: () => Promise<TokenResult>,
	options: { skewMs?: number; defaultTtlMs?: number } = {},
): TokenSource {
	const skewMs = options.skewMs ?? 60_000;
	const defaultTtlMs = options.defaultTtlMs ?? 10 * 60_000;
	return {
		async get() {
			let entry = cache.get(identity);
			if (!entry) {
				entry = { expiresAt: 0 };
				cache.set(identity, entry);
			}
			if (entry.token && Date.now() < entry.expiresAt) return entry.token;
			if (entry.pending) return entry.pending;
			const current = entry;
			current.pending = (async () => {
				try {
					const result = await fetchToken();
					if (!result.accessToken) throw new TokenFetchError('the token response has no access token');
					const ttl = result.expiresInSeconds !== undefined ? result.expiresInSeconds * 1000 : defaultTtlMs;
					current.token = result.accessToken;
					current.expiresAt = Date.now() + Math.max(0, ttl - Math.min(skewMs, ttl / 2));
					return result.accessToken;
				} finally {
					current.pending = undefined;
				}
			})();
			return current.pending;
		},
		peek() {
			return cache.get(identity)?.token;
		},
		invalidate() {
			const entry = cache.get(identity);
			if (entry) {
				entry.token = undefined;
				entry.expiresAt = 0;
			}
		},
	};
}

/** Drop every cached token (tests). */
export function clearTokenCache(): void {
	cache.clear();
}

export interface OAuth2TokenRequest {
	tokenUrl: string;
	grantType: 'client_credentials' | 'password' | 'refresh_token';
	clientId?: string;
	clientSecret?: string;
	username?: string;
	password?: string;
	refreshToken?: string;
	scope?: string;
	/** Client credentials in a Basic header (default) or in the form body. */
	clientAuthentication?: 'header' | 'body';
	/** Further form fields the service wants. */
	extraFields?: Record<string, string>;
	/** Further headers (e.g. a subscription key). */
	headers?: IDataObject;
	/** Body encoding: form (RFC 6749, default) or JSON (some services). */
	bodyFormat?: 'form' | 'json';
}

type HttpRequester = (options: IHttpRequestOptions) => Promise<unknown>;

/**
 * Fetch a token from an OAuth 2 token endpoint with `http` (`this.helpers.httpRequest` bound to an n8n context).
 * Errors name the service's `error`/`error_description`, never the secret.
 */
export async function fetchOAuth2Token(http: HttpRequester, request: OAuth2TokenRequest): Promise<TokenResult> {
	const fields: Record<string, string> = { grant_type: request.grantType, ...request.extraFields };
	if (request.scope) fields.scope = request.scope;
	if (request.grantType === 'password') {
		fields.username = request.username ?? '';
		fields.password = request.password ?? '';
	}
	if (request.grantType === 'refresh_token') fields.refresh_token = request.refreshToken ?? '';
	const headers: IDataObject = { Accept: 'application/json', ...request.headers };
	if ((request.clientAuthentication ?? 'header') === 'header' && request.clientId !== undefined) {
		const basic = Buffer.from(
			`${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret ?? '')}`,
		).toString('base64');
		headers.Authorization = `Basic ${basic}`;
	} else {
		if (request.clientId !== undefined) fields.client_id = request.clientId;
		if (request.clientSecret !== undefined) fields.client_secret = request.clientSecret;
	}
	let body: IHttpRequestOptions['body'];
	if (request.bodyFormat === 'json') {
		headers['Content-Type'] = 'application/json';
		body = fields;
	} else {
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
		body = new URLSearchParams(fields).toString();
	}
	// A token request is safe to repeat: 429, 5xx, a dropped connection or a cut-off answer get a few more tries.
	for (let attempt = 1; ; attempt++) {
		try {
			return await requestToken(http, request.tokenUrl, headers, body);
		} catch (error) {
			if (!(error instanceof TokenFetchError) || !error.transient || attempt >= TOKEN_ATTEMPTS) throw error;
			await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs ?? 250 * 2 ** attempt));
		}
	}
}

/** Attempts of one token request (the first and the repeats after transient failures). */
const TOKEN_ATTEMPTS = 4;

async function requestToken(
	http: HttpRequester,
	tokenUrl: string,
	headers: IDataObject,
	body: IHttpRequestOptions['body'],
): Promise<TokenResult> {
	let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	try {
		response = (await http({
			method: 'POST',
			url: tokenUrl,
			headers,
			body,
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	} catch (error) {
		const code =
			(error as { code?: string; cause?: { code?: string } }).code ??
			(error as { cause?: { code?: string } }).cause?.code;
		throw Object.assign(
			new TokenFetchError(
				`the token request failed before a response arrived${code ? ` (${code})` : ''}`,
				undefined,
				code ?? 'ENETWORK',
			),
			{ transient: true },
		);
	}
	const parsed = parseBody(response.body);
	if (response.statusCode >= 400) {
		const error = typeof parsed.error === 'string' ? parsed.error : undefined;
		const description = typeof parsed.error_description === 'string' ? parsed.error_description : undefined;
		const text =
			[error, description].filter(Boolean).join(': ') || (typeof parsed.message === 'string' ? parsed.message : '');
		const retryAfter = Number(response.headers?.['retry-after']);
		throw Object.assign(
			new TokenFetchError(
				`the token request was refused${text ? `: ${text}` : ''} [HTTP ${response.statusCode}]`,
				response.statusCode,
			),
			{
				transient: response.statusCode === 429 || response.statusCode >= 500,
				retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter, 10) * 1000 : undefined,
			},
		);
	}
	const accessToken = parsed.access_token ?? parsed.accessToken;
	if (typeof accessToken !== 'string' || !accessToken)
		// A 2xx without a token is a proxy page or an answer cut off on the way: worth another try.
		throw Object.assign(new TokenFetchError('the token response has no access_token', response.statusCode), {
			transient: true,
		});
	const expiresIn = Number(parsed.expires_in ?? parsed.expiresIn);
	return {
		accessToken,
		expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
		tokenType: typeof parsed.token_type === 'string' ? parsed.token_type : undefined,
		refreshToken: typeof parsed.refresh_token === 'string' ? parsed.refresh_token : undefined,
	};
}

function parseBody(body: unknown): Record<string, unknown> {
	if (body && typeof body === 'object' && !Buffer.isBuffer(body)) return body as Record<string, unknown>;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	try {
		const parsed = JSON.parse(text) as unknown;
		return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
	} catch {
		// Some servers answer form-encoded (RFC 6749 allows only JSON, but old servers exist).
		return Object.fromEntries(new URLSearchParams(text));
	}
}
