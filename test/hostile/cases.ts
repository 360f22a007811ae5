/**
 * The hostile-input corpus for the pure layers: cases generated from the shipped datasets by the mutation generator
 * (mutate.ts), and `evaluate(case)`, which runs one case the way the package does (client JSON reading → mapper →
 * reconcile, pre-flight, writer; or UBL/OIOUBL reader → writer; or Invoice to UBL's JSON input → writer).
 * Evaluation runs in a worker thread (worker.ts) so a hang can be cut off by a per-case timeout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { normalizeKeys, parseDineroJson } from '../../nodes/Dinero/json';
import { mapDineroDocument, vatResolver, DineroMappingError } from '../../nodes/Dinero/mapper';
import type { DineroContact, DineroDocument, DineroSellerDetails } from '../../nodes/Dinero/types';
import { BillyMappingError, mapBillyInvoice } from '../../nodes/Billy/mapper';
import type { BillyContact, BillyInvoice } from '../../nodes/Billy/api';
import { mapSeveraInvoice, SeveraMappingError } from '../../nodes/Severa/mapper';
import type { SeveraCustomer, SeveraInvoice, SeveraInvoiceRow } from '../../nodes/Severa/types';
import { InvoiceInputError, readInvoiceInput } from '../../nodes/shared/einvoice/input';
import type { Invoice } from '../../nodes/shared/einvoice/model';
import { buildDocument } from '../../nodes/shared/ubl/document';
import { readUbl, UblReadError } from '../../nodes/shared/ubl/read';
import { OioublReadError, readOioubl21 } from '../../nodes/shared/ubl/read-oioubl21';
import { writeUbl } from '../../nodes/shared/ubl/write';
import type { DocumentFormat } from '../../nodes/shared/einvoice/findings';
import { mutations, type Json, HUGE_INT } from './mutate';

export type Target =
	'dinero-mapper' | 'billy-mapper' | 'severa-mapper' | 'ubl-reader' | 'oioubl-reader' | 'invoice-json';

export interface HostileCase {
	id: string;
	target: Target;
	mutation: string;
	/** The document the case derives from (number or id): a clear error names it. */
	names: string[];
	payload: string;
}

export type Outcome =
	| { kind: 'error'; errorClass: string; message: string; domain: boolean }
	| { kind: 'rejected'; number: string; findings: string[] }
	| { kind: 'document'; number: string; format: DocumentFormat; xml: string };

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
const fixtures = path.join(repoRoot, 'test', 'fixtures');
const readJson = <T>(...parts: string[]): T => JSON.parse(readFileSync(path.join(fixtures, ...parts), 'utf8')) as T;
const readDinero = <T>(name: string): T =>
	normalizeKeys<T>(parseDineroJson(readFileSync(path.join(fixtures, 'dinero', `${name}.json`), 'utf8')));

// ---- the datasets the mappers read besides the document itself

function dineroContext() {
	const info = readJson<{ seller: DineroSellerDetails }>('dinero', 'dataset.json');
	return {
		seller: info.seller,
		vat: vatResolver(readDinero('accounts'), readDinero('vatTypes')),
		contacts: readDinero<DineroContact[]>('contacts'),
		invoices: readDinero<DineroDocument[]>('invoices'),
	};
}

function billyContext() {
	const info = readJson<{ settings: { paymentMeans: Record<string, string> } }>('billy', 'dataset.json');
	return {
		organization: readJson<never>('billy', 'organization.json'),
		taxRates: readJson<never[]>('billy', 'taxRates.json'),
		cities: readJson<never[]>('billy', 'cities.json'),
		contactPersons: readJson<{ contactId: string }[]>('billy', 'contactPersons.json'),
		contacts: readJson<BillyContact[]>('billy', 'contacts.json'),
		invoices: readJson<BillyInvoice[]>('billy', 'invoices.json'),
		payment: info.settings.paymentMeans,
	};
}

function severaContext() {
	return {
		invoices: readJson<SeveraInvoice[]>('severa', 'invoices.json'),
		rows: readJson<SeveraInvoiceRow[]>('severa', 'invoicerows.json'),
		customers: readJson<SeveraCustomer[]>('severa', 'customers.json'),
		organization: readJson<never>('severa', 'organizationdetails.json'),
		bankAccounts: readJson<never[]>('severa', 'bankaccounts.json'),
	};
}

// ---- case generation

function fromMutations(target: Target, names: string[], record: Json, options: Parameters<typeof mutations>[1]) {
	return mutations(record, options).map((m) => ({ target, mutation: m.name, names, payload: m.text }));
}

/** XML variants of one valid document: entity attacks, malformed markup, and per-element damage. */
function xmlMutations(xml: string, secretFile: string, dtdUrl: string): { name: string; text: string }[] {
	const out: { name: string; text: string }[] = [];
	const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
	const rootName = /^<([\w:]+)/.exec(body)![1];
	const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
	const withNote = (note: string) => body.replace(/(<cbc:IssueDate>)/, `<cbc:Note>${note}</cbc:Note>$1`);
	out.push({
		name: 'xxe-file-entity',
		text: `${decl}<!DOCTYPE ${rootName} [<!ENTITY xxe SYSTEM "file://${secretFile}">]>\n${withNote('&xxe;')}`,
	});
	out.push({
		name: 'xxe-http-entity',
		text: `${decl}<!DOCTYPE ${rootName} [<!ENTITY xxe SYSTEM "${dtdUrl}/entity">]>\n${withNote('&xxe;')}`,
	});
	out.push({
		name: 'xxe-parameter-entity',
		text: `${decl}<!DOCTYPE ${rootName} [<!ENTITY % remote SYSTEM "${dtdUrl}/param.dtd"> %remote;]>\n${body}`,
	});
	out.push({ name: 'external-dtd', text: `${decl}<!DOCTYPE ${rootName} SYSTEM "${dtdUrl}/doc.dtd">\n${body}` });
	const laughs = ['<!ENTITY lol0 "lol">'];
	for (let i = 1; i <= 10; i++) laughs.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
	out.push({
		name: 'billion-laughs',
		text: `${decl}<!DOCTYPE ${rootName} [${laughs.join('')}]>\n${withNote('&lol10;')}`,
	});
	out.push({
		name: 'quadratic-blowup',
		text: `${decl}<!DOCTYPE ${rootName} [<!ENTITY a "${'x'.repeat(100_000)}">]>\n${withNote('&a;'.repeat(10_000))}`,
	});
	out.push({ name: 'doctype-without-entities', text: `${decl}<!DOCTYPE ${rootName}>\n${body}` });
	out.push({ name: 'truncated', text: xml.slice(0, Math.floor(xml.length / 2)) });
	out.push({ name: 'empty', text: '' });
	out.push({ name: 'html-instead-of-xml', text: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>' });
	out.push({ name: 'json-instead-of-xml', text: '{"message":"not xml"}' });
	out.push({
		name: 'wrong-root',
		text: `${decl}<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>`,
	});
	out.push({ name: 'deep-nesting', text: withNote(`${'<x>'.repeat(50_000)}${'</x>'.repeat(50_000)}`) });
	out.push({ name: '10mb-note', text: withNote('Æ'.repeat(5 * 1024 * 1024)) });
	out.push({ name: 'control-char-references', text: withNote('bad &#1; &#x1b; &#0; chars') });
	out.push({ name: 'raw-control-chars', text: withNote('bad \u0001\u001b chars') });
	out.push({ name: 'escaped-amp-lt-note', text: withNote('A &amp; B &lt;c&gt; &quot;q&quot; &apos;a&apos;') });
	out.push({ name: 'cdata-with-markup', text: withNote('<![CDATA[<b>A & B</b>]]>') });
	out.push({ name: 'processing-instruction', text: `${decl}<?evil cmd="rm -rf /"?>\n${body}` });
	out.push({ name: 'comment-inside-amount', text: xml.replace(/(<cbc:PayableAmount[^>]*>)/, '$1<!-- 0 -->') });
	out.push({ name: 'latin1-bytes-declared-utf8', text: Buffer.from(xml, 'latin1').toString('latin1') });
	// Per element: each leaf element dropped, emptied, given text that is not what it should be, or a huge number.
	const leaves = [...xml.matchAll(/<(cbc:\w+)([^>]*)>([^<]*)<\/\1>/g)];
	const seen = new Set<string>();
	for (const m of leaves) {
		const [whole, tag, , text] = m;
		if (seen.has(tag)) continue;
		seen.add(tag);
		const at = m.index!;
		const replace = (by: string) => xml.slice(0, at) + by + xml.slice(at + whole.length);
		out.push({ name: `drop:${tag}`, text: replace('') });
		out.push({ name: `garbage:${tag}`, text: replace(whole.replace(`>${text}<`, '>&lt;script&gt; &amp; ✓<')) });
		if (/^-?\d+(\.\d+)?$/.test(text))
			out.push({ name: `huge-int:${tag}`, text: replace(whole.replace(`>${text}<`, `>${HUGE_INT}<`)) });
	}
	return out;
}

export function buildCases(secretFile: string, dtdUrl: string): HostileCase[] {
	const cases: Omit<HostileCase, 'id'>[] = [];

	// Dinero: a booked invoice to a company, and its contact (as GET /invoices/{guid} and /contacts/{guid} return them).
	const dinero = dineroContext();
	const dDoc = dinero.invoices.find((d) => {
		const c = dinero.contacts.find((x) => x.ContactGuid === d.ContactGuid);
		return d.Status === 'Booked' && !d.DeletedAt && c && !c.IsPerson && (d.ProductLines?.length ?? 0) >= 2;
	})!;
	const dContact = dinero.contacts.find((c) => c.ContactGuid === dDoc.ContactGuid)!;
	cases.push(
		...fromMutations(
			'dinero-mapper',
			[String(dDoc.Number), String(dDoc.Guid)],
			{ document: dDoc, contact: dContact } as never,
			{
				bigStringAt: ['document', 'ProductLines', 0, 'Description'],
				deepAt: ['document', 'ProductLines'],
			},
		),
	);

	// Billy: an approved invoice with lines, and its contact.
	const billy = billyContext();
	const bDoc = billy.invoices.find(
		(i) => i.state === 'approved' && i.type === 'invoice' && (i.lines?.length ?? 0) >= 2,
	)!;
	const bContact = billy.contacts.find((c) => c.id === bDoc.contactId)!;
	cases.push(
		...fromMutations('billy-mapper', [String(bDoc.invoiceNo), bDoc.id], { invoice: bDoc, contact: bContact } as never, {
			bigStringAt: ['invoice', 'lines', 0, 'description'],
			deepAt: ['invoice', 'lines'],
		}),
	);

	// Severa: an invoice, its rows and billing customer.
	const severa = severaContext();
	const sDoc = severa.invoices.find(
		(i) => i.number && severa.rows.filter((r) => r.invoiceGuid === i.guid).length >= 2,
	)!;
	const sRows = severa.rows.filter((r) => r.invoiceGuid === sDoc.guid);
	const sCustomer = severa.customers.find((c) => c.guid === sDoc.billingCustomer?.guid);
	cases.push(
		...fromMutations(
			'severa-mapper',
			[String(sDoc.number), sDoc.guid],
			{ invoice: sDoc, rows: sRows, customer: sCustomer ?? null } as never,
			{
				bigStringAt: ['rows', 0, 'description'],
				deepAt: ['rows'],
				skip: /^invoice\.(projects|createdBy|lastUpdatedBy)/,
			},
		),
	);

	// Canonical JSON into Invoice to UBL (the node names the invoice in its item error; the reader states the cause).
	const canonical = readJson<Invoice>('canonical', '01-invoice-dk-b2b-standard.json');
	cases.push(
		...fromMutations('invoice-json', [], canonical as never, {
			bigStringAt: ['lines', 0, 'item', 'name'],
			deepAt: ['notes'],
		}),
	);
	cases.push({
		target: 'invoice-json',
		mutation: 'html-instead-of-json',
		names: [],
		payload: '<html><body>Bad Gateway</body></html>',
	});
	cases.push({
		target: 'invoice-json',
		mutation: 'truncated-json',
		names: [],
		payload: JSON.stringify(canonical).slice(0, 500),
	});

	// The readers: a PEPPOL BIS 3 and an OIOUBL 2.1 document written from a canonical fixture.
	const peppol = writeUbl(canonical, { format: 'peppol-bis3' });
	for (const m of xmlMutations(peppol, secretFile, dtdUrl))
		cases.push({ target: 'ubl-reader', mutation: m.name, names: [], payload: m.text });
	const oioublSource = readJson<Invoice>('canonical', '03-invoice-dk-public-ean.json');
	const oioubl = writeUbl(oioublSource, { format: 'oioubl21' });
	for (const m of xmlMutations(oioubl, secretFile, dtdUrl))
		cases.push({ target: 'oioubl-reader', mutation: m.name, names: [], payload: m.text });

	return cases.map((c, i) => ({ ...c, id: `${c.target}-${String(i).padStart(4, '0')}` }));
}

// ---- evaluation (inside the worker)

const DOMAIN_ERRORS = new Set([
	'DineroMappingError',
	'BillyMappingError',
	'SeveraMappingError',
	'InvoiceInputError',
	'UblReadError',
	'OioublReadError',
	'TotalsMismatchError',
	'DineroJsonError',
]);

let contexts: {
	dinero?: ReturnType<typeof dineroContext>;
	billy?: ReturnType<typeof billyContext>;
	severa?: ReturnType<typeof severaContext>;
} = {};

function mapCase(c: HostileCase): Invoice {
	switch (c.target) {
		case 'dinero-mapper': {
			const ctx = (contexts.dinero ??= dineroContext());
			// As the Dinero client reads a body: unsafe integers as strings, keys normalised.
			// (The envelope's keys are normalised too: `document` → `Document`.)
			const parsed = normalizeKeys<{ Document: DineroDocument; Contact: DineroContact }>(parseDineroJson(c.payload));
			return mapDineroDocument({
				kind: 'invoice',
				document: parsed?.Document,
				contact: parsed?.Contact,
				seller: ctx.seller,
				vat: ctx.vat,
			} as never);
		}
		case 'billy-mapper': {
			const ctx = (contexts.billy ??= billyContext());
			const parsed = JSON.parse(c.payload) as { invoice: BillyInvoice; contact: BillyContact } | null;
			return mapBillyInvoice(parsed?.invoice as BillyInvoice, {
				organization: ctx.organization,
				contact: parsed?.contact as BillyContact,
				contactPersons: ctx.contactPersons.filter((p) => p.contactId === parsed?.contact?.id) as never,
				cities: ctx.cities,
				taxRates: ctx.taxRates,
				payment: ctx.payment,
			});
		}
		case 'severa-mapper': {
			const ctx = (contexts.severa ??= severaContext());
			const parsed = JSON.parse(c.payload) as {
				invoice: SeveraInvoice;
				rows: SeveraInvoiceRow[];
				customer: SeveraCustomer;
			} | null;
			return mapSeveraInvoice({
				invoice: parsed?.invoice as SeveraInvoice,
				rows: parsed?.rows as SeveraInvoiceRow[],
				customer: parsed?.customer ?? undefined,
				organization: ctx.organization,
				bankAccounts: ctx.bankAccounts,
			});
		}
		case 'invoice-json':
			return readInvoiceInput(c.payload);
		case 'ubl-reader':
			return readUbl(c.payload);
		case 'oioubl-reader':
			return readOioubl21(c.payload);
	}
}

export function evaluate(c: HostileCase): Outcome {
	const format: DocumentFormat = c.target === 'oioubl-reader' ? 'oioubl21' : 'peppol-bis3';
	try {
		const invoice = mapCase(c);
		const built = buildDocument(invoice, { format, writeInvalid: false });
		if (!built.valid || !built.xml)
			return {
				kind: 'rejected',
				number: String(invoice.number),
				findings: built.findings.filter((f) => f.flag === 'fatal').map((f) => `${f.id}: ${f.message}`),
			};
		return { kind: 'document', number: String(invoice.number), format, xml: built.xml };
	} catch (error) {
		const e = error as Error;
		const errorClass = e?.constructor?.name ?? typeof error;
		return {
			kind: 'error',
			errorClass,
			message: String(e?.message ?? error).slice(0, 2000),
			domain:
				DOMAIN_ERRORS.has(errorClass) ||
				e instanceof DineroMappingError ||
				e instanceof BillyMappingError ||
				e instanceof SeveraMappingError ||
				e instanceof InvoiceInputError ||
				e instanceof UblReadError ||
				e instanceof OioublReadError,
		};
	}
}
