/**
 * OIOUBL 2.1 reader: an OIOUBL `Invoice` or `CreditNote` → the canonical `Invoice`, so OIOUBL documents
 * round-trip through the writer. fast-xml-parser with no DOCTYPE/entity expansion (a DOCTYPE is refused).
 *
 * It undoes the writer's OIOUBL decisions (see `oioubl-codes.ts` and `oioubl21.ts`): DK-prefixed CVR numbers,
 * buyer reference in the buyer contact ID, ZeroRated + exemption reason = E, informative line allowances,
 * TaxInclusiveAmount including the rounding amount.
 */
import { XMLParser } from 'fast-xml-parser';
import { HUNDRED, dec, money, plain, round, sum } from '../einvoice/decimal';
import type {
	AllowanceCharge,
	Attachment,
	Contact,
	Identifier,
	Invoice,
	InvoiceLine,
	Item,
	Party,
	PaymentMeans,
	Period,
	PostalAddress,
	Totals,
	VatBreakdown,
	VatCategory,
	VatInfo,
} from '../einvoice/model';
import { computeTotals } from '../einvoice/totals';
import {
	INVOICED_OBJECT_LABEL,
	OIOUBL_TO_EAS,
	OIOUBL_TO_VAT,
	PROJECT_LABEL,
	UNIT_FROM_OIOUBL,
	canonicalIdValue,
} from './oioubl-codes';

/** A parsed element: child elements by local name (always arrays), attributes as `@name`, text as `#text`. */
type Node = { [key: string]: Node[] | string | undefined };

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	removeNSPrefix: true,
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: true,
	alwaysCreateTextNode: true,
	isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
	// Only the five predefined XML entities and character references; no DOCTYPE entities (refused below).
	processEntities: true,
	htmlEntities: false,
});

/** Thrown when the XML is not an OIOUBL Invoice or CreditNote. */
export class OioublReadError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'OioublReadError';
	}
}

function all(node: Node | undefined, name: string): Node[] {
	const value = node?.[name];
	return Array.isArray(value) ? value : [];
}
function one(node: Node | undefined, ...path: string[]): Node | undefined {
	let current = node;
	for (const name of path) {
		current = all(current, name)[0];
		if (!current) return undefined;
	}
	return current;
}
function text(node: Node | undefined, ...path: string[]): string | undefined {
	const found = path.length ? one(node, ...path) : node;
	const value = found?.['#text'];
	return typeof value === 'string' && value !== '' ? value : undefined;
}
function attr(node: Node | undefined, name: string): string | undefined {
	const value = node?.[`@${name}`];
	return typeof value === 'string' ? value : undefined;
}

/** Read an OIOUBL 2.1 Invoice or CreditNote into the canonical model. */
export function readOioubl21(xml: string): Invoice {
	if (/<!DOCTYPE/i.test(xml))
		throw new OioublReadError('Documents with a DOCTYPE are not accepted (no entity expansion)');
	let parsed: Node;
	try {
		parsed = parser.parse(xml) as Node;
	} catch (error) {
		throw new OioublReadError(`Not well-formed XML: ${(error as Error).message}`);
	}
	const rootName = all(parsed, 'Invoice').length
		? 'Invoice'
		: all(parsed, 'CreditNote').length
			? 'CreditNote'
			: undefined;
	if (!rootName) throw new OioublReadError('Not a UBL Invoice or CreditNote');
	const root = one(parsed, rootName)!;
	const customization = text(root, 'CustomizationID');
	if (!customization?.startsWith('OIOUBL-')) {
		throw new OioublReadError(`Not an OIOUBL document (CustomizationID ${customization ?? 'missing'})`);
	}
	const isCredit = rootName === 'CreditNote';
	const currency = text(root, 'DocumentCurrencyCode') ?? 'DKK';

	const invoice: Invoice = {
		kind: isCredit ? 'creditNote' : 'invoice',
		number: text(root, 'ID') ?? '',
		issueDate: text(root, 'IssueDate') ?? '',
		currency,
		seller: readParty(one(root, 'AccountingSupplierParty', 'Party')),
		buyer: readParty(one(root, 'AccountingCustomerParty', 'Party')),
		lines: all(root, isCredit ? 'CreditNoteLine' : 'InvoiceLine').map((l) => readLine(l, isCredit)),
	};
	const typeCode = text(root, 'InvoiceTypeCode');
	if (typeCode && typeCode !== '380') invoice.typeCode = typeCode;
	set(invoice, 'taxPointDate', text(root, 'TaxPointDate'));
	const notes = all(root, 'Note')
		.map((n) => text(n))
		.filter((t): t is string => !!t);
	// A credit note's reason (DiscrepancyResponse) has no term of its own in the model; it is kept as a note.
	for (const reason of all(root, 'DiscrepancyResponse')) {
		const description = text(reason, 'Description');
		if (description && !notes.includes(description)) notes.push(description);
	}
	if (notes.length) invoice.notes = notes.map((t) => ({ text: t }));
	set(invoice, 'accountingCost', text(root, 'AccountingCost') ?? text(root, 'AccountingCostCode'));
	set(invoice, 'buyerReference', buyerReference(root));
	const period = readPeriod(one(root, 'InvoicePeriod'));
	if (period) invoice.invoicingPeriod = period;

	const order = one(root, 'OrderReference');
	const orderId = text(order, 'ID');
	if (orderId && orderId !== 'NA') invoice.orderReference = orderId;
	set(invoice, 'salesOrderReference', text(order, 'SalesOrderID'));
	const preceding = all(root, 'BillingReference')
		.map((b) => one(b, 'InvoiceDocumentReference'))
		.filter((r): r is Node => !!r && !!text(r, 'ID'))
		.map((r) =>
			text(r, 'IssueDate') ? { number: text(r, 'ID')!, issueDate: text(r, 'IssueDate') } : { number: text(r, 'ID')! },
		);
	if (preceding.length) invoice.precedingInvoices = preceding;
	set(invoice, 'despatchAdviceReference', text(root, 'DespatchDocumentReference', 'ID'));
	set(invoice, 'receivingAdviceReference', text(root, 'ReceiptDocumentReference', 'ID'));
	set(invoice, 'tenderReference', text(root, 'OriginatorDocumentReference', 'ID'));
	set(invoice, 'contractReference', text(root, 'ContractDocumentReference', 'ID'));
	const attachments: Attachment[] = [];
	for (const ref of all(root, 'AdditionalDocumentReference')) {
		const id = text(ref, 'ID');
		if (!id) continue;
		const type = text(ref, 'DocumentType');
		if (type === PROJECT_LABEL && !one(ref, 'Attachment')) invoice.projectReference = id;
		else if (type === INVOICED_OBJECT_LABEL && !one(ref, 'Attachment')) invoice.invoicedObject = { id };
		else attachments.push(readAttachment(ref, id, type));
	}
	if (attachments.length) invoice.attachments = attachments;

	const payee = one(root, 'PayeeParty');
	if (payee) {
		const identification = one(payee, 'PartyIdentification', 'ID');
		invoice.payee = {
			name: text(payee, 'PartyName', 'Name') ?? text(payee, 'PartyLegalEntity', 'RegistrationName') ?? '',
		};
		if (identification) invoice.payee.identifier = identifierOf(identification);
		const legal = one(payee, 'PartyLegalEntity', 'CompanyID');
		if (legal) invoice.payee.legalId = legalIdOf(legal);
	}
	const rep = one(root, 'TaxRepresentativeParty');
	if (rep) {
		invoice.taxRepresentative = {
			name: text(rep, 'PartyName', 'Name') ?? '',
			vatId: text(rep, 'PartyTaxScheme', 'CompanyID') ?? '',
			address: readAddress(one(rep, 'PostalAddress')),
		};
	}
	readDelivery(root, invoice);
	readPayment(root, invoice);
	const terms = all(root, 'PaymentTerms')
		.map((t) => text(t, 'Note'))
		.filter((t): t is string => !!t);
	if (terms.length) invoice.paymentTerms = terms.join('\n');

	const documentCharges = all(root, 'AllowanceCharge').map((ac) => readAllowanceCharge(ac, true));
	if (documentCharges.length) invoice.allowanceCharges = documentCharges;

	readTaxCurrency(root, invoice);
	const monetary = one(root, 'LegalMonetaryTotal');
	set(invoice, 'prepaidAmount', amountText(one(monetary, 'PrepaidAmount')));
	set(invoice, 'roundingAmount', amountText(one(monetary, 'PayableRoundingAmount')));
	const totals = readTotals(root, invoice);
	if (totals) invoice.totals = totals;
	return invoice;
}

function set<K extends keyof Invoice>(invoice: Invoice, key: K, value: Invoice[K] | undefined): void {
	if (value !== undefined && value !== '') invoice[key] = value;
}

function amountText(node: Node | undefined): string | undefined {
	const value = text(node);
	return value === undefined ? undefined : money(dec(value, 'amount'));
}

/** BT-10 travels as the buyer contact's ID in OIOUBL; "n/a" is the writer's placeholder for none. */
function buyerReference(root: Node): string | undefined {
	const id = text(root, 'AccountingCustomerParty', 'Party', 'Contact', 'ID') ?? text(root, 'BuyerReference');
	return id && id !== 'n/a' ? id : undefined;
}

function readPeriod(node: Node | undefined): Period | undefined {
	if (!node) return undefined;
	const period: Period = {};
	if (text(node, 'StartDate')) period.startDate = text(node, 'StartDate');
	if (text(node, 'EndDate')) period.endDate = text(node, 'EndDate');
	return period.startDate || period.endDate ? period : undefined;
}

function readAttachment(ref: Node, id: string, type: string | undefined): Attachment {
	const attachment: Attachment = { id };
	if (type && type !== 'Attachment') attachment.description = type;
	const description = text(ref, 'DocumentDescription');
	if (description) attachment.description = description;
	const embedded = one(ref, 'Attachment', 'EmbeddedDocumentBinaryObject');
	if (embedded) {
		attachment.contentBase64 = (text(embedded) ?? '').replace(/\s+/g, '');
		if (attr(embedded, 'mimeCode')) attachment.mimeCode = attr(embedded, 'mimeCode');
		if (attr(embedded, 'filename')) attachment.fileName = attr(embedded, 'filename');
	}
	const uri = text(ref, 'Attachment', 'ExternalReference', 'URI');
	if (uri) attachment.uri = uri;
	return attachment;
}

/** OIOUBL schemeID → EAS; a scheme without an EAS equivalent is kept as written (ZZZ means none). */
function easOf(schemeId: string | undefined): string | undefined {
	if (!schemeId || schemeId === 'ZZZ') return undefined;
	return OIOUBL_TO_EAS[schemeId] ?? schemeId;
}

function identifierOf(node: Node): Identifier {
	const scheme = easOf(attr(node, 'schemeID'));
	const id = canonicalIdValue(text(node) ?? '', scheme);
	return scheme ? { id, scheme } : { id };
}

function legalIdOf(node: Node): Identifier {
	const schemeId = attr(node, 'schemeID');
	const value = (text(node) ?? '').trim();
	if (schemeId === 'DK:CVR') return { id: value.replace(/^DK/, ''), scheme: '0184' };
	const scheme = easOf(schemeId);
	return scheme ? { id: canonicalIdValue(value, scheme), scheme } : { id: value };
}

function readAddress(node: Node | undefined): PostalAddress {
	const address: PostalAddress = {
		country: text(node, 'Country', 'IdentificationCode') ?? '',
	};
	const street = text(node, 'StreetName');
	const number = text(node, 'BuildingNumber');
	const lines = all(node, 'AddressLine')
		.map((l) => text(l, 'Line'))
		.filter((l): l is string => !!l);
	const postbox = text(node, 'Postbox');
	const line1 = street ? (number ? `${street} ${number}` : street) : postbox ? `Postboks ${postbox}` : lines.shift();
	if (line1) address.line1 = line1;
	const line2 = text(node, 'AdditionalStreetName') ?? lines.shift();
	if (line2) address.line2 = line2;
	const line3 = text(node, 'MarkAttention') ?? text(node, 'MarkCare') ?? lines.shift();
	if (line3) address.line3 = line3;
	if (text(node, 'CityName')) address.city = text(node, 'CityName');
	if (text(node, 'PostalZone')) address.postalCode = text(node, 'PostalZone');
	if (text(node, 'CountrySubentity')) address.countrySubdivision = text(node, 'CountrySubentity');
	return address;
}

function readContact(node: Node | undefined): Contact | undefined {
	if (!node) return undefined;
	const contact: Contact = {};
	if (text(node, 'Name')) contact.name = text(node, 'Name');
	if (text(node, 'Telephone')) contact.phone = text(node, 'Telephone');
	if (text(node, 'ElectronicMail')) contact.email = text(node, 'ElectronicMail');
	return contact.name || contact.phone || contact.email ? contact : undefined;
}

function readParty(node: Node | undefined): Party {
	const registrationName = text(node, 'PartyLegalEntity', 'RegistrationName');
	const partyName = text(node, 'PartyName', 'Name');
	const party: Party = {
		name: registrationName ?? partyName ?? '',
		address: readAddress(one(node, 'PostalAddress')),
	};
	if (registrationName && partyName && partyName !== registrationName) party.tradingName = partyName;
	const endpoint = one(node, 'EndpointID');
	if (endpoint && text(endpoint)) {
		const schemeId = attr(endpoint, 'schemeID');
		const scheme = easOf(schemeId) ?? schemeId ?? '';
		party.endpoint = { scheme, id: canonicalIdValue(text(endpoint)!, scheme) };
	}
	const identifiers = all(node, 'PartyIdentification')
		.map((p) => one(p, 'ID'))
		.filter((n): n is Node => !!n && !!text(n))
		.map(identifierOf);
	if (identifiers.length) party.identifiers = identifiers;
	const vat = text(node, 'PartyTaxScheme', 'CompanyID');
	if (vat) party.vatId = vat;
	const legal = one(node, 'PartyLegalEntity', 'CompanyID');
	if (legal && text(legal)) party.legalId = legalIdOf(legal);
	const contact = readContact(one(node, 'Contact'));
	if (contact) party.contact = contact;
	return party;
}

function readDelivery(root: Node, invoice: Invoice): void {
	const node = one(root, 'Delivery');
	if (!node) return;
	const delivery: NonNullable<Invoice['delivery']> = {};
	if (text(node, 'ActualDeliveryDate')) delivery.date = text(node, 'ActualDeliveryDate');
	const location = one(node, 'DeliveryLocation');
	const locationId = one(location, 'ID');
	if (locationId && text(locationId)) delivery.locationId = identifierOf(locationId);
	const address = one(location, 'Address') ?? one(node, 'DeliveryAddress');
	if (address) delivery.address = readAddress(address);
	const partyName = text(node, 'DeliveryParty', 'PartyName', 'Name');
	if (partyName) delivery.partyName = partyName;
	if (Object.keys(delivery).length) invoice.delivery = delivery;
}

function readPayment(root: Node, invoice: Invoice): void {
	const means: PaymentMeans[] = [];
	const dueDate = text(root, 'DueDate');
	if (dueDate) invoice.dueDate = dueDate;
	for (const node of all(root, 'PaymentMeans')) {
		const code = text(node, 'PaymentMeansCode') ?? '1';
		if (!invoice.dueDate && text(node, 'PaymentDueDate')) invoice.dueDate = text(node, 'PaymentDueDate');
		const payee = one(node, 'PayeeFinancialAccount');
		const pm: PaymentMeans = { code };
		const cardType = text(node, 'PaymentID');
		if ((code === '93' || code === '50') && cardType) {
			const giro: NonNullable<PaymentMeans['giro']> = {
				cardType: cardType as NonNullable<PaymentMeans['giro']>['cardType'],
				creditorId: (code === '93' ? text(node, 'CreditAccount', 'AccountID') : text(payee, 'ID')) ?? '',
			};
			if (text(node, 'InstructionID')) giro.paymentId = text(node, 'InstructionID');
			pm.giro = giro;
		} else if (payee && text(payee, 'ID')) {
			const branch = one(payee, 'FinancialInstitutionBranch');
			const transfer: NonNullable<PaymentMeans['creditTransfer']> = {
				accountId: text(payee, 'ID')!,
			};
			if (text(payee, 'Name')) transfer.accountName = text(payee, 'Name');
			// Danish domestic transfer: registration number in the branch ID; international: BIC of the institution.
			const provider =
				code === '42' ? text(branch, 'ID') : (text(branch, 'FinancialInstitution', 'ID') ?? text(branch, 'ID'));
			if (provider) transfer.serviceProviderId = provider;
			pm.creditTransfer = transfer;
			if (text(payee, 'PaymentNote')) pm.paymentId = text(payee, 'PaymentNote');
		} else if (code === '48' && one(node, 'CardAccount')) {
			const card = one(node, 'CardAccount');
			pm.card = { accountNumber: text(card, 'PrimaryAccountNumberID') ?? '' };
			if (text(card, 'NetworkID') && text(card, 'NetworkID') !== 'ZZZ') pm.card.network = text(card, 'NetworkID');
			if (text(card, 'HolderName')) pm.card.holderName = text(card, 'HolderName');
		} else if (code === '49') {
			const debit: NonNullable<PaymentMeans['directDebit']> = {};
			if (text(node, 'InstructionID')) debit.mandateId = text(node, 'InstructionID');
			if (text(node, 'PayerFinancialAccount', 'ID')) debit.debitedAccountId = text(node, 'PayerFinancialAccount', 'ID');
			pm.directDebit = debit;
		} else if (code === '1' && !text(node, 'InstructionNote')) {
			// Code 1 with only a due date is how the writer carries a due date without payment details.
			continue;
		}
		if (text(node, 'InstructionNote')) pm.text = text(node, 'InstructionNote');
		means.push(pm);
	}
	if (means.length) invoice.paymentMeans = means;
}

function readVat(category: Node | undefined): VatInfo {
	const id = text(category, 'ID') ?? '';
	const reason = text(category, 'TaxExemptionReason');
	const reasonCode = text(category, 'TaxExemptionReasonCode');
	let vatCategory: VatCategory = OIOUBL_TO_VAT[id] ?? (id as VatCategory);
	// OIOUBL has no exempt category: ZeroRated with an exemption reason is EN 16931's E.
	if (vatCategory === 'Z' && (reason || reasonCode)) vatCategory = 'E';
	const vat: VatInfo = { category: vatCategory };
	const percent = text(category, 'Percent');
	if (vatCategory !== 'O') vat.rate = percent === undefined ? '0' : plain(dec(percent, 'VAT rate'));
	if (reason) vat.exemptionReason = reason;
	if (reasonCode) vat.exemptionReasonCode = reasonCode;
	return vat;
}

function readAllowanceCharge(node: Node, withVat: boolean): AllowanceCharge {
	const ac: AllowanceCharge = {
		isCharge: text(node, 'ChargeIndicator') === 'true',
	};
	const amount = text(node, 'Amount');
	if (amount !== undefined) ac.amount = money(dec(amount, 'allowance/charge amount'));
	const base = text(node, 'BaseAmount');
	if (base !== undefined) ac.baseAmount = plain(dec(base, 'allowance/charge base amount'), 2);
	const factor = text(node, 'MultiplierFactorNumeric');
	// OIOUBL's factor (0.05) is EN 16931's percentage (5).
	if (factor !== undefined) ac.percent = plain(dec(factor, 'multiplier factor').times(HUNDRED));
	if (text(node, 'AllowanceChargeReasonCode')) ac.reasonCode = text(node, 'AllowanceChargeReasonCode');
	if (text(node, 'AllowanceChargeReason')) ac.reason = text(node, 'AllowanceChargeReason');
	if (withVat && one(node, 'TaxCategory')) ac.vat = readVat(one(node, 'TaxCategory'));
	return ac;
}

function readItem(node: Node | undefined): Item {
	const item: Item = { name: text(node, 'Name') ?? '' };
	if (text(node, 'Description'))
		item.description = all(node, 'Description')
			.map((d) => text(d))
			.filter(Boolean)
			.join('\n');
	if (text(node, 'SellersItemIdentification', 'ID')) item.sellersId = text(node, 'SellersItemIdentification', 'ID');
	if (text(node, 'BuyersItemIdentification', 'ID')) item.buyersId = text(node, 'BuyersItemIdentification', 'ID');
	const standard = one(node, 'StandardItemIdentification', 'ID');
	if (standard && text(standard)) {
		const scheme = attr(standard, 'schemeID');
		item.standardId =
			scheme === 'GTIN'
				? { id: text(standard)!, scheme: '0160' }
				: scheme
					? { id: text(standard)!, scheme }
					: { id: text(standard)! };
	}
	const origin =
		text(node, 'OriginCountry', 'IdentificationCode') ?? text(node, 'OriginAddress', 'Country', 'IdentificationCode');
	if (origin) item.originCountry = origin;
	const classifications = all(node, 'CommodityClassification')
		.map((c) => one(c, 'ItemClassificationCode'))
		.filter((c): c is Node => !!c && !!text(c))
		.map((c) => {
			const entry: NonNullable<Item['classifications']>[number] = {
				code: text(c)!,
				listId: attr(c, 'listID') ?? '',
			};
			if (attr(c, 'listVersionID')) entry.listVersionId = attr(c, 'listVersionID');
			return entry;
		});
	if (classifications.length) item.classifications = classifications;
	const attributes = all(node, 'AdditionalItemProperty')
		.filter((p) => text(p, 'Name') && text(p, 'Value'))
		.map((p) => ({ name: text(p, 'Name')!, value: text(p, 'Value')! }));
	if (attributes.length) item.attributes = attributes;
	return item;
}

function readLine(node: Node, isCredit: boolean): InvoiceLine {
	const quantityNode = one(node, isCredit ? 'CreditedQuantity' : 'InvoicedQuantity');
	const unit = attr(quantityNode, 'unitCode') ?? 'C62';
	const quantity = text(quantityNode) ?? '0';
	const net = text(node, 'LineExtensionAmount');
	const priceNode = one(node, 'Price');
	const base = text(priceNode, 'BaseQuantity');
	const charges = all(node, 'AllowanceCharge').map((ac) => readAllowanceCharge(ac, false));
	let price = dec(text(priceNode, 'PriceAmount') ?? '0', 'price');
	// OIOUBL line allowances/charges are informative and already inside the price; EN 16931 applies them to the
	// line net amount, so the canonical price is the one before them.
	if (charges.length && !dec(quantity, 'quantity').eq(0)) {
		const adjustment = sum(charges.map((ac) => dec(ac.amount ?? '0').times(ac.isCharge ? -1 : 1)));
		price = round(price.plus(adjustment.times(base ? dec(base) : 1).div(dec(quantity))), 6);
	}
	const line: InvoiceLine = {
		id: text(node, 'ID') ?? '',
		quantity: plain(dec(quantity, 'quantity')),
		unitCode: UNIT_FROM_OIOUBL[unit] ?? unit,
		price: { amount: plain(price, 2) },
		vat: readVat(one(node, 'TaxTotal', 'TaxSubtotal', 'TaxCategory') ?? one(node, 'Item', 'ClassifiedTaxCategory')),
		item: readItem(one(node, 'Item')),
	};
	if (net !== undefined) line.netAmount = money(dec(net, 'line net amount'));
	if (base !== undefined && !dec(base).eq(1)) line.price.baseQuantity = plain(dec(base));
	const priceDiscount = one(priceNode, 'AllowanceCharge');
	if (priceDiscount && text(priceDiscount, 'ChargeIndicator') === 'false' && text(priceDiscount, 'Amount')) {
		line.price.discount = plain(dec(text(priceDiscount, 'Amount')!));
		if (text(priceDiscount, 'BaseAmount')) line.price.grossAmount = plain(dec(text(priceDiscount, 'BaseAmount')!));
	}
	if (charges.length) line.allowanceCharges = charges;
	if (text(node, 'Note')) line.note = text(node, 'Note');
	if (text(node, 'AccountingCost')) line.accountingCost = text(node, 'AccountingCost');
	const period = readPeriod(one(node, 'InvoicePeriod'));
	if (period) line.period = period;
	if (text(node, 'OrderLineReference', 'LineID')) line.orderLineReference = text(node, 'OrderLineReference', 'LineID');
	const objectRef = one(node, 'DocumentReference');
	if (objectRef && text(objectRef, 'DocumentType') === INVOICED_OBJECT_LABEL && text(objectRef, 'ID')) {
		const id = one(objectRef, 'ID')!;
		line.objectId = attr(id, 'schemeID') ? { id: text(id)!, scheme: attr(id, 'schemeID') } : { id: text(id)! };
	}
	return line;
}

function readTaxCurrency(root: Node, invoice: Invoice): void {
	const code = text(root, 'TaxCurrencyCode');
	if (!code || code === invoice.currency) return;
	const taxCurrency: NonNullable<Invoice['taxCurrency']> = { code };
	const rate = text(root, 'TaxExchangeRate', 'CalculationRate');
	if (rate) {
		const operator = text(root, 'TaxExchangeRate', 'MathematicOperatorCode');
		taxCurrency.exchangeRate = operator === 'divide' ? plain(round(dec(1).div(dec(rate)), 10)) : plain(dec(rate));
	}
	const inTaxCurrency = all(one(root, 'TaxTotal'), 'TaxSubtotal')
		.map((s) => text(s, 'TransactionCurrencyTaxAmount'))
		.filter((v): v is string => v !== undefined);
	if (inTaxCurrency.length) taxCurrency.vatTotal = money(sum(inTaxCurrency.map((v) => dec(v))));
	invoice.taxCurrency = taxCurrency;
}

/**
 * The document's own totals, in EN 16931 terms, kept in `invoice.totals` (as the PEPPOL reader does), so a document
 * whose totals disagree with its lines stays visible to pre-flight and to writers that reproduce given totals.
 * OIOUBL's TaxExclusiveAmount is the VAT, and its TaxInclusiveAmount includes the rounding: both are converted.
 */
function readTotals(root: Node, invoice: Invoice): Totals | undefined {
	const monetary = one(root, 'LegalMonetaryTotal');
	const taxTotal = all(root, 'TaxTotal').find((t) =>
		all(t, 'TaxSubtotal').some((s) => ['63', 'VAT'].includes(text(s, 'TaxCategory', 'TaxScheme', 'ID') ?? '')),
	);
	const amount = (node: Node | undefined, name: string) => {
		const value = text(node, name);
		return value === undefined ? undefined : dec(value, name);
	};
	const lineNet = amount(monetary, 'LineExtensionAmount');
	const vatTotal = amount(taxTotal, 'TaxAmount');
	const payable = amount(monetary, 'PayableAmount');
	if (!lineNet || !vatTotal || !payable) return undefined; // the writers compute them
	const allowances = amount(monetary, 'AllowanceTotalAmount');
	const charges = amount(monetary, 'ChargeTotalAmount');
	const prepaid = amount(monetary, 'PrepaidAmount');
	const rounding = amount(monetary, 'PayableRoundingAmount');
	const inclusive = amount(monetary, 'TaxInclusiveAmount');
	const taxExclusive = lineNet.minus(allowances ?? 0).plus(charges ?? 0);
	const totals: Totals = {
		lineNetTotal: money(lineNet),
		taxExclusive: money(taxExclusive),
		vatTotal: money(vatTotal),
		taxInclusive: money(inclusive ? inclusive.minus(rounding ?? 0) : taxExclusive.plus(vatTotal)),
		payable: money(payable),
		vatBreakdown: readVatBreakdown(taxTotal, invoice),
	};
	if (allowances) totals.allowanceTotal = money(allowances);
	if (charges) totals.chargeTotal = money(charges);
	if (prepaid) totals.prepaid = money(prepaid);
	if (rounding) totals.rounding = money(rounding);
	if (invoice.taxCurrency?.vatTotal) totals.vatTotalInTaxCurrency = invoice.taxCurrency.vatTotal;
	return totals;
}

/** One row per OIOUBL subtotal; a ZeroRated subtotal that merged Z and E lines is split again as the lines say. */
function readVatBreakdown(taxTotal: Node | undefined, invoice: Invoice): VatBreakdown[] {
	let computed: VatBreakdown[] | undefined;
	try {
		computed = computeTotals(invoice).vatBreakdown;
	} catch {
		computed = undefined;
	}
	const rows: VatBreakdown[] = [];
	for (const sub of all(taxTotal, 'TaxSubtotal')) {
		const vat = readVat(one(sub, 'TaxCategory'));
		const taxable = money(dec(text(sub, 'TaxableAmount') ?? '0', 'TaxableAmount'));
		if (text(sub, 'TaxCategory', 'ID') === 'ZeroRated' && computed) {
			const zero = computed.filter((r) => r.category === 'Z' || r.category === 'E');
			if (zero.length > 1 && money(sum(zero.map((r) => dec(r.taxableAmount)))) === taxable) {
				rows.push(...zero);
				continue;
			}
		}
		const row: VatBreakdown = {
			category: vat.category,
			taxableAmount: taxable,
			taxAmount: money(dec(text(sub, 'TaxAmount') ?? '0', 'TaxAmount')),
		};
		if (vat.rate !== undefined) row.rate = vat.rate;
		if (vat.exemptionReason) row.exemptionReason = vat.exemptionReason;
		if (vat.exemptionReasonCode) row.exemptionReasonCode = vat.exemptionReasonCode;
		rows.push(row);
	}
	return rows;
}
