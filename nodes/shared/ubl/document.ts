/**
 * From a canonical invoice to an e-invoice document: totals reconciled with the books, the original PDF attached,
 * pre-flight checks run, the UBL written. Pure (no n8n), used by the "Invoice to UBL" node and by the library API.
 *
 * Adding a format means adding its writer to `writeUbl` and one entry to `DOCUMENT_FORMATS`.
 */
import { createHash } from 'node:crypto';

import type { DocumentFormat, Finding } from '../einvoice/findings';
import { hasFatal } from '../einvoice/findings';
import type { Attachment, Invoice } from '../einvoice/model';
import { preflight } from '../einvoice/preflight';
import { reconcile } from '../einvoice/totals';
import type { InvoicOptions } from '../edifact/invoic-d96a';
import { writeUbl } from './write';

export interface DocumentFormatInfo {
	id: DocumentFormat;
	/** Name shown in the node's format list. */
	label: string;
	description: string;
	mimeType: string;
	extension: string;
	/** Byte encoding of the document text; default utf8 (EDIFACT UNOC is ISO 8859-1). */
	encoding?: 'utf8' | 'latin1';
}

/** Formats the package writes, in the order the node lists them. */
export const DOCUMENT_FORMATS: Record<DocumentFormat, DocumentFormatInfo> = {
	'peppol-bis3': {
		id: 'peppol-bis3',
		label: 'PEPPOL BIS Billing 3.0',
		description:
			'UBL 2.1 Invoice / CreditNote following PEPPOL BIS Billing 3.0 (EN 16931), incl. the Danish DK-R rules',
		mimeType: 'application/xml',
		extension: 'xml',
	},
	oioubl21: {
		id: 'oioubl21',
		label: 'OIOUBL 2.1',
		description: 'The Danish OIOUBL 2.1 Invoice / CreditNote (NemHandel)',
		mimeType: 'application/xml',
		extension: 'xml',
	},
	'edifact-d96a': {
		id: 'edifact-d96a',
		label: 'EDIFACT INVOIC (EANCOM D96A)',
		description: 'UN/EDIFACT INVOIC D.96A per EANCOM 2002, GLN-addressed, for VANs and AS2 trading partners',
		mimeType: 'application/EDIFACT',
		extension: 'edi',
		encoding: 'latin1',
	},
};

export function isDocumentFormat(value: unknown): value is DocumentFormat {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DOCUMENT_FORMATS, value);
}

/** Accepts our ids and the common spellings a route or a spreadsheet might carry ("PEPPOL BIS 3", "OIOUBL"). */
export function normaliseFormat(value: unknown): DocumentFormat | undefined {
	if (isDocumentFormat(value)) return value;
	if (typeof value !== 'string') return undefined;
	const key = value.toLowerCase().replace(/[^a-z0-9]/g, '');
	if (
		['peppol', 'peppolbis3', 'peppolbis30', 'peppolbisbilling3', 'peppolbisbilling30', 'bis3', 'en16931'].includes(key)
	)
		return 'peppol-bis3';
	if (['oioubl', 'oioubl21'].includes(key)) return 'oioubl21';
	if (
		[
			'edifact',
			'edifactd96a',
			'edifactinvoic',
			'edifactinvoiceancomd96a',
			'eancom',
			'eancomd96a',
			'invoic',
			'invoicd96a',
			'edi',
		].includes(key)
	)
		return 'edifact-d96a';
	return undefined;
}

export interface PdfAttachment {
	/** The file's bytes. */
	data: Buffer;
	fileName?: string;
	mimeType?: string;
	description?: string;
}

export interface BuildOptions {
	format: DocumentFormat;
	/** The original PDF, embedded as an AdditionalDocumentReference (BG-24). */
	pdf?: PdfAttachment;
	/** Write the XML even when pre-flight finds fatal problems (to inspect it or send it to an Invalid output). */
	writeInvalid?: boolean;
	/** Interchange settings of an EDIFACT document. */
	edifact?: InvoicOptions;
	/** OIOUBL 2.1 profile (cbc:ProfileID); default NES profile 5. Checked by pre-flight and written by the writer. */
	oioublProfileId?: string;
}

export interface BuiltDocument {
	/** The invoice as written: totals computed and reconciled, attachment added. */
	invoice: Invoice;
	format: DocumentFormat;
	/** The XML; absent when the document is invalid and `writeInvalid` was not set, or the writer refused it. */
	xml?: string;
	findings: Finding[];
	/** No fatal pre-flight finding. */
	valid: boolean;
}

/** Id of the embedded original PDF attachment. */
export function pdfAttachment(invoice: Invoice, pdf: PdfAttachment): Attachment {
	const fileName = pdf.fileName || `${invoice.number}.pdf`;
	return {
		id: fileName.replace(/\.[^.]+$/, '') || invoice.number,
		description: pdf.description ?? (invoice.kind === 'creditNote' ? 'Kreditnota (PDF)' : 'Faktura (PDF)'),
		contentBase64: pdf.data.toString('base64'),
		// Some APIs serve PDFs as application/octet-stream, which PEPPOL's MIME code list (BR-CL-24) refuses.
		mimeCode:
			pdf.data.subarray(0, 5).toString('latin1') === '%PDF-' ? 'application/pdf' : pdf.mimeType || 'application/pdf',
		fileName,
	};
}

/**
 * Build the document. Throws `TotalsMismatchError` when the books disagree (rule 4) and the writer's error when a
 * valid invoice cannot be written; an invalid invoice gives findings, not an exception.
 */
export function buildDocument(input: Invoice, options: BuildOptions): BuiltDocument {
	let invoice = reconcile(input);
	if (options.pdf)
		invoice = { ...invoice, attachments: [...(invoice.attachments ?? []), pdfAttachment(invoice, options.pdf)] };
	const findings = preflight(invoice, { format: options.format, oioublProfileId: options.oioublProfileId });
	const valid = !hasFatal(findings);
	const built: BuiltDocument = { invoice, format: options.format, findings, valid };
	if (valid) {
		built.xml = writeUbl(invoice, {
			format: options.format,
			edifact: options.edifact,
			oioubl: { profileId: options.oioublProfileId },
		});
	} else if (options.writeInvalid) {
		try {
			built.xml = writeUbl(invoice, {
				format: options.format,
				edifact: options.edifact,
				oioubl: { profileId: options.oioublProfileId },
			});
		} catch (error) {
			built.findings = [
				...findings,
				{
					id: 'EXPORT-WRITE',
					flag: 'fatal',
					message: `The document could not be written: ${(error as Error).message}`,
				},
			];
		}
	}
	return built;
}

export interface FileNameContext {
	number: string;
	kind: string;
	format: DocumentFormat;
	customer?: string;
	issueDate?: string;
	system?: string;
	id?: string;
}

/**
 * Expand a file-name pattern such as `{number}.xml` or `{system}-{kind}-{number}-{format}.xml`. Placeholders:
 * {number} {kind} {format} {customer} {issueDate} {system} {sourceId} (alias {id}). Characters unsafe in file names become `_`;
 * `.xml` is added when the pattern has no extension.
 */
export function documentFileName(pattern: string, context: FileNameContext): string {
	const values: Record<string, string | undefined> = {
		number: context.number,
		kind: context.kind,
		format: context.format,
		customer: context.customer,
		issuedate: context.issueDate,
		system: context.system,
		id: context.id,
		sourceid: context.id,
	};
	const expanded = (pattern || '{number}.xml').replace(/\{(\w+)\}/g, (whole, name: string) => {
		const key = name.toLowerCase();
		return Object.prototype.hasOwnProperty.call(values, key) ? (values[key] ?? '') : whole;
	});
	let safe = expanded
		.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
		.replace(/\s+/g, ' ')
		.replace(/_+/g, '_')
		.trim()
		.replace(/^[.\s_-]+/, '');
	if (!safe || /^\.?xml$/i.test(safe)) safe = `${context.number || 'document'}.xml`.replace(/[\\/:*?"<>|]+/g, '_');
	const extension = DOCUMENT_FORMATS[context.format]?.extension ?? 'xml';
	if (!/\.[A-Za-z0-9]{1,5}$/.test(safe)) safe += `.${extension}`;
	// A non-XML format keeps the pattern but not its `.xml` (the node's default pattern is `{number}.xml`).
	else if (extension !== 'xml' && /\.xml$/i.test(safe)) safe = `${safe.slice(0, -4)}.${extension}`;
	return safe.length > 200 ? safe.slice(safe.length - 200) : safe;
}

const KEY_NAMESPACE = '6f1f0b9c-8d7a-5e34-9b1e-2c3d4e5f6a7b';

/**
 * Deterministic idempotency key of one document: a UUID (RFC 4122 version 5, SHA-1 name-based) of the source
 * system, account, document id, kind, number and format. The same invoice in the same format always gets the same
 * key, so a delivery node can use it as an upload id (e.g. Maventa's `uuid`) and a resend is recognised.
 */
export function idempotencyKey(parts: {
	system?: string;
	account?: string;
	id?: string;
	kind: string;
	number: string;
	format: DocumentFormat;
}): string {
	const name = [parts.system ?? '', parts.account ?? '', parts.id ?? '', parts.kind, parts.number, parts.format].join(
		'\u001f',
	);
	const namespace = Buffer.from(KEY_NAMESPACE.replace(/-/g, ''), 'hex');
	const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface DocumentIdentifiers {
	/** `Invoice` or `CreditNote`. */
	rootElement: string;
	rootNamespace: string;
	/** cbc:CustomizationID, e.g. `urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0`. */
	customizationId?: string;
	/** cbc:ProfileID, e.g. `urn:fdc:peppol.eu:2017:poacc:billing:01:1.0`. */
	profileId?: string;
	/** PEPPOL document type identifier value (scheme busdox-docid-qns), as an SMP lists it. */
	documentTypeId?: string;
	/** PEPPOL process identifier value (scheme cenbii-procid-ubl), i.e. the ProfileID. */
	processId?: string;
}

/**
 * The identifiers a delivery or SMP lookup needs, read from a written document: root element and namespace,
 * CustomizationID and ProfileID, and from them the PEPPOL document type and process identifiers.
 */
export function documentIdentifiers(xml: string): DocumentIdentifiers {
	const root = /<(?:([A-Za-z_][\w.-]*):)?(Invoice|CreditNote)\b([^>]*)>/.exec(xml);
	if (!root) throw new Error('Not a UBL Invoice or CreditNote');
	const prefix = root[1];
	const ns = new RegExp(`xmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*"([^"]*)"`).exec(root[3]);
	const value = (name: string) => {
		const match = new RegExp(`<cbc:${name}(?:\\s[^>]*)?>([^<]*)</cbc:${name}>`).exec(xml);
		return match ? match[1].trim() : undefined;
	};
	const ids: DocumentIdentifiers = { rootElement: root[2], rootNamespace: ns ? ns[1] : '' };
	const customizationId = value('CustomizationID');
	const profileId = value('ProfileID');
	if (customizationId) {
		ids.customizationId = customizationId;
		ids.documentTypeId = `${ids.rootNamespace}::${ids.rootElement}##${customizationId}::2.1`;
	}
	if (profileId) ids.profileId = ids.processId = profileId;
	return ids;
}
