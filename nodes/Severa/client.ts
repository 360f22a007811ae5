/**
 * Visma Severa REST API client. Every call goes through the shared request helper (`shared/n8n/request.ts`);
 * Severa's quirks live here: the `Client_Id` header (set by the credential), `NextPageToken` header paging,
 * exploded array filters, the `{ error: { details } }` error shape and the JSON Patch status change.
 */
import type { IDataObject } from 'n8n-workflow';
import { severaBaseUrl } from '../../credentials/SeveraApi.credentials';
import { nextTokenFromHeaders, pageByNumber, pageByToken, type OnPage } from '../shared/n8n/paging';
import {
	apiRequest,
	apiRequestBinary,
	apiRequestFull,
	type ApiRequestOptions,
	type BinaryResponse,
	type FullResponse,
	type RemoteError,
	type RequestContext,
	type Service,
} from '../shared/n8n/request';
import type { SeveraDocument } from './mapper';
import type {
	SeveraBankAccount,
	SeveraCustomer,
	SeveraInvoice,
	SeveraInvoiceRow,
	SeveraInvoiceStatus,
	SeveraOrganizationDetails,
} from './types';

/** Severa's error body: `{ error: { httpStatusCode, type, details: [{ message }] } }`. */
export function severaErrorMessage(error: RemoteError): string | undefined {
	const body = error.body as
		{ error?: { type?: string; message?: string; details?: { message?: string }[] } } | undefined;
	const details = body?.error?.details?.map((d) => d.message).filter(Boolean) ?? [];
	const text = details.length ? details.join('; ') : body?.error?.message;
	if (!text && !body?.error?.type) return undefined;
	return [text, body?.error?.type ? `(${body.error.type})` : undefined].filter(Boolean).join(' ');
}

/** Typed calls through the shared request helper. */
const call = <T>(ctx: RequestContext, service: Service, options: ApiRequestOptions) =>
	apiRequest.call(ctx, service, options) as Promise<T>;
const callFull = <T>(ctx: RequestContext, service: Service, options: ApiRequestOptions) =>
	apiRequestFull.call(ctx, service, options) as Promise<FullResponse<T>>;

export const SEVERA_SERVICE: Service = {
	system: 'Visma Severa',
	credentialType: 'severaApi',
	errorMessage: severaErrorMessage,
};

/** What an unexpected answer is, for messages: "a list", "a string", "nothing" … */
function shapeOf(value: unknown): string {
	if (value === null || value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (Buffer.isBuffer(value)) return 'raw bytes';
	return typeof value === 'object' ? 'a record without a guid' : `a ${typeof value}`;
}

/** Severa's records all carry a string `guid`; anything else is not the record that was asked for. */
function isRecord(value: unknown): value is { guid: string } {
	return (
		!!value &&
		typeof value === 'object' &&
		!Array.isArray(value) &&
		!Buffer.isBuffer(value) &&
		typeof (value as { guid?: unknown }).guid === 'string' &&
		(value as { guid: string }).guid.length > 0
	);
}

/** The answer as one record, or an error naming what was asked for and what came instead. */
export function expectRecord<T>(value: unknown, what: string): T {
	if (!isRecord(value)) throw new Error(`Visma Severa answered the request for ${what} with ${shapeOf(value)}`);
	return value as T;
}

/** The answer as a list of records, or an error naming the list and what came instead. */
export function expectRecords<T>(value: unknown, what: string): T[] {
	if (!Array.isArray(value))
		throw new Error(`Visma Severa answered the request for ${what} with ${shapeOf(value)}, not a list`);
	const bad = value.findIndex((entry) => !isRecord(entry));
	if (bad >= 0)
		throw new Error(
			`Visma Severa answered the request for ${what} with a list whose entry ${bad + 1} is ${shapeOf(value[bad])}`,
		);
	return value as T[];
}

/** Page size for token-paged lists (Severa's maximum). */
export const SEVERA_PAGE_SIZE = 100;

/**
 * The JSON Patch that moves an invoice to another status. Severa documents the body only as "a JSON Patch document
 * of InvoiceInputModel"; replacing `/status` with `{ guid }` is our reading [I]. This is the one place it lives
 * (the emulator accepts exactly this form).
 */
export function statusPatch(statusGuid: string): IDataObject[] {
	return [{ op: 'replace', path: '/status', value: { guid: statusGuid } }];
}

/** The message Severa's own integrations show for a "to transfer" status flagged as sent. */
export const SENT_STATUS_MESSAGE = 'Status of the invoices to be transferred can not be sent';

export function sentStatusHint(status: Pick<SeveraInvoiceStatus, 'name'>): string {
	return (
		`The invoice status "${status.name}" is flagged "Sent" in Severa, so invoices in it count as already sent. ` +
		'Choose a status that is not flagged "Sent" as the status of invoices to transfer (e.g. "To be transferred"), ' +
		'or clear the "Sent" flag of this status in Severa under Settings → Billing → Invoice statuses. ' +
		'Use a status flagged "Sent" as the status after transfer instead.'
	);
}

export interface InvoiceFilter {
	statusGuids?: string[];
	customerGuids?: string[];
	/** Inclusive (≥) lower bound on the last change, ISO date-time. */
	changedSince?: string;
	/** Invoice date range, `YYYY-MM-DD`. */
	startDate?: string;
	endDate?: string;
	numbers?: number[];
}

export interface ListOptions<T> {
	maxItems?: number;
	onPage?: OnPage<T>;
}

function query(params: Record<string, string | number | (string | number)[] | undefined>): string {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) {
		if (value === undefined || value === '') continue;
		// Severa reads array filters exploded: `key=a&key=b`.
		for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
	}
	const text = search.toString();
	return text ? `?${text}` : '';
}

export class SeveraClient {
	private organization?: Promise<SeveraOrganizationDetails>;
	private bankAccounts?: Promise<SeveraBankAccount[]>;
	private statuses?: Promise<SeveraInvoiceStatus[]>;
	private readonly customers = new Map<string, Promise<SeveraCustomer>>();
	/** Requests made by this client (for the "requests per invoice" measurement and logs). */
	requestCount = 0;

	constructor(
		private readonly ctx: RequestContext,
		readonly baseUrl: string,
	) {}

	static async create(ctx: RequestContext): Promise<SeveraClient> {
		const credentials = await ctx.getCredentials('severaApi');
		return new SeveraClient(ctx, severaBaseUrl(credentials));
	}

	private async get<T>(url: string, subject?: string, itemIndex?: number): Promise<T> {
		this.requestCount++;
		return await call<T>(this.ctx, SEVERA_SERVICE, { url, baseURL: this.baseUrl, subject, itemIndex });
	}

	private async getRecord<T>(url: string, subject: string, itemIndex?: number): Promise<T> {
		return expectRecord<T>(await this.get<unknown>(url, subject, itemIndex), subject);
	}

	/** A token-paged list (`rowCount` + `pageToken`, next token in the `NextPageToken` header). */
	private async tokenPaged<T>(
		path: string,
		params: Record<string, string | number | (string | number)[] | undefined>,
		options: ListOptions<T> = {},
		subject = path.replace(/^\/v1\//, ''),
	) {
		const result = await pageByToken<T>(
			async (pageToken) => {
				this.requestCount++;
				const response = await callFull<unknown>(this.ctx, SEVERA_SERVICE, {
					url: `${path}${query({ ...params, rowCount: SEVERA_PAGE_SIZE, pageToken })}`,
					baseURL: this.baseUrl,
					subject,
				});
				return {
					items: expectRecords<T>(response.body, subject),
					nextToken: nextTokenFromHeaders(response.headers, 'NextPageToken'),
				};
			},
			{ maxItems: options.maxItems, onPage: options.onPage },
		);
		return result.items;
	}

	listInvoices(filter: InvoiceFilter = {}, options: ListOptions<SeveraInvoice> = {}): Promise<SeveraInvoice[]> {
		return this.tokenPaged<SeveraInvoice>(
			'/v1/invoices',
			{
				invoiceStatusGuids: filter.statusGuids,
				customerGuids: filter.customerGuids,
				changedSince: filter.changedSince,
				startDate: filter.startDate,
				endDate: filter.endDate,
				numbers: filter.numbers,
			},
			options,
		);
	}

	getInvoice(guid: string, itemIndex?: number): Promise<SeveraInvoice> {
		return this.getRecord(`/v1/invoices/${encodeURIComponent(guid)}`, `invoice ${guid}`, itemIndex);
	}

	getInvoiceRows(invoice: Pick<SeveraInvoice, 'guid' | 'number'>): Promise<SeveraInvoiceRow[]> {
		return this.tokenPaged<SeveraInvoiceRow>(
			`/v1/invoices/${encodeURIComponent(invoice.guid)}/invoicerows`,
			{},
			{},
			`rows of invoice ${invoice.number ?? invoice.guid}`,
		);
	}

	async getInvoicePdf(
		invoice: Pick<SeveraInvoice, 'guid' | 'number'>,
		options: {
			invoiceType?: 'Invoice' | 'Reminder';
			pdfGetOptions?: 'All' | 'InvoiceOnly' | 'AttachmentAndBreakdown';
		} = {},
		itemIndex?: number,
	): Promise<BinaryResponse> {
		this.requestCount++;
		const subject = `PDF of invoice ${invoice.number ?? invoice.guid}`;
		const pdf = await apiRequestBinary.call(this.ctx, SEVERA_SERVICE, {
			url: `/v1/invoices/${encodeURIComponent(invoice.guid)}/pdf${query({ invoiceType: options.invoiceType, pdfGetOptions: options.pdfGetOptions })}`,
			baseURL: this.baseUrl,
			headers: { Accept: 'application/pdf' },
			subject,
			itemIndex,
		});
		// An error page or JSON served with a 200 must not travel on as the invoice's PDF.
		if (pdf.data.subarray(0, 5).toString('latin1') !== '%PDF-') {
			throw new Error(
				`Visma Severa answered the request for the ${subject} with ${pdf.mimeType ?? 'untyped'} content that is not a PDF (${pdf.data.length} bytes)`,
			);
		}
		return pdf;
	}

	/** All invoice statuses (cached for the client's lifetime, i.e. one execution or poll). */
	listStatuses(): Promise<SeveraInvoiceStatus[]> {
		this.statuses ??= this.get<unknown>('/v1/invoicestatuses', 'invoice statuses').then((list) =>
			[...expectRecords<SeveraInvoiceStatus>(list, 'invoice statuses')].sort(
				(a, b) => (Number(a.sortOrder) || 0) - (Number(b.sortOrder) || 0),
			),
		);
		return this.statuses;
	}

	getStatus(guid: string, itemIndex?: number): Promise<SeveraInvoiceStatus> {
		return this.getRecord(`/v1/invoicestatuses/${encodeURIComponent(guid)}`, `invoice status ${guid}`, itemIndex);
	}

	getCustomer(guid: string): Promise<SeveraCustomer> {
		let customer = this.customers.get(guid);
		if (!customer) {
			customer = this.getRecord<SeveraCustomer>(`/v1/customers/${encodeURIComponent(guid)}`, `customer ${guid}`);
			this.customers.set(guid, customer);
			customer.catch(() => this.customers.delete(guid));
		}
		return customer;
	}

	/** Customers, token-paged [I: the spec does not say which paging `/v1/customers` uses]. */
	listCustomers(options: ListOptions<SeveraCustomer> = {}): Promise<SeveraCustomer[]> {
		return this.tokenPaged<SeveraCustomer>('/v1/customers', { active: 'true' }, options);
	}

	getOrganization(): Promise<SeveraOrganizationDetails> {
		this.organization ??= this.get<unknown>('/v1/organizationdetails', 'organisation details').then((details) => {
			if (!details || typeof details !== 'object' || Array.isArray(details) || Buffer.isBuffer(details))
				throw new Error(`Visma Severa answered the request for the organisation details with ${shapeOf(details)}`);
			return details as SeveraOrganizationDetails;
		});
		this.organization.catch(() => (this.organization = undefined));
		return this.organization;
	}

	/** Active bank accounts of the organisation (offset paging). */
	listBankAccounts(): Promise<SeveraBankAccount[]> {
		this.bankAccounts ??= pageByNumber<SeveraBankAccount>(
			async (page, size) =>
				expectRecords<SeveraBankAccount>(
					await this.get<unknown>(
						`/v1/bankaccounts${query({ active: 'true', firstRow: page * size, rowCount: size })}`,
						'bank accounts',
					),
					'bank accounts',
				),
			{ firstPage: 0, pageSize: SEVERA_PAGE_SIZE },
		).then((r) => r.items);
		this.bankAccounts.catch(() => (this.bankAccounts = undefined));
		return this.bankAccounts;
	}

	/** Everything the mapper needs for one invoice (organisation, customer and bank accounts are cached). */
	async loadDocument(invoice: SeveraInvoice): Promise<SeveraDocument> {
		const customerGuid = invoice.billingCustomer?.guid ?? invoice.customer?.guid;
		const [rows, customer, organization, bankAccounts] = await Promise.all([
			this.getInvoiceRows(invoice),
			customerGuid ? this.getCustomer(customerGuid) : Promise.resolve(undefined),
			this.getOrganization(),
			this.listBankAccounts(),
		]);
		return { invoice, rows, customer, organization, bankAccounts };
	}

	/** Move an invoice to another status (JSON Patch); returns the invoice as Severa now has it. */
	async setStatus(
		invoiceGuid: string,
		statusGuid: string,
		subject: string,
		itemIndex?: number,
	): Promise<SeveraInvoice> {
		this.requestCount++;
		const response = await call<SeveraInvoice[] | SeveraInvoice>(this.ctx, SEVERA_SERVICE, {
			method: 'PATCH',
			url: `/v1/invoices/${encodeURIComponent(invoiceGuid)}`,
			baseURL: this.baseUrl,
			body: statusPatch(statusGuid) as unknown as IDataObject,
			headers: { 'Content-Type': 'application/json' },
			// Setting the same status twice leaves the same state, so a retry is harmless.
			idempotent: true,
			subject,
			itemIndex,
		});
		const updated = Array.isArray(response) ? response[0] : response;
		if (!updated || updated.status?.guid !== statusGuid) {
			throw new Error(
				`Severa did not move ${subject} to status ${statusGuid} (it reports ${updated?.status?.name ?? 'no status'})`,
			);
		}
		return updated;
	}
}
