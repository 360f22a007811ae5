/**
 * Billy API client: every Billy request of the package goes through here, and through the shared request helper
 * (retries, rate limit, error mapping). Billy's quirks stay in this folder: sideloading (`include=`), contact
 * persons for e-mail, cities for contacts with only a `cityId`, Billy's error body. The guesses about Billy's API
 * are stated once, in `api.ts`.
 */
import type { IDataObject } from 'n8n-workflow';
import {
	apiRequest,
	apiRequestBinary,
	type RemoteError,
	type RequestContext,
	type Service,
} from '../shared/n8n/request';
import { pageByNumber } from '../shared/n8n/paging';
import type { RateLimit } from '../shared/n8n/rate-limit';
import {
	BILLY_PRODUCTION_URL,
	CONTACT_INCLUDE,
	FIRST_PAGE,
	INVOICE_LIST_INCLUDE,
	MAX_PAGE_SIZE,
	REQUESTS_PER_SECOND,
	type BillyCity,
	type BillyContact,
	type BillyContactPerson,
	type BillyErrorBody,
	type BillyInvoice,
	type BillyMeta,
	type BillyOrganization,
	type BillyTaxRate,
} from './api';

export const BILLY_CREDENTIAL = 'billyApi';

/** Billy's error body → the remote message (validation errors included). */
export function billyErrorMessage(error: RemoteError): string | undefined {
	const body = error.body as BillyErrorBody | undefined;
	if (!body || typeof body !== 'object') return undefined;
	const parts: string[] = [];
	if (body.errorMessage) parts.push(body.errorMessage);
	for (const [field, value] of Object.entries(body.validationErrors ?? {})) {
		const message = typeof value === 'string' ? value : value?.message;
		if (message) parts.push(`${field}: ${message}`);
	}
	if (!parts.length) return undefined;
	const code = body.errorCode ? ` (${body.errorCode})` : '';
	const hint = error.statusCode === 401 ? ' — check the Billy access token' : '';
	return `${parts.join('; ')}${code}${hint}`;
}

export const BILLY_SERVICE: Service = {
	system: 'Billy',
	credentialType: BILLY_CREDENTIAL,
	errorMessage: billyErrorMessage,
	tokenExpiredStatus: false, // tokens do not expire; a 401 is a wrong token
};

/** Base URL of the credential's environment (with `/v2`). */
export function billyBaseUrl(credentials: IDataObject): string {
	if ((credentials.environment ?? 'production') === 'production') return BILLY_PRODUCTION_URL;
	const root = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	if (!root) throw new Error('The Billy credential has no base URL for its environment');
	return root.endsWith('/v2') ? root : `${root}/v2`;
}

/** Everything a page of invoices brings along (sideloads), for the mapper. */
export interface BillyBundle {
	invoices: BillyInvoice[];
	contacts: Map<string, BillyContact>;
	persons: Map<string, BillyContactPerson[]>;
	cities: BillyCity[];
}

export interface InvoiceListFilter {
	state?: 'approved' | 'draft' | 'voided' | 'all';
	contactId?: string;
	isPaid?: boolean;
	minEntryDate?: string;
	maxEntryDate?: string;
	/** `YYYY-MM-DDTHH:MM:SS`, inclusive. */
	minApprovedTime?: string;
	invoiceNo?: string;
	creditedInvoiceId?: string;
	currencyId?: string;
	q?: string;
	sortProperty?: string;
	sortDirection?: 'ASC' | 'DESC';
}

export interface ListOptions {
	/** Stop after this many invoices. */
	maxItems?: number;
	pageSize?: number;
	/** Called per page; return false to stop after it. */
	onPage?: (bundle: BillyBundle) => boolean | void;
}

type ListBody = { meta?: BillyMeta } & Record<string, unknown>;

export class BillyClient {
	private organization?: Promise<BillyOrganization>;
	private taxRates?: Promise<BillyTaxRate[]>;
	readonly rateLimit: RateLimit;
	/** Requests made by this client (for measurements and tests). */
	requests = 0;

	constructor(
		private readonly ctx: RequestContext,
		readonly baseUrl: string,
		/** Throttle key: one token is one organisation. */
		accountKey: string,
		private readonly itemIndex?: number,
		requestsPerMinute = REQUESTS_PER_SECOND * 60,
	) {
		this.rateLimit = { key: `billy:${accountKey}`, limit: requestsPerMinute, windowMs: 60_000 };
	}

	static async create(ctx: RequestContext, itemIndex?: number): Promise<BillyClient> {
		const credentials = (await ctx.getCredentials(BILLY_CREDENTIAL, itemIndex)) as IDataObject;
		const baseUrl = billyBaseUrl(credentials);
		// The throttle key must not be the token itself: use a short non-reversible fingerprint of it.
		const perMinute =
			credentials.maxRequestsPerMinute === undefined ? undefined : Number(credentials.maxRequestsPerMinute);
		return new BillyClient(
			ctx,
			baseUrl,
			`${baseUrl}#${fingerprint(String(credentials.accessToken ?? ''))}`,
			itemIndex,
			perMinute,
		);
	}

	async get<T = ListBody>(path: string, qs: IDataObject = {}, subject?: string): Promise<T> {
		this.requests++;
		const body = await apiRequest.call(this.ctx, BILLY_SERVICE, {
			method: 'GET',
			baseURL: this.baseUrl,
			url: path,
			qs,
			itemIndex: this.itemIndex,
			subject,
			rateLimit: this.rateLimit,
		});
		return parseBillyBody(body, subject ?? path) as T;
	}

	/** The token's organisation (the seller), fetched once per client. */
	getOrganization(): Promise<BillyOrganization> {
		this.organization ??= this.get<{ organization: BillyOrganization }>('/organization', {}, 'the organisation').then(
			(b) => b.organization,
		);
		return this.organization;
	}

	/** All tax rates (one request for up to 1000), fetched once per client. */
	getTaxRates(): Promise<BillyTaxRate[]> {
		this.taxRates ??= this.listAll<BillyTaxRate>('/taxRates', 'taxRates', {});
		return this.taxRates;
	}

	private async listAll<T>(path: string, key: string, qs: IDataObject, maxItems?: number): Promise<T[]> {
		const result = await pageByNumber<T>(
			async (page, pageSize) => {
				const body = await this.get(path, { ...qs, page, pageSize });
				return pageOf<T>(body, key);
			},
			{ firstPage: FIRST_PAGE, pageSize: Math.min(MAX_PAGE_SIZE, maxItems ?? MAX_PAGE_SIZE), maxItems },
		);
		return result.items;
	}

	/**
	 * Invoices and credit notes with lines embedded and contacts, persons and cities sideloaded: one request per
	 * page of up to 1000 documents, no per-document calls.
	 */
	async listInvoices(
		filter: InvoiceListFilter,
		options: ListOptions = {},
	): Promise<BillyBundle & { stoppedEarly: boolean }> {
		const qs: IDataObject = { include: INVOICE_LIST_INCLUDE };
		for (const [key, value] of Object.entries(filter)) {
			if (value === undefined || value === '' || (key === 'state' && value === 'all')) continue;
			qs[key] = typeof value === 'boolean' ? String(value) : value;
		}
		const all: BillyBundle = { invoices: [], contacts: new Map(), persons: new Map(), cities: [] };
		const result = await pageByNumber<BillyInvoice>(
			async (page, pageSize) => {
				const body = await this.get('/invoices', { ...qs, page, pageSize }, 'invoices');
				const bundle = bundleOf(body);
				mergeBundle(all, bundle);
				const paged = pageOf<BillyInvoice>(body, 'invoices');
				return paged;
			},
			{
				firstPage: FIRST_PAGE,
				pageSize: Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE),
				maxItems: options.maxItems,
				onPage: (items) => options.onPage?.({ ...all, invoices: items }),
			},
		);
		all.invoices = result.items;
		return { ...all, stoppedEarly: result.stoppedEarly };
	}

	/** One invoice or credit note with its lines, contact, persons and city. */
	async getInvoice(id: string): Promise<BillyBundle> {
		const body = await this.get(
			`/invoices/${encodeURIComponent(id)}`,
			{ include: INVOICE_LIST_INCLUDE },
			`invoice ${id}`,
		);
		const bundle = bundleOf(body);
		bundle.invoices = [body.invoice as BillyInvoice];
		return bundle;
	}

	/** An invoice or credit note by its number; undefined when there is none. */
	async findInvoiceByNumber(invoiceNo: string): Promise<BillyBundle | undefined> {
		const found = await this.listInvoices({ invoiceNo, state: 'all' }, { pageSize: 10, maxItems: 10 });
		const exact = found.invoices.find((i) => i.invoiceNo === invoiceNo);
		return exact ? { ...found, invoices: [exact] } : undefined;
	}

	/** Credited invoices (BG-3) that are not in `known`, fetched once each. */
	async creditedInvoices(
		invoices: BillyInvoice[],
		known: Map<string, BillyInvoice>,
	): Promise<Map<string, BillyInvoice>> {
		for (const invoice of invoices) known.set(invoice.id, invoice);
		for (const invoice of invoices) {
			const id = invoice.creditedInvoiceId;
			if (!id || known.has(id)) continue;
			const bundle = await this.get(`/invoices/${encodeURIComponent(id)}`, {}, `credited invoice ${id}`);
			known.set(id, bundle.invoice as BillyInvoice);
		}
		return known;
	}

	async getContact(id: string): Promise<{ contact: BillyContact; persons: BillyContactPerson[]; cities: BillyCity[] }> {
		const body = await this.get(`/contacts/${encodeURIComponent(id)}`, { include: CONTACT_INCLUDE }, `contact ${id}`);
		return {
			contact: body.contact as BillyContact,
			persons: (body.contactPersons as BillyContactPerson[] | undefined) ?? [],
			cities: (body.cities as BillyCity[] | undefined) ?? [],
		};
	}

	async listContacts(
		filter: { name?: string; type?: string; isCustomer?: boolean; isArchived?: boolean },
		maxItems?: number,
	) {
		const qs: IDataObject = { include: CONTACT_INCLUDE, sortProperty: 'name' };
		for (const [key, value] of Object.entries(filter))
			if (value !== undefined && value !== '') qs[key] = typeof value === 'boolean' ? String(value) : value;
		const persons: BillyContactPerson[] = [];
		const cities: BillyCity[] = [];
		const result = await pageByNumber<BillyContact>(
			async (page, pageSize) => {
				const body = await this.get('/contacts', { ...qs, page, pageSize }, 'contacts');
				persons.push(...((body.contactPersons as BillyContactPerson[] | undefined) ?? []));
				cities.push(...((body.cities as BillyCity[] | undefined) ?? []));
				return pageOf<BillyContact>(body, 'contacts');
			},
			{ firstPage: FIRST_PAGE, pageSize: Math.min(MAX_PAGE_SIZE, maxItems ?? MAX_PAGE_SIZE), maxItems },
		);
		return { contacts: result.items, persons, cities };
	}

	/** The document's PDF through its `downloadUrl` (pre-signed [I]; the token goes along, so Billy's hosts only). */
	async downloadPdf(invoice: BillyInvoice): Promise<{ data: Buffer; fileName: string; mimeType: string }> {
		if (!invoice.downloadUrl)
			throw new Error(`Billy gave no download URL for invoice ${invoice.invoiceNo ?? invoice.id}`);
		// The request carries the access token: only to Billy's own hosts, never to another one.
		const host = new URL(invoice.downloadUrl, this.baseUrl);
		if (host.origin !== new URL(this.baseUrl).origin && !/(^|\.)(billysbilling\.com|billy\.dk)$/.test(host.hostname)) {
			throw new Error(
				`The PDF of invoice ${invoice.invoiceNo ?? invoice.id} is on ${host.hostname}, not on Billy's API host`,
			);
		}
		this.requests++;
		const response = await apiRequestBinary.call(this.ctx, BILLY_SERVICE, {
			method: 'GET',
			url: invoice.downloadUrl,
			itemIndex: this.itemIndex,
			subject: `the PDF of invoice ${invoice.invoiceNo ?? invoice.id}`,
			rateLimit: this.rateLimit,
		});
		const fallback = `${invoice.type === 'invoice' ? 'invoice' : 'credit-note'}-${invoice.invoiceNo ?? invoice.id}.pdf`;
		return {
			data: response.data,
			fileName: response.fileName ?? decodeURIComponent(invoice.downloadUrl.split('?')[0].split('/').pop() || fallback),
			mimeType: response.mimeType ?? 'application/pdf',
		};
	}
}

function pageOf<T>(body: ListBody, key: string): { items: T[]; hasMore?: boolean } {
	const items = (body[key] as T[] | undefined) ?? [];
	const paging = body.meta?.paging;
	// No `meta.paging` means a single page [C]; with it, stop at pageCount (the server may cap pageSize).
	return { items, hasMore: paging ? paging.page < paging.pageCount : false };
}

function bundleOf(body: ListBody): BillyBundle {
	const bundle: BillyBundle = {
		invoices: (body.invoices as BillyInvoice[] | undefined) ?? [],
		contacts: new Map(),
		persons: new Map(),
		cities: [],
	};
	mergeBundle(bundle, {
		invoices: [],
		contacts: new Map(((body.contacts as BillyContact[] | undefined) ?? []).map((c) => [c.id, c])),
		persons: groupPersons((body.contactPersons as BillyContactPerson[] | undefined) ?? []),
		cities: (body.cities as BillyCity[] | undefined) ?? [],
	});
	return bundle;
}

function groupPersons(persons: BillyContactPerson[]): Map<string, BillyContactPerson[]> {
	const map = new Map<string, BillyContactPerson[]>();
	for (const p of persons) map.set(p.contactId, [...(map.get(p.contactId) ?? []), p]);
	return map;
}

function mergeBundle(into: BillyBundle, from: BillyBundle): void {
	for (const [id, c] of from.contacts) into.contacts.set(id, c);
	for (const [id, list] of from.persons) {
		const known = new Set((into.persons.get(id) ?? []).map((p) => p.id));
		into.persons.set(id, [...(into.persons.get(id) ?? []), ...list.filter((p) => !known.has(p.id))]);
	}
	const cityIds = new Set(into.cities.map((c) => c.id));
	for (const city of from.cities) if (!cityIds.has(city.id)) into.cities.push(city);
}

/** Short, non-reversible fingerprint (FNV-1a) so throttle keys never hold a secret. */
function fingerprint(text: string): string {
	let h = 2166136261;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
	return h.toString(36);
}

/**
 * Billy bodies are JSON, but a stray non-JSON prefix has been seen before the body [C: billy-mcp strips it];
 * parse from the first `{` or `[` when the body did not come back parsed.
 */
export function parseBillyBody(body: unknown, what: string): unknown {
	if (typeof body !== 'string') return body;
	const start = body.search(/[{[]/);
	if (start >= 0) {
		try {
			return JSON.parse(body.slice(start));
		} catch {
			// fall through to the error below
		}
	}
	throw new Error(`Billy answered ${what} with something that is not JSON: ${JSON.stringify(body.slice(0, 60))}`);
}

/** Billy's time format for filters: `YYYY-MM-DDTHH:MM:SS` (UTC [U]). */
export function billyTime(iso: string): string {
	return new Date(iso).toISOString().slice(0, 19);
}
