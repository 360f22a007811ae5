/**
 * Dinero API emulator, seeded from a dataset folder (see generate.ts for the layout).
 *
 * It behaves as nodes/Dinero/client.ts expects the real API to behave, including every [I] reading listed there:
 * - auth: Visma Connect (`/connect/authorize`, `/connect/token`: authorization code + refresh token) and the legacy
 *   password grant (`/dineroapi/oauth/token`, Basic client:secret, username = password = API key); tokens expire;
 * - `GET /v1/organizations`, `/v1/{org}/invoices[/{guid}]`, `/v1/{org}/sales/creditnotes[/{guid}]`,
 *   `/v1|v2/{org}/contacts[/{guid}]`, `/v1/{org}/accounts/entry`, `/v1/{org}/vatTypes`;
 * - list paging (`page` from 0, `pageSize` ≤ 1000, `{Collection, Pagination}`), `fields`, `changesSince` (inclusive),
 *   `statusFilter`, `startDate`/`endDate`, `deletedOnly`, `freeTextSearch`, `queryFilter` (`Prop eq 'value'`), `sort`;
 * - PascalCase JSON, drafts with `Number` 9223372036854775807 written as a bare number;
 * - PDF with `Accept: application/octet-stream` (booked documents only);
 * - 100 requests per minute per organisation, then 429 with Retry-After; 480 on deprecated endpoints; HTML 404 for
 *   unknown routes; JSON errors `{code, message, validationErrors}` otherwise;
 * - fault injection for tests (`failNext`).
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';

import { normalizeKeys, parseDineroJson, stringifyDineroJson } from '../../../nodes/Dinero/json';
import { listen, readBody, readDatasetInfo, type Emulator, type EmulatorOptions } from '../emulator';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

type Rec = Record<string, unknown>;

export interface DineroEmulatorSettings {
	clientId: string;
	clientSecret: string;
	apiKey: string;
	organizationName: string;
	/** Requests per minute per organisation before 429 (Dinero: 100). */
	rateLimitPerMinute: number;
	/** Seconds until an access token expires. */
	tokenTtlSeconds: number;
	/** When true, list endpoints honour `ProductLines` in `fields` (our default reading: they don't [I]). */
	listFieldsIncludeLines: boolean;
}

export interface DineroData {
	contacts: Rec[];
	invoices: Rec[];
	creditnotes: Rec[];
	accounts: Rec[];
	vatTypes: Rec[];
}

export interface DineroEmulator extends Emulator {
	organizationId: string;
	settings: DineroEmulatorSettings;
	/** The live data; tests may add or change documents between polls. */
	data: DineroData;
	/** Answers with status 429 so far (the rate limiter should keep this at 0). */
	rateLimited: number;
	/** The next `count` API requests (matching `path`, if given) answer `status` (e.g. 503) before being served normally. */
	failNext(count: number, status?: number, path?: RegExp): void;
	/** Expire every issued access token (the next call gets 401). */
	expireTokens(): void;
	/** Issue a Visma Connect authorization code directly (what the consent screen would return). */
	authorizationCode(): string;
}

function readJson(dir: string, name: string): Rec[] {
	const file = path.join(dir, `${name}.json`);
	if (!existsSync(file)) return [];
	return normalizeKeys<Rec[]>(parseDineroJson(readFileSync(file, 'utf8')));
}

export async function createDineroEmulator(datasetDir: string, options: EmulatorOptions = {}): Promise<DineroEmulator> {
	const info = readDatasetInfo(datasetDir);
	const s = (info.settings ?? {}) as Partial<DineroEmulatorSettings>;
	const settings: DineroEmulatorSettings = {
		clientId: s.clientId ?? 'sandbox-client',
		clientSecret: s.clientSecret ?? 'sandbox-secret',
		apiKey: s.apiKey ?? 'sandbox-api-key',
		organizationName: s.organizationName ?? String((info.seller as Rec | undefined)?.name ?? 'Sandbox ApS'),
		rateLimitPerMinute: s.rateLimitPerMinute ?? 100,
		tokenTtlSeconds: s.tokenTtlSeconds ?? 3600,
		listFieldsIncludeLines: s.listFieldsIncludeLines ?? false,
	};
	const org = String(info.account);
	const data: DineroData = {
		contacts: readJson(datasetDir, 'contacts'),
		invoices: readJson(datasetDir, 'invoices'),
		creditnotes: readJson(datasetDir, 'creditnotes'),
		accounts: readJson(datasetDir, 'accounts'),
		vatTypes: readJson(datasetDir, 'vatTypes'),
	};

	const requests: Record<string, number> = {};
	const tokens = new Map<string, number>(); // access token → expiry (ms)
	const refreshTokens = new Set<string>();
	const codes = new Set<string>();
	const window: number[] = [];
	let failures: { count: number; status: number; path?: RegExp } = { count: 0, status: 503 };

	const count = (label: string) => (requests[label] = (requests[label] ?? 0) + 1);
	const issue = (withRefresh: boolean) => {
		const access = randomBytes(16).toString('hex');
		tokens.set(access, Date.now() + settings.tokenTtlSeconds * 1000);
		const body: Rec = { access_token: access, token_type: 'Bearer', expires_in: settings.tokenTtlSeconds };
		if (withRefresh) {
			const refresh = randomBytes(16).toString('hex');
			refreshTokens.add(refresh);
			body.refresh_token = refresh;
		}
		return body;
	};

	const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const method = req.method ?? 'GET';
		const segments = url.pathname.split('/').filter(Boolean);

		// ---- Visma Connect
		if (url.pathname === '/connect/authorize' && method === 'GET') {
			count('GET /connect/authorize');
			const redirect = url.searchParams.get('redirect_uri');
			if (url.searchParams.get('client_id') !== settings.clientId || !redirect) {
				return sendJson(res, 400, { error: 'invalid_client' });
			}
			const target = new URL(redirect);
			target.searchParams.set('code', emulator.authorizationCode());
			const state = url.searchParams.get('state');
			if (state) target.searchParams.set('state', state);
			res.writeHead(302, { location: target.toString() });
			return res.end();
		}
		if (url.pathname === '/connect/token' && method === 'POST') {
			count('POST /connect/token');
			const form = new URLSearchParams((await readBody(req)).toString('utf8'));
			const basic = basicAuth(req);
			const clientId = form.get('client_id') ?? basic?.user;
			const clientSecret = form.get('client_secret') ?? basic?.password;
			if (clientId !== settings.clientId || clientSecret !== settings.clientSecret) {
				return sendJson(res, 401, { error: 'invalid_client' });
			}
			const grant = form.get('grant_type');
			if (grant === 'authorization_code' && codes.delete(form.get('code') ?? ''))
				return sendJson(res, 200, issue(true));
			if (grant === 'refresh_token' && refreshTokens.delete(form.get('refresh_token') ?? ''))
				return sendJson(res, 200, issue(true));
			return sendJson(res, 400, { error: 'invalid_grant' });
		}
		// ---- Legacy password grant (authz.dinero.dk)
		if (url.pathname === '/dineroapi/oauth/token' && method === 'POST') {
			count('POST /dineroapi/oauth/token');
			const basic = basicAuth(req);
			const form = new URLSearchParams((await readBody(req)).toString('utf8'));
			if (basic?.user !== settings.clientId || basic.password !== settings.clientSecret) {
				return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
			}
			if (
				form.get('grant_type') !== 'password' ||
				form.get('username') !== settings.apiKey ||
				form.get('password') !== settings.apiKey
			) {
				return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The API key is not valid' });
			}
			return sendJson(res, 200, issue(false));
		}

		// ---- API
		const version = segments[0];
		if (!/^v\d(\.\d)?$/.test(version ?? '')) return htmlNotFound(res);
		const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		const expiry = bearer ? tokens.get(bearer) : undefined;
		if (!expiry || expiry < Date.now()) {
			count('401');
			return sendJson(res, 401, { code: 41, message: 'Unauthorized: the access token is missing, invalid or expired' });
		}
		const orgId = segments[1] === 'organizations' ? org : segments[1];
		if (!rateLimitOk(orgId)) {
			count('429');
			emulator.rateLimited++;
			const retryAfter = Math.max(1, Math.ceil((window[0] + 60_000 - Date.now()) / 1000));
			res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(retryAfter) });
			return res.end(`API calls quota exceeded! maximum admitted ${settings.rateLimitPerMinute} per 1m.`);
		}
		if (failures.count > 0 && (!failures.path || failures.path.test(url.pathname))) {
			failures.count--;
			count(String(failures.status));
			return sendJson(res, failures.status, { code: 50, message: 'Internal server error (injected)' });
		}
		if (segments[1] === 'organizations' && segments.length === 2) {
			count('GET /v1/organizations');
			// This one endpoint answers in camelCase (as the public clients show): parse case-insensitively.
			return sendJson(res, 200, [
				{ id: Number(org), name: settings.organizationName, isPro: true, isPayingPro: true, isVatFree: false },
			]);
		}
		if (orgId !== org) return sendJson(res, 403, { code: 41, message: `No access to organization ${orgId}` });
		const rest = segments.slice(2);
		const route = `${method} /${version}/{org}/${rest.map((p, i) => (i > 0 && /^[0-9a-f-]{36}$/i.test(p) ? '{guid}' : p)).join('/')}`;

		if (method !== 'GET') return htmlNotFound(res);
		if (rest[0] === 'invoices' && rest[2] === 'payments') {
			count(route);
			return sendJson(res, 480, { code: 480, message: 'This endpoint is deprecated and will be removed. Use V2.' });
		}
		if (rest[0] === 'invoices' && rest.length <= 2) {
			count(route);
			return documents(req, res, url, data.invoices, rest[1], 'invoice');
		}
		if (rest[0] === 'sales' && rest[1] === 'creditnotes' && rest.length <= 3) {
			count(route);
			return documents(req, res, url, data.creditnotes, rest[2], 'credit note');
		}
		if (rest[0] === 'contacts' && rest.length <= 2) {
			count(route);
			if (rest[1])
				return single(
					res,
					data.contacts.find((c) => c.ContactGuid === rest[1]),
					'contact',
				);
			return list(res, url, data.contacts, 'Name,ContactGuid', 'Name', undefined);
		}
		if (rest[0] === 'accounts' && rest[1] === 'entry' && rest.length === 2) {
			count(route);
			return sendJson(
				res,
				200,
				data.accounts.map((a) => pick(a, url.searchParams.get('fields'))),
			);
		}
		if (rest[0] === 'vatTypes' && rest.length === 1) {
			count(route);
			return sendJson(res, 200, data.vatTypes);
		}
		return htmlNotFound(res);
	};

	function rateLimitOk(_org: string): boolean {
		const now = Date.now();
		while (window.length && window[0] <= now - 60_000) window.shift();
		if (window.length >= settings.rateLimitPerMinute) return false;
		window.push(now);
		return true;
	}

	function documents(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		url: URL,
		store: Rec[],
		guid: string | undefined,
		what: string,
	) {
		if (!guid) {
			const includeDeleted = url.searchParams.get('deletedOnly') === 'true';
			const linesAllowed = settings.listFieldsIncludeLines;
			return list(
				res,
				url,
				store.filter((d) => (includeDeleted ? d.DeletedAt : !d.DeletedAt)),
				'Guid,ContactName,Date,Description',
				'Number',
				linesAllowed ? undefined : 'ProductLines',
			);
		}
		const doc = store.find((d) => d.Guid === guid);
		if (!doc)
			return sendJson(res, 404, { code: 40, message: `No ${what} with guid ${guid} was found`, validationErrors: {} });
		if (doc.DeletedAt)
			return sendJson(res, 404, {
				code: 65,
				message: 'Item is deleted',
				validationErrors: { message: `Invalid ${what} guid, the ${what} is deleted.` },
			});
		if ((req.headers.accept ?? '').includes('application/octet-stream')) {
			if (doc.Status === 'Draft') {
				return sendJson(res, 400, {
					code: 42,
					message: `Only booked ${what}s can be downloaded as PDF`,
					validationErrors: {},
				});
			}
			const pdf = minimalPdf(`${what === 'invoice' ? 'Faktura' : 'Kreditnota'} ${String(doc.Number)}`);
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(pdf.length) });
			return res.end(pdf);
		}
		return sendJson(res, 200, doc);
	}

	const emulator: DineroEmulator = Object.assign(
		await listen(async (req, res) => void (await handler(req, res)), requests, options),
		{
			organizationId: org,
			settings,
			data,
			rateLimited: 0,
			failNext(n: number, status = 503, path?: RegExp) {
				failures = { count: n, status, path };
			},
			expireTokens() {
				for (const k of tokens.keys()) tokens.set(k, 0);
			},
			authorizationCode() {
				const code = randomBytes(12).toString('hex');
				codes.add(code);
				return code;
			},
		},
	);
	return emulator;
}

// ---------------------------------------------------------------------------------------------------------------

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	res.end(stringifyDineroJson(body));
}

function htmlNotFound(res: http.ServerResponse): void {
	res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
	res.end(
		'<!DOCTYPE html><html><head><title>404 - Not Found</title></head><body><h1>404 - File or directory not found.</h1></body></html>',
	);
}

function single(res: http.ServerResponse, record: Rec | undefined, what: string): void {
	if (!record) return sendJson(res, 404, { code: 40, message: `No ${what} was found`, validationErrors: {} });
	sendJson(res, 200, record);
}

function basicAuth(req: http.IncomingMessage): { user: string; password: string } | undefined {
	const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
	if (!m) return undefined;
	const text = Buffer.from(m[1], 'base64').toString('utf8');
	const i = text.indexOf(':');
	return i < 0
		? undefined
		: { user: decodeURIComponent(text.slice(0, i)), password: decodeURIComponent(text.slice(i + 1)) };
}

function pick(record: Rec, fields: string | null, exclude?: string): Rec {
	if (!fields) return record;
	const wanted = new Set(fields.split(',').map((f) => f.trim().toLowerCase()));
	if (exclude) wanted.delete(exclude.toLowerCase());
	const out: Rec = {};
	for (const [k, v] of Object.entries(record)) if (wanted.has(k.toLowerCase())) out[k] = v;
	return out;
}

/** Dinero timestamps have no zone; compare them as UTC instants [I], accepting `changesSince` with or without a zone. */
function instant(value: string): number {
	return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
}

function compare(a: unknown, b: unknown): number {
	if (typeof a === 'string' && typeof b === 'string' && /^\d+$/.test(a) && /^\d+$/.test(b)) {
		return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
	}
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	return String(a ?? '').localeCompare(String(b ?? ''));
}

function list(
	res: http.ServerResponse,
	url: URL,
	all: Rec[],
	defaultFields: string,
	defaultSort: string,
	exclude: string | undefined,
): void {
	const q = url.searchParams;
	const pageSize = Number(q.get('pageSize') ?? 100);
	const page = Number(q.get('page') ?? 0);
	if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000 || !Number.isInteger(page) || page < 0) {
		return sendJson(res, 400, {
			code: 42,
			message: 'Validation error',
			validationErrors: { pageSize: 'pageSize must be between 1 and 1000; page must be 0 or more' },
		});
	}
	let rows = all;
	const since = q.get('changesSince');
	if (since) {
		const t = instant(since);
		if (Number.isNaN(t))
			return sendJson(res, 400, {
				code: 42,
				message: 'Validation error',
				validationErrors: { changesSince: 'Invalid date' },
			});
		rows = rows.filter((r) => instant(String(r.UpdatedAt ?? r.CreatedAt)) >= t);
	}
	const status = q.get('statusFilter');
	if (status) {
		const wanted = new Set(status.split(',').map((x) => x.trim().toLowerCase()));
		rows = rows.filter((r) => wanted.has(String(r.Status).toLowerCase()));
	}
	const start = q.get('startDate');
	const end = q.get('endDate');
	if (start) rows = rows.filter((r) => String(r.Date) >= start);
	if (end) rows = rows.filter((r) => String(r.Date) <= end);
	const text = q.get('freeTextSearch');
	if (text) rows = rows.filter((r) => JSON.stringify(r).toLowerCase().includes(text.toLowerCase()));
	const filter = q.get('queryFilter');
	if (filter) {
		const m = /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/i.exec(filter);
		if (!m)
			return sendJson(res, 400, {
				code: 42,
				message: 'Validation error',
				validationErrors: { queryFilter: `Unsupported filter: ${filter}` },
			});
		const key = Object.keys(rows[0] ?? {}).find((k) => k.toLowerCase() === m[1].toLowerCase()) ?? m[1];
		rows = rows.filter((r) => String(r[key] ?? '').toLowerCase() === m[2].toLowerCase());
	}
	const sortKeys = (q.get('sort') ?? defaultSort)
		.split(',')
		.map((k) => k.trim())
		.map((k) => (k === 'VoucherNumber' ? 'Number' : k === 'VoucherDate' ? 'Date' : k));
	const descending = (q.get('sortOrder') ?? 'descending').toLowerCase() !== 'ascending';
	rows = [...rows].sort((a, b) => {
		for (const key of sortKeys) {
			const c = compare(a[key], b[key]);
			if (c !== 0) return descending ? -c : c;
		}
		// A stable tie-break keeps pages consistent.
		return compare(a.Guid ?? a.ContactGuid, b.Guid ?? b.ContactGuid);
	});
	const fields = q.get('fields') ?? defaultFields;
	const slice = rows.slice(page * pageSize, (page + 1) * pageSize).map((r) => pick(r, fields, exclude));
	sendJson(res, 200, {
		Collection: slice,
		Pagination: {
			Page: page,
			PageSize: pageSize,
			Result: rows.length,
			ResultWithoutFilter: all.length,
			MaxPageSizeAllowed: 1000,
		},
	});
}

/** A small, well-formed one-page PDF showing `title` (correct xref offsets). */
export function minimalPdf(title: string): Buffer {
	const text = title.replace(/[()\\]/g, '').replace(/[^\x20-\x7e]/g, '?');
	const stream = `BT /F1 18 Tf 72 760 Td (${text}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let out = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((body, i) => {
		offsets.push(out.length);
		out += `${i + 1} 0 obj\n${body}\nendobj\n`;
	});
	const xref = out.length;
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}
