/**
 * Maventa AutoXChange (AX) emulator.
 *
 * - `POST /oauth2/token` (client credentials with company UUID, user API key, vendor API key, space-separated
 *   scopes incl. the `eui` / `global` / `company` aliases), tokens valid `tokenLifetimeSeconds`; `GET /oauth2/current`.
 * - `POST /v1/invoices` multipart: `file` must be well-formed XML, or a ZIP holding one XML and optionally a PDF
 *   with the same base name (plus other attachments). `uuid` de-duplicates: the same uuid returns the existing
 *   invoice (200, or 409 with `duplicateUuid: 'conflict'`) instead of creating a second one. The supplied uuid
 *   becomes the invoice id.
 * - Status progression PENDING → DELIVERED (e-invoice when the receiver is in the lookup data, otherwise e-mail
 *   when `recipient_email` is given, honouring `route_order` / `disabled_routes`) or FAILED when unreachable.
 * - `GET /v1/invoices[/{id}[/actions]]`, `GET /v1/lookup/receivers`.
 * - Errors as `{ code, message, details }`. Tests inject failures with `inject()`.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import {
	listen,
	readBody,
	readDatasetInfo,
	readResource,
	sendJson,
	type Emulator,
	type EmulatorOptions,
} from '../emulator';
import { multipartBoundary, parseMultipart, type MultipartPart } from './multipart';

type Json = Record<string, any>;

export interface MaventaEmulatorOptions extends EmulatorOptions {
	tokenLifetimeSeconds?: number;
	/** Milliseconds before a PENDING invoice reaches its final status (default 0: at the next read). */
	deliveryDelayMs?: number;
	/**
	 * How a known uuid is answered: the existing invoice with 200 (default), or 409 `duplicate_uuid`. The real
	 * answer is not documented; the client copes with both.
	 */
	duplicateUuid?: 'existing' | 'conflict';
}

export interface MaventaFailure {
	method?: string;
	path: RegExp;
	/** Only sends whose XML has this invoice number (cbc:ID). */
	invoiceNumber?: string;
	/** Answer with this status and error body… */
	status?: number;
	code?: string;
	message?: string;
	headers?: Record<string, string>;
	/** …or create the invoice and then drop the connection, as a timeout after the server committed would. */
	dropAfterCreate?: boolean;
	times?: number;
}

export interface MaventaInvoiceRecord {
	invoice: Json;
	actions: Json[];
	createdAt: number;
	route?: string;
	failure?: string;
	file: { name: string; type: 'xml' | 'zip'; entries: string[]; xml: string; pdf?: Buffer };
	fields: Record<string, string | string[]>;
	uuidSupplied: boolean;
}

export interface MaventaEmulator extends Emulator {
	invoices: MaventaInvoiceRecord[];
	inject(failure: MaventaFailure): void;
	expireTokens(): void;
}

const SCOPE_ALIASES: Record<string, string[]> = {
	eui: [
		'eui:open',
		'company:read',
		'company:write',
		'lookup',
		'receivables:assignments',
		'document:send',
		'document:receive',
		'invoice:receive',
		'invoice:send',
		'analysis',
	],
	global: ['company:read', 'document:receive', 'document:send', 'lookup'],
	company: ['company:read', 'company:write'],
};
const KNOWN_SCOPES = new Set([
	...Object.keys(SCOPE_ALIASES),
	...Object.values(SCOPE_ALIASES).flat(),
	'validate',
	'billing:reports',
]);

function expandScopes(scopes: string[]): Set<string> {
	const out = new Set<string>();
	for (const s of scopes) {
		out.add(s);
		for (const alias of SCOPE_ALIASES[s] ?? []) out.add(alias);
	}
	return out;
}

function maventaError(
	res: http.ServerResponse,
	status: number,
	code: string,
	message: string,
	details: string[] = [],
	headers: Record<string, string> = {},
) {
	sendJson(res, status, { code, message, details }, headers);
}

const xmlParser = new XMLParser({
	removeNSPrefix: true,
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	parseTagValue: false,
});

function text(node: unknown): string | undefined {
	if (node === undefined || node === null) return undefined;
	if (typeof node === 'object')
		return (node as Json)['#text'] !== undefined ? String((node as Json)['#text']) : undefined;
	return String(node);
}

/** What Maventa reads from the document itself. */
function readDocument(xml: string): Json {
	const doc = xmlParser.parse(xml) as Json;
	const root = doc.Invoice ?? doc.CreditNote;
	if (!root) return {};
	const buyer = root.AccountingCustomerParty?.Party ?? {};
	const seller = root.AccountingSupplierParty?.Party ?? {};
	const endpoint = buyer.EndpointID;
	const tax = Array.isArray(root.TaxTotal) ? root.TaxTotal[0] : root.TaxTotal;
	return {
		kind: doc.Invoice ? 'Invoice' : 'CreditNote',
		number: text(root.ID),
		date: text(root.IssueDate),
		dateDue: text(root.DueDate),
		currency: text(root.DocumentCurrencyCode),
		sum: text(root.LegalMonetaryTotal?.PayableAmount),
		sumTax: text(tax?.TaxAmount),
		buyerEia: endpoint ? `${endpoint['@schemeID']}:${text(endpoint)}` : undefined,
		buyerName: text(buyer.PartyLegalEntity?.RegistrationName) ?? text(buyer.PartyName?.Name),
		sellerName: text(seller.PartyLegalEntity?.RegistrationName) ?? text(seller.PartyName?.Name),
		sellerEia: seller.EndpointID ? `${seller.EndpointID['@schemeID']}:${text(seller.EndpointID)}` : undefined,
	};
}

export async function createMaventaEmulator(
	datasetDir: string,
	options: MaventaEmulatorOptions = {},
): Promise<MaventaEmulator> {
	const info = readDatasetInfo(datasetDir);
	const settings = (info.settings ?? {}) as Json;
	const companyId = String(settings.companyId ?? info.account);
	const userApiKey = String(settings.userApiKey);
	const vendorApiKey = String(settings.vendorApiKey);
	const companyScopes = expandScopes((settings.scopes as string[]) ?? ['eui']);
	const receivers = readResource<Json[]>(datasetDir, 'receivers', []);
	const lifetime = options.tokenLifetimeSeconds ?? 3600;
	const delay = options.deliveryDelayMs ?? 0;

	const tokens = new Map<string, { expires: number; scopes: Set<string>; granted: string[] }>();
	const records: MaventaInvoiceRecord[] = [];
	const failures: (MaventaFailure & { left: number })[] = [];
	const requests: Record<string, number> = {};

	const findReceiver = (eia: string | undefined) => {
		if (!eia) return undefined;
		const normalized = eia.toLowerCase();
		return receivers.find((r) => [r.eia, ...(r.aliases ?? [])].some((a: string) => a.toLowerCase() === normalized));
	};

	/** Settle a PENDING invoice once its delay has passed. */
	const settle = (record: MaventaInvoiceRecord) => {
		if (record.invoice.status !== 'PENDING' || Date.now() - record.createdAt < delay) return;
		const at = new Date().toISOString();
		if (record.route) {
			record.invoice.status = 'DELIVERED';
			record.invoice.destination = record.route;
			record.actions.push({
				type: 'SENT',
				channel: record.route,
				message: `Sent via ${record.route}`,
				key: null,
				happened_at: at,
			});
			record.actions.push({
				type: 'DELIVERED',
				channel: record.route,
				message: 'Delivered to the recipient',
				key: null,
				happened_at: at,
			});
		} else {
			record.invoice.status = 'FAILED';
			record.actions.push({ type: 'ERROR', channel: null, message: record.failure, key: null, happened_at: at });
		}
	};

	const chooseRoute = (
		fields: Record<string, string | string[]>,
		eia: string | undefined,
	): { route?: string; failure?: string } => {
		const list = (name: string) => {
			const v = fields[`${name}[]`] ?? fields[name];
			return (Array.isArray(v) ? v : v ? String(v).split(',') : []).map((s) => s.trim().toUpperCase()).filter(Boolean);
		};
		const order = list('route_order');
		const disabled = new Set(list('disabled_routes'));
		const routes = (order.length ? order : ['EINVOICE', 'EMAIL', 'PRINT']).filter((r) => !disabled.has(r));
		for (const route of routes) {
			if (route === 'EINVOICE' && findReceiver(eia)) return { route: 'EINVOICE' };
			if (route === 'EMAIL' && typeof fields.recipient_email === 'string' && /.+@.+\..+/.test(fields.recipient_email))
				return { route: 'EMAIL' };
			if (route === 'PRINT' && settings.printEnabled === true) return { route: 'PRINT' };
		}
		return {
			failure: `No route to the recipient ${eia ?? '(no e-invoice address)'}: not found in the e-invoice networks and no usable e-mail or print route`,
		};
	};

	const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const path = url.pathname.replace(/\/+$/, '');
		const method = req.method ?? 'GET';
		const key = `${method} ${path.replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '/{id}')}`;
		requests[key] = (requests[key] ?? 0) + 1;
		const raw = await readBody(req);

		if (path === '/oauth2/token' && method === 'POST') {
			const fields = formFields(req.headers['content-type'], raw);
			if (!fields) return maventaError(res, 400, 'invalid_request', 'Body must be form-urlencoded or multipart');
			if (fields.grant_type !== 'client_credentials')
				return maventaError(res, 400, 'unsupported_grant_type', 'grant_type must be client_credentials');
			if (fields.client_id !== companyId || fields.client_secret !== userApiKey) {
				return maventaError(res, 401, 'invalid_client', 'Unknown company UUID or user API key');
			}
			if (fields.vendor_api_key !== vendorApiKey)
				return maventaError(res, 401, 'invalid_client', 'Invalid vendor API key');
			const requested = String(fields.scope || 'global company')
				.split(/\s+/)
				.filter(Boolean);
			const unknown = requested.filter((s) => !KNOWN_SCOPES.has(s));
			if (unknown.length) return maventaError(res, 400, 'invalid_scope', `Unknown scope: ${unknown.join(' ')}`);
			const expanded = expandScopes(requested);
			const notAllowed = [...expanded].filter((s) => !companyScopes.has(s));
			if (notAllowed.length)
				return maventaError(res, 403, 'invalid_scope', `Scope not allowed for this company: ${notAllowed.join(' ')}`);
			const token = `${randomUUID()}.${randomUUID()}`;
			tokens.set(token, { expires: Date.now() + lifetime * 1000, scopes: expanded, granted: requested });
			return sendJson(res, 200, {
				access_token: token,
				token_type: 'bearer',
				expires_in: lifetime,
				scope: requested.join(' '),
			});
		}

		const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
		const token = auth ? tokens.get(auth[1]) : undefined;
		if (!token || token.expires <= Date.now()) {
			return maventaError(
				res,
				401,
				'unauthorized',
				token ? 'The access token expired' : 'Missing or invalid access token',
			);
		}
		const needScope = (...any: string[]) => {
			if (any.some((s) => token.scopes.has(s))) return true;
			maventaError(res, 403, 'insufficient_scope', `This operation needs one of the scopes: ${any.join(', ')}`);
			return false;
		};

		const failure = failures.find((f) => f.left > 0 && (!f.method || f.method === method) && f.path.test(path));
		if (failure && failure.invoiceNumber === undefined) {
			failure.left--;
			if (!failure.dropAfterCreate) {
				return maventaError(
					res,
					failure.status ?? 500,
					failure.code ?? 'internal_error',
					failure.message ?? 'Injected failure',
					[],
					failure.headers,
				);
			}
		}

		if (path === '/oauth2/current' && method === 'GET') {
			return sendJson(res, 200, {
				user: { id: settings.userId ?? randomUUID(), email: settings.userEmail ?? 'api@example.invalid' },
				company: {
					id: companyId,
					name: settings.companyName,
					bid: settings.companyBid,
					country: settings.companyCountry,
				},
				scopes: token.granted,
			});
		}

		if (path === '/v1/invoices' && method === 'POST') {
			if (!needScope('invoice:send', 'document:send')) return;
			const boundary = multipartBoundary(req.headers['content-type']);
			if (!boundary)
				return maventaError(res, 400, 'invalid_request', 'Content-Type must be multipart/form-data with a boundary');
			let parts: MultipartPart[];
			try {
				parts = parseMultipart(raw, boundary);
			} catch (error) {
				return maventaError(res, 400, 'invalid_request', `Malformed multipart body: ${(error as Error).message}`);
			}
			const fields: Record<string, string | string[]> = {};
			for (const part of parts.filter((p) => p.fileName === undefined)) {
				const value = part.data.toString('utf8');
				const existing = fields[part.name];
				fields[part.name] =
					existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
			}
			const filePart = parts.find((p) => p.name === 'file' && p.fileName !== undefined);
			if (!filePart) return maventaError(res, 400, 'invalid_request', 'The file parameter is required');
			const file = readUpload(filePart);
			if ('error' in file) return maventaError(res, 422, 'invalid_file', file.error);
			const uuid = typeof fields.uuid === 'string' ? fields.uuid : undefined;
			if (uuid !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) {
				return maventaError(res, 400, 'invalid_parameter', 'uuid must be a UUID');
			}
			const doc = readDocument(file.xml);
			const byNumber = failures.find(
				(f) =>
					f.left > 0 &&
					f.invoiceNumber !== undefined &&
					f.invoiceNumber === doc.number &&
					(!f.method || f.method === method) &&
					f.path.test(path),
			);
			if (byNumber && !byNumber.dropAfterCreate) {
				byNumber.left--;
				return maventaError(
					res,
					byNumber.status ?? 422,
					byNumber.code ?? 'invalid_invoice',
					byNumber.message ?? 'Injected failure',
					[`invoice ${doc.number}`],
				);
			}
			const existing = uuid ? records.find((r) => r.invoice.id === uuid) : undefined;
			if (existing) {
				settle(existing);
				if (options.duplicateUuid === 'conflict') {
					return maventaError(res, 409, 'duplicate_uuid', 'An invoice with this uuid already exists', [
						existing.invoice.id,
					]);
				}
				return sendJson(res, 200, existing.invoice);
			}
			const eia = typeof fields.recipient_eia === 'string' ? fields.recipient_eia : doc.buyerEia;
			const receiver = findReceiver(eia);
			const { route, failure: routeFailure } = chooseRoute(fields, eia);
			const now = new Date().toISOString();
			const id = uuid ?? randomUUID();
			const invoice = {
				id,
				status: 'PENDING',
				reference: null,
				number: doc.number ?? null,
				sender: {
					eia: doc.sellerEia ?? null,
					bid: settings.companyBid ?? null,
					name: settings.companyName ?? doc.sellerName,
					country: settings.companyCountry ?? null,
				},
				recipient: {
					eia: eia ?? null,
					bid: receiver?.participant?.bid ?? null,
					name: doc.buyerName ?? receiver?.participant?.name ?? null,
					country: receiver?.participant?.country ?? null,
					operator: (fields.recipient_operator as string) ?? receiver?.operator ?? null,
				},
				received_at: null,
				created_at: now,
				date: doc.date ?? null,
				date_due: doc.dateDue ?? null,
				source_format: 'PEPPOLBIS30',
				sum: doc.sum ?? null,
				sum_tax: doc.sumTax ?? null,
				currency: doc.currency ?? null,
				origin: 'INTERNAL',
				destination: null,
				comment: (fields.sender_comment as string) ?? null,
				files: [
					{
						id: randomUUID(),
						filename: file.xmlName,
						type: 'INVOICE_XML',
						mimetype: 'text/xml',
						href: `/v1/invoices/${id}/files/xml`,
					},
					...(file.pdf
						? [
								{
									id: randomUUID(),
									filename: file.pdfName,
									type: 'INVOICE_IMAGE',
									mimetype: 'application/pdf',
									href: `/v1/invoices/${id}/files/pdf`,
								},
							]
						: []),
				],
				revision: 1,
			};
			const record: MaventaInvoiceRecord = {
				invoice,
				actions: [{ type: 'CREATED', channel: null, message: 'Invoice created', key: null, happened_at: now }],
				createdAt: Date.now(),
				route,
				failure: routeFailure,
				file: { name: filePart.fileName ?? '', type: file.type, entries: file.entries, xml: file.xml, pdf: file.pdf },
				fields,
				uuidSupplied: uuid !== undefined,
			};
			records.push(record);
			if (byNumber?.dropAfterCreate) byNumber.left--;
			if (failure?.dropAfterCreate || byNumber?.dropAfterCreate) {
				// The invoice exists now, but the client never hears so: exactly the case `uuid` protects against.
				req.socket.destroy();
				return;
			}
			return sendJson(res, 201, invoice);
		}

		let m: RegExpExecArray | null;
		if (path === '/v1/invoices' && method === 'GET') {
			if (!needScope('invoice:send', 'invoice:receive', 'document:send', 'document:receive')) return;
			const direction = url.searchParams.get('direction') ?? 'RECEIVED';
			const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 10), 100);
			const pageNo = Math.max(Number(url.searchParams.get('page') ?? 1), 1);
			let list = direction === 'SENT' ? records : [];
			const number = url.searchParams.get('number');
			if (number) list = list.filter((r) => r.invoice.number === number);
			list.forEach(settle);
			return sendJson(
				res,
				200,
				list.slice((pageNo - 1) * perPage, pageNo * perPage).map((r) => r.invoice),
				{
					'X-Total-Count': String(list.length),
				},
			);
		}
		if ((m = /^\/v1\/invoices\/([^/]+)(\/actions)?$/.exec(path)) && method === 'GET') {
			if (!needScope('invoice:send', 'invoice:receive', 'document:send', 'document:receive')) return;
			const record = records.find((r) => r.invoice.id === m![1]);
			if (!record) return maventaError(res, 404, 'not_found', `Invoice ${m[1]} not found`);
			settle(record);
			if (m[2]) return sendJson(res, 200, record.actions);
			return sendJson(res, 200, { ...record.invoice, actions: record.actions });
		}
		if (path === '/v1/lookup/receivers' && method === 'GET') {
			if (!needScope('lookup')) return;
			const q = url.searchParams;
			const networks = [...q.getAll('network[]'), ...q.getAll('network')].map((n) => n.toUpperCase());
			if (!networks.length)
				return maventaError(res, 400, 'invalid_parameter', 'network is required (PEPPOL, INTERNAL, EXTERNAL)');
			let list = receivers.filter((r) => networks.includes(String(r.network).toUpperCase()));
			const eia = q.get('eia');
			if (eia)
				list = list.filter((r) =>
					[r.eia, ...(r.aliases ?? [])].some((a: string) => a.toLowerCase() === eia.toLowerCase()),
				);
			const bid = q.get('bid');
			if (bid) list = list.filter((r) => r.participant?.bid === bid);
			const name = q.get('name');
			if (name)
				list = list.filter((r) =>
					String(r.participant?.name ?? '')
						.toLowerCase()
						.includes(name.toLowerCase()),
				);
			const countries = [...q.getAll('country[]'), ...q.getAll('country')];
			if (countries.length) list = list.filter((r) => countries.includes(r.participant?.country));
			return sendJson(
				res,
				200,
				list.map(({ aliases: _aliases, ...entry }) => entry),
			);
		}
		return maventaError(res, 404, 'not_found', `No route for ${method} ${path}`);
	};

	const emulator = await listen(handler, requests, options);
	return Object.assign(emulator, {
		invoices: records,
		inject(failure: MaventaFailure) {
			failures.push({ ...failure, left: failure.times ?? 1 });
		},
		expireTokens() {
			for (const t of tokens.values()) t.expires = 0;
		},
	});
}

function formFields(contentType: string | undefined, raw: Buffer): Record<string, string> | undefined {
	if (/^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
		return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
	}
	const boundary = multipartBoundary(contentType);
	if (boundary) {
		try {
			return Object.fromEntries(parseMultipart(raw, boundary).map((p) => [p.name, p.data.toString('utf8')]));
		} catch {
			return undefined;
		}
	}
	return undefined;
}

type Upload =
	| { type: 'xml' | 'zip'; xml: string; xmlName: string; pdf?: Buffer; pdfName?: string; entries: string[] }
	| { error: string };

function wellFormed(xml: string, name: string): string | undefined {
	const result = XMLValidator.validate(xml);
	return result === true ? undefined : `${name} is not well-formed XML: ${result.err.msg} (line ${result.err.line})`;
}

function readUpload(part: MultipartPart): Upload {
	const name = part.fileName ?? '';
	const isZip = part.data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
	if (!isZip) {
		const xml = part.data.toString('utf8');
		if (!/^\s*(<\?xml[^>]*>\s*)?</.test(xml)) return { error: `${name} is neither XML nor a ZIP archive` };
		const problem = wellFormed(xml, name);
		return problem ? { error: problem } : { type: 'xml', xml, xmlName: name, entries: [name] };
	}
	let entries: Record<string, Uint8Array>;
	try {
		entries = unzipSync(new Uint8Array(part.data));
	} catch (error) {
		return { error: `${name} is not a readable ZIP archive: ${(error as Error).message}` };
	}
	const names = Object.keys(entries).filter((n) => !n.endsWith('/'));
	const xmlNames = names.filter((n) => /\.xml$/i.test(n));
	if (xmlNames.length !== 1) return { error: `${name} must contain exactly one XML invoice, found ${xmlNames.length}` };
	const xmlName = xmlNames[0];
	const xml = Buffer.from(entries[xmlName]).toString('utf8');
	const problem = wellFormed(xml, xmlName);
	if (problem) return { error: problem };
	const base = xmlName.replace(/\.xml$/i, '');
	const pdfNames = names.filter((n) => /\.pdf$/i.test(n));
	const pdfName = pdfNames.find((n) => n.replace(/\.pdf$/i, '') === base);
	if (pdfNames.length && !pdfName) {
		return {
			error: `The invoice image must share the XML's base name: expected ${base}.pdf, found ${pdfNames.join(', ')}`,
		};
	}
	const pdf = pdfName ? Buffer.from(entries[pdfName]) : undefined;
	if (pdf && !pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) return { error: `${pdfName} is not a PDF` };
	return { type: 'zip', xml, xmlName, pdf, pdfName, entries: names };
}
