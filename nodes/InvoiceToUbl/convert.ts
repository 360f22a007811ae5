/**
 * One item through "Invoice to UBL": read the canonical invoice (item field or JSON), pick the format (the item's
 * route wins), attach the original PDF, build the document, and shape the output item per the item contract:
 * `json.document = { format, fileName, valid, findings, idempotencyKey, … }` and `binary.<property>` = the XML.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DocumentFormat, Finding } from '../shared/einvoice/findings';
import { readInvoiceInput } from '../shared/einvoice/input';
import type { Invoice } from '../shared/einvoice/model';
import { interchangeSettings, type EdifactSettings } from './edifact';
import {
	DOCUMENT_FORMATS,
	buildDocument,
	documentFileName,
	documentIdentifiers,
	idempotencyKey,
	normaliseFormat,
	type PdfAttachment,
} from '../shared/ubl/document';

export type InvalidMode = 'fail' | 'output' | 'pass';

export interface ConvertOptions {
	/** Read the invoice from a field of the item, or take it as given (object or JSON text). */
	invoice: { from: 'field'; field: string } | { from: 'value'; value: unknown };
	format: string;
	useRouteFormat: boolean;
	onInvalid: InvalidMode;
	attachPdf: boolean;
	pdfProperty: string;
	fileName: string;
	binaryProperty: string;
	/** Interchange settings used when the format is EDIFACT. */
	edifact?: EdifactSettings;
	/** OIOUBL 2.1 profile id (cbc:ProfileID) used when the format is OIOUBL; empty for NES profile 5. */
	oioublProfileId?: string;
}

export interface ConvertResult {
	item: INodeExecutionData;
	valid: boolean;
}

function isObject(value: unknown): value is IDataObject {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

function readPath(json: IDataObject, path: string): unknown {
	if (Object.prototype.hasOwnProperty.call(json, path)) return json[path];
	return path.split('.').reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), json);
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim()) return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

function fatalSummary(findings: Finding[]): string {
	const fatal = findings.filter((f) => f.flag === 'fatal');
	const shown = fatal.slice(0, 5).map((f) => `[${f.id}] ${f.message}${f.path ? ` (${f.path})` : ''}`);
	return shown.join('; ') + (fatal.length > 5 ? `; and ${fatal.length - 5} more` : '');
}

export async function convertItem(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	options: ConvertOptions,
): Promise<ConvertResult> {
	const node = ctx.getNode();
	const json = item.json ?? {};
	const source = isObject(json.source) ? json.source : {};

	let raw: unknown;
	if (options.invoice.from === 'field') {
		const field = options.invoice.field || 'invoice';
		raw = readPath(json, field);
		if (raw === undefined || raw === null) {
			// A source node that could not map a document says why in json.error; keep that cause.
			const upstream = json.error;
			const message =
				typeof upstream === 'string'
					? upstream
					: isObject(upstream) && typeof upstream.message === 'string'
						? upstream.message
						: '';
			const cause = message ? `: ${message}` : '';
			throw new NodeOperationError(node, `The item has no canonical invoice in json.${field}${cause}`, {
				itemIndex,
				description: 'Connect a source node (Dinero, Billy, Severa) before this node, or choose Invoice Source "JSON".',
			});
		}
	} else {
		raw = options.invoice.value;
	}
	let invoice: Invoice = readInvoiceInput(raw);

	const format = pickFormat(options, json, node, itemIndex);
	const interchange =
		format === 'edifact-d96a' ? interchangeSettings(ctx, invoice, json.route, options.edifact ?? {}) : undefined;
	if (interchange) invoice = interchange.invoice;
	let pdf: PdfAttachment | undefined;
	// EDIFACT INVOIC has no place for an embedded PDF.
	const pdfBinary = options.attachPdf && !interchange ? item.binary?.[options.pdfProperty] : undefined;
	if (pdfBinary) {
		pdf = {
			data: await ctx.helpers.getBinaryDataBuffer(itemIndex, options.pdfProperty),
			fileName: pdfBinary.fileName,
			mimeType: pdfBinary.mimeType,
		};
	}

	const built = buildDocument(invoice, {
		format,
		pdf,
		writeInvalid: options.onInvalid !== 'fail',
		edifact: interchange?.options,
		oioublProfileId: options.oioublProfileId || undefined,
	});
	const number = invoice.number;
	if (!built.valid && options.onInvalid === 'fail') {
		throw new NodeOperationError(
			node,
			`The ${DOCUMENT_FORMATS[format].label} document is invalid: ${fatalSummary(built.findings)}`,
			{
				itemIndex,
				description: built.findings
					.map((f) => `${f.flag.toUpperCase()} ${f.id}: ${f.message}${f.path ? ` (${f.path})` : ''}`)
					.join('\n'),
			},
		);
	}

	const kind = invoice.kind;
	const fileName = documentFileName(options.fileName, {
		number,
		kind,
		format,
		customer: text(source.customerName) ?? invoice.buyer?.name,
		issueDate: invoice.issueDate,
		system: text(source.system),
		id: text(source.id),
	});
	const seller = invoice.seller;
	const key = idempotencyKey({
		system: text(source.system) ?? 'canonical',
		account: text(source.account) ?? seller?.vatId ?? seller?.legalId?.id ?? seller?.endpoint?.id,
		id: text(source.id),
		kind,
		number,
		format,
	});

	const document: IDataObject = {
		format,
		formatName: DOCUMENT_FORMATS[format].label,
		documentType: kind === 'creditNote' ? 'CreditNote' : 'Invoice',
		fileName,
		mimeType: DOCUMENT_FORMATS[format].mimeType,
		valid: built.valid,
		findings: built.findings as unknown as IDataObject[],
		idempotencyKey: key,
		attachedPdf: pdf ? (built.invoice.attachments?.[built.invoice.attachments.length - 1]?.fileName ?? null) : null,
		binaryProperty: built.xml !== undefined ? options.binaryProperty : null,
	};
	const encoding = DOCUMENT_FORMATS[format].encoding ?? 'utf8';
	if (interchange) {
		document.interchange = {
			sender: interchange.options.sender?.id ?? null,
			recipient: interchange.options.recipient?.id ?? null,
			controlReference: interchange.options.controlReference,
			test: interchange.options.test === true,
		};
	}
	if (built.xml !== undefined) {
		document.size = Buffer.byteLength(built.xml, encoding);
		// What a delivery node or an SMP lookup needs to know about the document.
		if (!interchange) {
			const ids = documentIdentifiers(built.xml);
			if (ids.customizationId) document.customizationId = ids.customizationId;
			if (ids.profileId) document.profileId = ids.profileId;
			if (ids.documentTypeId) document.documentTypeId = ids.documentTypeId;
		}
	}

	// The invoice as written, minus the embedded PDF (it travels as binary already).
	const written: Invoice = { ...built.invoice };
	if (invoice.attachments) written.attachments = invoice.attachments;
	else delete written.attachments;

	const out: INodeExecutionData = { json: { ...json, invoice: written as unknown as IDataObject, document } };
	if (item.binary) out.binary = { ...item.binary };
	if (built.xml !== undefined) {
		const binary = await ctx.helpers.prepareBinaryData(
			Buffer.from(built.xml, encoding),
			fileName,
			DOCUMENT_FORMATS[format].mimeType,
		);
		out.binary = { ...(out.binary ?? {}), [options.binaryProperty]: binary };
	}
	return { item: out, valid: built.valid };
}

function pickFormat(
	options: ConvertOptions,
	json: IDataObject,
	node: ReturnType<IExecuteFunctions['getNode']>,
	itemIndex: number,
): DocumentFormat {
	const route = isObject(json.route) ? json.route : undefined;
	if (options.useRouteFormat && route && route.format !== undefined && route.format !== null && route.format !== '') {
		const routed = normaliseFormat(route.format);
		if (!routed) {
			throw new NodeOperationError(
				node,
				`The item's route asks for an unknown format ${JSON.stringify(route.format)}`,
				{
					itemIndex,
					description: `Known formats: ${Object.keys(DOCUMENT_FORMATS).join(', ')}`,
				},
			);
		}
		return routed;
	}
	const chosen = normaliseFormat(options.format);
	if (!chosen) throw new NodeOperationError(node, `Unknown format ${JSON.stringify(options.format)}`, { itemIndex });
	return chosen;
}

/** Number and kind of an invoice given as an object or JSON text, for error messages; nothing when unreadable. */
export function invoiceSubject(value: unknown): { number?: string; kind?: string } | undefined {
	let raw = value;
	if (typeof raw === 'string') {
		try {
			raw = JSON.parse(raw);
		} catch {
			return undefined;
		}
	}
	if (!isObject(raw)) return undefined;
	return { number: text(raw.number), kind: text(raw.kind) };
}
