/**
 * Billy API JSON → canonical invoice (EN 16931). Pure: no I/O, no n8n.
 *
 * Billy's reading of amounts (tax modes, discounts, credit notes, tax rates) is stated once in `api.ts`;
 * this file applies it with decimal arithmetic and hands the booked totals to `reconcile` (ARCHITECTURE rule 4).
 */
import type Big from 'big.js';
import { HUNDRED, ZERO, dec, money, plain, round } from '../shared/einvoice/decimal';
import type {
	AllowanceCharge,
	Contact,
	Invoice,
	InvoiceKind,
	InvoiceLine,
	Party,
	PaymentMeans,
	PostalAddress,
	VatCategory,
	VatInfo,
} from '../shared/einvoice/model';
import { reconcile, TotalsMismatchError } from '../shared/einvoice/totals';
import {
	EXEMPTION_REASONS,
	UNIT_CODES,
	ZERO_RATE_PATTERNS,
	isCreditNoteType,
	isTextLine,
	type BillyCity,
	type BillyContact,
	type BillyContactPerson,
	type BillyInvoice,
	type BillyInvoiceLine,
	type BillyOrganization,
	type BillyTaxRate,
} from './api';

/** Payment details the user enters (Billy's API has no bank account on the organisation [I]). */
export interface BillyPaymentSettings {
	/** IBAN → PaymentMeans 58 (SEPA credit transfer) with the BIC. */
	iban?: string;
	bic?: string;
	/** Danish bank registration number + account number → PaymentMeans 42. */
	bankRegNo?: string;
	bankAccountNo?: string;
	/** FIK creditor number (8 digits) → PaymentMeans 93 with card type 71, 73 or 75. */
	fikCreditorId?: string;
	fikCardType?: '71' | '73' | '75';
}

export interface BillyMapOptions {
	organization: BillyOrganization;
	/** The invoice's contact (sideloaded on list pages). */
	contact: BillyContact;
	/** Contact persons of that contact (for the buyer's e-mail and attention). */
	contactPersons?: BillyContactPerson[];
	/** Cities, for contacts whose city is only a `cityId`. */
	cities?: BillyCity[];
	taxRates: BillyTaxRate[] | Map<string, BillyTaxRate>;
	/** The invoice a credit note corrects (number and date for BG-3). */
	creditedInvoice?: Pick<BillyInvoice, 'invoiceNo' | 'entryDate'>;
	payment?: BillyPaymentSettings;
	/** Override the VAT category of a tax rate, by tax rate id. */
	vatCategoryByTaxRate?: Record<string, VatCategory>;
	/** Seller fields that override what `/organization` says (e.g. a GLN endpoint). */
	seller?: Partial<Party>;
}

/** A Billy document that cannot be mapped; the message names the invoice. */
export class BillyMappingError extends Error {
	constructor(
		message: string,
		readonly invoiceNumber: string,
	) {
		super(message);
		this.name = 'BillyMappingError';
	}
}

/** Number of a Billy document as shown to users (drafts have none). */
export function billyDocumentNumber(invoice: BillyInvoice): string {
	return invoice.invoiceNo ?? `draft ${invoice.id}`;
}

export function billyKind(invoice: BillyInvoice): InvoiceKind {
	return isCreditNoteType(invoice.type) ? 'creditNote' : 'invoice';
}

// ---------- VAT ----------
export interface BillyVat {
	/** Rate as a fraction, e.g. 0.25. */
	fraction: Big;
	vat: VatInfo;
}

/** VAT of a line: the tax rate's percentage and an EN 16931 category ([I] classification in api.ts). */
export function billyLineVat(
	taxRateId: string | null | undefined,
	taxRates: Map<string, BillyTaxRate>,
	overrides: Record<string, VatCategory> = {},
): BillyVat {
	if (!taxRateId) {
		return { fraction: ZERO, vat: { category: 'E', rate: '0', exemptionReason: EXEMPTION_REASONS.E.text } };
	}
	const taxRate = taxRates.get(taxRateId);
	if (!taxRate) throw new Error(`tax rate ${taxRateId} is unknown`);
	let fraction = dec(taxRate.rate, `tax rate ${taxRate.name}`);
	if (fraction.gt(1)) fraction = fraction.div(HUNDRED); // a percentage after all
	const percent = plain(fraction.times(HUNDRED));
	const label = [taxRate.name, taxRate.abbreviation, taxRate.description].filter(Boolean).join(' ');
	let category: VatCategory | undefined = overrides[taxRate.id];
	if (!category) {
		category = fraction.gt(0) ? 'S' : (ZERO_RATE_PATTERNS.find((p) => p.pattern.test(label))?.category ?? 'E');
	}
	const vat: VatInfo = {
		category,
		rate: category === 'O' ? undefined : category === 'S' || category === 'Z' ? percent : '0',
	};
	if (category === 'AE' || category === 'K' || category === 'G' || category === 'E') {
		const reason = EXEMPTION_REASONS[category];
		vat.exemptionReason = category === 'E' && taxRate.description ? taxRate.description : reason.text;
		if (reason.code) vat.exemptionReasonCode = reason.code;
	}
	if (category === 'O') vat.exemptionReason = 'Ikke omfattet af moms (not subject to VAT)';
	return { fraction: category === 'S' || category === 'Z' ? fraction : ZERO, vat };
}

// ---------- lines ----------
export interface BillyLineResult {
	line: InvoiceLine;
	/** Booked VAT of the line (Billy's `tax`, or derived the way Billy rounds). */
	tax: Big;
}

/**
 * One Billy line → one EN 16931 line. `sign` is −1 for a credit note that Billy returned with negative amounts.
 * Excl: price = unitPrice. Incl: price = unitPrice / (1 + rate) at full precision, net derived from the gross total.
 * A discount becomes a line allowance (BG-27) of the net difference, so BT-131 = qty × price − allowance.
 */
export function mapBillyLine(
	source: BillyInvoiceLine,
	index: number,
	taxMode: 'incl' | 'excl',
	vatOf: (taxRateId: string | null | undefined) => BillyVat,
	sign = 1,
): BillyLineResult {
	const where = `line ${index + 1}`;
	const { fraction, vat } = vatOf(source.taxRateId);
	const quantity = dec(source.quantity, `${where} quantity`).times(sign);
	const unitPrice = dec(source.unitPrice, `${where} unit price`);
	const base = round(quantity.times(unitPrice));
	let after = base;
	const discountValue =
		source.discountValue === null || source.discountValue === undefined || source.discountValue === ''
			? undefined
			: dec(source.discountValue, `${where} discount`);
	if (discountValue && !discountValue.eq(0)) {
		if (source.discountMode === 'cash') after = base.minus(discountValue.times(sign));
		else if (source.discountMode === 'percent') after = round(base.times(HUNDRED.minus(discountValue)).div(HUNDRED));
	}
	const gross = taxMode === 'incl';
	let net = gross ? round(after.div(fraction.plus(1))) : after;
	let tax = gross ? after.minus(net) : round(net.times(fraction));
	// The books win: a booked line amount that differs from our derivation is kept (unless it is the gross).
	if (source.amount !== null && source.amount !== undefined && source.amount !== '') {
		const booked = dec(source.amount, `${where} amount`).times(sign);
		if (!booked.eq(net) && !(gross && booked.eq(after))) {
			net = booked;
			tax =
				source.tax !== null && source.tax !== undefined && source.tax !== ''
					? dec(source.tax).times(sign)
					: round(net.times(fraction));
		}
	}
	const price = gross ? unitPrice.div(fraction.plus(1)).round(8) : unitPrice;
	const priceBase = round(quantity.times(price));
	const allowanceCharges: AllowanceCharge[] = [];
	const difference = priceBase.minus(net);
	const hasDiscount = !!discountValue && !discountValue.eq(0) && !!source.discountMode;
	if (hasDiscount || difference.abs().gt('0.02')) {
		if (!difference.eq(0)) {
			const ac: AllowanceCharge = {
				isCharge: difference.lt(0),
				amount: money(difference.abs()),
				reason: source.discountText?.trim() || (difference.lt(0) ? 'Tillæg' : 'Rabat'),
			};
			if (!ac.isCharge)
				ac.reasonCode = '95'; // UNCL5189 95 = discount
			else ac.reasonCode = 'ABK'; // UNCL7161 ABK = miscellaneous
			if (!ac.isCharge && source.discountMode === 'percent' && discountValue && !gross) {
				const expected = round(priceBase.times(discountValue).div(HUNDRED));
				if (expected.eq(difference)) {
					ac.baseAmount = money(priceBase);
					ac.percent = plain(discountValue);
				}
			}
			allowanceCharges.push(ac);
		}
	}
	const unit = (source.unit ?? '').trim().toLowerCase();
	const description = (source.description ?? '').trim();
	const [name, ...rest] = description.split('\n');
	const line: InvoiceLine = {
		id: String(index + 1),
		quantity: plain(quantity),
		unitCode: UNIT_CODES[unit] ?? 'C62',
		netAmount: money(net),
		price: { amount: plain(price) },
		vat,
		item: { name: name.trim() || `Linje ${index + 1}` },
	};
	if (rest.length) line.item.description = rest.join('\n').trim();
	if (allowanceCharges.length) line.allowanceCharges = allowanceCharges;
	if (source.productId) line.item.sellersId = source.productId;
	return { line, tax };
}

// ---------- parties ----------
/** EAS (electronic address scheme) for a foreign VAT number, by country; [I] the PEPPOL EAS code list. */
const VAT_EAS: Record<string, string> = {
	AT: '9914',
	BE: '9925',
	BG: '9926',
	CY: '9928',
	CZ: '9929',
	DE: '9930',
	EE: '9931',
	GB: '9932',
	EL: '9933',
	GR: '9933',
	HR: '9934',
	IE: '9935',
	LU: '9938',
	LV: '9939',
	MT: '9943',
	NL: '9944',
	PL: '9945',
	PT: '9946',
	RO: '9947',
	SI: '9949',
	SK: '9950',
	SM: '9951',
	TR: '9952',
	VA: '9953',
	FR: '9957',
	ES: '9920',
	IT: '0211',
	HU: '9910',
	LT: '9937',
};

const digitsOnly = (value: string | null | undefined) => (value ?? '').replace(/[\s.-]/g, '');

/** A VAT number with its country prefix (`EL` for Greece). */
export function vatWithPrefix(vatNo: string, country: string): string {
	const compact = vatNo.replace(/\s+/g, '').toUpperCase();
	if (/^[A-Z]{2}/.test(compact)) return compact;
	return `${country === 'GR' ? 'EL' : country}${compact}`;
}

function cityOf(contact: BillyContact, cities: BillyCity[] = []): string | undefined {
	if (contact.cityText?.trim()) return contact.cityText.trim();
	if (contact.cityId) return cities.find((c) => c.id === contact.cityId)?.name;
	return undefined;
}

function address(fields: {
	street?: string | null;
	city?: string;
	zip?: string | null;
	state?: string | null;
	country: string;
}): PostalAddress {
	const result: PostalAddress = { country: fields.country };
	const [line1, line2] = (fields.street ?? '').split('\n').map((s) => s.trim());
	if (line1) result.line1 = line1;
	if (line2) result.line2 = line2;
	if (fields.city) result.city = fields.city;
	if (fields.zip?.trim()) result.postalCode = fields.zip.trim();
	if (fields.state?.trim()) result.countrySubdivision = fields.state.trim();
	return result;
}

/** Buyer (BG-7) from a Billy contact: CVR → 0184, EAN → 0088, foreign VAT keeps its prefix, persons get no endpoint. */
export function billyBuyer(
	contact: BillyContact,
	persons: BillyContactPerson[] = [],
	cities: BillyCity[] = [],
	attContactPersonId?: string | null,
): Party {
	const country = (contact.countryId ?? 'DK').toUpperCase();
	const party: Party = {
		name: contact.name,
		address: address({
			street: contact.street,
			city: cityOf(contact, cities),
			zip: contact.zipcodeText,
			state: contact.stateText,
			country,
		}),
	};
	const registration = digitsOnly(contact.registrationNo);
	const ean = digitsOnly(contact.ean);
	const vatNo = (contact.vatNo ?? '').trim();
	if (country === 'DK') {
		const cvr = registration.replace(/^DK/i, '');
		if (/^\d{8}$/.test(cvr)) {
			party.legalId = { id: cvr, scheme: '0184' };
			if (!contact.isSalesTaxExempt) party.vatId = `DK${cvr}`;
			party.endpoint = { scheme: '0184', id: cvr };
		}
		if (vatNo && !party.vatId) party.vatId = vatWithPrefix(vatNo, country);
	} else {
		if (vatNo) party.vatId = vatWithPrefix(vatNo, country);
		else if (
			/^[A-Z]{2}[0-9A-Z]{4,}$/i.test(contact.registrationNo?.trim() ?? '') &&
			contact.type === 'company' &&
			VAT_EAS[country]
		) {
			party.vatId = vatWithPrefix(contact.registrationNo!, country);
		}
		const orgNo = registration.replace(/^[A-Z]{2}/i, '').replace(/MVA$/i, '');
		if (country === 'SE' && /^\d{10}$/.test(orgNo)) {
			party.legalId = { id: orgNo, scheme: '0007' };
			party.endpoint = { scheme: '0007', id: orgNo };
		} else if (country === 'NO' && /^\d{9}$/.test(orgNo)) {
			party.legalId = { id: orgNo, scheme: '0192' };
			party.endpoint = { scheme: '0192', id: orgNo };
		} else if (registration && contact.type === 'company' && registration !== party.vatId) {
			party.legalId = { id: contact.registrationNo!.trim() };
		}
		if (!party.endpoint && party.vatId && VAT_EAS[party.vatId.slice(0, 2)]) {
			party.endpoint = { scheme: VAT_EAS[party.vatId.slice(0, 2)], id: party.vatId };
		}
	}
	// An EAN/GLN location number is the receiving address in Danish e-invoicing: it wins over CVR.
	if (/^\d{13}$/.test(ean)) party.endpoint = { scheme: '0088', id: ean };

	const person =
		persons.find((p) => p.id === attContactPersonId) ??
		persons.find((p) => p.isPrimary && p.contactId === contact.id) ??
		persons.find((p) => p.contactId === contact.id);
	const buyerContact: Contact = {};
	if (person?.name?.trim()) buyerContact.name = person.name.trim();
	if (person?.email?.trim()) buyerContact.email = person.email.trim();
	const phone = person?.phone?.trim() || contact.phone?.trim();
	if (phone) buyerContact.phone = phone;
	if (Object.keys(buyerContact).length) party.contact = buyerContact;
	return party;
}

/** Seller (BG-4) from `/organization`. */
export function billySeller(organization: BillyOrganization, override: Partial<Party> = {}): Party {
	const country = (organization.countryId ?? 'DK').toUpperCase();
	const party: Party = {
		name: organization.name,
		address: address({
			street: organization.street,
			city: organization.city ?? undefined,
			zip: organization.zipcode,
			country,
		}),
	};
	const registration = digitsOnly(organization.registrationNo).replace(/^DK/i, '');
	if (registration) {
		party.legalId = country === 'DK' ? { id: registration, scheme: '0184' } : { id: registration };
		if (organization.hasVat !== false) party.vatId = vatWithPrefix(registration, country);
		if (country === 'DK') party.endpoint = { scheme: '0184', id: registration };
	}
	const contact: Contact = {};
	if (organization.phone?.trim()) contact.phone = organization.phone.trim();
	if (organization.email?.trim()) contact.email = organization.email.trim();
	if (Object.keys(contact).length) party.contact = contact;
	return { ...party, ...override, address: { ...party.address, ...(override.address ?? {}) } };
}

// ---------- payment ----------
/** Luhn (modulus 10) check digit, as FIK payment ids use. */
export function mod10CheckDigit(body: string): string {
	let sum = 0;
	for (let i = 0; i < body.length; i++) {
		let d = Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 2 : 1);
		if (d > 9) d -= 9;
		sum += d;
	}
	return String((10 - (sum % 10)) % 10);
}

/** FIK payment id for an invoice number: 14 digits + check (card 71) or 15 digits + check (card 75). */
export function fikPaymentId(invoiceNumber: string, cardType: '71' | '73' | '75'): string | undefined {
	if (cardType === '73') return undefined;
	const digits = invoiceNumber.replace(/\D/g, '');
	const body = digits.padStart(cardType === '71' ? 14 : 15, '0').slice(-(cardType === '71' ? 14 : 15));
	return body + mod10CheckDigit(body);
}

/**
 * One payment means (UBL-SR-47 allows several only with the same code and one PaymentID): FIK for DKK invoices when
 * a creditor number is set, else the IBAN (58, SEPA credit transfer), else the Danish reg. + account number (42),
 * else FIK for other currencies.
 */
export function billyPaymentMeans(
	settings: BillyPaymentSettings | undefined,
	invoiceNumber: string,
	currency = 'DKK',
): PaymentMeans[] {
	if (!settings) return [];
	const fik = digitsOnly(settings.fikCreditorId);
	const fikMeans = (): PaymentMeans => {
		const cardType = settings.fikCardType ?? '71';
		return { code: '93', giro: { cardType, creditorId: fik, paymentId: fikPaymentId(invoiceNumber, cardType) } };
	};
	if (fik && currency.toUpperCase() === 'DKK') return [fikMeans()];
	const iban = (settings.iban ?? '').replace(/\s+/g, '').toUpperCase();
	if (iban) {
		const transfer: PaymentMeans = { code: '58', paymentId: invoiceNumber, creditTransfer: { accountId: iban } };
		if (settings.bic?.trim()) transfer.creditTransfer!.serviceProviderId = settings.bic.trim().toUpperCase();
		return [transfer];
	}
	if (digitsOnly(settings.bankAccountNo) && digitsOnly(settings.bankRegNo)) {
		return [
			{
				code: '42',
				paymentId: invoiceNumber,
				creditTransfer: {
					accountId: digitsOnly(settings.bankAccountNo),
					serviceProviderId: digitsOnly(settings.bankRegNo),
				},
			},
		];
	}
	return fik ? [fikMeans()] : [];
}

function paymentTerms(invoice: BillyInvoice): string | undefined {
	const days = invoice.paymentTermsDays;
	switch (invoice.paymentTermsMode) {
		case 'net':
			return days !== null && days !== undefined ? `Netto ${days} dage` : undefined;
		case 'netEndOfMonth':
			return days !== null && days !== undefined ? `Løbende måned + ${days} dage` : 'Løbende måned';
		case 'cash':
			return 'Kontant';
		case 'date':
			return invoice.dueDate ? `Betales senest ${invoice.dueDate}` : undefined;
		default:
			return undefined;
	}
}

// ---------- document ----------
/**
 * Map a Billy invoice or credit note (with its `lines`) to the canonical invoice, with totals computed and
 * reconciled against Billy's booked `amount`, `tax` and `grossAmount`. Throws `BillyMappingError` (naming the
 * invoice) for drafts, voided documents and anything that cannot be mapped faithfully.
 */
export function mapBillyInvoice(source: BillyInvoice, options: BillyMapOptions): Invoice {
	if (!source || typeof source !== 'object' || Array.isArray(source))
		throw new BillyMappingError('Billy answered with no invoice record (empty or not an object)', '');
	try {
		return mapApprovedInvoice(source, options);
	} catch (error) {
		if (error instanceof BillyMappingError || error instanceof TotalsMismatchError) throw error;
		// Data of an unexpected shape (a number where text belongs, a missing amount): name the document and the cause.
		const number = billyDocumentNumber(source);
		const what = billyKind(source) === 'creditNote' ? 'credit note' : 'invoice';
		throw new BillyMappingError(
			`Billy ${what} ${number || source.id}: unexpected data (${(error as Error).message})`,
			number,
		);
	}
}

/** Fields the mapper reads as text: a number is taken as its digits, anything else is refused by name. */
const TEXT_FIELDS = {
	invoice: [
		'invoiceNo',
		'currencyId',
		'entryDate',
		'dueDate',
		'contactMessage',
		'orderNo',
		'lineDescription',
		'type',
		'state',
		'taxMode',
		'creditedInvoiceId',
	],
	line: ['description', 'productId', 'unitId', 'taxRateId'],
	contact: [
		'name',
		'countryId',
		'street',
		'cityText',
		'stateText',
		'zipcodeText',
		'phone',
		'registrationNo',
		'ean',
		'contactNo',
		'vatNo',
		'cityId',
		'type',
	],
};

function checkText(record: unknown, fields: string[], where: string, fail: (message: string) => never): void {
	if (!record || typeof record !== 'object') return;
	const r = record as Record<string, unknown>;
	for (const field of fields) {
		const value = r[field];
		if (value === undefined || value === null || typeof value === 'string') continue;
		if (typeof value === 'number' && Number.isFinite(value) && Number.isSafeInteger(value)) r[field] = String(value);
		else fail(`${where}${field} is ${JSON.stringify(value)?.slice(0, 40) ?? typeof value}, not text`);
	}
}

function mapApprovedInvoice(input: BillyInvoice, options: BillyMapOptions): Invoice {
	// Copies: the checks below normalise numbers given as text fields.
	const source: BillyInvoice = {
		...input,
		lines: Array.isArray(input.lines) ? input.lines.map((l) => ({ ...l })) : input.lines,
	};
	options = {
		...options,
		contact: options.contact && typeof options.contact === 'object' ? { ...options.contact } : options.contact,
	};
	const number = billyDocumentNumber(source);
	const fail = (message: string): never => {
		throw new BillyMappingError(
			`Billy ${billyKind(source) === 'creditNote' ? 'credit note' : 'invoice'} ${number}: ${message}`,
			number,
		);
	};
	checkText(source, TEXT_FIELDS.invoice, '', fail);
	if (Array.isArray(source.lines))
		source.lines.forEach((l, i) => checkText(l, TEXT_FIELDS.line, `line ${i + 1} `, fail));
	checkText(options.contact, TEXT_FIELDS.contact, "the contact's ", fail);
	if (source.state !== 'approved') fail(`it is ${source.state}; only approved documents are exported`);
	if (!source.entryDate) fail('it has no entry date');
	if (!source.currencyId) fail('it has no currency');
	if (!source.invoiceNo) fail('it has no number');
	if (!source.lines) fail('its lines were not loaded (include=invoice.lines:embed)');
	if (!Array.isArray(source.lines)) fail('its lines are not a list');
	const kind = billyKind(source);
	const taxRates = options.taxRates instanceof Map ? options.taxRates : new Map(options.taxRates.map((r) => [r.id, r]));
	const vatCache = new Map<string, BillyVat>();
	const vatOf = (id: string | null | undefined) => {
		const key = id ?? '';
		let vat = vatCache.get(key);
		if (!vat) {
			try {
				vat = billyLineVat(id, taxRates, options.vatCategoryByTaxRate);
			} catch (error) {
				return fail((error as Error).message);
			}
			vatCache.set(key, vat);
		}
		return vat;
	};
	const booked = {
		amount: dec(source.amount, 'amount'),
		tax: dec(source.tax, 'tax'),
		gross:
			source.grossAmount !== undefined && source.grossAmount !== null
				? dec(source.grossAmount, 'grossAmount')
				: undefined,
	};
	// [I] credit notes are positive; a negative one is flipped so the CreditNote carries positive amounts.
	const sign = kind === 'creditNote' && booked.amount.plus(booked.tax).lt(0) ? -1 : 1;
	const taxMode = source.taxMode === 'incl' ? 'incl' : 'excl';

	const notes: string[] = [];
	if (source.contactMessage?.trim()) notes.push(source.contactMessage.trim());
	const lines: InvoiceLine[] = [];
	const bookedVat = new Map<string, { category: VatCategory; rate?: string; tax: Big }>();
	const ordered = [...source.lines!].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
	for (const raw of ordered) {
		if (isTextLine(raw)) {
			notes.push(raw.description!.trim());
			continue;
		}
		let result: BillyLineResult;
		try {
			result = mapBillyLine(raw, lines.length, taxMode, vatOf, sign);
		} catch (error) {
			if (error instanceof BillyMappingError) throw error;
			return fail((error as Error).message);
		}
		lines.push(result.line);
		const key = `${result.line.vat.category}|${result.line.vat.rate ?? ''}`;
		const entry = bookedVat.get(key) ?? { category: result.line.vat.category, rate: result.line.vat.rate, tax: ZERO };
		entry.tax = entry.tax.plus(result.tax);
		bookedVat.set(key, entry);
	}
	if (!lines.length) fail('it has no invoice lines with an amount');

	const seller = billySeller(options.organization, options.seller);
	if (options.contact.id !== source.contactId) fail(`the contact ${source.contactId} was not loaded`);
	const buyer = billyBuyer(options.contact, options.contactPersons, options.cities, source.attContactPersonId);

	const invoice: Invoice = {
		kind,
		number: source.invoiceNo!,
		issueDate: source.entryDate.slice(0, 10),
		currency: source.currencyId,
		seller,
		buyer,
		lines,
	};
	if (source.dueDate) invoice.dueDate = source.dueDate.slice(0, 10);
	const terms = paymentTerms(source);
	if (terms) invoice.paymentTerms = terms;
	if (notes.length) invoice.notes = [{ text: notes.join('\n') }]; // PEPPOL allows one document note
	if (source.orderNo?.trim()) invoice.orderReference = source.orderNo.trim();
	invoice.buyerReference =
		source.orderNo?.trim() || buyer.contact?.name || options.contact.contactNo?.trim() || source.invoiceNo!;

	if (kind === 'creditNote' && source.creditedInvoiceId) {
		if (!options.creditedInvoice?.invoiceNo) fail(`the credited invoice ${source.creditedInvoiceId} was not found`);
		invoice.precedingInvoices = [
			{ number: options.creditedInvoice!.invoiceNo!, issueDate: options.creditedInvoice!.entryDate.slice(0, 10) },
		];
	}
	if (kind === 'invoice') {
		const means = billyPaymentMeans(options.payment, source.invoiceNo!, source.currencyId);
		if (means.length) invoice.paymentMeans = means;
	}

	const baseCurrency = (options.organization.baseCurrencyId ?? 'DKK').toUpperCase();
	if (
		source.currencyId.toUpperCase() !== baseCurrency &&
		source.exchangeRate !== null &&
		source.exchangeRate !== undefined
	) {
		invoice.taxCurrency = { code: baseCurrency, exchangeRate: plain(dec(source.exchangeRate, 'exchangeRate')) };
	}
	// Intra-community supply needs the delivery date and country (BR-IC-11, BR-IC-12).
	if (lines.some((l) => l.vat.category === 'K')) {
		invoice.delivery = { date: invoice.issueDate, address: buyer.address };
	}

	const gross = booked.gross ?? booked.amount.plus(booked.tax);
	invoice.booked = {
		vatTotal: money(booked.tax.times(sign)),
		taxInclusive: money(gross.times(sign)),
		payable: money(gross.times(sign)),
		vatByCategory: [...bookedVat.values()].map((v) =>
			v.rate === undefined
				? { category: v.category, taxAmount: money(v.tax) }
				: { category: v.category, rate: v.rate, taxAmount: money(v.tax) },
		),
	};
	try {
		const result = reconcile(invoice);
		const net = dec(result.totals!.taxExclusive);
		if (!net.eq(round(booked.amount.times(sign)))) {
			fail(`computed net amount ${money(net)} differs from booked amount ${money(booked.amount.times(sign))}`);
		}
		return result;
	} catch (error) {
		if (error instanceof BillyMappingError) throw error;
		return fail((error as Error).message.replace(/^Invoice [^:]*: /, ''));
	}
}

/** The item contract's `source` block for a Billy document. */
export function billySource(invoice: BillyInvoice, organizationId: string, contact?: BillyContact) {
	return {
		system: 'billy' as const,
		account: organizationId,
		id: invoice.id,
		number: invoice.invoiceNo ?? null,
		kind: billyKind(invoice),
		customerId: invoice.contactId,
		customerName: contact?.name ?? null,
		status: invoice.state === 'approved' && invoice.isPaid ? 'paid' : invoice.state,
		updatedAt: toIsoUtc(invoice.approvedTime ?? invoice.createdTime),
	};
}

/** Billy times are `YYYY-MM-DDTHH:MM:SS` in UTC [U]; written with a `Z`. */
export function toIsoUtc(time: string | null | undefined): string | null {
	if (!time) return null;
	const t = time.replace(' ', 'T');
	return /[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t.slice(0, 19)}Z`;
}
