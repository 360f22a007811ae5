/**
 * UBL reader: a UBL 2.1 `Invoice` or `CreditNote` (PEPPOL BIS 3 or any EN 16931 UBL document) → canonical invoice.
 *
 * - fast-xml-parser with entity processing off: no entity is ever expanded. A DOCTYPE that declares entities
 *   is refused outright (XXE / billion laughs); the five predefined entities and character references are
 *   decoded here.
 * - The document's own totals are kept in `invoice.totals`, so writing it back reproduces them.
 * - Numbers are normalised the way the writers format them (amounts with at least 2 decimals, other
 *   decimals without trailing zeros), so read → write → read is stable.
 * - VAT exemption reasons of the breakdown (BT-120/121) are also set on the lines and allowances/charges of
 *   that category, so the canonical invoice recomputes to the same breakdown.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { dec, plain } from '../einvoice/decimal';
import type {
	AllowanceCharge,
	Attachment,
	Delivery,
	Identifier,
	Invoice,
	InvoiceLine,
	Item,
	Note,
	Party,
	PaymentMeans,
	Period,
	PostalAddress,
	Price,
	Totals,
	VatBreakdown,
	VatCategory,
	VatInfo,
} from '../einvoice/model';
import { defaultTypeCode } from '../einvoice/model';
import { vatKey } from '../einvoice/totals';
import { UBL_NAMESPACES } from './peppol-bis3';
import { readOioubl21 } from './read-oioubl21';

/** The document could not be read as a UBL invoice or credit note. */
export class UblReadError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UblReadError';
	}
}

type XmlNode = Record<string, unknown>;

const GIRO_PAYMENT_ID = /^(01|04|15|71|73|75)#(.*)$/s;
const NOTE_SUBJECT = /^#([A-Za-z0-9]{1,10})#([\s\S]*)$/;
const ENTITY_REFERENCE = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(value: string): string {
	if (value.indexOf('&') < 0) return value;
	return value.replace(ENTITY_REFERENCE, (match, name: string) => {
		if (name[0] !== '#') return PREDEFINED[name];
		const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
		try {
			return String.fromCodePoint(code);
		} catch {
			return match;
		}
	});
}

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	removeNSPrefix: true,
	parseTagValue: false,
	parseAttributeValue: false,
	processEntities: false,
	trimValues: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	tagValueProcessor: (_name, value) => decodeEntities(value),
	attributeValueProcessor: (_name, value) => decodeEntities(value),
});

// ---- small accessors over fast-xml-parser's object tree ----------------------------------------------

function all(node: XmlNode | undefined, name: string): XmlNode[] {
	if (!node) return [];
	const value = node[name];
	if (value === undefined) return [];
	const list = Array.isArray(value) ? value : [value];
	return list.map((v) => (typeof v === 'object' && v !== null ? (v as XmlNode) : { '#text': String(v) }));
}

function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
	return all(node, name)[0];
}

/** Text of a node (undefined when blank). */
function textOf(node: XmlNode | undefined): string | undefined {
	const value = node?.['#text'];
	if (value === undefined || value === null) return undefined;
	const text = String(value);
	return text.trim() === '' ? undefined : text;
}

/** Text of the first child `name`, or of a path of children. */
function text(node: XmlNode | undefined, ...path: string[]): string | undefined {
	let current = node;
	for (const name of path) current = child(current, name);
	return textOf(current);
}

function attr(node: XmlNode | undefined, name: string): string | undefined {
	const value = node?.[`@${name}`];
	return value === undefined || value === '' ? undefined : String(value);
}

function identifier(node: XmlNode | undefined): Identifier | undefined {
	const id = textOf(node);
	if (id === undefined) return undefined;
	const scheme = attr(node, 'schemeID');
	return scheme === undefined ? { id } : { id, scheme };
}

function amount(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	try {
		return plain(dec(value), 2);
	} catch {
		return value;
	}
}

function decimal(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	try {
		return plain(dec(value));
	} catch {
		return value;
	}
}

/** Drop undefined properties, so that read results compare cleanly and serialise without noise. */
function compact<T extends object>(value: T): T {
	for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
	return value;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
	return list.length > 0 ? list : undefined;
}

// ---- document parts ---------------------------------------------------------------------------------

function readAddress(node: XmlNode | undefined): PostalAddress | undefined {
	if (!node) return undefined;
	return compact({
		line1: text(node, 'StreetName'),
		line2: text(node, 'AdditionalStreetName'),
		line3: text(node, 'AddressLine', 'Line'),
		city: text(node, 'CityName'),
		postalCode: text(node, 'PostalZone'),
		countrySubdivision: text(node, 'CountrySubentity'),
		country: text(node, 'Country', 'IdentificationCode') ?? '',
	});
}

function readParty(party: XmlNode | undefined, sepaCreditorIds: string[]): Party {
	const endpointNode = child(party, 'EndpointID');
	const endpointId = textOf(endpointNode);
	const identifiers: Identifier[] = [];
	for (const node of all(party, 'PartyIdentification')) {
		const id = identifier(child(node, 'ID'));
		if (!id) continue;
		if (id.scheme === 'SEPA') sepaCreditorIds.push(id.id);
		else identifiers.push(id);
	}
	let vatId: string | undefined;
	let taxRegistrationId: string | undefined;
	for (const scheme of all(party, 'PartyTaxScheme')) {
		const companyId = text(scheme, 'CompanyID');
		if (text(scheme, 'TaxScheme', 'ID') === 'VAT') vatId ??= companyId;
		else taxRegistrationId ??= companyId;
	}
	const legal = child(party, 'PartyLegalEntity');
	const tradingName = text(party, 'PartyName', 'Name');
	const contactNode = child(party, 'Contact');
	const contact = contactNode
		? compact({
				name: text(contactNode, 'Name'),
				phone: text(contactNode, 'Telephone'),
				email: text(contactNode, 'ElectronicMail'),
			})
		: undefined;
	return compact({
		name: text(legal, 'RegistrationName') ?? '',
		tradingName,
		identifiers: nonEmpty(identifiers),
		legalId: identifier(child(legal, 'CompanyID')),
		vatId,
		taxRegistrationId,
		legalForm: text(legal, 'CompanyLegalForm'),
		endpoint: endpointId === undefined ? undefined : { scheme: attr(endpointNode, 'schemeID') ?? '', id: endpointId },
		address: readAddress(child(party, 'PostalAddress')) ?? { country: '' },
		contact: contact && Object.keys(contact).length > 0 ? contact : undefined,
	});
}

function readVat(node: XmlNode | undefined): VatInfo {
	return compact({
		category: (text(node, 'ID') ?? '') as VatCategory,
		rate: decimal(text(node, 'Percent')),
	});
}

function readAllowanceCharge(node: XmlNode, withTax: boolean): AllowanceCharge {
	const taxCategory = child(node, 'TaxCategory');
	return compact({
		isCharge: text(node, 'ChargeIndicator') === 'true',
		amount: amount(text(node, 'Amount')),
		baseAmount: amount(text(node, 'BaseAmount')),
		percent: decimal(text(node, 'MultiplierFactorNumeric')),
		reason: text(node, 'AllowanceChargeReason'),
		reasonCode: text(node, 'AllowanceChargeReasonCode'),
		vat: withTax && taxCategory ? readVat(taxCategory) : undefined,
	});
}

function readPeriod(node: XmlNode | undefined, withCode: boolean): Period | undefined {
	if (!node) return undefined;
	const period = compact({
		startDate: text(node, 'StartDate'),
		endDate: text(node, 'EndDate'),
		descriptionCode: withCode ? text(node, 'DescriptionCode') : undefined,
	});
	return Object.keys(period).length > 0 ? period : undefined;
}

function readPaymentMeans(node: XmlNode): PaymentMeans {
	const codeNode = child(node, 'PaymentMeansCode');
	const code = textOf(codeNode) ?? '';
	const paymentId = text(node, 'PaymentID');
	const account = child(node, 'PayeeFinancialAccount');
	const accountId = text(account, 'ID');
	const means: PaymentMeans = { code };
	const name = attr(codeNode, 'name');
	if (name !== undefined) means.text = name;
	const giro = (code === '50' || code === '93') && paymentId !== undefined ? GIRO_PAYMENT_ID.exec(paymentId) : null;
	if (giro) {
		means.giro = compact({
			cardType: giro[1] as NonNullable<PaymentMeans['giro']>['cardType'],
			paymentId: giro[2] === '' ? undefined : giro[2],
			creditorId: accountId ?? '',
		});
	} else {
		if (paymentId !== undefined) means.paymentId = paymentId;
		if (account && accountId !== undefined) {
			means.creditTransfer = compact({
				accountId,
				accountName: text(account, 'Name'),
				serviceProviderId: text(account, 'FinancialInstitutionBranch', 'ID'),
			});
		}
	}
	const card = child(node, 'CardAccount');
	if (card) {
		means.card = compact({
			accountNumber: text(card, 'PrimaryAccountNumberID') ?? '',
			holderName: text(card, 'HolderName'),
			network: text(card, 'NetworkID'),
		});
	}
	const mandate = child(node, 'PaymentMandate');
	if (mandate) {
		means.directDebit = compact({
			mandateId: text(mandate, 'ID'),
			debitedAccountId: text(mandate, 'PayerFinancialAccount', 'ID'),
		});
	}
	return means;
}

function readItem(node: XmlNode | undefined): Item {
	const classifications = all(node, 'CommodityClassification')
		.map((c) => child(c, 'ItemClassificationCode'))
		.filter((c): c is XmlNode => textOf(c) !== undefined)
		.map((c) =>
			compact({ code: textOf(c)!, listId: attr(c, 'listID') ?? '', listVersionId: attr(c, 'listVersionID') }),
		);
	const attributes = all(node, 'AdditionalItemProperty').map((p) => ({
		name: text(p, 'Name') ?? '',
		value: text(p, 'Value') ?? '',
	}));
	return compact({
		name: text(node, 'Name') ?? '',
		description: text(node, 'Description'),
		sellersId: text(node, 'SellersItemIdentification', 'ID'),
		buyersId: text(node, 'BuyersItemIdentification', 'ID'),
		standardId: identifier(child(child(node, 'StandardItemIdentification'), 'ID')),
		classifications: nonEmpty(classifications),
		originCountry: text(node, 'OriginCountry', 'IdentificationCode'),
		attributes: nonEmpty(attributes),
	});
}

function readPrice(node: XmlNode | undefined): Price {
	const baseQuantity = child(node, 'BaseQuantity');
	const discount = child(node, 'AllowanceCharge');
	return compact({
		amount: decimal(text(node, 'PriceAmount')) ?? '',
		baseQuantity: decimal(textOf(baseQuantity)),
		baseQuantityUnitCode: attr(baseQuantity, 'unitCode'),
		discount: decimal(text(discount, 'Amount')),
		grossAmount: decimal(text(discount, 'BaseAmount')),
	});
}

function readLine(node: XmlNode, quantityElement: string): InvoiceLine {
	const quantity = child(node, quantityElement);
	const objectReference = all(node, 'DocumentReference').find((r) => text(r, 'DocumentTypeCode') === '130');
	const allowanceCharges = all(node, 'AllowanceCharge').map((ac) => readAllowanceCharge(ac, false));
	const item = child(node, 'Item');
	return compact({
		id: text(node, 'ID') ?? '',
		note: text(node, 'Note'),
		objectId: identifier(child(objectReference, 'ID')),
		quantity: decimal(textOf(quantity)) ?? '',
		unitCode: attr(quantity, 'unitCode') ?? '',
		netAmount: amount(text(node, 'LineExtensionAmount')),
		orderLineReference: text(node, 'OrderLineReference', 'LineID'),
		accountingCost: text(node, 'AccountingCost'),
		period: readPeriod(child(node, 'InvoicePeriod'), false),
		allowanceCharges: nonEmpty(allowanceCharges),
		price: readPrice(child(node, 'Price')),
		vat: readVat(child(item, 'ClassifiedTaxCategory')),
		item: readItem(item),
	});
}

function readNote(value: string): Note {
	const match = NOTE_SUBJECT.exec(value);
	return match ? { text: match[2], subjectCode: match[1] } : { text: value };
}

function readAttachment(node: XmlNode): Attachment {
	const attachment = child(node, 'Attachment');
	const embedded = child(attachment, 'EmbeddedDocumentBinaryObject');
	const content = textOf(embedded);
	return compact({
		id: text(node, 'ID') ?? '',
		description: text(node, 'DocumentDescription'),
		contentBase64: content?.replace(/\s+/g, ''),
		mimeCode: attr(embedded, 'mimeCode'),
		fileName: attr(embedded, 'filename'),
		uri: text(attachment, 'ExternalReference', 'URI'),
	});
}

function readTotals(root: XmlNode, taxCurrencyCode: string | undefined): Totals | undefined {
	const monetary = child(root, 'LegalMonetaryTotal');
	const taxTotals = all(root, 'TaxTotal');
	if (!monetary && taxTotals.length === 0) return undefined;
	const main =
		taxTotals.find((t) => all(t, 'TaxSubtotal').length > 0) ??
		taxTotals.find((t) => attr(child(t, 'TaxAmount'), 'currencyID') !== taxCurrencyCode) ??
		taxTotals[0];
	const inTaxCurrency = taxCurrencyCode
		? taxTotals.find((t) => t !== main && attr(child(t, 'TaxAmount'), 'currencyID') === taxCurrencyCode)
		: undefined;
	const vatBreakdown: VatBreakdown[] = all(main, 'TaxSubtotal').map((subtotal) => {
		const category = child(subtotal, 'TaxCategory');
		return compact({
			category: (text(category, 'ID') ?? '') as VatCategory,
			rate: decimal(text(category, 'Percent')),
			taxableAmount: amount(text(subtotal, 'TaxableAmount')) ?? '',
			taxAmount: amount(text(subtotal, 'TaxAmount')) ?? '',
			exemptionReason: text(category, 'TaxExemptionReason'),
			exemptionReasonCode: text(category, 'TaxExemptionReasonCode'),
		});
	});
	const totals: Totals = compact({
		lineNetTotal: amount(text(monetary, 'LineExtensionAmount')) ?? '',
		allowanceTotal: amount(text(monetary, 'AllowanceTotalAmount')),
		chargeTotal: amount(text(monetary, 'ChargeTotalAmount')),
		taxExclusive: amount(text(monetary, 'TaxExclusiveAmount')) ?? '',
		vatTotal: amount(text(main, 'TaxAmount')) ?? '',
		vatTotalInTaxCurrency: amount(text(inTaxCurrency, 'TaxAmount')),
		taxInclusive: amount(text(monetary, 'TaxInclusiveAmount')) ?? '',
		prepaid: amount(text(monetary, 'PrepaidAmount')),
		rounding: amount(text(monetary, 'PayableRoundingAmount')),
		payable: amount(text(monetary, 'PayableAmount')) ?? '',
		vatBreakdown,
	});
	// Totals elements without any amount in them carry nothing; the writer then computes the totals.
	const hasAmount = Object.values(totals).some((value) => typeof value === 'string' && value !== '');
	return hasAmount || vatBreakdown.length > 0 ? totals : undefined;
}

/** Carry BT-120/BT-121 from the breakdown to every line and allowance/charge of the same category and rate. */
function spreadExemptionReasons(invoice: Invoice): void {
	const reasons = new Map<string, VatBreakdown>();
	for (const row of invoice.totals?.vatBreakdown ?? []) {
		if (row.exemptionReason || row.exemptionReasonCode) reasons.set(vatKeySafe(row), row);
	}
	if (reasons.size === 0) return;
	const apply = (vat: VatInfo | undefined) => {
		if (!vat) return;
		const row = reasons.get(vatKeySafe(vat));
		if (!row) return;
		if (row.exemptionReason !== undefined && vat.exemptionReason === undefined)
			vat.exemptionReason = row.exemptionReason;
		if (row.exemptionReasonCode !== undefined && vat.exemptionReasonCode === undefined)
			vat.exemptionReasonCode = row.exemptionReasonCode;
	};
	for (const line of invoice.lines) apply(line.vat);
	for (const ac of invoice.allowanceCharges ?? []) apply(ac.vat);
}

function vatKeySafe(vat: { category: VatCategory; rate?: string }): string {
	try {
		return vatKey(vat);
	} catch {
		return `${vat.category}|${vat.rate ?? ''}`;
	}
}

// ---- entry point ------------------------------------------------------------------------------------

const ROOT_ELEMENT = /<(?![?!])([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>/;

/** Refuse what is not XML, not UBL, or declares entities; returns the root's local name. */
function checkDocument(xml: string): 'Invoice' | 'CreditNote' {
	if (typeof xml !== 'string' || xml.trim() === '') throw new UblReadError('Not a UBL document: the input is empty');
	const doctype = /<!DOCTYPE/i.exec(xml);
	if (doctype && /<!ENTITY/i.test(xml)) {
		throw new UblReadError(
			'Refused: the document declares XML entities in a DOCTYPE (entity expansion is not allowed)',
		);
	}
	const check = XMLValidator.validate(xml);
	if (check !== true) {
		throw new UblReadError(`Not well-formed XML (line ${check.err.line}, column ${check.err.col}): ${check.err.msg}`);
	}
	const root = ROOT_ELEMENT.exec(doctype ? xml.slice(xml.indexOf('>', doctype.index) + 1) : xml);
	if (!root) throw new UblReadError('Not a UBL document: no root element');
	const prefix = root[1] ? root[1].slice(0, -1) : '';
	const localName = root[2];
	const nsMatch = new RegExp(`\\sxmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(root[3]);
	const namespace = nsMatch ? (nsMatch[2] ?? nsMatch[3]) : '';
	if (localName === 'Invoice' && namespace === UBL_NAMESPACES.invoice) return 'Invoice';
	if (localName === 'CreditNote' && namespace === UBL_NAMESPACES.creditNote) return 'CreditNote';
	throw new UblReadError(
		`Not a UBL 2.1 Invoice or CreditNote: the root element is <${root[1] ?? ''}${localName}>` +
			(namespace ? ` in namespace ${namespace}` : ' without a namespace'),
	);
}

/** Read a UBL 2.1 Invoice or CreditNote (PEPPOL BIS 3 or EN 16931 UBL) into the canonical model. */
export function readUbl(xml: string): Invoice {
	const rootName = checkDocument(xml);
	const parsed = parser.parse(xml) as XmlNode;
	const root = child(parsed, rootName);
	if (!root) throw new UblReadError(`Not a UBL document: <${rootName}> could not be read`);

	const customizationId = text(root, 'CustomizationID');
	if (customizationId?.startsWith('OIOUBL-')) return readOioubl21(xml);
	return readParsedUbl(root, rootName);
}

function readParsedUbl(root: XmlNode, rootName: 'Invoice' | 'CreditNote'): Invoice {
	const isCreditNote = rootName === 'CreditNote';
	const kind = isCreditNote ? 'creditNote' : 'invoice';
	const currency = text(root, 'DocumentCurrencyCode') ?? '';
	const taxCurrencyCode = text(root, 'TaxCurrencyCode');
	const typeCode = text(root, isCreditNote ? 'CreditNoteTypeCode' : 'InvoiceTypeCode');

	const sepaCreditorIds: string[] = [];
	const seller = readParty(child(child(root, 'AccountingSupplierParty'), 'Party'), sepaCreditorIds);
	const buyer = readParty(child(child(root, 'AccountingCustomerParty'), 'Party'), []);

	const paymentMeansNodes = all(root, 'PaymentMeans');
	const paymentMeans = paymentMeansNodes.map(readPaymentMeans);
	// BT-90 travels as the seller's PartyIdentification with scheme SEPA; it belongs to the direct debit.
	const directDebit = paymentMeans.find((m) => m.directDebit || m.code === '49' || m.code === '59');
	if (sepaCreditorIds.length > 0) {
		if (directDebit) directDebit.directDebit = { ...directDebit.directDebit, creditorId: sepaCreditorIds[0] };
		else seller.identifiers = [...(seller.identifiers ?? []), ...sepaCreditorIds.map((id) => ({ id, scheme: 'SEPA' }))];
	}
	const dueDate =
		text(root, 'DueDate') ?? paymentMeansNodes.map((m) => text(m, 'PaymentDueDate')).find((d) => d !== undefined);

	const orderReference = child(root, 'OrderReference');
	const salesOrderReference = text(orderReference, 'SalesOrderID');
	let orderId = text(orderReference, 'ID');
	if (orderId === 'NA' && salesOrderReference !== undefined) orderId = undefined;

	let invoicedObject: Identifier | undefined;
	let projectReference = text(root, 'ProjectReference', 'ID');
	const attachments: Attachment[] = [];
	for (const reference of all(root, 'AdditionalDocumentReference')) {
		const typeCodeOfReference = text(reference, 'DocumentTypeCode');
		if (typeCodeOfReference === '130' && !invoicedObject) invoicedObject = identifier(child(reference, 'ID'));
		else if (typeCodeOfReference === '50' && projectReference === undefined) projectReference = text(reference, 'ID');
		else attachments.push(readAttachment(reference));
	}

	const payeeNode = child(root, 'PayeeParty');
	const payee = payeeNode
		? compact({
				name: text(payeeNode, 'PartyName', 'Name') ?? '',
				identifier: identifier(child(child(payeeNode, 'PartyIdentification'), 'ID')),
				legalId: identifier(child(child(payeeNode, 'PartyLegalEntity'), 'CompanyID')),
			})
		: undefined;
	const representativeNode = child(root, 'TaxRepresentativeParty');
	const taxRepresentative = representativeNode
		? {
				name: text(representativeNode, 'PartyName', 'Name') ?? '',
				vatId: text(representativeNode, 'PartyTaxScheme', 'CompanyID') ?? '',
				address: readAddress(child(representativeNode, 'PostalAddress')) ?? { country: '' },
			}
		: undefined;

	const deliveryNode = child(root, 'Delivery');
	let delivery: Delivery | undefined;
	if (deliveryNode) {
		const location = child(deliveryNode, 'DeliveryLocation');
		delivery = compact({
			partyName: text(deliveryNode, 'DeliveryParty', 'PartyName', 'Name'),
			locationId: identifier(child(location, 'ID')),
			date: text(deliveryNode, 'ActualDeliveryDate'),
			address: readAddress(child(location, 'Address')),
		});
	}

	const notes = all(root, 'Note')
		.map(textOf)
		.filter((n): n is string => n !== undefined)
		.map(readNote);
	const precedingInvoices = all(root, 'BillingReference')
		.map((b) => child(b, 'InvoiceDocumentReference'))
		.filter((r): r is XmlNode => text(r, 'ID') !== undefined)
		.map((r) => compact({ number: text(r, 'ID')!, issueDate: text(r, 'IssueDate') }));
	const paymentTerms = all(root, 'PaymentTerms')
		.map((t) => text(t, 'Note'))
		.filter((n): n is string => n !== undefined);
	const allowanceCharges = all(root, 'AllowanceCharge').map((ac) => readAllowanceCharge(ac, true));
	const lines = all(root, isCreditNote ? 'CreditNoteLine' : 'InvoiceLine').map((line) =>
		readLine(line, isCreditNote ? 'CreditedQuantity' : 'InvoicedQuantity'),
	);
	const totals = readTotals(root, taxCurrencyCode);

	const invoice: Invoice = compact({
		kind,
		typeCode: typeCode !== undefined && typeCode !== defaultTypeCode(kind) ? typeCode : undefined,
		number: text(root, 'ID') ?? '',
		issueDate: text(root, 'IssueDate') ?? '',
		taxPointDate: text(root, 'TaxPointDate'),
		dueDate,
		currency,
		taxCurrency: taxCurrencyCode
			? compact({ code: taxCurrencyCode, vatTotal: totals?.vatTotalInTaxCurrency })
			: undefined,
		buyerReference: text(root, 'BuyerReference'),
		projectReference,
		contractReference: text(root, 'ContractDocumentReference', 'ID'),
		orderReference: orderId,
		salesOrderReference,
		receivingAdviceReference: text(root, 'ReceiptDocumentReference', 'ID'),
		despatchAdviceReference: text(root, 'DespatchDocumentReference', 'ID'),
		tenderReference: text(root, 'OriginatorDocumentReference', 'ID'),
		invoicedObject,
		accountingCost: text(root, 'AccountingCost'),
		paymentTerms: paymentTerms.length > 0 ? paymentTerms.join('\n') : undefined,
		notes: nonEmpty(notes),
		precedingInvoices: nonEmpty(precedingInvoices),
		seller,
		buyer,
		payee,
		taxRepresentative,
		delivery,
		invoicingPeriod: readPeriod(child(root, 'InvoicePeriod'), true),
		paymentMeans: nonEmpty(paymentMeans),
		allowanceCharges: nonEmpty(allowanceCharges),
		lines,
		prepaidAmount: totals?.prepaid,
		roundingAmount: totals?.rounding,
		attachments: nonEmpty(attachments),
		totals,
	});
	spreadExemptionReasons(invoice);
	return invoice;
}
