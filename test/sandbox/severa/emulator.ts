/**
 * Visma Severa REST API emulator (`/rest-api`-less: the base URL is the server root, paths start with `/v1`).
 *
 * - Token flow: `POST /v1/token` (JSON client credentials + comma-separated scopes) and `POST /v1/refreshtoken`;
 *   tokens expire after `tokenLifetimeSeconds`. Every data call needs `Authorization: Bearer` AND `Client_Id`.
 * - Invoices, rows, statuses, customers, organisation details, VAT rates, currencies, bank accounts, PDF.
 * - Token paging: `rowCount` (default 20, max 100) + `pageToken`, next token in the `NextPageToken` header.
 * - Status changes by JSON Patch on `/v1/invoices/{guid}` in exactly the form our client sends (see
 *   `STATUS_PATCH_PATH`); other forms are refused, so a drift between client and emulator fails loudly.
 * - Errors in Severa's `{ error: { httpStatusCode, type, details: [{ message }] } }` shape.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import {
	listen,
	readBody,
	readDatasetInfo,
	readResource,
	sendJson,
	type Emulator,
	type EmulatorOptions,
} from '../emulator';
import { minimalPdf } from './pdf';

type Json = Record<string, any>;

/** The JSON Patch path the emulator accepts for a status change; must match `nodes/Severa/client.ts`. */
export const STATUS_PATCH_PATH = '/status';

export interface SeveraEmulatorOptions extends EmulatorOptions {
	tokenLifetimeSeconds?: number;
}

export interface SeveraFailure {
	method?: string;
	/** Matched against the path without query string. */
	path: RegExp;
	status: number;
	times?: number;
	headers?: Record<string, string>;
	type?: string;
	message?: string;
}

export interface SeveraEmulator extends Emulator {
	invoices: Json[];
	statuses: Json[];
	/** Status changes applied, in order: `{ invoiceGuid, from, to, at }`. */
	statusChanges: { invoiceGuid: string; number: number | null; from: string; to: string; at: string }[];
	inject(failure: SeveraFailure): void;
	/** Expire every issued access token (as if an hour had passed). */
	expireTokens(): void;
}

const SCOPES_BY_ROUTE: [RegExp, string, string][] = [
	[/^\/v1\/invoices\/[^/]+\/pdf$/, 'GET', 'files:read'],
	[/^\/v1\/invoices(\/[^/]+)?(\/invoicerows)?$/, 'GET', 'invoices:read'],
	[/^\/v1\/invoicerows$/, 'GET', 'invoices:read'],
	[/^\/v1\/invoices\/[^/]+$/, 'PATCH', 'invoices:write'],
	[/^\/v1\/invoicestatuses(\/[^/]+)?$/, 'GET', 'settings:read'],
	[/^\/v1\/(vatrates|currencies|bankaccounts)(\/[^/]+)?$/, 'GET', 'settings:read'],
	[/^\/v1\/customers(\/[^/]+)?$/, 'GET', 'customers:read'],
	[/^\/v1\/organizationdetails$/, 'GET', 'organization:read'],
];

function severaError(
	res: http.ServerResponse,
	status: number,
	type: string,
	message: string,
	headers: Record<string, string> = {},
) {
	sendJson(res, status, { error: { httpStatusCode: status, type, details: [{ message }], stack: null } }, headers);
}

export async function createSeveraEmulator(
	datasetDir: string,
	options: SeveraEmulatorOptions = {},
): Promise<SeveraEmulator> {
	const info = readDatasetInfo(datasetDir);
	const settings = (info.settings ?? {}) as Json;
	const clientId = String(settings.clientId ?? 'severa-client');
	const clientSecret = String(settings.clientSecret ?? 'severa-secret');
	const grantedScopes = new Set<string>((settings.scopes as string[]) ?? []);
	const lifetime = options.tokenLifetimeSeconds ?? 3600;

	const invoices = readResource<Json[]>(datasetDir, 'invoices', []);
	const rows = readResource<Json[]>(datasetDir, 'invoicerows', []);
	const statuses = readResource<Json[]>(datasetDir, 'invoicestatuses', []);
	const customers = readResource<Json[]>(datasetDir, 'customers', []);
	const organization = readResource<Json>(datasetDir, 'organizationdetails', {});
	const vatrates = readResource<Json[]>(datasetDir, 'vatrates', []);
	const currencies = readResource<Json[]>(datasetDir, 'currencies', []);
	const bankaccounts = readResource<Json[]>(datasetDir, 'bankaccounts', []);

	const tokens = new Map<string, { expires: number; scopes: Set<string> }>();
	const refreshTokens = new Map<string, Set<string>>();
	const failures: (SeveraFailure & { left: number })[] = [];
	const requests: Record<string, number> = {};
	const statusChanges: SeveraEmulator['statusChanges'] = [];

	const issueToken = (scopes: Set<string>) => {
		const accessToken = randomBytes(24).toString('hex');
		const refreshToken = randomBytes(24).toString('hex');
		const expires = Date.now() + lifetime * 1000;
		tokens.set(accessToken, { expires, scopes });
		refreshTokens.set(refreshToken, scopes);
		return {
			access_token: accessToken,
			access_token_type: 'Bearer',
			access_token_expires_in: lifetime,
			access_token_expires_utc: new Date(expires).toISOString(),
			refresh_token: refreshToken,
			refresh_token_expires_in: 30 * 86400,
			refresh_token_expires_utc: new Date(Date.now() + 30 * 86400 * 1000).toISOString(),
			scope: [...scopes].join(','),
		};
	};

	const label = (method: string, path: string) =>
		`${method} ${path.replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '/{guid}')}`;

	/** Token paging: the token is an opaque offset. */
	const page = (res: http.ServerResponse, list: Json[], query: URLSearchParams) => {
		const rowCount = query.has('rowCount') ? Number(query.get('rowCount')) : 20;
		if (!Number.isInteger(rowCount) || rowCount < 1 || rowCount > 100) {
			return severaError(res, 400, 'InvalidParameter', 'rowCount must be between 1 and 100');
		}
		let offset = 0;
		const token = query.get('pageToken');
		if (token) {
			const decoded = Buffer.from(token, 'base64url').toString('utf8');
			if (!/^o:\d+$/.test(decoded)) return severaError(res, 400, 'InvalidParameter', 'Invalid pageToken');
			offset = Number(decoded.slice(2));
		}
		const slice = list.slice(offset, offset + rowCount);
		const headers: Record<string, string> = {};
		if (offset + rowCount < list.length)
			headers.NextPageToken = Buffer.from(`o:${offset + rowCount}`).toString('base64url');
		sendJson(res, 200, slice, headers);
	};

	/** Offset paging (`firstRow`/`rowCount`) used by most settings lists. */
	const offsetPage = (res: http.ServerResponse, list: Json[], query: URLSearchParams) => {
		const firstRow = Number(query.get('firstRow') ?? 0);
		const rowCount = Number(query.get('rowCount') ?? 100);
		if (rowCount > 100) return severaError(res, 400, 'InvalidParameter', 'rowCount must be at most 100');
		sendJson(res, 200, list.slice(firstRow, firstRow + rowCount));
	};

	const invoiceOut = (invoice: Json) => invoice;
	const byGuid = (list: Json[], guid: string) => list.find((x) => x.guid === guid);
	const activeFilter = (list: Json[], query: URLSearchParams) =>
		query.has('active') ? list.filter((x) => String(x.isActive !== false) === query.get('active')) : list;

	const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const path = url.pathname.replace(/\/+$/, '');
		const method = req.method ?? 'GET';
		const key = label(method, path);
		requests[key] = (requests[key] ?? 0) + 1;
		const raw = await readBody(req);

		const failure = failures.find((f) => f.left > 0 && (!f.method || f.method === method) && f.path.test(path));
		if (failure) {
			failure.left--;
			return severaError(
				res,
				failure.status,
				failure.type ?? 'InternalSystemError',
				failure.message ?? 'Injected failure',
				failure.headers,
			);
		}

		if (path === '/heartbeat/server' && method === 'GET') return sendJson(res, 200, { status: 'ok' });

		if (path === '/v1/token' && method === 'POST') {
			let body: Json;
			try {
				body = JSON.parse(raw.toString('utf8')) as Json;
			} catch {
				return severaError(res, 400, 'InvalidRequest', 'Body must be JSON client credentials');
			}
			const id = body.client_id ?? body.client_Id;
			const secret = body.client_secret ?? body.client_Secret;
			if (id !== clientId || secret !== clientSecret) {
				return severaError(res, 401, 'AuthenticationRequired', 'Invalid client credentials');
			}
			const requested = String(body.scope ?? '')
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
			const missing = requested.filter((s) => !grantedScopes.has(s));
			if (missing.length) {
				return severaError(
					res,
					401,
					'AuthenticationRequired',
					`Scope not granted to this client: ${missing.join(', ')}`,
				);
			}
			return sendJson(res, 200, issueToken(new Set(requested.length ? requested : grantedScopes)));
		}

		if (path === '/v1/refreshtoken' && method === 'POST') {
			let refresh: unknown;
			try {
				refresh = JSON.parse(raw.toString('utf8'));
			} catch {
				refresh = undefined;
			}
			const scopes = typeof refresh === 'string' ? refreshTokens.get(refresh) : undefined;
			if (!scopes) return severaError(res, 401, 'AuthenticationRequired', 'Invalid refresh token');
			refreshTokens.delete(refresh as string);
			return sendJson(res, 200, issueToken(scopes));
		}

		// Everything else needs a valid bearer token plus the Client_Id header.
		const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
		const token = auth ? tokens.get(auth[1]) : undefined;
		if (!token || token.expires <= Date.now()) {
			return severaError(
				res,
				401,
				'AuthenticationRequired',
				token ? 'Access token expired' : 'Missing or invalid access token',
			);
		}
		if (req.headers['client_id'] !== clientId) {
			return severaError(res, 401, 'AuthenticationRequired', 'Client_Id header missing or does not match the token');
		}
		if (path === '/heartbeat/authorized' && method === 'GET') {
			res.writeHead(204);
			res.end();
			return;
		}
		const scopeRule = SCOPES_BY_ROUTE.find(([pattern, m]) => m === method && pattern.test(path));
		if (scopeRule && !token.scopes.has(scopeRule[2])) {
			return severaError(res, 403, 'InsufficientApiScope', `This operation requires the scope ${scopeRule[2]}`);
		}
		const q = url.searchParams;
		let m: RegExpExecArray | null;

		if (path === '/v1/invoices' && method === 'GET') {
			let list = invoices;
			const statusGuids = q.getAll('invoiceStatusGuids');
			if (statusGuids.length) list = list.filter((i) => statusGuids.includes(i.status?.guid));
			const customerGuids = q.getAll('customerGuids');
			if (customerGuids.length) list = list.filter((i) => customerGuids.includes(i.customer?.guid));
			const numbers = q.getAll('numbers').map(Number);
			if (numbers.length) list = list.filter((i) => numbers.includes(i.number));
			const changedSince = q.get('changedSince');
			if (changedSince) {
				const since = Date.parse(changedSince);
				if (Number.isNaN(since)) return severaError(res, 400, 'InvalidParameter', 'changedSince is not a date-time');
				list = list.filter((i) => Date.parse(i.lastUpdatedDateTime) >= since);
			}
			const startDate = q.get('startDate');
			if (startDate) list = list.filter((i) => i.date >= startDate);
			const endDate = q.get('endDate');
			if (endDate) list = list.filter((i) => i.date <= endDate);
			return page(res, list.map(invoiceOut), q);
		}
		if ((m = /^\/v1\/invoices\/([^/]+)$/.exec(path))) {
			const invoice = byGuid(invoices, m[1]);
			if (!invoice) return severaError(res, 404, 'InvalidParameter', `Invoice ${m[1]} was not found`);
			if (method === 'GET') return sendJson(res, 200, invoiceOut(invoice));
			if (method === 'PATCH') return patchInvoice(res, invoice, raw, req.headers['content-type']);
		}
		if ((m = /^\/v1\/invoices\/([^/]+)\/invoicerows$/.exec(path)) && method === 'GET') {
			if (!byGuid(invoices, m[1])) return severaError(res, 404, 'InvalidParameter', `Invoice ${m[1]} was not found`);
			let list = rows.filter((r) => r.invoiceGuid === m![1]).sort((a, b) => a.sortOrder - b.sortOrder);
			const rowType = q.get('rowType');
			if (rowType) list = list.filter((r) => r.rowType === rowType);
			return page(res, list, q);
		}
		if (path === '/v1/invoicerows' && method === 'GET') {
			const changedSince = q.get('changedSince');
			const list = changedSince
				? rows.filter((r) => Date.parse(r.lastUpdatedDateTime) >= Date.parse(changedSince))
				: rows;
			return page(res, list, q);
		}
		if ((m = /^\/v1\/invoices\/([^/]+)\/pdf$/.exec(path)) && method === 'GET') {
			const invoice = byGuid(invoices, m[1]);
			if (!invoice) return severaError(res, 404, 'InvalidParameter', `Invoice ${m[1]} was not found`);
			const type = q.get('invoiceType') ?? 'Invoice';
			if (!['Invoice', 'Reminder'].includes(type))
				return severaError(res, 400, 'InvalidParameter', 'invoiceType must be Invoice or Reminder');
			const pdf = minimalPdf([
				`${organization.name ?? 'Severa'}`,
				`${invoice.isCreditNote ? 'Credit note' : 'Invoice'} ${invoice.number ?? '(draft)'}`,
				`Date ${invoice.date}  Due ${invoice.dueDate}`,
				`${invoice.receiverCustomerName ?? invoice.customer?.name ?? ''}`,
				`Total ${invoice.totalIncludingTax?.amount} ${invoice.currency?.code ?? ''}`,
			]);
			res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(pdf.length) });
			res.end(pdf);
			return;
		}
		if (path === '/v1/invoicestatuses' && method === 'GET') return sendJson(res, 200, activeFilter(statuses, q));
		if ((m = /^\/v1\/invoicestatuses\/([^/]+)$/.exec(path)) && method === 'GET') {
			const status = byGuid(statuses, m[1]);
			return status
				? sendJson(res, 200, status)
				: severaError(res, 404, 'InvalidParameter', `Invoice status ${m[1]} was not found`);
		}
		if (path === '/v1/customers' && method === 'GET') return page(res, activeFilter(customers, q), q);
		if ((m = /^\/v1\/customers\/([^/]+)$/.exec(path)) && method === 'GET') {
			const customer = byGuid(customers, m[1]);
			return customer
				? sendJson(res, 200, customer)
				: severaError(res, 404, 'InvalidParameter', `Customer ${m[1]} was not found`);
		}
		if (path === '/v1/organizationdetails' && method === 'GET') return sendJson(res, 200, organization);
		if (path === '/v1/vatrates' && method === 'GET') return sendJson(res, 200, activeFilter(vatrates, q));
		if (path === '/v1/currencies' && method === 'GET') return sendJson(res, 200, activeFilter(currencies, q));
		if (path === '/v1/bankaccounts' && method === 'GET') return offsetPage(res, activeFilter(bankaccounts, q), q);
		return severaError(res, 404, 'InvalidRequest', `No route for ${method} ${path}`);
	};

	function patchInvoice(res: http.ServerResponse, invoice: Json, raw: Buffer, contentType: string | undefined) {
		if (!/json/i.test(contentType ?? ''))
			return severaError(res, 400, 'InvalidRequest', 'Content-Type must be application/json');
		let ops: unknown;
		try {
			ops = JSON.parse(raw.toString('utf8'));
		} catch {
			return severaError(res, 400, 'InvalidRequest', 'Body is not JSON');
		}
		if (!Array.isArray(ops) || ops.length === 0) {
			return severaError(
				res,
				400,
				'InvalidRequest',
				'Body must be a JSON Patch document (a non-empty array of operations)',
			);
		}
		const next = { ...invoice };
		for (const op of ops as Json[]) {
			if (op.op !== 'replace') return severaError(res, 400, 'InvalidParameter', `Unsupported patch op '${op.op}'`);
			if (op.path === STATUS_PATCH_PATH) {
				const guid = op.value?.guid;
				if (typeof guid !== 'string') {
					return severaError(
						res,
						400,
						'InvalidParameter',
						`${STATUS_PATCH_PATH} needs a value of the form {"guid": "<invoice status guid>"}`,
					);
				}
				const status = byGuid(statuses, guid);
				if (!status) return severaError(res, 400, 'InvalidParameter', `Invoice status ${guid} does not exist`);
				if (status.isActive === false)
					return severaError(res, 400, 'InvalidOperation', `Invoice status ${status.name} is not active`);
				next.status = {
					guid: status.guid,
					name: status.name,
					isSent: status.isSent,
					isPaid: status.isPaid,
					isWaitingPayment: status.isWaitingPayment,
				};
			} else if (['/notes', '/yourReference', '/orderNumber', '/ourReference'].includes(op.path)) {
				if (op.value !== null && typeof op.value !== 'string')
					return severaError(res, 400, 'InvalidParameter', `${op.path} must be a string`);
				next[op.path.slice(1)] = op.value;
			} else {
				return severaError(res, 400, 'InvalidParameter', `Path '${op.path}' cannot be patched`);
			}
		}
		const at = new Date().toISOString();
		if (next.status.guid !== invoice.status.guid) {
			statusChanges.push({
				invoiceGuid: invoice.guid,
				number: invoice.number,
				from: invoice.status.guid,
				to: next.status.guid,
				at,
			});
		}
		next.lastUpdatedDateTime = at;
		Object.assign(invoice, next);
		return sendJson(res, 200, [invoiceOut(invoice)]);
	}

	const emulator = await listen(handler, requests, options);
	return Object.assign(emulator, {
		invoices,
		statuses,
		statusChanges,
		inject(failure: SeveraFailure) {
			failures.push({ ...failure, left: failure.times ?? 1 });
		},
		expireTokens() {
			for (const t of tokens.values()) t.expires = 0;
		},
	});
}
