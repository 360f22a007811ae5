/**
 * Dinero API client: the only place that knows Dinero's URLs, paging, auth quirks and error shapes.
 *
 * ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────
 * ASSUMPTIONS — every [I] (inferred) / [U] (unknown) reading of the Dinero API lives in this block, and the sandbox
 * emulator (test/sandbox/dinero) behaves the same way. The README's "Verify against your account" lists them.
 * ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { apiRequestBinary, type RemoteError, type RequestContext, type Service } from '../shared/n8n/request';
import { pageByNumber, type OnPage } from '../shared/n8n/paging';
import type { RateLimit } from '../shared/n8n/rate-limit';
import { dec, plain } from '../shared/einvoice/decimal';
import type { VatCategory } from '../shared/einvoice/model';
import { normalizeKeys, parseDineroJson } from './json';
import type {
	DineroAccount,
	DineroContact,
	DineroDocument,
	DineroOrganization,
	DineroPage,
	DineroVatType,
} from './types';

export const DINERO = {
	/** Production API and token endpoints [C]. */
	apiUrl: 'https://api.dinero.dk',
	vismaAuthorizeUrl: 'https://connect.visma.com/connect/authorize',
	vismaTokenUrl: 'https://connect.visma.com/connect/token',
	legacyTokenUrl: 'https://authz.dinero.dk/dineroapi/oauth/token',
	/** Paths on the sandbox emulator's single host for the two token endpoints. */
	sandboxVismaTokenPath: '/connect/token',
	sandboxVismaAuthorizePath: '/connect/authorize',
	sandboxLegacyTokenPath: '/dineroapi/oauth/token',

	/** 100 requests per minute per organisation [C]; our limiter never exceeds it. */
	requestsPerMinute: 100,
	/** Largest page [C]; pages count from 0 [C]. */
	maxPageSize: 1000,

	/** Draft placeholder number (Int64.MaxValue) [C]. */
	draftNumber: '9223372036854775807',
	/** Statuses of booked documents [C]; `Draft` is never emitted. `OverPaid` is also spelt `Overpaid` [C]. */
	bookedStatuses: ['Booked', 'Paid', 'OverPaid', 'Overpaid', 'Overdue'],
	paidStatuses: ['Paid', 'OverPaid', 'Overpaid'],

	/**
	 * List fields requested for invoices and credit notes. `ProductLines` is asked for too: if the list returns lines
	 * the detail GET per document is skipped. [I] The list probably ignores it, so one detail GET per document remains.
	 */
	documentListFields:
		'Guid,Number,Status,PaymentStatus,Date,PaymentDate,Currency,ContactGuid,ContactName,Description,ExternalReference,TotalExclVat,TotalVat,TotalInclVat,TotalInclVatInDkk,MailOutStatus,CreatedAt,UpdatedAt,DeletedAt,CreditNoteFor,ProductLines',
	contactListFields:
		'ContactGuid,ExternalReference,Name,Street,ZipCode,City,CountryKey,Phone,Email,AttPerson,VatNumber,EanNumber,IsPerson,PaymentConditionType,PaymentConditionNumberOfDays,CreatedAt,UpdatedAt,DeletedAt',
	/**
	 * Sorting lists by `UpdatedAt` (and `VoucherNumber`) is accepted [I] (documented default: `VoucherNumber,VoucherDate`);
	 * `statusFilter` takes a comma-separated list [I]; `changesSince` takes ISO 8601 with `Z` [C] and is inclusive [I].
	 */
	changesSort: 'UpdatedAt',
	/**
	 * Response timestamps carry no zone [C]; we read them as UTC [I: they may be Danish local time]. The trigger therefore
	 * re-reads two hours before its cursor (`LOOKBACK_MS` in DineroTrigger) and de-duplicates by guid and timestamp.
	 */
	timestampsWithoutZone: true,
	/**
	 * Dinero numbers documents in booking order, invoices and credit notes in one series [C: shared series; I: order].
	 * The trigger's "new booked document" test compares numbers with the highest one already handled.
	 */
	numbersFollowBookingOrder: true,
	/** Credit notes name the invoice they credit in `CreditNoteFor` (a guid) [I: field name and shape]. */
	creditNoteReferenceField: 'CreditNoteFor',
	/** Credit notes are booked with positive amounts, like invoices [I]. */
	creditNoteAmountsPositive: true,
	/** Contact filter on lists: `queryFilter=ContactGuid eq '<guid>'` [I: grammar]. */
	contactFilter: (guid: string) => `ContactGuid eq '${guid.replace(/'/g, '')}'`,
	/** The PDF: the same GET with `Accept: application/octet-stream` [C]; booked documents only [C]. */
	pdfAccept: 'application/octet-stream',
	/** A deleted document carries `DeletedAt` and is left out of lists unless `deletedOnly=true` [C: parameter; I: shape]. */
	deletedField: 'DeletedAt',
	/**
	 * Booked arithmetic [I]: line total = round(quantity × unit price × (1 − discount %), 2); VAT rounded per line;
	 * the document's VAT = the sum of line VAT. The mapper books allowances so that its line totals equal Dinero's.
	 */
	vatRoundedPerLine: true,
} as const;

/**
 * Account VAT codes → EN 16931 VAT categories [I: Dinero's code names; the chart's U25 is confirmed as typical].
 * Unknown codes fall back on the VAT type's rate: above 0 → S at that rate; 0 → E with the VAT type's name as reason.
 */
export const DINERO_VAT_CODES: Record<
	string,
	{ category: VatCategory; exemptionReason?: string; exemptionReasonCode?: string }
> = {
	U25: { category: 'S' },
	UMF: { category: 'E', exemptionReason: 'Momsfritaget salg (momslovens § 13)' },
	UEUV: { category: 'K', exemptionReason: 'Intra-community supply of goods', exemptionReasonCode: 'VATEX-EU-IC' },
	UEUY: {
		category: 'AE',
		exemptionReason: 'Reverse charge (omvendt betalingspligt)',
		exemptionReasonCode: 'VATEX-EU-AE',
	},
	UEXP: { category: 'G', exemptionReason: 'Export outside the EU', exemptionReasonCode: 'VATEX-EU-G' },
};

/** Dinero `Unit` values [C: enum] → UN/ECE Recommendation 20/21 codes [I: mapping]. Unknown units → C62 (one). */
export const DINERO_UNITS: Record<string, string> = {
	hours: 'HUR',
	parts: 'H87',
	km: 'KMT',
	day: 'DAY',
	week: 'WEE',
	month: 'MON',
	kilogram: 'KGM',
	cubicmetre: 'MTQ',
	set: 'SET',
	litre: 'LTR',
	box: 'XBX',
	case: 'XCS',
	carton: 'XCT',
	metre: 'MTR',
	package: 'XPK',
	shipment: 'SX',
	squaremetre: 'MTK',
	session: 'C62',
	tonne: 'TNE',
};

/** VAT rate in percent: Dinero's `VatRate` is a fraction (0.25) [I]; a value above 1 is taken as a percentage. */
export function vatRatePercent(rate: number | string | undefined | null): string {
	const value = dec(rate === undefined || rate === null || rate === '' ? '0' : rate, 'VAT rate');
	return plain(value.gt(1) ? value : value.times(100));
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────
// HTTP

export type DineroCredentialType = 'dineroApi' | 'dineroOAuth2Api';
export type DineroDocumentKind = 'invoice' | 'creditNote';

/** Dinero's error body `{code, message, validationErrors}`, a plain-text 429 or an HTML 404, as one readable message. */
export function dineroErrorMessage(error: RemoteError): string | undefined {
	const { statusCode, body } = error;
	if (statusCode === 480) return 'this endpoint is deprecated and browned out by Dinero (HTTP 480); update the node';
	if (typeof body === 'string') {
		if (/<html|<!doctype/i.test(body))
			return statusCode === 404 ? 'not found (Dinero answered with an HTML page)' : `unexpected HTML answer`;
		const text = body.trim();
		return text ? text.slice(0, 300) : undefined;
	}
	if (body && typeof body === 'object') {
		// Top-level keys only: validation errors keep the request's own field names.
		const b: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(body as Record<string, unknown>))
			b[k.toLowerCase() === 'error_description' ? 'Error_description' : (k[0] ?? '').toUpperCase() + k.slice(1)] = v;
		const parts: string[] = [];
		if (typeof b.Message === 'string' && b.Message) parts.push(b.Message);
		const validation = b.ValidationErrors;
		if (validation && typeof validation === 'object') {
			for (const [field, text] of Object.entries(validation as Record<string, unknown>))
				if (text) parts.push(`${field}: ${String(text)}`);
		}
		if (typeof b.Error === 'string') parts.push([b.Error, b.Error_description].filter(Boolean).join(': '));
		if (parts.length)
			return `${parts.join('; ')}${b.Code !== undefined ? ` (Dinero error code ${String(b.Code)})` : ''}`;
	}
	return undefined;
}

export interface DineroConnection {
	credentialType: DineroCredentialType;
	organizationId: string;
	baseUrl: string;
	requestsPerMinute: number;
}

/** Read the connection details (never the secrets) from the node's Dinero credential. */
export async function dineroConnection(
	ctx: RequestContext,
	credentialType: DineroCredentialType,
): Promise<DineroConnection> {
	const credentials = (await ctx.getCredentials(credentialType)) as ICredentialDataDecryptedObject;
	const organizationId = String(credentials.organizationId ?? '').trim();
	if (!/^\d+$/.test(organizationId)) throw new Error('The Dinero credential needs the Organization ID (digits only)');
	const environment = String(credentials.environment ?? 'production');
	const baseUrl = environment === 'production' ? DINERO.apiUrl : String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	if (!baseUrl) throw new Error('The Dinero credential needs a Base URL for this environment');
	const perMinute = Number(credentials.requestsPerMinute ?? DINERO.requestsPerMinute);
	return {
		credentialType,
		organizationId,
		baseUrl,
		requestsPerMinute: perMinute > 0 ? perMinute : DINERO.requestsPerMinute,
	};
}

export interface DocumentQuery {
	/** Documents changed at or after this timestamp (inclusive [I]). */
	changesSince?: string;
	statusFilter?: string[];
	startDate?: string;
	endDate?: string;
	contactGuid?: string;
	freeTextSearch?: string;
	sort?: string;
	sortOrder?: 'ascending' | 'descending';
	pageSize?: number;
	/** Stop after this many documents. */
	maxItems?: number;
	onPage?: OnPage<DineroDocument>;
	itemIndex?: number;
}

/** One Dinero organisation, through the package's single HTTP path. */
export class DineroClient {
	private readonly service: Service;

	private readonly rateLimit: RateLimit;

	private reference?: Promise<{ accounts: DineroAccount[]; vatTypes: DineroVatType[] }>;

	/** Requests made by this client (for reports and tests). */
	requests = 0;

	constructor(
		private readonly ctx: RequestContext,
		readonly connection: DineroConnection,
	) {
		this.service = { system: 'Dinero', credentialType: connection.credentialType, errorMessage: dineroErrorMessage };
		this.rateLimit = {
			key: `dinero:${connection.organizationId}`,
			limit: connection.requestsPerMinute,
			windowMs: 60_000,
		};
	}

	static async create(ctx: RequestContext, credentialType: DineroCredentialType): Promise<DineroClient> {
		return new DineroClient(ctx, await dineroConnection(ctx, credentialType));
	}

	get organizationId(): string {
		return this.connection.organizationId;
	}

	/** GET a JSON resource. The body is read as text and parsed safely (see json.ts), keys normalised. */
	async get<T>(
		path: string,
		qs: Record<string, string | number | boolean | undefined> = {},
		meta: { itemIndex?: number; subject?: string } = {},
	): Promise<T> {
		const response = await this.send(path, qs, 'application/json', meta);
		const text = response.data.toString('utf8');
		try {
			return normalizeKeys<T>(parseDineroJson(text));
		} catch {
			throw new Error(
				`Dinero${meta.subject ? ` (${meta.subject})` : ''}: the answer to ${path} is not JSON: ${text.slice(0, 120)}`,
			);
		}
	}

	private async send(
		path: string,
		qs: Record<string, string | number | boolean | undefined>,
		accept: string,
		meta: { itemIndex?: number; subject?: string },
	) {
		const query: Record<string, string | number | boolean> = {};
		for (const [k, v] of Object.entries(qs)) if (v !== undefined && v !== '') query[k] = v;
		this.requests++;
		return await apiRequestBinary.call(this.ctx, this.service, {
			method: 'GET',
			baseURL: this.connection.baseUrl,
			url: path,
			qs: query,
			headers: { Accept: accept },
			rateLimit: this.rateLimit,
			itemIndex: meta.itemIndex,
			subject: meta.subject,
		});
	}

	private orgPath(path: string): string {
		return `/v1/${this.connection.organizationId}${path}`;
	}

	private documentsPath(kind: DineroDocumentKind): string {
		return this.orgPath(kind === 'creditNote' ? '/sales/creditnotes' : '/invoices');
	}

	/** All pages of a list endpoint (`page` from 0). */
	private async list<T>(
		path: string,
		qs: Record<string, string | number | boolean | undefined>,
		options: { pageSize?: number; maxItems?: number; onPage?: OnPage<T>; itemIndex?: number },
	) {
		const pageSize = Math.min(DINERO.maxPageSize, Math.max(1, options.pageSize ?? DINERO.maxPageSize));
		return await pageByNumber<T>(
			async (page, size) => {
				const body = await this.get<DineroPage<T>>(
					path,
					{ ...qs, page, pageSize: size },
					{ itemIndex: options.itemIndex },
				);
				return { items: body.Collection ?? [], total: body.Pagination?.Result };
			},
			{ firstPage: 0, pageSize, maxItems: options.maxItems, onPage: options.onPage },
		);
	}

	/** List invoices or credit notes with the list fields (lines included only if the API honours it [I]). */
	async listDocuments(kind: DineroDocumentKind, query: DocumentQuery = {}) {
		return await this.list<DineroDocument>(
			this.documentsPath(kind),
			{
				fields: DINERO.documentListFields,
				changesSince: query.changesSince,
				statusFilter: query.statusFilter?.join(','),
				startDate: query.startDate,
				endDate: query.endDate,
				freeTextSearch: query.freeTextSearch,
				queryFilter: query.contactGuid ? DINERO.contactFilter(query.contactGuid) : undefined,
				sort: query.sort,
				sortOrder: query.sortOrder,
			},
			{ pageSize: query.pageSize, maxItems: query.maxItems, onPage: query.onPage, itemIndex: query.itemIndex },
		);
	}

	async getDocument(kind: DineroDocumentKind, guid: string, itemIndex?: number): Promise<DineroDocument> {
		return await this.get<DineroDocument>(
			`${this.documentsPath(kind)}/${encodeURIComponent(guid)}`,
			{},
			{ itemIndex, subject: `${kind === 'creditNote' ? 'credit note' : 'invoice'} ${guid}` },
		);
	}

	/** A document with its lines: the list record when it carries them, else one detail GET. */
	async withLines(kind: DineroDocumentKind, document: DineroDocument, itemIndex?: number): Promise<DineroDocument> {
		if (Array.isArray(document.ProductLines)) return document;
		return await this.getDocument(kind, document.Guid, itemIndex);
	}

	/** The PDF of a booked document. */
	async getDocumentPdf(kind: DineroDocumentKind, guid: string, subject?: string, itemIndex?: number): Promise<Buffer> {
		const response = await this.send(`${this.documentsPath(kind)}/${encodeURIComponent(guid)}`, {}, DINERO.pdfAccept, {
			itemIndex,
			subject,
		});
		return response.data;
	}

	async getContact(guid: string, itemIndex?: number): Promise<DineroContact> {
		return await this.get<DineroContact>(
			this.orgPath(`/contacts/${encodeURIComponent(guid)}`),
			{},
			{ itemIndex, subject: `contact ${guid}` },
		);
	}

	async listContacts(
		options: {
			queryFilter?: string;
			changesSince?: string;
			maxItems?: number;
			pageSize?: number;
			itemIndex?: number;
		} = {},
	) {
		return await this.list<DineroContact>(
			this.orgPath('/contacts'),
			{
				fields: DINERO.contactListFields,
				queryFilter: options.queryFilter,
				changesSince: options.changesSince,
				sort: 'Name',
				sortOrder: 'ascending',
			},
			options,
		);
	}

	/** Contacts by guid: one GET each for a few, one list for many (a list of 1000 costs one request). */
	async contactsFor(guids: Iterable<string>): Promise<Map<string, DineroContact>> {
		const wanted = [...new Set([...guids].filter(Boolean))];
		const found = new Map<string, DineroContact>();
		if (wanted.length === 0) return found;
		if (wanted.length <= 3) {
			for (const guid of wanted) found.set(guid, await this.getContact(guid));
			return found;
		}
		const { items } = await this.listContacts();
		for (const contact of items) if (wanted.includes(contact.ContactGuid)) found.set(contact.ContactGuid, contact);
		for (const guid of wanted) if (!found.has(guid)) found.set(guid, await this.getContact(guid));
		return found;
	}

	async getOrganizations(): Promise<DineroOrganization[]> {
		return await this.get<DineroOrganization[]>('/v1/organizations', { fields: 'Id,Name,IsPro,IsPayingPro,IsVatFree' });
	}

	/** Chart of accounts and VAT types (two requests, once per client). */
	async referenceData(): Promise<{ accounts: DineroAccount[]; vatTypes: DineroVatType[] }> {
		this.reference ??= (async () => ({
			accounts: await this.get<DineroAccount[]>(this.orgPath('/accounts/entry'), {
				fields: 'AccountNumber,Name,VatCode',
			}),
			vatTypes: await this.get<DineroVatType[]>(this.orgPath('/vatTypes')),
		}))();
		return await this.reference;
	}
}
