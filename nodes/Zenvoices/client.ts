/**
 * Zenvoices public API client. Everything we know about Zenvoices' wire format lives here, including our best reading
 * of what is undocumented (marked [I]/[U]; the README's "Verify against your account" lists them):
 * - [C] token: `POST /api/TokenAuth/TokenLogin` {userNameOrEmailAddress, password, tenancyName} → ABP envelope with
 *   `result.accessToken`, `expireInSeconds`, `requiresTwoFactorVerification`.
 * - [C] companies: `POST /public-api/v1/administration/list` {maxResultCount (1–250), skipCount, sorting}.
 * - [I] list answers are `{items, totalCount}`, possibly inside an ABP `result` envelope; both are read.
 * - [I] an administration has `id`, `code` (the company code users see) and `name`.
 * - [U] inbox upload: `POST /public-api/v1/inbox/upload` with JSON {administrationId, fileName, content (base64),
 *   externalId, subject}; answer `{id}`; a repeated externalId in the same administration answers 409.
 * - [I] errors are ABP envelopes `{success:false, error:{message, details, validationErrors}}`; login failures come
 *   back as HTTP 500 (ABP's UserFriendlyException).
 */

export const ZENVOICES_PRODUCTION_URL = 'https://app.zenvoices.com';
export const TOKEN_LOGIN_PATH = '/api/TokenAuth/TokenLogin';
export const ADMINISTRATION_LIST_PATH = '/public-api/v1/administration/list';
export const INBOX_LIST_PATH = '/public-api/v1/inbox/list';
/** [U] Not in the public documentation we could read; see the file comment. */
export const INBOX_UPLOAD_PATH = '/public-api/v1/inbox/upload';
export const MAX_PAGE_SIZE = 250;

export interface ZenvoicesCredentials {
	environment?: 'production' | 'sandbox' | 'custom';
	baseUrl?: string;
	username?: string;
	password?: string;
	organisationCode?: string;
	accessToken?: string;
}

export function zenvoicesBaseUrl(credentials: ZenvoicesCredentials): string {
	if (!credentials.environment || credentials.environment === 'production') return ZENVOICES_PRODUCTION_URL;
	return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

export interface ZenvoicesRequest {
	method: 'GET' | 'POST';
	path: string;
	body?: Record<string, unknown>;
	itemIndex?: number;
	subject?: string;
	/** The request carries an idempotency key (externalId), so it may be repeated after a 5xx. */
	idempotent?: boolean;
	/** Statuses returned as answers instead of errors. */
	okStatuses?: number[];
}

/** One request through the package's HTTP path (the node binds it to the n8n request helper). */
export type ZenvoicesSend = (request: ZenvoicesRequest) => Promise<{ statusCode: number; body: unknown }>;

/** The readable message of an ABP error envelope (message, details and validation messages). */
export function abpErrorMessage(body: unknown): string | undefined {
	const error = (
		body as { error?: { message?: string; details?: string; validationErrors?: { message?: string }[] } } | undefined
	)?.error;
	if (!error || typeof error !== 'object') return undefined;
	const parts = [error.message, error.details, ...(error.validationErrors ?? []).map((v) => v.message)].filter(
		(p): p is string => typeof p === 'string' && p.length > 0,
	);
	return [...new Set(parts)].join(' – ') || undefined;
}

/** Unwrap an ABP `{result: …}` envelope when there is one. */
export function unwrap<T>(body: unknown): T {
	if (body && typeof body === 'object' && '__abp' in body && 'result' in body) return (body as { result: T }).result;
	return body as T;
}

export class TwoFactorError extends Error {
	constructor(user: string) {
		super(
			`The Zenvoices user "${user}" has two-factor authentication, which an API client cannot complete. ` +
				'Create a dedicated API user without two-factor authentication (Manage → Organisation → Users) and give it the API permissions.',
		);
		this.name = 'TwoFactorError';
	}
}

export interface LoginResult {
	accessToken: string;
	expireInSeconds?: number;
}

export function tokenLoginBody(credentials: ZenvoicesCredentials): Record<string, string> {
	return {
		userNameOrEmailAddress: credentials.username ?? '',
		password: credentials.password ?? '',
		tenancyName: credentials.organisationCode ?? '',
	};
}

/** Read a TokenLogin answer; throws with Zenvoices' own message on failure and refuses 2FA users. */
export function parseTokenLogin(statusCode: number, body: unknown, user: string): LoginResult {
	const parsed = typeof body === 'string' ? safeJson(body) : body;
	if (statusCode >= 400 || (parsed as { success?: boolean })?.success === false) {
		const message = abpErrorMessage(parsed) ?? `HTTP ${statusCode}`;
		throw new Error(`Zenvoices login as "${user}" failed: ${message}`);
	}
	const result = unwrap<{
		accessToken?: string | null;
		expireInSeconds?: number;
		requiresTwoFactorVerification?: boolean;
	}>(parsed);
	if (result?.requiresTwoFactorVerification) throw new TwoFactorError(user);
	if (!result?.accessToken) throw new Error(`Zenvoices login as "${user}" gave no access token`);
	return { accessToken: result.accessToken, expireInSeconds: result.expireInSeconds };
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

export interface Company {
	id: number;
	code: string;
	name: string;
	[key: string]: unknown;
}

interface Page<T> {
	items?: T[];
	totalCount?: number;
}

function describeValue(value: unknown): string {
	if (value === null || value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'a record' : `a ${typeof value}`;
}

/**
 * One page of a list answer: `{items, totalCount}` (in an ABP envelope or not) with records in `items`, or an error
 * naming the list and what came instead. An ABP `success: false` inside a 200 is an error too.
 */
function readPage<T>(body: unknown, what: string, isEntry: (entry: Record<string, unknown>) => boolean): Page<T> {
	if ((body as { success?: unknown } | null)?.success === false)
		throw new Error(`Zenvoices refused the ${what}: ${abpErrorMessage(body) ?? 'no reason given'}`);
	const page = unwrap<unknown>(body);
	if (!page || typeof page !== 'object' || Array.isArray(page))
		throw new Error(`Zenvoices answered the ${what} with ${describeValue(page)} instead of a page of results`);
	const { items = [], totalCount } = page as { items?: unknown; totalCount?: unknown };
	if (!Array.isArray(items))
		throw new Error(`Zenvoices answered the ${what} with items that are ${describeValue(items)}`);
	const bad = items.findIndex(
		(entry) => !entry || typeof entry !== 'object' || !isEntry(entry as Record<string, unknown>),
	);
	if (bad >= 0) throw new Error(`Zenvoices answered the ${what} with an unusable entry ${bad + 1}`);
	return {
		items: items as T[],
		totalCount: typeof totalCount === 'number' && Number.isSafeInteger(totalCount) ? totalCount : undefined,
	};
}

/**
 * Page through a skipCount list until `limit`, the total, a short or empty page. A page that repeats the previous
 * one (a server that ignores skipCount) ends the list instead of looping forever.
 */
async function pageThrough<T extends { id?: unknown }>(
	send: ZenvoicesSend,
	path: string,
	what: string,
	isEntry: (entry: Record<string, unknown>) => boolean,
	extra: Record<string, unknown>,
	limit: number,
): Promise<T[]> {
	const out: T[] = [];
	let previous = '';
	for (let skip = 0; out.length < limit;) {
		const maxResultCount = Math.min(MAX_PAGE_SIZE, limit - out.length);
		const response = await send({ method: 'POST', path, body: { ...extra, maxResultCount, skipCount: skip } });
		const page = readPage<T>(response.body, what, isEntry);
		const items = page.items ?? [];
		const ids = items.map((i) => String(i.id)).join(',');
		if (items.length && ids === previous) break;
		previous = ids;
		out.push(...items);
		skip += items.length;
		if (items.length < maxResultCount || (page.totalCount !== undefined && skip >= page.totalCount)) break;
	}
	return out;
}

const isCompany = (c: Record<string, unknown>) =>
	(typeof c.id === 'number' || (typeof c.id === 'string' && c.id !== '')) && typeof c.code === 'string';

/** List administrations ("companies"), paging with skipCount until `limit` or the total is reached. */
export async function listCompanies(
	send: ZenvoicesSend,
	options: { limit?: number; sorting?: string } = {},
): Promise<Company[]> {
	const extra: Record<string, unknown> = options.sorting ? { sorting: options.sorting } : {};
	return await pageThrough<Company>(
		send,
		ADMINISTRATION_LIST_PATH,
		'company list',
		isCompany,
		extra,
		options.limit ?? Infinity,
	);
}

/** Find a company by code (case-insensitive), or by numeric id as a fallback. */
export function findCompany(companies: Company[], codeOrId: string): Company | undefined {
	const wanted = codeOrId.trim().toLowerCase();
	return (
		companies.find((c) => String(c.code ?? '').toLowerCase() === wanted) ??
		(/^\d+$/.test(wanted) ? companies.find((c) => String(c.id) === wanted) : undefined)
	);
}

export interface InboxUpload {
	administrationId: number;
	fileName: string;
	content: Buffer;
	/** Our idempotency key; a second upload with the same key is recognised by Zenvoices. */
	externalId: string;
	subject?: string;
	itemIndex?: number;
	label?: string;
}

export interface InboxUploadResult {
	status: 'delivered' | 'alreadyDelivered';
	remoteId?: string;
	message: string;
}

export async function uploadToInbox(send: ZenvoicesSend, upload: InboxUpload): Promise<InboxUploadResult> {
	const response = await send({
		method: 'POST',
		path: INBOX_UPLOAD_PATH,
		body: {
			administrationId: upload.administrationId,
			fileName: upload.fileName,
			content: upload.content.toString('base64'),
			externalId: upload.externalId,
			subject: upload.subject ?? upload.fileName,
		},
		itemIndex: upload.itemIndex,
		subject: upload.label,
		idempotent: true,
		okStatuses: [409],
	});
	if (response.statusCode === 409)
		return { status: 'alreadyDelivered', message: abpErrorMessage(response.body) ?? 'already in the inbox' };
	if ((response.body as { success?: unknown } | null)?.success === false)
		throw new Error(`Zenvoices refused the upload: ${abpErrorMessage(response.body) ?? 'no reason given'}`);
	// Without the id of the inbox document there is no proof the upload was stored.
	const result = unwrap<{ id?: unknown } | null>(response.body);
	const id = result && typeof result === 'object' ? result.id : undefined;
	if (!(
		(typeof id === 'number' && Number.isSafeInteger(id)) ||
		(typeof id === 'string' && /^[\w.:-]{1,100}$/.test(id))
	))
		throw new Error(`Zenvoices answered the upload with ${describeValue(result)} without a usable inbox document id`);
	return {
		status: 'delivered',
		remoteId: String(id),
		message: `in inbox of administration ${upload.administrationId}`,
	};
}

export interface InboxItem {
	id: number;
	administrationId: number;
	externalId?: string;
	fileName?: string;
	subject?: string;
	receivedTime?: string;
	[key: string]: unknown;
}

export async function listInbox(send: ZenvoicesSend, administrationId?: number, limit = 1000): Promise<InboxItem[]> {
	const extra: Record<string, unknown> = administrationId !== undefined ? { administrationId } : {};
	return await pageThrough<InboxItem>(send, INBOX_LIST_PATH, 'inbox list', () => true, extra, limit);
}
