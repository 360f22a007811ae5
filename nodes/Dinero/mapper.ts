/**
 * Dinero → canonical invoice (pure; no HTTP, no n8n).
 *
 * - Seller: from the node's "Seller Details" (Dinero has no API for the organisation's own address, CVR or bank).
 * - Buyer: from the contact. CVR → legal id 0184, VAT id `DK…`, endpoint 0184; EAN/GLN → endpoint 0088; a foreign
 *   VAT number keeps its prefix (endpoint by the country's VAT scheme where PEPPOL has one); a person without
 *   identifiers gets no endpoint (routing decides).
 * - VAT: the line's account → the account's `VatCode` → the VAT type's rate and our category table (client.ts).
 * - Discounts (percent) → line allowances whose amount is what Dinero booked; text lines → notes.
 * - Totals: computed by totals.ts, then reconciled with the booked totals (ARCHITECTURE rule 4).
 */
import { normaliseTextFields } from '../shared/einvoice/shape';
import { dec, money, plain, round, ZERO } from '../shared/einvoice/decimal';
import type {
	AllowanceCharge,
	Invoice,
	InvoiceLine,
	Note,
	Party,
	PaymentMeans,
	VatCategory,
	VatInfo,
} from '../shared/einvoice/model';
import { reconcile, TotalsMismatchError, vatKey } from '../shared/einvoice/totals';
import { DINERO, DINERO_UNITS, DINERO_VAT_CODES, vatRatePercent } from './client';
import type {
	DineroAccount,
	DineroContact,
	DineroDocument,
	DineroProductLine,
	DineroSellerDetails,
	DineroVatType,
} from './types';

export type DineroKind = 'invoice' | 'creditNote';

/** A document that cannot become a valid canonical invoice; the message names the document and the cause. */
export class DineroMappingError extends Error {
	constructor(
		message: string,
		readonly documentNumber?: string,
	) {
		super(message);
		this.name = 'DineroMappingError';
	}
}

/** Account number → VAT of lines booked on it. */
export type VatResolver = (accountNumber: string, where: string) => VatInfo;

/** Build the account → VAT lookup from `/accounts/entry` and `/vatTypes`. */
export function vatResolver(accounts: DineroAccount[], vatTypes: DineroVatType[]): VatResolver {
	const codeByAccount = new Map(accounts.map((a) => [String(a.AccountNumber), a.VatCode ?? undefined]));
	const typeByCode = new Map(vatTypes.map((v) => [String(v.VatCode).toLowerCase(), v]));
	return (accountNumber, where) => {
		if (!codeByAccount.has(accountNumber)) {
			throw new DineroMappingError(
				`${where}: account ${accountNumber} is not in the chart of accounts, so its VAT code is unknown`,
			);
		}
		const code = codeByAccount.get(accountNumber);
		if (!code) throw new DineroMappingError(`${where}: account ${accountNumber} has no VAT code`);
		const type = typeByCode.get(code.toLowerCase());
		const known = DINERO_VAT_CODES[code] ?? DINERO_VAT_CODES[code.toUpperCase()];
		if (!type && !known)
			throw new DineroMappingError(`${where}: VAT code ${code} of account ${accountNumber} is not a known VAT type`);
		const rate = vatRatePercent(type?.VatRate);
		if (known) {
			const vat: VatInfo = { category: known.category, rate: known.category === 'S' ? rate : '0' };
			if (known.category === 'S' && dec(rate).eq(0)) {
				throw new DineroMappingError(`${where}: VAT code ${code} is a standard-rate code but its VAT type has rate 0`);
			}
			if (known.exemptionReason) vat.exemptionReason = known.exemptionReason;
			if (known.exemptionReasonCode) vat.exemptionReasonCode = known.exemptionReasonCode;
			return vat;
		}
		if (dec(rate).gt(0)) return { category: 'S', rate };
		return { category: 'E', rate: '0', exemptionReason: type?.Name ? String(type.Name) : `VAT code ${code}` };
	};
}

export interface DineroMapInput {
	kind: DineroKind;
	document: DineroDocument;
	contact?: DineroContact;
	/** Credit notes: the invoice credited (its number and date), for BG-3. */
	creditedInvoice?: { Number?: string | null; Date?: string | null };
	seller: DineroSellerDetails;
	vat: VatResolver;
}

// ---------------------------------------------------------------------------------------------------------------

export function isDraft(document: Pick<DineroDocument, 'Status' | 'Number'>): boolean {
	return (
		String(document.Status ?? '').toLowerCase() === 'draft' || String(document.Number ?? '') === DINERO.draftNumber
	);
}

export function isBooked(document: Pick<DineroDocument, 'Status' | 'Number' | 'DeletedAt'>): boolean {
	return (
		!isDraft(document) &&
		!document.DeletedAt &&
		DINERO.bookedStatuses.some((s) => s.toLowerCase() === String(document.Status ?? '').toLowerCase())
	);
}

export function isPaid(document: Pick<DineroDocument, 'Status' | 'PaymentStatus'>): boolean {
	const status = String(document.PaymentStatus ?? document.Status ?? '').toLowerCase();
	return DINERO.paidStatuses.some((s) => s.toLowerCase() === status);
}

/** "Faktura 1042" / "Kreditnota 1043" / "Dinero invoice <guid>" for messages. */
export function describeDocument(
	kind: DineroKind,
	document: Pick<DineroDocument, 'Guid' | 'Number' | 'Status'>,
): string {
	const what = kind === 'creditNote' ? 'credit note' : 'invoice';
	return isDraft(document) || !document.Number
		? `Dinero draft ${what} ${document.Guid}`
		: `Dinero ${what} ${document.Number}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Seller

const REQUIRED_SELLER: [keyof DineroSellerDetails, string][] = [
	['name', 'Name'],
	['cvr', 'CVR Number'],
	['street', 'Street'],
	['postalCode', 'Postal Code'],
	['city', 'City'],
];

/** The seller details that are missing or malformed, as user-facing field names. Empty when all is well. */
export function sellerProblems(seller: Partial<DineroSellerDetails> | undefined): string[] {
	const problems: string[] = [];
	for (const [key, label] of REQUIRED_SELLER)
		if (!String(seller?.[key] ?? '').trim()) problems.push(`${label} is missing`);
	const cvr = digits(seller?.cvr);
	if (cvr && !/^\d{8}$/.test(cvr)) problems.push('CVR Number must have 8 digits');
	const method = seller?.paymentMethod ?? 'iban';
	if (method === 'iban' && !seller?.iban) problems.push('IBAN is missing (or choose another payment method)');
	if (method === 'bank' && (!seller?.bankRegNo || !seller?.bankAccountNo))
		problems.push('Bank Reg. No. and Account No. are missing');
	if (method === 'fik' && !/^\d{8}$/.test(digits(seller?.fikCreditorId)))
		problems.push('FIK Creditor Number must have 8 digits');
	if (seller?.gln && !/^\d{13}$/.test(digits(seller.gln))) problems.push('GLN must have 13 digits');
	return problems;
}

function sellerParty(seller: DineroSellerDetails): Party {
	const problems = sellerProblems(seller);
	if (problems.length) {
		throw new DineroMappingError(
			`Seller Details are incomplete: ${problems.join('; ')}. Dinero's API has no seller data, so set them on the node.`,
		);
	}
	const cvr = digits(seller.cvr);
	const country = (seller.country || 'DK').toUpperCase();
	const party: Party = {
		name: seller.name.trim(),
		legalId: { id: cvr, scheme: '0184' },
		vatId: seller.vatId?.trim() || `DK${cvr}`,
		endpoint: seller.gln ? { scheme: '0088', id: digits(seller.gln) } : { scheme: '0184', id: cvr },
		address: {
			line1: seller.street?.trim(),
			line2: seller.additionalStreet?.trim() || undefined,
			city: seller.city?.trim(),
			postalCode: seller.postalCode?.trim(),
			country,
		},
	};
	const contact = compact({ name: seller.contactName, email: seller.email, phone: seller.phone });
	if (contact) party.contact = contact;
	return party;
}

// ---------------------------------------------------------------------------------------------------------------
// Buyer

/**
 * PEPPOL electronic address schemes (EAS) reachable from a foreign VAT number, by VAT prefix.
 * Sweden and Norway address by organisation number, which their VAT numbers contain.
 */
const VAT_EAS: Record<string, string> = {
	AT: '9914',
	BE: '9925',
	DE: '9930',
	ES: '9920',
	FR: '9957',
	GB: '9932',
	IT: '0211',
	NL: '9944',
};

function buyerParty(document: DineroDocument, contact: DineroContact | undefined, number: string): Party {
	const name = (contact?.Name ?? document.ContactName ?? '').trim();
	if (!name) throw new DineroMappingError(`Dinero document ${number}: the customer has no name`, number);
	const country = (contact?.CountryKey || 'DK').toUpperCase();
	const [line1, ...more] = String(contact?.Street ?? '')
		.split(/\r?\n/)
		.map((s) => s.trim())
		.filter(Boolean);
	const party: Party = {
		name,
		address: {
			line1,
			line2: more.join(', ') || undefined,
			city: trimOrUndefined(contact?.City),
			postalCode: trimOrUndefined(contact?.ZipCode),
			country,
		},
	};
	const person = contact?.IsPerson === true;
	const rawVat = String(contact?.VatNumber ?? '')
		.replace(/[\s.-]/g, '')
		.toUpperCase();
	if (rawVat && !person) {
		if (country === 'DK' && /^(DK)?\d{8}$/.test(rawVat)) {
			const cvr = rawVat.replace(/^DK/, '');
			party.legalId = { id: cvr, scheme: '0184' };
			party.vatId = `DK${cvr}`;
			party.endpoint = { scheme: '0184', id: cvr };
		} else {
			const prefix = country === 'GR' ? 'EL' : country;
			const vatId = /^[A-Z]{2}/.test(rawVat) ? rawVat : `${prefix}${rawVat}`;
			party.vatId = vatId;
			const norwegian = /^NO(\d{9})(MVA)?$/.exec(vatId);
			const swedish = /^SE(\d{10})01$/.exec(vatId);
			if (norwegian) {
				party.legalId = { id: norwegian[1], scheme: '0192' };
				party.endpoint = { scheme: '0192', id: norwegian[1] };
			} else if (swedish) {
				party.legalId = { id: swedish[1], scheme: '0007' };
				party.endpoint = { scheme: '0007', id: swedish[1] };
			} else if (VAT_EAS[vatId.slice(0, 2)]) {
				party.endpoint = { scheme: VAT_EAS[vatId.slice(0, 2)], id: vatId };
			}
		}
	}
	const ean = digits(contact?.EanNumber);
	if (ean) {
		if (!/^\d{13}$/.test(ean))
			throw new DineroMappingError(
				`Dinero document ${number}: the customer's EAN number ${ean} does not have 13 digits`,
				number,
			);
		party.endpoint = { scheme: '0088', id: ean };
		party.identifiers = [{ id: ean, scheme: '0088' }];
	}
	const c = compact({
		name: trimOrUndefined(contact?.AttPerson),
		email: trimOrUndefined(contact?.Email),
		phone: trimOrUndefined(contact?.Phone),
	});
	if (c) party.contact = c;
	return party;
}

/**
 * A contact as the canonical buyer party (identifiers, PEPPOL endpoint, address): what export rules and network
 * matching need. Undefined when the contact's identifiers are malformed (e.g. an EAN that is not 13 digits).
 */
export function contactParty(contact: DineroContact): Party | undefined {
	try {
		return buyerParty(
			{ Guid: contact.ContactGuid, ContactName: contact.Name },
			contact,
			`contact ${String(contact.Name)}`,
		);
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Lines

/** Line net amounts may differ from Dinero's booked line total by at most this (PEPPOL's own slack). */
const LINE_TOLERANCE = dec('0.02');

function mapLine(line: DineroProductLine, id: string, vat: VatResolver, where: string): InvoiceLine {
	const quantity = dec(line.Quantity ?? 0, `${where} quantity`);
	const price = dec(line.BaseAmountValue ?? 0, `${where} unit price`);
	const discount = dec(line.Discount ?? 0, `${where} discount`);
	const booked =
		line.TotalAmount === undefined || line.TotalAmount === null
			? undefined
			: round(dec(line.TotalAmount, `${where} total`));
	const gross = round(quantity.times(price));
	const description = String(line.Description ?? '').trim();
	const [firstLine, ...rest] = description.split(/\r?\n/);
	const result: InvoiceLine = {
		id,
		quantity: plain(quantity),
		unitCode: DINERO_UNITS[String(line.Unit ?? '').toLowerCase()] ?? 'C62',
		price: { amount: plain(price) },
		vat: vat(String(line.AccountNumber ?? ''), where),
		item: { name: firstLine || String(line.AccountName ?? '').trim() || 'Vare' },
	};
	const itemDescription = [rest.join('\n').trim(), String(line.Comments ?? '').trim()].filter(Boolean).join('\n');
	if (itemDescription) result.item.description = itemDescription;

	if (!discount.eq(0)) {
		// The allowance is what Dinero booked (gross − booked line total); percent and base stay when they agree.
		const computed = round(gross.times(discount).div(100));
		const amount = booked ? gross.minus(booked) : computed;
		const allowance: AllowanceCharge = {
			isCharge: amount.lt(0),
			amount: money(amount.abs()),
			reasonCode: amount.lt(0) ? 'ABK' : '95',
			reason: 'Rabat',
		};
		if (!amount.lt(0) && amount.minus(computed).abs().lte(LINE_TOLERANCE) && gross.gte(0)) {
			allowance.baseAmount = money(gross);
			allowance.percent = plain(discount);
		}
		if (amount.lt(0)) allowance.reason = 'Tillæg';
		result.allowanceCharges = [allowance];
		result.netAmount = money(booked ?? gross.minus(computed));
	} else if (booked && booked.minus(gross).abs().lte(LINE_TOLERANCE)) {
		result.netAmount = money(booked);
	}
	return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Payment

/** Danish FIK payment id: the document number, zero-padded to 14 digits, plus a modulus-10 check digit (FIK 71/75). */
export function fikPaymentId(number: string): string {
	const body = digits(number).padStart(14, '0').slice(-14);
	let sum = 0;
	for (let i = 0; i < body.length; i++) {
		// Weights 2,1,2,1… from the right; digit sums of products (Luhn).
		let d = Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 2 : 1);
		if (d > 9) d -= 9;
		sum += d;
	}
	return body + String((10 - (sum % 10)) % 10);
}

/**
 * Payment means (UNCL4461) as the Danish rules allow them (DK-R-005/006/010/011): IBAN with BIC → 31 (international
 * transfer), IBAN alone → 58 (SEPA), Danish reg. no. + account → 42, FIK → 93 with card type and creditor.
 */
function paymentMeans(seller: DineroSellerDetails, number: string): PaymentMeans[] | undefined {
	switch (seller.paymentMethod ?? 'iban') {
		case 'iban': {
			const bic = seller.bic?.replace(/\s/g, '').toUpperCase() || undefined;
			return [
				{
					code: bic ? '31' : '58',
					paymentId: number,
					creditTransfer: {
						accountId: seller.iban!.replace(/\s/g, '').toUpperCase(),
						serviceProviderId: bic,
						accountName: seller.name,
					},
				},
			];
		}
		case 'bank':
			return [
				{
					code: '42',
					paymentId: number,
					creditTransfer: {
						accountId: digits(seller.bankAccountNo),
						serviceProviderId: digits(seller.bankRegNo),
						accountName: seller.name,
					},
				},
			];
		case 'fik': {
			const cardType = seller.fikCardType ?? '71';
			const paymentId = cardType === '73' ? undefined : fikPaymentId(number);
			return [{ code: '93', paymentId, giro: { cardType, creditorId: digits(seller.fikCreditorId), paymentId } }];
		}
		default:
			return undefined;
	}
}

function paymentTerms(document: DineroDocument): string | undefined {
	const type = String(document.PaymentConditionType ?? '');
	const days = document.PaymentConditionNumberOfDays;
	const danish = !String(document.Language ?? 'da')
		.toLowerCase()
		.startsWith('en');
	switch (type.toLowerCase()) {
		case 'netto':
			return danish ? `Netto ${days ?? 0} dage` : `Net ${days ?? 0} days`;
		case 'nettocash':
			return danish ? 'Netto kontant' : 'Cash';
		case 'currentmonthout':
		case 'currentmonthnettoout':
			return danish ? `Løbende måned + ${days ?? 0} dage` : `End of month + ${days ?? 0} days`;
		case 'paid':
			return danish ? 'Betalt' : 'Paid';
		default:
			return undefined;
	}
}

// ---------------------------------------------------------------------------------------------------------------

/** Map one booked Dinero invoice or credit note to the canonical invoice, with totals reconciled. */
/** Contact fields read as text (see shape.ts). */
const DINERO_CONTACT_TEXT = [
	'Name',
	'Street',
	'ZipCode',
	'City',
	'CountryKey',
	'VatNumber',
	'EanNumber',
	'Email',
	'AttPerson',
	'Phone',
];

export function mapDineroDocument(input: DineroMapInput): Invoice {
	const { document, kind } = input;
	if (!document || typeof document !== 'object' || Array.isArray(document))
		throw new DineroMappingError(`Dinero answered with no ${kind === 'creditNote' ? 'credit note' : 'invoice'} record`);
	const label = describeDocument(kind, document);
	if (isDraft(document)) throw new DineroMappingError(`${label} is a draft; only booked documents are exported`);
	if (document.DeletedAt) throw new DineroMappingError(`${label} is deleted`);
	const number = String(document.Number ?? '').trim();
	if (!number) throw new DineroMappingError(`${label} has no number`);
	const contact = input.contact && typeof input.contact === 'object' ? { ...input.contact } : input.contact;
	const problems = normaliseTextFields(
		{ contact },
		DINERO_CONTACT_TEXT.map((f) => `contact.${f}`),
	);
	if (problems.length) throw new DineroMappingError(`${label}: ${problems.join('; ')}`, number);
	try {
		return mapBooked({ ...input, contact }, number, label);
	} catch (error) {
		if (error instanceof DineroMappingError) {
			throw error.documentNumber
				? error
				: new DineroMappingError(
						error.message.startsWith(label) ? error.message : `${label}: ${error.message}`,
						number,
					);
		}
		if (error instanceof TotalsMismatchError)
			throw new DineroMappingError(
				`${label}: ${error.message.replace(/^Invoice \S+: /, '')} (booked in Dinero)`,
				number,
			);
		throw new DineroMappingError(`${label}: ${(error as Error).message}`, number);
	}
}

function mapBooked(input: DineroMapInput, number: string, label: string): Invoice {
	const { document, kind } = input;
	if (!document.Date) throw new DineroMappingError(`${label} has no date`, number);
	if (!document.ProductLines)
		throw new DineroMappingError(`${label} came without lines (fetch the document itself, not the list)`, number);
	const currency = String(document.Currency || 'DKK').toUpperCase();

	const notes: Note[] = [];
	const lines: InvoiceLine[] = [];
	document.ProductLines.forEach((line, index) => {
		const where = `line ${index + 1}`;
		if (String(line.LineType ?? 'Product').toLowerCase() === 'text') {
			const text = [line.Description, line.Comments]
				.map((t) => String(t ?? '').trim())
				.filter(Boolean)
				.join('\n');
			if (text) notes.push({ text });
			return;
		}
		lines.push(mapLine(line, String(lines.length + 1), input.vat, where));
	});
	if (lines.length === 0) throw new DineroMappingError(`${label} has no product lines`, number);
	const comment = String(document.Comment ?? '').trim();
	if (comment) notes.unshift({ text: comment });

	const seller = sellerParty(input.seller);
	const buyer = buyerParty(document, input.contact, number);

	const invoice: Invoice = {
		kind,
		number,
		issueDate: document.Date,
		currency,
		seller,
		buyer,
		lines,
	};
	if (document.PaymentDate && document.PaymentDate >= document.Date) invoice.dueDate = document.PaymentDate;
	const reference =
		trimOrUndefined(document.ExternalReference) ??
		trimOrUndefined(input.contact?.AttPerson) ??
		trimOrUndefined(input.contact?.ExternalReference);
	invoice.buyerReference = reference ?? buyer.name;
	const terms = paymentTerms(document);
	if (terms) invoice.paymentTerms = terms;
	// PEPPOL allows one document note (PEPPOL-EN16931-R002): the comment and text lines are joined.
	if (notes.length) invoice.notes = [{ text: notes.map((n) => n.text).join('\n') }];
	const means = paymentMeans(input.seller, number);
	if (means) invoice.paymentMeans = means;

	if (kind === 'creditNote' && input.creditedInvoice?.Number && !isDraft(input.creditedInvoice)) {
		invoice.precedingInvoices = [
			{ number: String(input.creditedInvoice.Number), issueDate: input.creditedInvoice.Date ?? undefined },
		];
	}
	// Intra-community supply needs the delivery country and date (BR-IC-11/12): the buyer's address, the invoice date.
	if (lines.some((l) => l.vat.category === 'K'))
		invoice.delivery = { date: document.Date, address: { ...buyer.address } };

	// Booked totals: Dinero rounds VAT per line, so the booked VAT per category is the sum of the lines' VAT.
	const byCategory = new Map<string, { category: VatCategory; rate?: string; taxAmount: ReturnType<typeof dec> }>();
	document.ProductLines.forEach((line, index) => {
		if (String(line.LineType ?? 'Product').toLowerCase() === 'text') return;
		const mapped = lines.find((l) => l.id === String(lineIndexAmongProducts(document, index) + 1))!;
		const lineVat = dec(line.TotalAmountInclVat ?? 0, 'line total incl. VAT').minus(
			dec(line.TotalAmount ?? 0, 'line total'),
		);
		const key = vatKey(mapped.vat);
		const acc = byCategory.get(key) ?? { category: mapped.vat.category, rate: mapped.vat.rate, taxAmount: ZERO };
		acc.taxAmount = acc.taxAmount.plus(lineVat);
		byCategory.set(key, acc);
	});
	const totalVat =
		document.TotalVat === undefined || document.TotalVat === null
			? undefined
			: money(dec(document.TotalVat, 'TotalVat'));
	const totalInclVat =
		document.TotalInclVat === undefined || document.TotalInclVat === null
			? undefined
			: money(dec(document.TotalInclVat, 'TotalInclVat'));
	invoice.booked = {
		vatTotal: totalVat,
		taxInclusive: totalInclVat,
		payable: totalInclVat,
		vatByCategory: [...byCategory.values()].map((b) => ({
			category: b.category,
			rate: b.rate,
			taxAmount: money(b.taxAmount),
		})),
	};

	if (currency !== 'DKK' && totalVat !== undefined) {
		const inDkk = document.TotalInclVatInDkk;
		const total = dec(document.TotalInclVat ?? 0, 'TotalInclVat');
		if (inDkk !== undefined && inDkk !== null && !total.eq(0)) {
			const rate = dec(inDkk, 'TotalInclVatInDkk').div(total);
			invoice.taxCurrency = {
				code: 'DKK',
				exchangeRate: plain(round(rate, 6)),
				vatTotal: money(dec(totalVat).times(rate)),
			};
		}
	}
	return reconcile(invoice);
}

function lineIndexAmongProducts(document: DineroDocument, index: number): number {
	let n = 0;
	for (let i = 0; i < index; i++)
		if (String(document.ProductLines![i].LineType ?? 'Product').toLowerCase() !== 'text') n++;
	return n;
}

// ---------------------------------------------------------------------------------------------------------------

function digits(value: unknown): string {
	return String(value ?? '').replace(/\D/g, '');
}

function trimOrUndefined(value: unknown): string | undefined {
	const text = String(value ?? '').trim();
	return text ? text : undefined;
}

function compact<T extends Record<string, string | undefined>>(value: T): Partial<T> | undefined {
	const out: Partial<T> = {};
	let any = false;
	for (const [k, v] of Object.entries(value)) {
		const t = String(v ?? '').trim();
		if (t) {
			(out as Record<string, string>)[k] = t;
			any = true;
		}
	}
	return any ? out : undefined;
}
