/** Builds the package's item contract (`json.invoice`, `json.source`, `binary.pdf`) from a Severa invoice. */
import type { IBinaryData, IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { SeveraClient } from './client';
import { mapSeveraInvoice, severaSource, type SeveraMapOptions } from './mapper';
import type { SeveraInvoice } from './types';

export interface OutputOptions {
	downloadPdf: boolean;
	pdfContent?: 'All' | 'InvoiceOnly' | 'AttachmentAndBreakdown';
	map: SeveraMapOptions;
	/** `json.source.account`; empty: the organisation's name in Severa. */
	account?: string;
}

type PrepareBinary = (data: Buffer, fileName?: string, mimeType?: string) => Promise<IBinaryData>;

/**
 * One output item for a Severa invoice. Bad data (a draft, a row without VAT, totals that disagree with the books)
 * gives an item with `json.error` and `json.source`, so the invoice is reported rather than dropped; remote
 * failures are thrown, so a poll is repeated instead of losing the invoice.
 */
export async function invoiceItem(
	client: SeveraClient,
	invoice: SeveraInvoice,
	options: OutputOptions,
	prepareBinaryData: PrepareBinary,
	itemIndex?: number,
): Promise<INodeExecutionData> {
	const wantPdf = options.downloadPdf && invoice.number !== null;
	const [document, pdf] = await Promise.all([
		client.loadDocument(invoice),
		wantPdf
			? client.getInvoicePdf(invoice, { pdfGetOptions: options.pdfContent }, itemIndex)
			: Promise.resolve(undefined),
	]).catch((error: unknown) => {
		// Customer, organisation and bank accounts are shared lookups: say which invoice needed them.
		throw nameInvoice(error, invoice);
	});
	const account = options.account || document.organization.name || 'severa';
	const source: IDataObject = severaSource(invoice, account);
	if (document.customer?.eInvoiceAddress && document.customer.eInvoiceOperator) {
		// Maventa Send passes it on as recipient_operator.
		source.recipientOperator = document.customer.eInvoiceOperator;
	}
	const item: INodeExecutionData = { json: { source } };
	try {
		item.json.invoice = mapSeveraInvoice(document, options.map) as unknown as IDataObject;
	} catch (error) {
		if (error instanceof NodeApiError) throw error;
		item.json.error = (error as Error).message;
	}
	if (pdf) {
		const kind = invoice.isCreditNote ? 'credit-note' : 'invoice';
		item.binary = { pdf: await prepareBinaryData(pdf.data, `${kind}-${invoice.number}.pdf`, 'application/pdf') };
	}
	return item;
}

/** The error, its message starting with the invoice it concerns (unless it names it already). */
function nameInvoice(error: unknown, invoice: SeveraInvoice): Error {
	const label = `Severa invoice ${invoice.number ?? invoice.guid}`;
	const named = error instanceof Error ? error : new Error(String(error));
	if (!named.message.includes(String(invoice.number ?? invoice.guid))) named.message = `${label}: ${named.message}`;
	return named;
}

/** Options shared by the trigger and the action node for canonical output. */
export const mappingOptions: INodeProperties[] = [
	{
		displayName: 'VAT Category of 0 % Rows',
		name: 'zeroRateCategory',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Automatic',
				value: 'auto',
				description:
					'EU buyer with a VAT number: reverse charge (AE); outside the EU: export (G); domestic: exempt (E)',
			},
			{ name: 'Exempt (E)', value: 'E' },
			{ name: 'Export Outside the EU (G)', value: 'G' },
			{ name: 'Intra-Community Supply (K)', value: 'K' },
			{ name: 'Not Subject to VAT (O)', value: 'O' },
			{ name: 'Reverse Charge (AE)', value: 'AE' },
			{ name: 'Zero Rated (Z)', value: 'Z' },
		],
		description: 'Severa rows carry only a VAT percentage; this decides what a 0 % row means in the e-invoice',
	},
	{
		displayName: 'Exemption Reason',
		name: 'exemptionReason',
		type: 'string',
		default: '',
		placeholder: 'e.g. Reverse charge, AVL 8 c §',
		description: 'Text written as the VAT exemption reason of 0 % rows (a standard text per category when empty)',
	},
	{
		displayName: 'Account Label',
		name: 'account',
		type: 'string',
		default: '',
		description:
			"Written to the item's source account to tell legal entities apart (default: the organisation name in Severa)",
	},
];

export function readOutputOptions(options: IDataObject, downloadPdf: boolean): OutputOptions {
	return {
		downloadPdf,
		pdfContent: (options.pdfContent as OutputOptions['pdfContent']) || undefined,
		account: (options.account as string) || undefined,
		map: {
			zeroRateCategory: (options.zeroRateCategory as SeveraMapOptions['zeroRateCategory']) || 'auto',
			exemptionReason: (options.exemptionReason as string) || undefined,
		},
	};
}

/** Concurrent requests per poll or execution: faster on a slow API, gentle on its (unpublished) limits. */
export const SEVERA_CONCURRENCY = 4;

/** `map` with at most `limit` calls in flight; results keep the input order; the first failure rejects. */
export async function mapLimit<T, R>(
	values: readonly T[],
	limit: number,
	fn: (value: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(values.length);
	let next = 0;
	const worker = async () => {
		while (next < values.length) {
			const index = next++;
			results[index] = await fn(values[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
	return results;
}
