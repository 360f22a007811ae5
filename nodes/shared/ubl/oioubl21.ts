/**
 * OIOUBL 2.1 writer (Danish NemHandel): canonical `Invoice` → OIOUBL 2.1 `Invoice` or `CreditNote` XML.
 *
 * Reads only the canonical model; totals come from `computeTotals`. Element order follows the UBL 2.1 schemas the
 * official validator uses. Each place where OIOUBL differs from EN 16931 / PEPPOL says so in a short comment;
 * the code tables (schemes, tax categories, units) live in `oioubl-codes.ts`.
 */
import { HUNDRED, dec, money, plain, round } from '../einvoice/decimal';
import { allowanceChargeAmount, computeTotals, lineNetAmount } from '../einvoice/totals';
import type {
	AllowanceCharge,
	Attachment,
	Contact,
	Invoice,
	InvoiceLine,
	Party,
	PaymentMeans,
	PostalAddress,
	TaxCurrency,
	Totals,
	VatCategory,
	VatInfo,
} from '../einvoice/model';
import { defaultTypeCode } from '../einvoice/model';
import {
	ADDRESS_FORMAT_LIST_ID,
	DEFAULT_PROFILE_ID,
	FIK_CARD_TYPES,
	GIRO_CARD_TYPES,
	INVOICED_OBJECT_LABEL,
	OIOUBL_AGENCY,
	OIOUBL_CUSTOMIZATION_ID,
	OIOUBL_UBL_VERSION,
	PAYMENT_CHANNEL_LIST_ID,
	PAYMENT_ID_SCHEME_ID,
	PROJECT_LABEL,
	TAX_SCHEME,
	oioublUnit,
	VAT_TO_OIOUBL,
	invoiceTypeListId,
	oioublIdValue,
	oioublScheme,
	profileSchemeId,
} from './oioubl-codes';
import { XmlEmitter } from './xml-emitter';

const NS = {
	Invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
	CreditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
	cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
	cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

export interface OioublWriteOptions {
	/** cbc:ProfileID; default NES profile 5 (billing). `Procurement-OrdSimR-BilSim-1.0` needs an order reference. */
	profileId?: string;
}

type Attrs = Record<string, string>;

// Decimals already in their written form skip big.js (large invoices allocate much less).
const PLAIN_DECIMAL = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;
const PLAIN_AMOUNT = /^-?(0|[1-9]\d*)\.\d\d(\d*[1-9])?$/;

/** A decimal without exponent or trailing zeros ("1.50" → "1.5"): quantities, rates. */
function decimalText(value: string, field: string): string {
	// A number given where the model says string (an invoice built in a Code node) is written as its text.
	const text = String(value);
	return PLAIN_DECIMAL.test(text) ? text : plain(dec(value, field));
}

/** A price: at least 2 decimals, more when the source has more ("800" → "800.00", "12.3456" kept). */
function priceText(value: string, field: string): string {
	const text = String(value);
	return PLAIN_AMOUNT.test(text) ? text : plain(dec(value, field), 2);
}

/**
 * The writer's output: the package's forward-only XML emitter (escaping, no empty elements; see `xml-emitter.ts`
 * for why not xmlbuilder2's builders), plus amounts with their currency.
 */
class Out extends XmlEmitter {
	amount(name: string, value: string, currency: string): void {
		this.leaf(name, value, { currencyID: currency });
	}
}

/** One OIOUBL tax subtotal: EN categories that OIOUBL merges (Z and E are both ZeroRated). */
interface OioublSubtotal {
	category: VatCategory;
	oioublId: string;
	schemeId: string;
	rate: string;
	taxable: string;
	tax: string;
	exemptionReason?: string;
	exemptionReasonCode?: string;
}

/** Group the EN 16931 VAT breakdown by OIOUBL tax category (OIOUBL allows one subtotal per category, F-LIB315). */
export function oioublSubtotals(totals: Totals): OioublSubtotal[] {
	const groups = new Map<string, OioublSubtotal>();
	for (const row of totals.vatBreakdown) {
		const target = VAT_TO_OIOUBL[row.category];
		const rate = row.rate === undefined ? '0' : decimalText(row.rate, 'VAT rate');
		// Standard rates stay apart (two would be invalid, and pre-flight says so); zero categories merge.
		const key = target.id === 'StandardRated' ? `${target.id}|${rate}` : target.id;
		const existing = groups.get(key);
		if (existing) {
			existing.taxable = money(dec(existing.taxable).plus(row.taxableAmount));
			existing.tax = money(dec(existing.tax).plus(row.taxAmount));
			existing.exemptionReason ??= row.exemptionReason;
			existing.exemptionReasonCode ??= row.exemptionReasonCode;
			continue;
		}
		groups.set(key, {
			category: row.category,
			oioublId: target.id,
			schemeId: target.schemeId,
			rate,
			taxable: row.taxableAmount,
			tax: row.taxAmount,
			exemptionReason: row.exemptionReason,
			exemptionReasonCode: row.exemptionReasonCode,
		});
	}
	return [...groups.values()];
}

/** Write an OIOUBL 2.1 Invoice (kind `invoice`) or CreditNote (kind `creditNote`). */
export function writeOioubl21(invoice: Invoice, options: OioublWriteOptions = {}): string {
	const totals = computeTotals(invoice);
	const isCredit = invoice.kind === 'creditNote';
	const rootName = isCredit ? 'CreditNote' : 'Invoice';
	const out = new Out();
	out.open(rootName, { xmlns: NS[rootName], 'xmlns:cac': NS.cac, 'xmlns:cbc': NS.cbc });
	const cur = invoice.currency;
	const profileId = options.profileId || DEFAULT_PROFILE_ID;

	out.leaf('cbc:UBLVersionID', OIOUBL_UBL_VERSION);
	out.leaf('cbc:CustomizationID', OIOUBL_CUSTOMIZATION_ID);
	out.leaf('cbc:ProfileID', profileId, {
		schemeAgencyID: OIOUBL_AGENCY,
		schemeID: profileSchemeId(profileId),
	});
	out.leaf('cbc:ID', invoice.number);
	out.leaf('cbc:CopyIndicator', 'false');
	out.leaf('cbc:IssueDate', invoice.issueDate);
	if (isCredit) {
		out.leaf('cbc:TaxPointDate', invoice.taxPointDate);
		// OIOUBL credit notes carry no type code.
	} else {
		// OIOUBL has no document-level DueDate; the due date goes to PaymentMeans/PaymentDueDate below.
		const typeCode = invoice.typeCode ?? defaultTypeCode(invoice.kind);
		out.leaf('cbc:InvoiceTypeCode', typeCode, {
			listAgencyID: OIOUBL_AGENCY,
			listID: invoiceTypeListId(typeCode),
		});
	}
	for (const note of invoice.notes ?? []) out.leaf('cbc:Note', note.text);
	if (!isCredit) out.leaf('cbc:TaxPointDate', invoice.taxPointDate);
	out.leaf('cbc:DocumentCurrencyCode', cur);
	const taxCurrency = oioublTaxCurrency(invoice, totals);
	if (taxCurrency) out.leaf('cbc:TaxCurrencyCode', taxCurrency.code);
	out.leaf('cbc:AccountingCost', invoice.accountingCost);
	// BT-10 buyer reference: OIOUBL carries it as the buyer contact's ID (AccountingCustomerParty/Party/Contact/ID).

	if (invoice.invoicingPeriod && (invoice.invoicingPeriod.startDate || invoice.invoicingPeriod.endDate)) {
		// OIOUBL forbids InvoicePeriod/DescriptionCode (F-LIB077), so BT-8 is not written.
		out.open('cac:InvoicePeriod');
		out.leaf('cbc:StartDate', invoice.invoicingPeriod.startDate);
		out.leaf('cbc:EndDate', invoice.invoicingPeriod.endDate);
		out.close();
	}
	writeReferences(out, invoice, isCredit);

	writeSupplier(out, invoice.seller);
	writeCustomer(out, invoice.buyer, invoice.buyerReference);
	if (invoice.payee) writePayee(out, invoice.payee);
	if (invoice.taxRepresentative) {
		const rep = invoice.taxRepresentative;
		out.open('cac:TaxRepresentativeParty');
		out.open('cac:PartyName');
		out.leaf('cbc:Name', rep.name);
		out.close();
		writeAddress(out, 'cac:PostalAddress', rep.address);
		writePartyTaxScheme(out, rep.vatId);
		out.close();
	}
	writeDelivery(out, invoice);

	writePaymentMeans(out, invoice);
	if (invoice.paymentTerms) {
		// F-INV134: when PaymentTerms is present its Amount must equal the payable amount.
		out.open('cac:PaymentTerms');
		out.leaf('cbc:ID', '1');
		out.leaf('cbc:Note', invoice.paymentTerms);
		out.amount('cbc:Amount', totals.payable, cur);
		out.close();
	}
	if (!isCredit && nonZero(totals.prepaid)) {
		// F-INV131: PrepaidAmount must equal the sum of PrepaidPayment/PaidAmount (Invoice only; CreditNote has no such class).
		out.open('cac:PrepaidPayment');
		out.amount('cbc:PaidAmount', totals.prepaid!, cur);
		out.close();
	}
	if (isCredit) writeTaxExchangeRate(out, invoice.currency, taxCurrency);
	(invoice.allowanceCharges ?? []).forEach((ac, i) => {
		const amount = allowanceChargeAmount(ac, `document allowance/charge ${i + 1}`);
		writeAllowanceCharge(out, ac, money(amount), ac.vat, cur);
	});
	if (!isCredit) writeTaxExchangeRate(out, invoice.currency, taxCurrency);

	writeTaxTotal(out, taxCurrency, totals, cur);
	writeMonetaryTotal(out, totals, cur);

	const lineTag = isCredit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine';
	const quantityTag = isCredit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity';
	for (const line of invoice.lines) writeLine(out, line, lineTag, quantityTag, isCredit, cur);

	out.close();
	return out.toString();
}

function writeReferences(out: Out, invoice: Invoice, isCredit: boolean): void {
	if (invoice.orderReference || invoice.salesOrderReference) {
		out.open('cac:OrderReference');
		// OrderReference/ID is mandatory (F-INV024); "NA" marks a seller-only order reference, as in PEPPOL.
		out.leaf('cbc:ID', invoice.orderReference ?? 'NA');
		out.leaf('cbc:SalesOrderID', invoice.salesOrderReference);
		out.close();
	}
	for (const preceding of invoice.precedingInvoices ?? []) {
		out.open('cac:BillingReference');
		out.open('cac:InvoiceDocumentReference');
		out.leaf('cbc:ID', preceding.number);
		out.leaf('cbc:IssueDate', preceding.issueDate);
		out.close();
		out.close();
	}
	const idRef = (tag: string, id: string | undefined) => {
		if (!id) return;
		out.open(tag);
		out.leaf('cbc:ID', id);
		out.close();
	};
	idRef('cac:DespatchDocumentReference', invoice.despatchAdviceReference);
	idRef('cac:ReceiptDocumentReference', invoice.receivingAdviceReference);
	if (!isCredit) idRef('cac:OriginatorDocumentReference', invoice.tenderReference);
	idRef('cac:ContractDocumentReference', invoice.contractReference);
	// OIOUBL requires DocumentType (or a code) on every AdditionalDocumentReference (F-LIB092); BT-11 and BT-18 have
	// no element of their own in OIOUBL and travel as labelled additional references.
	if (invoice.projectReference) additionalReference(out, invoice.projectReference, PROJECT_LABEL);
	if (invoice.invoicedObject) additionalReference(out, invoice.invoicedObject.id, INVOICED_OBJECT_LABEL);
	for (const attachment of invoice.attachments ?? []) writeAttachment(out, attachment);
	if (isCredit) idRef('cac:OriginatorDocumentReference', invoice.tenderReference);
}

function additionalReference(out: Out, id: string, documentType: string): void {
	out.open('cac:AdditionalDocumentReference');
	out.leaf('cbc:ID', id);
	out.leaf('cbc:DocumentType', documentType);
	out.close();
}

function writeAttachment(out: Out, attachment: Attachment): void {
	out.open('cac:AdditionalDocumentReference');
	out.leaf('cbc:ID', attachment.id);
	out.leaf('cbc:DocumentType', attachment.description ?? 'Attachment');
	if (attachment.contentBase64 || attachment.uri) {
		out.open('cac:Attachment');
		if (attachment.contentBase64) {
			const attrs: Attrs = {
				mimeCode: attachment.mimeCode ?? 'application/pdf',
			};
			if (attachment.fileName) attrs.filename = attachment.fileName;
			out.leaf('cbc:EmbeddedDocumentBinaryObject', attachment.contentBase64, attrs);
		} else {
			out.open('cac:ExternalReference');
			out.leaf('cbc:URI', attachment.uri);
			out.close();
		}
		out.close();
	}
	out.close();
}

function writeEndpoint(out: Out, scheme: string, id: string): void {
	const mapped = oioublScheme(scheme);
	const attrs: Attrs = {};
	if (mapped?.agencyId) attrs.schemeAgencyID = mapped.agencyId;
	// An EAS scheme OIOUBL does not know is written as given; pre-flight reports it (F-LIB179).
	attrs.schemeID = mapped?.schemeId ?? scheme;
	out.leaf('cbc:EndpointID', oioublIdValue(id, mapped), attrs);
}

function writePartyIdentification(out: Out, id: string, scheme: string | undefined): void {
	const mapped = oioublScheme(scheme);
	const attrs: Attrs = {};
	if (mapped?.agencyId) attrs.schemeAgencyID = mapped.agencyId;
	// Identifiers without an OIOUBL scheme are written with ZZZ (mutually agreed), which OIOUBL accepts.
	attrs.schemeID = mapped?.schemeId ?? 'ZZZ';
	out.open('cac:PartyIdentification');
	out.leaf('cbc:ID', oioublIdValue(id, mapped), attrs);
	out.close();
}

/** CVR (legal id) as OIOUBL wants it: "DK" + 8 digits with schemeID DK:CVR; anything else is ZZZ (F-LIB189). */
export function legalEntityId(party: Party): { id: string; schemeId: string } | undefined {
	const legal = party.legalId;
	if (legal) {
		const digits = String(legal.id ?? '')
			.trim()
			.replace(/^DK/, '');
		const danish = legal.scheme === '0184' || (!legal.scheme && party.address?.country === 'DK');
		if (danish && /^\d{8}$/.test(digits)) return { id: `DK${digits}`, schemeId: 'DK:CVR' };
		return { id: String(legal.id ?? '').trim(), schemeId: 'ZZZ' };
	}
	// A Danish VAT number is "DK" + the CVR number for most companies, and the endpoint may be the CVR itself.
	if (party.vatId && /^DK\d{8}$/.test(party.vatId.trim())) return { id: party.vatId.trim(), schemeId: 'DK:CVR' };
	if (party.endpoint?.scheme === '0184' && /^(DK)?\d{8}$/.test(party.endpoint.id.trim())) {
		return {
			id: `DK${party.endpoint.id.trim().replace(/^DK/, '')}`,
			schemeId: 'DK:CVR',
		};
	}
	return undefined;
}

function writePartyTaxScheme(out: Out, vatId: string | undefined): void {
	if (!vatId) return;
	const value = vatId.trim();
	out.open('cac:PartyTaxScheme');
	// DK:SE for a Danish VAT (SE) number "DK" + 8 digits; other countries' VAT ids use ZZZ (F-LIB195/F-LIB196).
	out.leaf('cbc:CompanyID', value, {
		schemeID: /^DK\d{8}$/.test(value) ? 'DK:SE' : 'ZZZ',
	});
	writeTaxScheme(out);
	out.close();
}

function writeTaxScheme(out: Out): void {
	out.open('cac:TaxScheme');
	out.leaf('cbc:ID', TAX_SCHEME.id, {
		schemeAgencyID: TAX_SCHEME.agencyId,
		schemeID: TAX_SCHEME.schemeId,
	});
	out.leaf('cbc:Name', TAX_SCHEME.name);
	out.close();
}

function writeParty(out: Out, party: Party, role: 'supplier' | 'customer', buyerReference?: string): void {
	out.open('cac:Party');
	if (party.endpoint) writeEndpoint(out, party.endpoint.scheme, party.endpoint.id);
	else if (role === 'supplier') {
		// EndpointID is mandatory for the supplier (F-INV031); a Danish seller is reachable on NemHandel by CVR.
		const legal = legalEntityId(party);
		if (legal?.schemeId === 'DK:CVR')
			out.leaf('cbc:EndpointID', legal.id, {
				schemeAgencyID: OIOUBL_AGENCY,
				schemeID: 'DK:CVR',
			});
	}
	for (const identifier of party.identifiers ?? []) writePartyIdentification(out, identifier.id, identifier.scheme);
	out.open('cac:PartyName');
	out.leaf('cbc:Name', party.tradingName ?? party.name);
	out.close();
	writeAddress(out, 'cac:PostalAddress', party.address);
	writePartyTaxScheme(out, party.vatId);
	const legal = legalEntityId(party);
	if (legal || role === 'supplier') {
		// Exactly one PartyLegalEntity for the supplier (F-INV034); pre-flight reports a supplier without any CVR.
		out.open('cac:PartyLegalEntity');
		out.leaf('cbc:RegistrationName', party.name);
		if (legal) out.leaf('cbc:CompanyID', legal.id, { schemeID: legal.schemeId });
		out.close();
	}
	if (role === 'customer') {
		// The buyer contact is mandatory with an ID (F-INV046, F-INV051). Danish public buyers use this ID as their
		// "personreference", so BT-10 goes here; without one, "n/a" keeps the document valid.
		writeContact(out, party.contact, buyerReference && buyerReference.trim() ? buyerReference : 'n/a');
	} else if (party.contact && (party.contact.name || party.contact.phone || party.contact.email)) {
		writeContact(out, party.contact);
	}
	out.close();
}

function writeContact(out: Out, contact: Contact | undefined, id?: string): void {
	out.open('cac:Contact');
	out.leaf('cbc:ID', id);
	out.leaf('cbc:Name', contact?.name);
	out.leaf('cbc:Telephone', contact?.phone);
	out.leaf('cbc:ElectronicMail', contact?.email);
	out.close();
}

function writeSupplier(out: Out, seller: Party): void {
	out.open('cac:AccountingSupplierParty');
	writeParty(out, seller, 'supplier');
	out.close();
}

function writeCustomer(out: Out, buyer: Party, buyerReference: string | undefined): void {
	out.open('cac:AccountingCustomerParty');
	writeParty(out, buyer, 'customer', buyerReference);
	out.close();
}

function writePayee(out: Out, payee: NonNullable<Invoice['payee']>): void {
	out.open('cac:PayeeParty');
	if (payee.identifier) writePartyIdentification(out, payee.identifier.id, payee.identifier.scheme);
	out.open('cac:PartyName');
	out.leaf('cbc:Name', payee.name);
	out.close();
	if (payee.legalId) {
		out.open('cac:PartyLegalEntity');
		out.leaf('cbc:RegistrationName', payee.name);
		const digits = payee.legalId.id.trim().replace(/^DK/, '');
		const cvr = payee.legalId.scheme === '0184' && /^\d{8}$/.test(digits);
		out.leaf('cbc:CompanyID', cvr ? `DK${digits}` : payee.legalId.id, {
			schemeID: cvr ? 'DK:CVR' : 'ZZZ',
		});
		out.close();
	}
	out.close();
}

/** Danish street lines "Vej 12" or "Vej 12B" split into street and building number (StructuredDK). */
const STREET_AND_NUMBER = /^(.*\S)\s+(\d+[A-Za-z]?)$/;

function writeAddress(out: Out, tag: string, given: PostalAddress | undefined): void {
	const address = given ?? { country: '' };
	out.open(tag);
	const split = address.line1 ? STREET_AND_NUMBER.exec(address.line1) : null;
	// StructuredDK needs street, building number and postal code and no AddressLine (F-LIB032..035); any other
	// address is StructuredLax, which takes the same fields without those demands.
	const structuredDK = address.country === 'DK' && split !== null && !!address.postalCode;
	out.leaf('cbc:AddressFormatCode', structuredDK ? 'StructuredDK' : 'StructuredLax', {
		listAgencyID: OIOUBL_AGENCY,
		listID: ADDRESS_FORMAT_LIST_ID,
	});
	if (structuredDK && split) out.leaf('cbc:StreetName', split[1]);
	else out.leaf('cbc:StreetName', address.line1);
	out.leaf('cbc:AdditionalStreetName', address.line2);
	if (structuredDK && split) out.leaf('cbc:BuildingNumber', split[2]);
	// AddressLine is not allowed in structured addresses; the third line (c/o, att.) goes to MarkAttention.
	out.leaf('cbc:MarkAttention', address.line3);
	out.leaf('cbc:CityName', address.city);
	out.leaf('cbc:PostalZone', address.postalCode);
	out.leaf('cbc:CountrySubentity', address.countrySubdivision);
	out.open('cac:Country');
	out.leaf('cbc:IdentificationCode', address.country);
	out.close();
	out.close();
}

function writeDelivery(out: Out, invoice: Invoice): void {
	const delivery = invoice.delivery;
	if (!delivery || !(delivery.date || delivery.locationId || delivery.address || delivery.partyName)) return;
	out.open('cac:Delivery');
	out.leaf('cbc:ActualDeliveryDate', delivery.date);
	if (delivery.locationId || delivery.address) {
		out.open('cac:DeliveryLocation');
		if (delivery.locationId) {
			const mapped = oioublScheme(delivery.locationId.scheme);
			const attrs: Attrs = {};
			if (mapped?.agencyId) attrs.schemeAgencyID = mapped.agencyId;
			if (mapped) attrs.schemeID = mapped.schemeId;
			out.leaf('cbc:ID', oioublIdValue(delivery.locationId.id, mapped), attrs);
		}
		if (delivery.address) writeAddress(out, 'cac:Address', delivery.address);
		out.close();
	}
	if (delivery.partyName) {
		out.open('cac:DeliveryParty');
		out.open('cac:PartyName');
		out.leaf('cbc:Name', delivery.partyName);
		out.close();
		out.close();
	}
	out.close();
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/;

/** Danish domestic account: registration number (4 digits) and account number (up to 10 digits). */
export function danishAccount(
	accountId: string,
	serviceProviderId?: string,
): { regNo: string; account: string } | undefined {
	const account = accountId.replace(/[\s-]/g, '');
	if (serviceProviderId && /^\d{4}$/.test(serviceProviderId.trim()) && /^\d{1,10}$/.test(account)) {
		return { regNo: serviceProviderId.trim(), account };
	}
	const combined = /^(\d{4})[\s-]+(\d{1,10})$/.exec(accountId.trim()) ?? /^(\d{4})(\d{6,10})$/.exec(account);
	return combined ? { regNo: combined[1], account: combined[2] } : undefined;
}

/** How a canonical payment means is written in OIOUBL (code, channel, accounts); one place for the Danish rules. */
export function oioublPaymentCode(pm: PaymentMeans): string {
	if (pm.giro)
		return FIK_CARD_TYPES.has(pm.giro.cardType) ? '93' : GIRO_CARD_TYPES.has(pm.giro.cardType) ? '50' : pm.code;
	if (pm.creditTransfer) {
		const account = pm.creditTransfer.accountId.replace(/\s/g, '').toUpperCase();
		if (IBAN.test(account)) {
			// SEPA (58) needs only the IBAN; international transfer (31) also needs the BIC (F-LIB113).
			return pm.code === '58' ||
				!pm.creditTransfer.serviceProviderId ||
				/^\d{4}$/.test(pm.creditTransfer.serviceProviderId)
				? '58'
				: '31';
		}
		if (danishAccount(pm.creditTransfer.accountId, pm.creditTransfer.serviceProviderId)) return '42';
	}
	if (pm.card) return '48';
	if (['30', '31', '42', '58'].includes(pm.code)) return pm.creditTransfer ? pm.code : '1';
	return pm.code;
}

function writePaymentMeans(out: Out, invoice: Invoice): void {
	const means = invoice.paymentMeans ?? [];
	if (means.length === 0) {
		// OIOUBL has no document DueDate: a due date without payment details travels in PaymentMeans code 1.
		if (invoice.dueDate) {
			out.open('cac:PaymentMeans');
			out.leaf('cbc:ID', '1');
			out.leaf('cbc:PaymentMeansCode', '1');
			out.leaf('cbc:PaymentDueDate', invoice.dueDate);
			out.close();
		}
		return;
	}
	means.forEach((pm, i) => {
		const code = oioublPaymentCode(pm);
		out.open('cac:PaymentMeans');
		out.leaf('cbc:ID', String(i + 1));
		out.leaf('cbc:PaymentMeansCode', code);
		out.leaf('cbc:PaymentDueDate', invoice.dueDate);
		const channel = (value: string) =>
			out.leaf('cbc:PaymentChannelCode', value, {
				listAgencyID: OIOUBL_AGENCY,
				listID: PAYMENT_CHANNEL_LIST_ID,
			});
		const paymentId = (cardType: string) =>
			out.leaf('cbc:PaymentID', cardType, {
				schemeAgencyID: OIOUBL_AGENCY,
				schemeID: PAYMENT_ID_SCHEME_ID,
			});
		if (code === '93' && pm.giro) {
			// FIK: card type in PaymentID, the payment id ("betalings-id") in InstructionID, creditor in CreditAccount.
			channel('DK:FIK');
			if (pm.giro.cardType !== '73') out.leaf('cbc:InstructionID', pm.giro.paymentId);
			paymentId(pm.giro.cardType);
			out.open('cac:CreditAccount');
			out.leaf('cbc:AccountID', pm.giro.creditorId);
			out.close();
		} else if (code === '50' && pm.giro) {
			// Giro: the giro account is the payee account (7-8 digits, F-LIB321).
			channel('DK:GIRO');
			if (pm.giro.cardType !== '01') out.leaf('cbc:InstructionID', pm.giro.paymentId);
			paymentId(pm.giro.cardType);
			out.open('cac:PayeeFinancialAccount');
			out.leaf('cbc:ID', pm.giro.creditorId);
			out.close();
		} else if (code === '42' && pm.creditTransfer) {
			const dk = danishAccount(pm.creditTransfer.accountId, pm.creditTransfer.serviceProviderId);
			channel('DK:BANK');
			// An account that is neither Danish nor an IBAN is left out; pre-flight reports it (F-LIB125).
			if (dk) {
				out.open('cac:PayeeFinancialAccount');
				out.leaf('cbc:ID', dk.account);
				out.leaf('cbc:Name', pm.creditTransfer.accountName);
				// Remittance information (BT-83) is the account's PaymentNote in OIOUBL (max 20 characters, F-LIB133).
				out.leaf('cbc:PaymentNote', pm.paymentId);
				out.open('cac:FinancialInstitutionBranch');
				out.leaf('cbc:ID', dk.regNo);
				out.close();
				out.close();
			}
		} else if ((code === '31' || code === '58') && pm.creditTransfer) {
			channel('IBAN');
			out.open('cac:PayeeFinancialAccount');
			out.leaf('cbc:ID', pm.creditTransfer.accountId.replace(/\s/g, '').toUpperCase());
			out.leaf('cbc:Name', pm.creditTransfer.accountName);
			out.leaf('cbc:PaymentNote', pm.paymentId);
			const bic = pm.creditTransfer.serviceProviderId;
			if (bic && !/^\d{4}$/.test(bic)) {
				out.open('cac:FinancialInstitutionBranch');
				out.open('cac:FinancialInstitution');
				out.leaf('cbc:ID', bic);
				out.close();
				out.close();
			}
			out.close();
		} else if (code === '48' && pm.card) {
			out.open('cac:CardAccount');
			out.leaf('cbc:PrimaryAccountNumberID', pm.card.accountNumber);
			out.leaf('cbc:NetworkID', pm.card.network ?? 'ZZZ');
			out.leaf('cbc:HolderName', pm.card.holderName);
			out.close();
		} else if (code === '49' && pm.directDebit) {
			out.leaf('cbc:InstructionID', pm.directDebit.mandateId);
			if (pm.directDebit.debitedAccountId) {
				out.open('cac:PayerFinancialAccount');
				out.leaf('cbc:ID', pm.directDebit.debitedAccountId);
				out.close();
			}
		}
		out.close();
	});
}

/**
 * The tax currency (BT-6) as OIOUBL gets it: OIOUBL states VAT in the tax currency only on StandardRated
 * subtotals (F-INV018, F-LIB373), so without standard rated VAT there is nothing to state and TaxCurrencyCode is
 * left out.
 */
export function oioublTaxCurrency(invoice: Invoice, totals: Totals): TaxCurrency | undefined {
	const tc = invoice.taxCurrency;
	if (!tc || tc.code === invoice.currency) return undefined;
	return oioublSubtotals(totals).some((s) => s.oioublId === 'StandardRated') ? tc : undefined;
}

function writeTaxExchangeRate(out: Out, currency: string, tc: TaxCurrency | undefined): void {
	if (!tc || tc.exchangeRate === undefined) return;
	out.open('cac:TaxExchangeRate');
	out.leaf('cbc:SourceCurrencyCode', currency);
	out.leaf('cbc:TargetCurrencyCode', tc.code);
	// OIOUBL wants exactly 4 decimals on CalculationRate (F-LIB090).
	out.leaf('cbc:CalculationRate', dec(tc.exchangeRate, 'exchange rate').toFixed(4, 1));
	out.leaf('cbc:MathematicOperatorCode', 'multiply');
	out.close();
}

function writeTaxCategory(out: Out, tag: string, vat: VatInfo | OioublSubtotal): void {
	const target = VAT_TO_OIOUBL[vat.category];
	out.open(tag);
	out.leaf('cbc:ID', target.id, {
		schemeAgencyID: OIOUBL_AGENCY,
		schemeID: target.schemeId,
	});
	const rate = 'oioublId' in vat ? vat.rate : vat.rate === undefined ? '0' : decimalText(vat.rate, 'VAT rate');
	out.leaf('cbc:Percent', rate);
	out.leaf('cbc:TaxExemptionReasonCode', vat.exemptionReasonCode);
	out.leaf('cbc:TaxExemptionReason', vat.exemptionReason);
	writeTaxScheme(out);
	out.close();
}

function writeAllowanceCharge(
	out: Out,
	ac: AllowanceCharge,
	amount: string,
	vat: VatInfo | undefined,
	cur: string,
): void {
	out.open('cac:AllowanceCharge');
	out.leaf('cbc:ChargeIndicator', ac.isCharge ? 'true' : 'false');
	out.leaf('cbc:AllowanceChargeReasonCode', ac.reasonCode);
	out.leaf('cbc:AllowanceChargeReason', ac.reason);
	// OIOUBL's MultiplierFactorNumeric is a factor (Amount = BaseAmount × factor, F-LIB228), not a percentage.
	if (ac.percent !== undefined && ac.baseAmount !== undefined) {
		out.leaf('cbc:MultiplierFactorNumeric', plain(dec(ac.percent, 'percent').div(HUNDRED)));
	}
	out.amount('cbc:Amount', amount, cur);
	if (ac.baseAmount !== undefined) out.amount('cbc:BaseAmount', money(dec(ac.baseAmount, 'base amount')), cur);
	if (vat) writeTaxCategory(out, 'cac:TaxCategory', vat);
	out.close();
}

function writeTaxTotal(out: Out, tc: TaxCurrency | undefined, totals: Totals, cur: string): void {
	const subtotals = oioublSubtotals(totals);
	const standard = subtotals.filter((s) => s.oioublId === 'StandardRated');
	out.open('cac:TaxTotal');
	out.amount('cbc:TaxAmount', totals.vatTotal, cur);
	for (const sub of subtotals) {
		out.open('cac:TaxSubtotal');
		out.amount('cbc:TaxableAmount', sub.taxable, cur);
		out.amount('cbc:TaxAmount', sub.tax, cur);
		if (tc && sub.oioublId === 'StandardRated') {
			// BT-111 in OIOUBL is per subtotal and only on StandardRated (F-INV018, F-LIB373).
			const inTaxCurrency =
				standard.length === 1 && totals.vatTotalInTaxCurrency !== undefined
					? totals.vatTotalInTaxCurrency
					: tc.exchangeRate !== undefined
						? money(dec(sub.tax).times(dec(tc.exchangeRate)))
						: undefined;
			if (inTaxCurrency !== undefined) out.amount('cbc:TransactionCurrencyTaxAmount', inTaxCurrency, tc.code);
		}
		writeTaxCategory(out, 'cac:TaxCategory', sub);
		out.close();
	}
	out.close();
}

function nonZero(amount: string | undefined): boolean {
	return amount !== undefined && !dec(amount).eq(0);
}

function writeMonetaryTotal(out: Out, totals: Totals, cur: string): void {
	out.open('cac:LegalMonetaryTotal');
	out.amount('cbc:LineExtensionAmount', totals.lineNetTotal, cur);
	// OIOUBL's TaxExclusiveAmount is the total tax amount (F-INV127), not the EN 16931 BT-109.
	out.amount('cbc:TaxExclusiveAmount', totals.vatTotal, cur);
	// OIOUBL's TaxInclusiveAmount includes the payable rounding amount (F-INV128); EN 16931's BT-112 does not.
	// A zero rounding or prepaid amount is left out: OIOUBL rejects them when zero (F-LIB303, F-LIB013).
	const rounding = nonZero(totals.rounding) ? dec(totals.rounding!) : undefined;
	out.amount(
		'cbc:TaxInclusiveAmount',
		rounding ? money(dec(totals.taxInclusive).plus(rounding)) : totals.taxInclusive,
		cur,
	);
	if (totals.allowanceTotal) out.amount('cbc:AllowanceTotalAmount', totals.allowanceTotal, cur);
	if (totals.chargeTotal) out.amount('cbc:ChargeTotalAmount', totals.chargeTotal, cur);
	if (nonZero(totals.prepaid)) out.amount('cbc:PrepaidAmount', totals.prepaid!, cur);
	if (rounding) out.amount('cbc:PayableRoundingAmount', totals.rounding!, cur);
	out.amount('cbc:PayableAmount', totals.payable, cur);
	out.close();
}

/**
 * OIOUBL line allowances and charges are informative: LineExtensionAmount must equal quantity × price / base
 * quantity (F-INV340, ±1.00). So the price written is the net price after line allowances and charges, and the
 * allowances and charges follow as information. Without them the price is the canonical net price.
 */
export function oioublLinePrice(line: InvoiceLine, net: string): string {
	if (!line.allowanceCharges?.length) return priceText(line.price.amount, `line ${line.id} price`);
	const quantity = dec(line.quantity, `line ${line.id} quantity`);
	if (quantity.eq(0)) return priceText(line.price.amount, `line ${line.id} price`);
	const base = line.price.baseQuantity ? dec(line.price.baseQuantity) : dec(1);
	return plain(
		round(
			dec(net)
				.times(base.eq(0) ? 1 : base)
				.div(quantity),
			6,
		),
		2,
	);
}

function writeLine(
	out: Out,
	line: InvoiceLine,
	tag: string,
	quantityTag: string,
	isCredit: boolean,
	cur: string,
): void {
	const net = money(lineNetAmount(line));
	const unit = oioublUnit(line.unitCode);
	out.open(tag);
	out.leaf('cbc:ID', line.id);
	out.leaf('cbc:Note', line.note);
	out.leaf(quantityTag, decimalText(line.quantity, `line ${line.id} quantity`), {
		unitCode: unit,
	});
	out.amount('cbc:LineExtensionAmount', net, cur);
	out.leaf('cbc:AccountingCost', line.accountingCost);
	if (line.period && (line.period.startDate || line.period.endDate)) {
		out.open('cac:InvoicePeriod');
		out.leaf('cbc:StartDate', line.period.startDate);
		out.leaf('cbc:EndDate', line.period.endDate);
		out.close();
	}
	if (line.orderLineReference) {
		out.open('cac:OrderLineReference');
		out.leaf('cbc:LineID', line.orderLineReference);
		out.close();
	}
	if (line.objectId) {
		out.open('cac:DocumentReference');
		out.leaf('cbc:ID', line.objectId.id, line.objectId.scheme ? { schemeID: line.objectId.scheme } : undefined);
		out.leaf('cbc:DocumentType', INVOICED_OBJECT_LABEL);
		out.close();
	}
	const lineCharges = () =>
		(line.allowanceCharges ?? []).forEach((ac, i) => {
			const amount = allowanceChargeAmount(ac, `line ${line.id} allowance/charge ${i + 1}`);
			writeAllowanceCharge(out, ac, money(amount), line.vat, cur);
		});
	if (!isCredit) lineCharges();
	const rate = line.vat.rate === undefined ? dec(0) : dec(line.vat.rate, `line ${line.id} VAT rate`);
	const lineTax = money(round(dec(net).times(rate).div(HUNDRED)));
	out.open('cac:TaxTotal');
	out.amount('cbc:TaxAmount', lineTax, cur);
	out.open('cac:TaxSubtotal');
	out.amount('cbc:TaxableAmount', net, cur);
	out.amount('cbc:TaxAmount', lineTax, cur);
	writeTaxCategory(out, 'cac:TaxCategory', line.vat);
	out.close();
	out.close();
	if (isCredit) lineCharges();

	const item = line.item;
	out.open('cac:Item');
	out.leaf('cbc:Description', item.description);
	out.leaf('cbc:Name', item.name);
	const itemId = (tag2: string, id: string | undefined, attrs?: Attrs) => {
		if (!id) return;
		out.open(tag2);
		out.leaf('cbc:ID', id, attrs);
		out.close();
	};
	itemId('cac:BuyersItemIdentification', item.buyersId);
	itemId('cac:SellersItemIdentification', item.sellersId);
	if (item.standardId) {
		// GTIN (ICD 0160) is schemeID "GTIN" from agency 9 in OIOUBL.
		const gtin = item.standardId.scheme === '0160';
		itemId(
			'cac:StandardItemIdentification',
			item.standardId.id,
			gtin
				? { schemeAgencyID: '9', schemeID: 'GTIN' }
				: item.standardId.scheme
					? { schemeID: item.standardId.scheme }
					: undefined,
		);
	}
	for (const c of item.classifications ?? []) {
		out.open('cac:CommodityClassification');
		const attrs: Attrs = { listID: c.listId };
		if (c.listVersionId) attrs.listVersionID = c.listVersionId;
		out.leaf('cbc:ItemClassificationCode', c.code, attrs);
		out.close();
	}
	for (const a of item.attributes ?? []) {
		out.open('cac:AdditionalItemProperty');
		out.leaf('cbc:Name', a.name);
		out.leaf('cbc:Value', a.value);
		out.close();
	}
	if (item.originCountry) {
		// OIOUBL excludes Item/OriginCountry (F-INV211); the country of origin goes to a region-only OriginAddress.
		out.open('cac:OriginAddress');
		out.leaf('cbc:AddressFormatCode', 'StructuredRegion', {
			listAgencyID: OIOUBL_AGENCY,
			listID: ADDRESS_FORMAT_LIST_ID,
		});
		out.open('cac:Country');
		out.leaf('cbc:IdentificationCode', item.originCountry);
		out.close();
		out.close();
	}
	out.close();

	out.open('cac:Price');
	out.amount('cbc:PriceAmount', oioublLinePrice(line, net), cur);
	out.leaf('cbc:BaseQuantity', line.price.baseQuantity ? decimalText(line.price.baseQuantity, 'base quantity') : '1', {
		unitCode: unit,
	});
	if (line.price.discount !== undefined && !dec(line.price.discount).eq(0)) {
		// Item price discount (BT-147) on the gross price (BT-148).
		out.open('cac:AllowanceCharge');
		out.leaf('cbc:ChargeIndicator', 'false');
		out.amount('cbc:Amount', plain(dec(line.price.discount)), cur);
		if (line.price.grossAmount !== undefined) out.amount('cbc:BaseAmount', plain(dec(line.price.grossAmount)), cur);
		out.close();
	}
	out.close();
	out.close();
}
