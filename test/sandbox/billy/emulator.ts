/**
 * Billy API v2 emulator: same paths (`/v2/...`), `X-Access-Token` auth, 1-based paging with `meta.paging`,
 * `include=` embedding and sideloading, Billy's error body, PDF downloads through `downloadUrl`.
 * Seeded from a dataset folder (see `generate.ts`). Anything not confirmed about Billy behaves as
 * `nodes/Billy/api.ts` assumes, so the node and the emulator agree on the same reading.
 */
import type http from 'node:http';
import { FIRST_PAGE, MAX_PAGE_SIZE, TOKEN_HEADER, isCreditNoteType } from '../../../nodes/Billy/api';
import type {
	BillyCity,
	BillyContact,
	BillyContactPerson,
	BillyInvoice,
	BillyOrganization,
	BillyTaxRate,
} from '../../../nodes/Billy/api';
import {
	listen,
	readDatasetInfo,
	readResource,
	sendJson as sendPlainJson,
	type Emulator,
	type EmulatorOptions,
} from '../emulator';

export interface BillyStore {
	organization: BillyOrganization;
	contacts: BillyContact[];
	contactPersons: BillyContactPerson[];
	invoices: BillyInvoice[];
	taxRates: BillyTaxRate[];
	cities: BillyCity[];
}

export interface BillyEmulatorOptions extends EmulatorOptions {
	/** Accepted access token (default: dataset `settings.accessToken`, else `billy-sandbox-token`). */
	accessToken?: string;
	/** Cap on `pageSize`, to exercise paging with small datasets (default 1000, Billy's maximum). */
	maxPageSize?: number;
	/** Text sent before every JSON body, as Billy has been seen to do (clients must cope). */
	jsonPrefix?: string;
}

export interface BillyEmulator extends Emulator {
	accessToken: string;
	/** Live data: tests add, approve, pay or void documents between polls. */
	store: BillyStore;
	/** Answer the next `count` requests (under `pathPrefix`, if given) with `status` (e.g. 503, or 429 with Retry-After: 1). */
	failNext(status: number, count?: number, pathPrefix?: string): void;
	/** Every request path with its query, in order (for request counting and assertions). */
	log: string[];
}

export const DEFAULT_BILLY_TOKEN = 'billy-sandbox-token';
const DEFAULT_PAGE_SIZE = 100;

function errorBody(statusCode: number, errorCode: string, errorMessage: string) {
	return { meta: { statusCode, success: false }, errorMessage, errorCode, helpUrl: 'https://www.billy.dk/api' };
}

/** A small valid PDF naming the document, so downloads have real bytes. */
export function pdfFor(title: string): Buffer {
	const text = title.replace(/[()\\]/g, '');
	const stream = `BT /F1 18 Tf 72 760 Td (${text}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let body = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((o, i) => {
		offsets.push(Buffer.byteLength(body, 'latin1'));
		body += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = Buffer.byteLength(body, 'latin1');
	body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
	body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(body, 'latin1');
}

/** Normalise a time filter to Billy's `YYYY-MM-DDTHH:MM:SS`. */
function timeKey(value: string): string {
	return value.replace(' ', 'T').slice(0, 19);
}

interface Include {
	embed: Set<string>;
	sideload: Set<string>;
}

function parseInclude(value: string | null): Include {
	const result: Include = { embed: new Set(), sideload: new Set() };
	for (const part of (value ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)) {
		const [rel, mode = 'sideload'] = part.split(':');
		(mode === 'embed' ? result.embed : result.sideload).add(rel);
	}
	return result;
}

export async function createBillyEmulator(
	datasetDir: string,
	options: BillyEmulatorOptions = {},
): Promise<BillyEmulator> {
	const info = readDatasetInfo(datasetDir);
	const store: BillyStore = {
		organization: readResource<BillyOrganization>(datasetDir, 'organization', {
			id: info.account,
			name: info.account,
			countryId: 'DK',
		}),
		contacts: readResource<BillyContact[]>(datasetDir, 'contacts', []),
		contactPersons: readResource<BillyContactPerson[]>(datasetDir, 'contactPersons', []),
		invoices: readResource<BillyInvoice[]>(datasetDir, 'invoices', []),
		taxRates: readResource<BillyTaxRate[]>(datasetDir, 'taxRates', []),
		cities: readResource<BillyCity[]>(datasetDir, 'cities', []),
	};
	const accessToken =
		options.accessToken ??
		(typeof info.settings?.accessToken === 'string' ? info.settings.accessToken : DEFAULT_BILLY_TOKEN);
	const maxPageSize = Math.min(options.maxPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
	const requests: Record<string, number> = {};
	const log: string[] = [];
	const failures: { status: number; count: number; pathPrefix?: string }[] = [];
	let baseUrl = '';
	const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
		if (!options.jsonPrefix) return sendPlainJson(res, status, body, headers);
		res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
		res.end(`${options.jsonPrefix}${JSON.stringify(body)}`);
	};

	const contactById = () => new Map(store.contacts.map((c) => [c.id, c]));

	const invoiceOut = (invoice: BillyInvoice, include: Include): BillyInvoice => {
		const { lines, ...rest } = invoice;
		const out: BillyInvoice = {
			...rest,
			downloadUrl: invoice.invoiceNo
				? `${baseUrl}/v2/downloads/invoices/${invoice.id}/${store.organization.id}/${hash(invoice.id)}/invoice-no-${invoice.invoiceNo}.pdf`
				: `${baseUrl}/v2/downloads/invoices/${invoice.id}/${store.organization.id}/${hash(invoice.id)}/draft-invoice.pdf`,
		};
		if (include.embed.has('invoice.lines')) out.lines = lines ?? [];
		return out;
	};

	/** Root-level sideloads for a set of invoices and/or contacts. */
	const sideloads = (include: Include, invoices: BillyInvoice[], contactsIn: BillyContact[] = []) => {
		const extra: Record<string, unknown[]> = {};
		let contacts = contactsIn;
		if (include.sideload.has('invoice.contact')) {
			const byId = contactById();
			const ids = [...new Set(invoices.map((i) => i.contactId))];
			contacts = ids.map((id) => byId.get(id)).filter((c): c is BillyContact => !!c);
			extra.contacts = contacts;
		}
		if (include.sideload.has('invoice.lines')) extra.invoiceLines = invoices.flatMap((i) => i.lines ?? []);
		if (include.sideload.has('contact.city') || include.sideload.has('contact.cities')) {
			const ids = new Set(contacts.map((c) => c.cityId).filter(Boolean));
			extra.cities = store.cities.filter((c) => ids.has(c.id));
		}
		if (include.sideload.has('contact.contactPersons')) {
			const ids = new Set(contacts.map((c) => c.id));
			extra.contactPersons = store.contactPersons.filter((p) => ids.has(p.contactId));
		}
		return extra;
	};

	const page = <T>(items: T[], url: URL): { slice: T[]; paging: Record<string, number> } | { error: string } => {
		const pageNo = Number(url.searchParams.get('page') ?? FIRST_PAGE);
		const requested = Number(url.searchParams.get('pageSize') ?? DEFAULT_PAGE_SIZE);
		if (!Number.isInteger(pageNo) || pageNo < FIRST_PAGE) return { error: '`page` must be an integer of at least 1.' };
		if (!Number.isInteger(requested) || requested < 1 || requested > MAX_PAGE_SIZE)
			return { error: `\`pageSize\` must be an integer between 1 and ${MAX_PAGE_SIZE}.` };
		const pageSize = Math.min(requested, maxPageSize);
		const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
		const slice = items.slice((pageNo - 1) * pageSize, pageNo * pageSize);
		return { slice, paging: { page: pageNo, pageCount, pageSize, total: items.length } };
	};

	const sortBy = <T extends Record<string, unknown>>(items: T[], url: URL, fallback: string): T[] => {
		const property = url.searchParams.get('sortProperty') ?? fallback;
		const direction = (url.searchParams.get('sortDirection') ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
		const value = (item: T) => {
			const v = item[property];
			return v === null || v === undefined ? '' : v;
		};
		return [...items].sort((a, b) => {
			const va = value(a);
			const vb = value(b);
			let cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
			if (cmp === 0) cmp = String(a.id).localeCompare(String(b.id)); // stable tie order
			return cmp * direction;
		});
	};

	const filterInvoices = (url: URL): BillyInvoice[] | string => {
		const q = url.searchParams;
		let items = store.invoices.filter((i) => !i.organizationId || i.organizationId === store.organization.id);
		const eq = (param: string, get: (i: BillyInvoice) => unknown) => {
			const value = q.get(param);
			if (value !== null && value !== '') items = items.filter((i) => String(get(i)) === value);
		};
		const states = q.getAll('state').flatMap((s) => s.split(','));
		if (states.length) items = items.filter((i) => states.includes(i.state));
		if (q.get('type'))
			items = items.filter((i) =>
				q.get('type') === 'creditNote' ? isCreditNoteType(i.type) : i.type === q.get('type'),
			);
		eq('contactId', (i) => i.contactId);
		eq('invoiceNo', (i) => i.invoiceNo);
		eq('creditedInvoiceId', (i) => i.creditedInvoiceId);
		eq('currencyId', (i) => i.currencyId);
		eq('externalId', (i) => i.externalId);
		if (q.get('isPaid') !== null) items = items.filter((i) => String(!!i.isPaid) === q.get('isPaid'));
		const range = (
			min: string,
			max: string,
			get: (i: BillyInvoice) => string | null | undefined,
			norm: (v: string) => string,
		) => {
			const lo = q.get(min);
			const hi = q.get(max);
			if (lo) items = items.filter((i) => !!get(i) && norm(get(i)!) >= norm(lo));
			if (hi) items = items.filter((i) => !!get(i) && norm(get(i)!) <= norm(hi));
		};
		range(
			'minEntryDate',
			'maxEntryDate',
			(i) => i.entryDate,
			(v) => v.slice(0, 10),
		);
		range('minApprovedTime', 'maxApprovedTime', (i) => i.approvedTime, timeKey);
		range(
			'minDueDate',
			'maxDueDate',
			(i) => i.dueDate,
			(v) => v.slice(0, 10),
		);
		range('minCreatedTime', 'maxCreatedTime', (i) => i.createdTime, timeKey);
		const text = q.get('q');
		if (text) {
			const needle = text.toLowerCase();
			const contacts = contactById();
			items = items.filter(
				(i) =>
					(i.invoiceNo ?? '').toLowerCase().includes(needle) ||
					(i.lineDescription ?? '').toLowerCase().includes(needle) ||
					(contacts.get(i.contactId)?.name ?? '').toLowerCase().includes(needle),
			);
		}
		const ids = q.get('ids');
		if (ids) {
			const wanted = new Set(ids.split(','));
			items = items.filter((i) => wanted.has(i.id));
		}
		return sortBy(items as unknown as Record<string, unknown>[], url, 'entryDate') as unknown as BillyInvoice[];
	};

	const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const url = new URL(req.url ?? '/', baseUrl);
		const parts = url.pathname.split('/').filter(Boolean);
		const label = `${req.method} /${parts
			.map((p, i) => (i >= 2 && !/^[a-z]+$/i.test(p) ? '{id}' : p))
			.slice(0, 3)
			.join('/')}`;
		requests[label] = (requests[label] ?? 0) + 1;
		log.push(`${req.method} ${url.pathname}${url.search}`);

		const failure = failures.find((f) => !f.pathPrefix || url.pathname.startsWith(f.pathPrefix));
		if (failure) {
			if (--failure.count <= 0) failures.splice(failures.indexOf(failure), 1);
			const headers: Record<string, string> = failure.status === 429 ? { 'retry-after': '1' } : {};
			sendJson(
				res,
				failure.status,
				errorBody(failure.status, failure.status === 429 ? 'RATE_LIMITED' : 'INTERNAL_ERROR', 'Injected failure'),
				headers,
			);
			return;
		}
		if (parts[0] !== 'v2') {
			sendJson(res, 404, errorBody(404, 'ROUTE_NOT_FOUND', `No route for ${url.pathname}`));
			return;
		}
		// PDF downloads are pre-signed URLs [I]: no token.
		if (parts[1] === 'downloads' && parts[2] === 'invoices') {
			const invoice = store.invoices.find((i) => i.id === parts[3]);
			if (!invoice || parts[5] !== hash(invoice.id)) {
				sendJson(res, 404, errorBody(404, 'RECORD_NOT_FOUND', 'The download was not found.'));
				return;
			}
			const pdf = pdfFor(`Faktura ${invoice.invoiceNo ?? 'kladde'} - ${store.organization.name}`);
			res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(pdf.length) });
			res.end(pdf);
			return;
		}
		const token = req.headers[TOKEN_HEADER.toLowerCase()];
		if (!token) {
			sendJson(
				res,
				401,
				errorBody(401, 'AUTHENTICATION_REQUIRED', 'You must be authenticated to access this resource.'),
			);
			return;
		}
		if (token !== accessToken) {
			sendJson(res, 401, errorBody(401, 'OAUTH_INVALID_ACCESS_TOKEN', 'The access token is invalid.'));
			return;
		}
		if (req.method !== 'GET') {
			sendJson(res, 405, errorBody(405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported by this sandbox.`));
			return;
		}
		const include = parseInclude(url.searchParams.get('include'));
		const meta = (extra: Record<string, unknown> = {}) => ({ statusCode: 200, success: true, time: 0.004, ...extra });
		const notFound = (type: string, id: string) =>
			sendJson(res, 404, errorBody(404, 'RECORD_NOT_FOUND', `No \`${type}\` record with id \`${id}\` was found.`));
		const list = <T>(
			key: string,
			items: T[],
			extra: (slice: T[]) => Record<string, unknown[]> = () => ({}),
			shape: (item: T) => unknown = (item) => item,
		) => {
			const paged = page(items, url);
			if ('error' in paged) {
				sendJson(res, 400, errorBody(400, 'INVALID_PARAMETER', paged.error));
				return;
			}
			sendJson(res, 200, {
				meta: meta({ paging: paged.paging }),
				[key]: paged.slice.map(shape),
				...extra(paged.slice),
			});
		};
		const [, resource, id] = parts;

		switch (resource) {
			case 'organization':
				sendJson(res, 200, { meta: meta(), organization: store.organization });
				return;
			case 'organizations':
				if (id && id !== store.organization.id) return notFound('organization', id);
				sendJson(res, 200, { meta: meta(), organization: store.organization });
				return;
			case 'invoices': {
				if (id) {
					const invoice = store.invoices.find((i) => i.id === id);
					if (!invoice) return notFound('invoice', id);
					sendJson(res, 200, { meta: meta(), invoice: invoiceOut(invoice, include), ...sideloads(include, [invoice]) });
					return;
				}
				const items = filterInvoices(url);
				if (typeof items === 'string') {
					sendJson(res, 400, errorBody(400, 'INVALID_PARAMETER', items));
					return;
				}
				list(
					'invoices',
					items,
					(slice) => sideloads(include, slice),
					(invoice) => invoiceOut(invoice, include),
				);
				return;
			}
			case 'contacts': {
				const withSideloads = (contacts: BillyContact[]) => {
					// Cities come with contacts by default [C]; persons on request [I].
					const ids = new Set(contacts.map((c) => c.cityId).filter(Boolean));
					const extra: Record<string, unknown[]> = { cities: store.cities.filter((c) => ids.has(c.id)) };
					if (include.sideload.has('contact.contactPersons') || include.embed.has('contact.contactPersons')) {
						const cids = new Set(contacts.map((c) => c.id));
						extra.contactPersons = store.contactPersons.filter((p) => cids.has(p.contactId));
					}
					return extra;
				};
				if (id) {
					const contact = store.contacts.find((c) => c.id === id);
					if (!contact) return notFound('contact', id);
					sendJson(res, 200, { meta: meta(), contact, ...withSideloads([contact]) });
					return;
				}
				const q = url.searchParams;
				let items = store.contacts;
				if (q.get('type')) items = items.filter((c) => c.type === q.get('type'));
				if (q.get('isCustomer') !== null) items = items.filter((c) => String(!!c.isCustomer) === q.get('isCustomer'));
				if (q.get('isArchived') !== null) items = items.filter((c) => String(!!c.isArchived) === q.get('isArchived'));
				const name = q.get('name') ?? q.get('q');
				if (name) items = items.filter((c) => c.name.toLowerCase().includes(name.toLowerCase()));
				list(
					'contacts',
					sortBy(items as unknown as Record<string, unknown>[], url, 'name') as unknown as BillyContact[],
					withSideloads,
				);
				return;
			}
			case 'contactPersons': {
				if (id) {
					const person = store.contactPersons.find((p) => p.id === id);
					if (!person) return notFound('contactPerson', id);
					sendJson(res, 200, { meta: meta(), contactPerson: person });
					return;
				}
				const contactId = url.searchParams.get('contactId');
				list(
					'contactPersons',
					store.contactPersons.filter((p) => !contactId || p.contactId === contactId),
				);
				return;
			}
			case 'taxRates': {
				if (id) {
					const rate = store.taxRates.find((r) => r.id === id);
					if (!rate) return notFound('taxRate', id);
					sendJson(res, 200, { meta: meta(), taxRate: rate });
					return;
				}
				list('taxRates', store.taxRates);
				return;
			}
			case 'cities': {
				if (id) {
					const city = store.cities.find((c) => c.id === id);
					if (!city) return notFound('city', id);
					sendJson(res, 200, { meta: meta(), city });
					return;
				}
				list('cities', store.cities);
				return;
			}
			default:
				sendJson(res, 404, errorBody(404, 'ROUTE_NOT_FOUND', `No route for ${url.pathname}`));
		}
	};

	const emulator = await listen(handler, requests, options);
	baseUrl = emulator.url;
	return {
		...emulator,
		accessToken,
		store,
		log,
		failNext(status: number, count = 1, pathPrefix?: string) {
			failures.push({ status, count, pathPrefix });
		},
	};
}

/** Stand-in for the signature in Billy's download URLs. */
function hash(id: string): string {
	let h = 2166136261;
	for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
	return h.toString(16).padStart(8, '0');
}
