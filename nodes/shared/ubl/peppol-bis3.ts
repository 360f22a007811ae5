/**
 * PEPPOL BIS Billing 3.0 writer: canonical invoice → UBL 2.1 `Invoice` or `CreditNote`.
 *
 * - Elements follow the UBL 2.1 schema order; business terms follow the PEPPOL BIS 3 / EN 16931 UBL binding.
 * - Totals come from `invoice.totals` when given (e.g. read from a document), else from `computeTotals`.
 * - The writer does not judge: an incomplete invoice is written as far as it goes, so that pre-flight and
 *   the official validator can say what is wrong. It never writes malformed XML (see `XmlEmitter`).
 * - Amounts given in the model are written as given (padded to 2 decimals); computed ones are rounded to 2.
 *   Prices, quantities and rates keep their precision.
 * - The CustomizationID is always PEPPOL BIS 3, whatever the source document carried.
 */
import { dec, money, plain } from '../einvoice/decimal';
import type {
	AllowanceCharge,
	Attachment,
	Invoice,
	InvoiceLine,
	Party,
	PaymentMeans,
	PostalAddress,
	Totals,
	VatInfo,
} from '../einvoice/model';
import { defaultTypeCode } from '../einvoice/model';
import { allowanceChargeAmount, computeTotals, lineNetAmount } from '../einvoice/totals';
import { XmlEmitter, hasText, type XmlSink } from './xml-emitter';

export const PEPPOL_BIS3_CUSTOMIZATION_ID =
	'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PEPPOL_BIS3_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

export const UBL_NAMESPACES = {
	invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
	creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
	cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
	cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

/** UNTDID 1001 document type code of an invoiced object (BT-18) and of a line object (BT-128). */
const INVOICED_OBJECT_TYPE_CODE = '130';
/** Project reference on a credit note (UBL CreditNote has no ProjectReference). */
const PROJECT_REFERENCE_TYPE_CODE = '50';
const VAT_SCHEME = 'VAT';
/** UBL requires a card network; EN 16931 has no term for it. */
const UNKNOWN_CARD_NETWORK = 'NA';
/** Scheme of the bank-assigned creditor identifier (BT-90) in the seller's PartyIdentification. */
const SEPA_CREDITOR_SCHEME = 'SEPA';

// Values already in the written form skip big.js (less garbage on large invoices).
const CANONICAL_AMOUNT = /^-?(0|[1-9]\d*)\.\d\d(\d*[1-9])?$/;
const CANONICAL_DECIMAL = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

/** Format a decimal as an amount: at least 2 decimals, more only when the source gave more. */
function amount(value: string | undefined): string | undefined {
	if (!hasText(value)) return undefined;
	if (CANONICAL_AMOUNT.test(value)) return value;
	try {
		return plain(dec(value), 2);
	} catch {
		return value; // not a number: written as text so the validator can name the problem
	}
}

/** Format a decimal keeping its precision (prices, quantities, percentages). */
function decimal(value: string | undefined): string | undefined {
	if (!hasText(value)) return undefined;
	if (CANONICAL_DECIMAL.test(value)) return value;
	try {
		return plain(dec(value));
	} catch {
		return value;
	}
}

function tryOrUndefined<T>(compute: () => T): T | undefined {
	try {
		return compute();
	} catch {
		return undefined;
	}
}

/** The writer; `writePeppolBis3` is the entry point. The sink is replaceable for the benchmark only. */
export class PeppolBis3Writer {
	private readonly isCreditNote: boolean;
	private readonly currency: string;

	constructor(
		private readonly invoice: Invoice,
		private readonly x: XmlSink = new XmlEmitter(),
	) {
		this.isCreditNote = invoice.kind === 'creditNote';
		this.currency = invoice.currency;
	}

	write(): string {
		const inv = this.invoice;
		const x = this.x;
		const totals = inv.totals ?? tryOrUndefined(() => computeTotals(inv));
		const root = this.isCreditNote ? 'CreditNote' : 'Invoice';
		x.open(root, {
			xmlns: this.isCreditNote ? UBL_NAMESPACES.creditNote : UBL_NAMESPACES.invoice,
			'xmlns:cac': UBL_NAMESPACES.cac,
			'xmlns:cbc': UBL_NAMESPACES.cbc,
		});
		x.leaf('cbc:CustomizationID', PEPPOL_BIS3_CUSTOMIZATION_ID);
		x.leaf('cbc:ProfileID', PEPPOL_BIS3_PROFILE_ID);
		x.leaf('cbc:ID', inv.number);
		x.leaf('cbc:IssueDate', inv.issueDate);
		const typeCode = inv.typeCode ?? defaultTypeCode(inv.kind);
		if (this.isCreditNote) {
			x.leaf('cbc:TaxPointDate', inv.taxPointDate);
			x.leaf('cbc:CreditNoteTypeCode', typeCode);
			this.notes();
		} else {
			x.leaf('cbc:DueDate', inv.dueDate);
			x.leaf('cbc:InvoiceTypeCode', typeCode);
			this.notes();
			x.leaf('cbc:TaxPointDate', inv.taxPointDate);
		}
		x.leaf('cbc:DocumentCurrencyCode', inv.currency);
		x.leaf('cbc:TaxCurrencyCode', inv.taxCurrency?.code);
		x.leaf('cbc:AccountingCost', inv.accountingCost);
		x.leaf('cbc:BuyerReference', inv.buyerReference);
		if (inv.invoicingPeriod) {
			x.open('cac:InvoicePeriod');
			x.leaf('cbc:StartDate', inv.invoicingPeriod.startDate);
			x.leaf('cbc:EndDate', inv.invoicingPeriod.endDate);
			x.leaf('cbc:DescriptionCode', inv.invoicingPeriod.descriptionCode);
			x.close();
		}
		if (hasText(inv.orderReference) || hasText(inv.salesOrderReference)) {
			x.open('cac:OrderReference');
			// OrderReference/ID is mandatory in UBL; BIS 3 writes "NA" when only the sales order is known.
			x.leaf('cbc:ID', hasText(inv.orderReference) ? inv.orderReference : 'NA');
			x.leaf('cbc:SalesOrderID', inv.salesOrderReference);
			x.close();
		}
		for (const preceding of inv.precedingInvoices ?? []) {
			x.open('cac:BillingReference').open('cac:InvoiceDocumentReference');
			x.leaf('cbc:ID', preceding.number);
			x.leaf('cbc:IssueDate', preceding.issueDate);
			x.close().close();
		}
		this.documentReference('cac:DespatchDocumentReference', inv.despatchAdviceReference);
		this.documentReference('cac:ReceiptDocumentReference', inv.receivingAdviceReference);
		if (this.isCreditNote) {
			this.documentReference('cac:ContractDocumentReference', inv.contractReference);
			this.additionalDocumentReferences();
			this.documentReference('cac:OriginatorDocumentReference', inv.tenderReference);
		} else {
			this.documentReference('cac:OriginatorDocumentReference', inv.tenderReference);
			this.documentReference('cac:ContractDocumentReference', inv.contractReference);
			this.additionalDocumentReferences();
			this.documentReference('cac:ProjectReference', inv.projectReference);
		}
		this.supplierParty();
		this.customerParty();
		this.payeeParty();
		this.taxRepresentativeParty();
		this.delivery();
		for (const means of inv.paymentMeans ?? []) this.paymentMeans(means);
		if (hasText(inv.paymentTerms)) {
			x.open('cac:PaymentTerms').leaf('cbc:Note', inv.paymentTerms).close();
		}
		(inv.allowanceCharges ?? []).forEach((ac, i) => this.allowanceCharge(ac, `document ${i + 1}`, true));
		if (totals) this.taxTotals(totals);
		if (totals) this.monetaryTotal(totals);
		for (const line of inv.lines ?? []) this.line(line);
		x.close();
		return x.toString();
	}

	private notes(): void {
		for (const note of this.invoice.notes ?? []) {
			// BT-21 has no UBL element; the EN 16931 UBL binding prefixes the note with #code#.
			this.x.leaf('cbc:Note', hasText(note.subjectCode) ? `#${note.subjectCode}#${note.text ?? ''}` : note.text);
		}
	}

	private documentReference(element: string, id: string | undefined): void {
		if (!hasText(id)) return;
		this.x.open(element).leaf('cbc:ID', id).close();
	}

	private additionalDocumentReferences(): void {
		const inv = this.invoice;
		const x = this.x;
		if (inv.invoicedObject && hasText(inv.invoicedObject.id)) {
			x.open('cac:AdditionalDocumentReference');
			x.leaf('cbc:ID', inv.invoicedObject.id, { schemeID: inv.invoicedObject.scheme });
			x.leaf('cbc:DocumentTypeCode', INVOICED_OBJECT_TYPE_CODE);
			x.close();
		}
		if (this.isCreditNote && hasText(inv.projectReference)) {
			x.open('cac:AdditionalDocumentReference');
			x.leaf('cbc:ID', inv.projectReference);
			x.leaf('cbc:DocumentTypeCode', PROJECT_REFERENCE_TYPE_CODE);
			x.close();
		}
		for (const attachment of inv.attachments ?? []) this.attachment(attachment);
	}

	private attachment(attachment: Attachment): void {
		const x = this.x;
		x.open('cac:AdditionalDocumentReference');
		x.leaf('cbc:ID', attachment.id);
		x.leaf('cbc:DocumentDescription', attachment.description);
		x.open('cac:Attachment');
		if (hasText(attachment.contentBase64)) {
			x.leaf('cbc:EmbeddedDocumentBinaryObject', String(attachment.contentBase64).replace(/\s+/g, ''), {
				mimeCode: attachment.mimeCode,
				filename: attachment.fileName,
			});
		}
		if (hasText(attachment.uri)) x.open('cac:ExternalReference').leaf('cbc:URI', attachment.uri).close();
		x.close();
		x.close();
	}

	private supplierParty(): void {
		const seller = this.invoice.seller;
		const x = this.x;
		x.open('cac:AccountingSupplierParty').open('cac:Party');
		if (seller) {
			this.endpoint(seller);
			this.partyIdentifications(seller);
			for (const means of this.invoice.paymentMeans ?? []) {
				const creditorId = means.directDebit?.creditorId;
				if (hasText(creditorId)) {
					x.open('cac:PartyIdentification').leaf('cbc:ID', creditorId, { schemeID: SEPA_CREDITOR_SCHEME }).close();
				}
			}
			this.partyBody(seller, true);
		}
		x.close().close();
	}

	private customerParty(): void {
		const buyer = this.invoice.buyer;
		const x = this.x;
		x.open('cac:AccountingCustomerParty').open('cac:Party');
		if (buyer) {
			this.endpoint(buyer);
			this.partyIdentifications(buyer);
			this.partyBody(buyer, false);
		}
		x.close().close();
	}

	private endpoint(party: Party): void {
		if (party.endpoint) this.x.leaf('cbc:EndpointID', party.endpoint.id, { schemeID: party.endpoint.scheme });
	}

	private partyIdentifications(party: Party): void {
		for (const identifier of party.identifiers ?? []) {
			this.x.open('cac:PartyIdentification').leaf('cbc:ID', identifier.id, { schemeID: identifier.scheme }).close();
		}
	}

	/** PartyName … Contact of a seller or buyer. */
	private partyBody(party: Party, isSeller: boolean): void {
		const x = this.x;
		if (hasText(party.tradingName)) x.open('cac:PartyName').leaf('cbc:Name', party.tradingName).close();
		this.postalAddress('cac:PostalAddress', party.address);
		if (hasText(party.vatId)) {
			x.open('cac:PartyTaxScheme').leaf('cbc:CompanyID', party.vatId);
			x.open('cac:TaxScheme').leaf('cbc:ID', VAT_SCHEME).close().close();
		}
		if (isSeller && hasText(party.taxRegistrationId)) {
			// BT-32: a tax registration other than VAT; BIS 3 uses any TaxScheme/ID but VAT ("TAX" by convention).
			x.open('cac:PartyTaxScheme').leaf('cbc:CompanyID', party.taxRegistrationId);
			x.open('cac:TaxScheme').leaf('cbc:ID', 'TAX').close().close();
		}
		x.open('cac:PartyLegalEntity');
		x.leaf('cbc:RegistrationName', party.name);
		if (party.legalId) x.leaf('cbc:CompanyID', party.legalId.id, { schemeID: party.legalId.scheme });
		if (isSeller) x.leaf('cbc:CompanyLegalForm', party.legalForm);
		x.close();
		if (party.contact) {
			x.open('cac:Contact');
			x.leaf('cbc:Name', party.contact.name);
			x.leaf('cbc:Telephone', party.contact.phone);
			x.leaf('cbc:ElectronicMail', party.contact.email);
			x.close();
		}
	}

	private postalAddress(element: string, address: PostalAddress | undefined): void {
		if (!address) return;
		const x = this.x;
		x.open(element);
		x.leaf('cbc:StreetName', address.line1);
		x.leaf('cbc:AdditionalStreetName', address.line2);
		x.leaf('cbc:CityName', address.city);
		x.leaf('cbc:PostalZone', address.postalCode);
		x.leaf('cbc:CountrySubentity', address.countrySubdivision);
		if (hasText(address.line3)) x.open('cac:AddressLine').leaf('cbc:Line', address.line3).close();
		x.open('cac:Country').leaf('cbc:IdentificationCode', address.country).close();
		x.close();
	}

	private payeeParty(): void {
		const payee = this.invoice.payee;
		if (!payee) return;
		const x = this.x;
		x.open('cac:PayeeParty');
		if (payee.identifier) {
			x.open('cac:PartyIdentification');
			x.leaf('cbc:ID', payee.identifier.id, { schemeID: payee.identifier.scheme });
			x.close();
		}
		x.open('cac:PartyName').leaf('cbc:Name', payee.name).close();
		if (payee.legalId) {
			x.open('cac:PartyLegalEntity');
			x.leaf('cbc:CompanyID', payee.legalId.id, { schemeID: payee.legalId.scheme });
			x.close();
		}
		x.close();
	}

	private taxRepresentativeParty(): void {
		const representative = this.invoice.taxRepresentative;
		if (!representative) return;
		const x = this.x;
		x.open('cac:TaxRepresentativeParty');
		x.open('cac:PartyName').leaf('cbc:Name', representative.name).close();
		this.postalAddress('cac:PostalAddress', representative.address);
		if (hasText(representative.vatId)) {
			x.open('cac:PartyTaxScheme').leaf('cbc:CompanyID', representative.vatId);
			x.open('cac:TaxScheme').leaf('cbc:ID', VAT_SCHEME).close().close();
		}
		x.close();
	}

	private delivery(): void {
		const delivery = this.invoice.delivery;
		if (!delivery) return;
		const x = this.x;
		x.open('cac:Delivery');
		x.leaf('cbc:ActualDeliveryDate', delivery.date);
		if (delivery.locationId || delivery.address) {
			x.open('cac:DeliveryLocation');
			if (delivery.locationId) x.leaf('cbc:ID', delivery.locationId.id, { schemeID: delivery.locationId.scheme });
			this.postalAddress('cac:Address', delivery.address);
			x.close();
		}
		if (hasText(delivery.partyName)) {
			x.open('cac:DeliveryParty').open('cac:PartyName').leaf('cbc:Name', delivery.partyName).close().close();
		}
		x.close();
	}

	private paymentMeans(means: PaymentMeans): void {
		const x = this.x;
		x.open('cac:PaymentMeans');
		x.leaf('cbc:PaymentMeansCode', means.code, { name: means.text });
		// A CreditNote has no DueDate; the BIS 3 binding of BT-9 there is PaymentMeans/PaymentDueDate.
		if (this.isCreditNote) x.leaf('cbc:PaymentDueDate', this.invoice.dueDate);
		if (means.giro) {
			// Danish FIK/giro: PaymentID is "<card type>#<payment id>" (DK-R-008…011), the creditor number is the account.
			x.leaf('cbc:PaymentID', `${means.giro.cardType}#${means.giro.paymentId ?? ''}`);
		} else {
			x.leaf('cbc:PaymentID', means.paymentId);
		}
		if (means.card) {
			x.open('cac:CardAccount');
			x.leaf('cbc:PrimaryAccountNumberID', means.card.accountNumber);
			x.leaf('cbc:NetworkID', hasText(means.card.network) ? means.card.network : UNKNOWN_CARD_NETWORK);
			x.leaf('cbc:HolderName', means.card.holderName);
			x.close();
		}
		if (means.giro) {
			x.open('cac:PayeeFinancialAccount').leaf('cbc:ID', means.giro.creditorId).close();
		} else if (means.creditTransfer) {
			const transfer = means.creditTransfer;
			x.open('cac:PayeeFinancialAccount');
			x.leaf('cbc:ID', transfer.accountId);
			x.leaf('cbc:Name', transfer.accountName);
			if (hasText(transfer.serviceProviderId)) {
				// BIC, or the Danish bank registration number (DK-R-006 for codes 31 and 42).
				x.open('cac:FinancialInstitutionBranch').leaf('cbc:ID', transfer.serviceProviderId).close();
			}
			x.close();
		}
		if (means.directDebit && (hasText(means.directDebit.mandateId) || hasText(means.directDebit.debitedAccountId))) {
			x.open('cac:PaymentMandate');
			x.leaf('cbc:ID', means.directDebit.mandateId);
			if (hasText(means.directDebit.debitedAccountId)) {
				x.open('cac:PayerFinancialAccount').leaf('cbc:ID', means.directDebit.debitedAccountId).close();
			}
			x.close();
		}
		x.close();
	}

	private allowanceCharge(ac: AllowanceCharge, label: string, withTax: boolean): void {
		const x = this.x;
		const currency = { currencyID: this.currency };
		x.open('cac:AllowanceCharge');
		x.leaf('cbc:ChargeIndicator', ac.isCharge ? 'true' : 'false');
		x.leaf('cbc:AllowanceChargeReasonCode', ac.reasonCode);
		x.leaf('cbc:AllowanceChargeReason', ac.reason);
		x.leaf('cbc:MultiplierFactorNumeric', decimal(ac.percent));
		const value = hasText(ac.amount)
			? amount(ac.amount)
			: tryOrUndefined(() => money(allowanceChargeAmount(ac, `${label} ${ac.isCharge ? 'charge' : 'allowance'}`)));
		x.leaf('cbc:Amount', value, currency);
		x.leaf('cbc:BaseAmount', amount(ac.baseAmount), currency);
		if (withTax && ac.vat) this.taxCategory('cac:TaxCategory', ac.vat);
		x.close();
	}

	/** TaxCategory of a document allowance/charge or ClassifiedTaxCategory of a line (no exemption reason there). */
	private taxCategory(element: string, vat: VatInfo): void {
		const x = this.x;
		x.open(element);
		x.leaf('cbc:ID', vat.category);
		if (vat.category !== 'O') x.leaf('cbc:Percent', decimal(vat.rate));
		x.open('cac:TaxScheme').leaf('cbc:ID', VAT_SCHEME).close();
		x.close();
	}

	private taxTotals(totals: Totals): void {
		const x = this.x;
		const currency = { currencyID: this.currency };
		x.open('cac:TaxTotal');
		x.leaf('cbc:TaxAmount', amount(totals.vatTotal), currency);
		for (const row of totals.vatBreakdown ?? []) {
			x.open('cac:TaxSubtotal');
			x.leaf('cbc:TaxableAmount', amount(row.taxableAmount), currency);
			x.leaf('cbc:TaxAmount', amount(row.taxAmount), currency);
			x.open('cac:TaxCategory');
			x.leaf('cbc:ID', row.category);
			if (row.category !== 'O') x.leaf('cbc:Percent', decimal(row.rate));
			x.leaf('cbc:TaxExemptionReasonCode', row.exemptionReasonCode);
			x.leaf('cbc:TaxExemptionReason', row.exemptionReason);
			x.open('cac:TaxScheme').leaf('cbc:ID', VAT_SCHEME).close();
			x.close();
			x.close();
		}
		x.close();
		const taxCurrency = this.invoice.taxCurrency;
		if (taxCurrency && hasText(totals.vatTotalInTaxCurrency)) {
			// BT-111: a second TaxTotal in the tax currency, without subtotals (PEPPOL-EN16931-R054).
			x.open('cac:TaxTotal');
			x.leaf('cbc:TaxAmount', amount(totals.vatTotalInTaxCurrency), { currencyID: taxCurrency.code });
			x.close();
		}
	}

	private monetaryTotal(totals: Totals): void {
		const x = this.x;
		const currency = { currencyID: this.currency };
		x.open('cac:LegalMonetaryTotal');
		x.leaf('cbc:LineExtensionAmount', amount(totals.lineNetTotal), currency);
		x.leaf('cbc:TaxExclusiveAmount', amount(totals.taxExclusive), currency);
		x.leaf('cbc:TaxInclusiveAmount', amount(totals.taxInclusive), currency);
		x.leaf('cbc:AllowanceTotalAmount', amount(totals.allowanceTotal), currency);
		x.leaf('cbc:ChargeTotalAmount', amount(totals.chargeTotal), currency);
		x.leaf('cbc:PrepaidAmount', amount(totals.prepaid), currency);
		x.leaf('cbc:PayableRoundingAmount', amount(totals.rounding), currency);
		x.leaf('cbc:PayableAmount', amount(totals.payable), currency);
		x.close();
	}

	private line(line: InvoiceLine): void {
		const x = this.x;
		const currency = { currencyID: this.currency };
		x.open(this.isCreditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
		x.leaf('cbc:ID', line.id);
		x.leaf('cbc:Note', line.note);
		x.leaf(this.isCreditNote ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', decimal(line.quantity), {
			unitCode: line.unitCode,
		});
		const net = hasText(line.netAmount) ? amount(line.netAmount) : tryOrUndefined(() => money(lineNetAmount(line)));
		x.leaf('cbc:LineExtensionAmount', net, currency);
		x.leaf('cbc:AccountingCost', line.accountingCost);
		if (line.period) {
			x.open('cac:InvoicePeriod');
			x.leaf('cbc:StartDate', line.period.startDate);
			x.leaf('cbc:EndDate', line.period.endDate);
			x.close();
		}
		if (hasText(line.orderLineReference)) {
			x.open('cac:OrderLineReference').leaf('cbc:LineID', line.orderLineReference).close();
		}
		if (line.objectId && hasText(line.objectId.id)) {
			x.open('cac:DocumentReference');
			x.leaf('cbc:ID', line.objectId.id, { schemeID: line.objectId.scheme });
			x.leaf('cbc:DocumentTypeCode', INVOICED_OBJECT_TYPE_CODE);
			x.close();
		}
		(line.allowanceCharges ?? []).forEach((ac, i) => this.allowanceCharge(ac, `line ${line.id} ${i + 1}`, false));
		this.item(line);
		this.price(line);
		x.close();
	}

	private item(line: InvoiceLine): void {
		const x = this.x;
		const item = line.item;
		x.open('cac:Item');
		if (item) {
			x.leaf('cbc:Description', item.description);
			x.leaf('cbc:Name', item.name);
			if (hasText(item.buyersId)) x.open('cac:BuyersItemIdentification').leaf('cbc:ID', item.buyersId).close();
			if (hasText(item.sellersId)) x.open('cac:SellersItemIdentification').leaf('cbc:ID', item.sellersId).close();
			if (item.standardId) {
				x.open('cac:StandardItemIdentification');
				x.leaf('cbc:ID', item.standardId.id, { schemeID: item.standardId.scheme });
				x.close();
			}
			if (hasText(item.originCountry)) {
				x.open('cac:OriginCountry').leaf('cbc:IdentificationCode', item.originCountry).close();
			}
			for (const classification of item.classifications ?? []) {
				x.open('cac:CommodityClassification');
				x.leaf('cbc:ItemClassificationCode', classification.code, {
					listID: classification.listId,
					listVersionID: classification.listVersionId,
				});
				x.close();
			}
		}
		if (line.vat) this.taxCategory('cac:ClassifiedTaxCategory', line.vat);
		for (const attribute of item?.attributes ?? []) {
			x.open('cac:AdditionalItemProperty');
			x.leaf('cbc:Name', attribute.name);
			x.leaf('cbc:Value', attribute.value);
			x.close();
		}
		x.close();
	}

	private price(line: InvoiceLine): void {
		const price = line.price;
		if (!price) return;
		const x = this.x;
		const currency = { currencyID: this.currency };
		x.open('cac:Price');
		x.leaf('cbc:PriceAmount', decimal(price.amount), currency);
		x.leaf('cbc:BaseQuantity', decimal(price.baseQuantity), { unitCode: price.baseQuantityUnitCode });
		if (hasText(price.discount) || hasText(price.grossAmount)) {
			// BG-29 price discount: a price-level allowance; charges are not allowed here (PEPPOL-EN16931-R044).
			x.open('cac:AllowanceCharge');
			x.leaf('cbc:ChargeIndicator', 'false');
			const discount = hasText(price.discount)
				? decimal(price.discount)
				: tryOrUndefined(() => plain(dec(price.grossAmount).minus(dec(price.amount))));
			x.leaf('cbc:Amount', discount, currency);
			x.leaf('cbc:BaseAmount', decimal(price.grossAmount), currency);
			x.close();
		}
		x.close();
	}
}

/** Write a canonical invoice or credit note as a PEPPOL BIS Billing 3.0 UBL document. */
export function writePeppolBis3(invoice: Invoice): string {
	return new PeppolBis3Writer(invoice).write();
}
