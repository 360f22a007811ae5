/**
 * Dinero documents → n8n items following the package's item contract:
 * `json: { invoice, source }` (or `json: { source, dinero }` for raw output) and `binary.pdf` when asked.
 * Shared by the trigger, the action node and the headless export.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { Invoice } from '../shared/einvoice/model';
import type { DineroClient, DineroDocumentKind } from './client';
import { describeDocument, isDraft, mapDineroDocument, vatResolver, type VatResolver } from './mapper';
import type { DineroContact, DineroDocument, DineroSellerDetails } from './types';

export interface DocumentSource extends IDataObject {
	system: 'dinero';
	account: string;
	id: string;
	number: string;
	kind: DineroDocumentKind;
	customerId: string;
	customerName: string;
	status: string;
	updatedAt: string;
}

export function sourceOf(kind: DineroDocumentKind, document: DineroDocument, account: string): DocumentSource {
	return {
		system: 'dinero',
		account,
		id: document.Guid,
		number: isDraft(document) ? '' : String(document.Number ?? ''),
		kind,
		customerId: String(document.ContactGuid ?? ''),
		customerName: String(document.ContactName ?? ''),
		status: String(document.Status ?? ''),
		updatedAt: String(document.UpdatedAt ?? document.CreatedAt ?? ''),
	};
}

export interface BuildOptions {
	output: 'canonical' | 'raw';
	downloadPdf: boolean;
	seller?: DineroSellerDetails;
}

export interface KindedDocument {
	kind: DineroDocumentKind;
	document: DineroDocument;
}

/**
 * Turns list records into items. `prepare` fetches what a batch needs once (chart of accounts, VAT types,
 * contacts), so a batch costs a few requests plus one per document (its lines) and one per PDF.
 */
export class DineroItemBuilder {
	private vat?: VatResolver;

	private contacts = new Map<string, DineroContact>();

	/** Invoice number and date by guid, from the lists seen, for credit notes' BG-3. */
	private invoices = new Map<string, { Number?: string | null; Date?: string | null; Status?: string }>();

	constructor(
		private readonly ctx: IExecuteFunctions | IPollFunctions,
		private readonly client: DineroClient,
		private readonly options: BuildOptions,
	) {}

	get account(): string {
		return this.client.organizationId;
	}

	/** Remember invoices (e.g. a list just fetched) so credit notes can name them without another request. */
	knowInvoices(documents: DineroDocument[]): void {
		for (const d of documents) this.invoices.set(d.Guid, { Number: d.Number, Date: d.Date, Status: d.Status });
	}

	async prepare(documents: KindedDocument[]): Promise<void> {
		if (this.options.output !== 'canonical' || documents.length === 0) return;
		if (!this.vat) {
			const { accounts, vatTypes } = await this.client.referenceData();
			this.vat = vatResolver(accounts, vatTypes);
		}
		const missing = documents
			.map((d) => String(d.document.ContactGuid ?? ''))
			.filter((g) => g && !this.contacts.has(g));
		for (const [guid, contact] of await this.client.contactsFor(missing)) this.contacts.set(guid, contact);
	}

	/** One item for one document. Throws on API errors and on documents that cannot be mapped. */
	async build({ kind, document: listed }: KindedDocument, itemIndex?: number): Promise<INodeExecutionData> {
		const account = this.client.organizationId;
		const document = await this.client.withLines(kind, listed, itemIndex);
		const source = sourceOf(kind, document, account);
		const json: IDataObject = { source };
		if (this.options.output === 'canonical') {
			json.invoice = (await this.canonical(kind, document)) as unknown as IDataObject;
		} else {
			json.dinero = document as IDataObject;
		}
		const item: INodeExecutionData = { json };
		if (this.options.downloadPdf) {
			const label = describeDocument(kind, document);
			const pdf = await this.client.getDocumentPdf(kind, document.Guid, label, itemIndex);
			const fileName = `${kind === 'creditNote' ? 'kreditnota' : 'faktura'}-${source.number || document.Guid}.pdf`;
			item.binary = {
				pdf: (await this.ctx.helpers.prepareBinaryData(pdf, fileName, 'application/pdf')) as IBinaryData,
			};
		}
		return item;
	}

	private async canonical(kind: DineroDocumentKind, document: DineroDocument): Promise<Invoice> {
		if (!this.vat) await this.prepare([{ kind, document }]);
		const guid = String(document.ContactGuid ?? '');
		let contact = guid ? this.contacts.get(guid) : undefined;
		if (guid && !contact) {
			contact = await this.client.getContact(guid);
			this.contacts.set(guid, contact);
		}
		let credited: { Number?: string | null; Date?: string | null } | undefined;
		const creditedGuid = kind === 'creditNote' ? String(document.CreditNoteFor ?? '') : '';
		if (creditedGuid) {
			credited = this.invoices.get(creditedGuid);
			if (!credited) {
				const invoice = await this.client.getDocument('invoice', creditedGuid);
				credited = { Number: invoice.Number, Date: invoice.Date };
				this.invoices.set(creditedGuid, credited);
			}
		}
		return mapDineroDocument({
			kind,
			document,
			contact,
			creditedInvoice: credited,
			seller: this.options.seller!,
			vat: this.vat!,
		});
	}
}
