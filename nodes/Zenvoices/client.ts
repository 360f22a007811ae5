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

/** List administrations ("companies"), paging with skipCount until `limit` or the total is reached. */
export async function listCompanies(
	send: ZenvoicesSend,
	options: { limit?: number; sorting?: string } = {},
): Promise<Company[]> {
	const companies: Company[] = [];
	const limit = options.limit ?? Infinity;
	for (let skip = 0; companies.length < limit;) {
		const maxResultCount = Math.min(MAX_PAGE_SIZE, limit - companies.length);
		const body: Record<string, unknown> = { maxResultCount, skipCount: skip };
		if (options.sorting) body.sorting = options.sorting;
		const response = await send({ method: 'POST', path: ADMINISTRATION_LIST_PATH, body });
		const page = unwrap<Page<Company>>(response.body) ?? {};
		const items = page.items ?? [];
		companies.push(...items);
		skip += items.length;
		if (items.length === 0 || (page.totalCount !== undefined && skip >= page.totalCount)) break;
	}
	return companies;
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
	const result = unwrap<{ id?: number | string }>(response.body);
	return {
		status: 'delivered',
		remoteId: result?.id !== undefined ? String(result.id) : undefined,
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
	const out: InboxItem[] = [];
	for (let skip = 0; out.length < limit;) {
		const body: Record<string, unknown> = {
			maxResultCount: Math.min(MAX_PAGE_SIZE, limit - out.length),
			skipCount: skip,
		};
		if (administrationId !== undefined) body.administrationId = administrationId;
		const page = unwrap<Page<InboxItem>>((await send({ method: 'POST', path: INBOX_LIST_PATH, body })).body) ?? {};
		const items = page.items ?? [];
		out.push(...items);
		skip += items.length;
		if (items.length === 0 || (page.totalCount !== undefined && skip >= page.totalCount)) break;
	}
	return out;
}
