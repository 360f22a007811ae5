/**
 * Billy documents → n8n items in the package's item contract: `json.invoice` (canonical) and `json.source`,
 * `binary.pdf` when asked. Shared by the Billy Trigger and the Billy node.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import type { Party, VatCategory } from '../shared/einvoice/model';
import type { BillyInvoice, BillyOrganization, BillyTaxRate } from './api';
import type { BillyBundle, BillyClient } from './client';
import { billySource, mapBillyInvoice, type BillyPaymentSettings } from './mapper';

export type OutputMode = 'canonical' | 'raw';

export interface OutputOptions {
	output: OutputMode;
	downloadPdf: boolean;
	payment?: BillyPaymentSettings;
	vatCategoryByTaxRate?: Record<string, VatCategory>;
	seller?: Partial<Party>;
}

/** Node parameters → output options (the shape both nodes use under "Options"). */
export function outputOptions(options: IDataObject): OutputOptions {
	const payment = (options.paymentDetails as IDataObject | undefined) ?? {};
	const vatRows = ((options.vatCategories as IDataObject | undefined)?.rate as IDataObject[] | undefined) ?? [];
	const result: OutputOptions = {
		output: options.output === 'raw' ? 'raw' : 'canonical',
		downloadPdf: options.downloadPdf === true,
	};
	const cleaned: BillyPaymentSettings = {};
	for (const key of ['iban', 'bic', 'bankRegNo', 'bankAccountNo', 'fikCreditorId', 'fikCardType'] as const) {
		const value = payment[key];
		if (typeof value === 'string' && value.trim()) (cleaned as Record<string, string>)[key] = value.trim();
	}
	if (Object.keys(cleaned).length) result.payment = cleaned;
	const gln = typeof options.sellerGln === 'string' ? options.sellerGln.replace(/\s+/g, '') : '';
	if (gln) result.seller = { endpoint: { scheme: '0088', id: gln } };
	if (vatRows.length) {
		result.vatCategoryByTaxRate = Object.fromEntries(
			vatRows
				.filter((r) => r.taxRateId && r.category)
				.map((r) => [String(r.taxRateId), String(r.category) as VatCategory]),
		);
	}
	return result;
}

export interface DocumentContext {
	organization: BillyOrganization;
	taxRates: BillyTaxRate[];
	/** Invoices by id, for the number and date of credited invoices. */
	known: Map<string, BillyInvoice>;
}

/** Organisation, tax rates and credited invoices needed to map `bundle` (2 requests per client, plus credits not on the page). */
export async function documentContext(
	client: BillyClient,
	bundle: BillyBundle,
	known = new Map<string, BillyInvoice>(),
): Promise<DocumentContext> {
	const [organization, taxRates] = await Promise.all([client.getOrganization(), client.getTaxRates()]);
	await client.creditedInvoices(bundle.invoices, known);
	return { organization, taxRates, known };
}

/**
 * One item per document. A document that cannot be mapped is not dropped: with `throwOnError` false it becomes an
 * item with `json.error` (naming the document) and its `source`, so a workflow can route it.
 */
export async function documentItem(
	ctx: IExecuteFunctions | IPollFunctions,
	client: BillyClient,
	invoice: BillyInvoice,
	bundle: BillyBundle,
	context: DocumentContext,
	options: OutputOptions,
	throwOnError: boolean,
): Promise<INodeExecutionData> {
	const contact = bundle.contacts.get(invoice.contactId);
	const source = billySource(invoice, context.organization.id, contact);
	const json: IDataObject = { source };
	if (options.output === 'raw') {
		json.billy = {
			invoice,
			contact: contact ?? null,
			contactPersons: bundle.persons.get(invoice.contactId) ?? [],
		} as unknown as IDataObject;
	} else {
		try {
			if (!contact)
				throw new Error(
					`Billy invoice ${invoice.invoiceNo ?? invoice.id}: its contact ${invoice.contactId} was not returned`,
				);
			json.invoice = mapBillyInvoice(invoice, {
				organization: context.organization,
				contact,
				contactPersons: bundle.persons.get(invoice.contactId) ?? [],
				cities: bundle.cities,
				taxRates: context.taxRates,
				creditedInvoice: invoice.creditedInvoiceId ? context.known.get(invoice.creditedInvoiceId) : undefined,
				payment: options.payment,
				vatCategoryByTaxRate: options.vatCategoryByTaxRate,
				seller: options.seller,
			}) as unknown as IDataObject;
		} catch (error) {
			if (throwOnError) throw error;
			json.error = (error as Error).message;
		}
	}
	const item: INodeExecutionData = { json };
	if (options.downloadPdf && invoice.state !== 'draft') {
		const pdf = await client.downloadPdf(invoice);
		const binary: IBinaryData = await ctx.helpers.prepareBinaryData(pdf.data, pdf.fileName, pdf.mimeType);
		item.binary = { pdf: binary };
	}
	return item;
}
