/**
 * EANCOM 2002 INVOIC (UN/EDIFACT D.96A, association code EAN008) from the canonical invoice: invoices (BGM 380)
 * and credit notes (BGM 381) with GLN-addressed parties, in one interchange (UNB … UNZ) of one message.
 *
 * Pure: reads only the canonical model and its computed totals. Amounts are written as EN 16931 computes them
 * (`totals.ts`), so MOA 79/125/176/77 equal BT-106/BT-109/BT-110/BT-112.
 */
import type Big from 'big.js';

import { dec, money, plain } from '../einvoice/decimal';
import type { AllowanceCharge, Identifier, Invoice, Party, PostalAddress, VatInfo } from '../einvoice/model';
import { defaultTypeCode } from '../einvoice/model';
import { allowanceChargeAmount, lineNetAmount, withTotals } from '../einvoice/totals';
import { SEGMENT_TERMINATOR, UNA, segment, splitText, type Element } from './syntax';

export interface EdifactParty {
	/** Interchange id, a GLN for EANCOM. */
	id: string;
	/** Partner identification code qualifier (UNB S002/S003 0007): 14 = GS1 (EAN) location number. */
	qualifier?: string;
}

export interface InvoicOptions {
	/** Interchange control reference (UNB/UNZ 0020), from `nextControlReference`. Also the message reference. */
	controlReference: string;
	/** Interchange sender; default the seller's GLN. */
	sender?: EdifactParty;
	/** Interchange recipient; default the buyer's GLN. */
	recipient?: EdifactParty;
	/** UNB 0035 test indicator: the receiver must not process the interchange for real. */
	test?: boolean;
	/** End every segment with a line break after the terminator (easier to read; most receivers accept it). */
	newlineAfterSegment?: boolean;
	/** Preparation date and time (UNB S004); default now. */
	preparedAt?: Date;
	/** UNB 0026 application reference; default INVOIC. */
	applicationReference?: string;
	/** UNB 0031: ask the recipient for a CONTRL acknowledgement. */
	acknowledgementRequest?: boolean;
}

/** GS1 GLN of a party: an endpoint, identifier or legal id with ICD 0088. */
export function partyGln(party: Pick<Party, 'endpoint' | 'identifiers' | 'legalId'> | undefined): string | undefined {
	if (!party) return undefined;
	if (party.endpoint?.scheme === '0088' && party.endpoint.id) return party.endpoint.id.trim();
	const identifier = party.identifiers?.find((candidate) => candidate.scheme === '0088' && candidate.id);
	if (identifier) return identifier.id.trim();
	if (party.legalId?.scheme === '0088' && party.legalId.id) return party.legalId.id.trim();
	return undefined;
}

/** GTIN of an item: a standard id with scheme 0160 (GS1 GTIN), or a scheme-less 8/12/13/14-digit standard id. */
export function itemGtin(standardId: Identifier | undefined): string | undefined {
	if (!standardId?.id) return undefined;
	const id = standardId.id.trim();
	if (standardId.scheme === '0160') return id;
	if (!standardId.scheme && /^(\d{8}|\d{12,14})$/.test(id)) return id;
	return undefined;
}

/** Give the seller and buyer a GLN (as an identifier with ICD 0088) where the invoice has none. */
export function withPartyGlns(invoice: Invoice, glns: { seller?: string; buyer?: string }): Invoice {
	const add = (party: Party, gln: string | undefined): Party => {
		if (!gln || !party || partyGln(party)) return party;
		return { ...party, identifiers: [...(party.identifiers ?? []), { id: gln.trim(), scheme: '0088' }] };
	};
	return { ...invoice, seller: add(invoice.seller, glns.seller), buyer: add(invoice.buyer, glns.buyer) };
}

const date102 = (iso: string): string => iso.replace(/-/g, '').slice(0, 8);

function pad2(value: number): string {
	return String(value).padStart(2, '0');
}

/** Days from the issue date to the due date (PAT time relation "after date of invoice"). */
function daysBetween(from: string, to: string): number | undefined {
	const start = Date.parse(`${from}T00:00:00Z`);
	const end = Date.parse(`${to}T00:00:00Z`);
	if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
	return Math.round((end - start) / 86_400_000);
}

/** Rates are written without trailing zeros ("25", "12.5"). */
const rate = (value: string | undefined): string | undefined => (value === undefined ? undefined : plain(dec(value)));

/** TAX segment for VAT: `TAX+7+VAT+++:::<rate>+<category>`. Outside-scope (O) carries no rate. */
function taxSegment(vat: VatInfo): string {
	const percent = vat.category === 'O' ? undefined : rate(vat.rate ?? '0');
	return segment('TAX', '7', 'VAT', undefined, undefined, [undefined, undefined, undefined, percent], vat.category);
}

/** FTX+<qualifier>: free text in components of 512, up to 5 per segment, as many segments as needed (max 5). */
function freeText(qualifier: string, text: string): string[] {
	const pieces = splitText(text, 512, 25);
	const out: string[] = [];
	for (let i = 0; i < pieces.length && out.length < 5; i += 5) {
		out.push(segment('FTX', qualifier, undefined, undefined, pieces.slice(i, i + 5)));
	}
	return out;
}

/** NAD with the GLN (code list 9 = GS1), the name in up to five 35-character components and the street address. */
function nadSegment(
	qualifier: string,
	gln: string | undefined,
	name: string | undefined,
	address?: PostalAddress,
): string {
	const names = name ? splitText(name, 35, 5) : [];
	const streets = address
		? splitText([address.line1, address.line2, address.line3].filter(Boolean).join(', '), 35, 4)
		: [];
	return segment(
		'NAD',
		qualifier,
		gln ? [gln, undefined, '9'] : undefined,
		undefined,
		names.length ? names : undefined,
		streets.length ? streets : undefined,
		address?.city ? splitText(address.city, 35, 1)[0] : undefined,
		address?.countrySubdivision ? splitText(address.countrySubdivision, 9, 1)[0] : undefined,
		address?.postalCode ? splitText(address.postalCode, 9, 1)[0] : undefined,
		address?.country,
	);
}

/** ALC group of an allowance or charge: ALC, PCD (percentage), MOA 204/23 (amount) and 25 (base), TAX + MOA. */
function allowanceChargeSegments(ac: AllowanceCharge, amount: Big, withVat: boolean, sequence: number): string[] {
	const out: string[] = [];
	const reason = ac.reason ? splitText(ac.reason, 35, 2) : [];
	out.push(
		segment(
			'ALC',
			ac.isCharge ? 'C' : 'A',
			[String(sequence)],
			undefined,
			undefined,
			ac.reasonCode || reason.length ? [ac.reasonCode, undefined, undefined, reason[0], reason[1]] : undefined,
		),
	);
	if (ac.percent !== undefined && ac.percent !== '') {
		out.push(segment('PCD', [ac.isCharge ? '2' : '1', plain(dec(ac.percent)), '13']));
	}
	out.push(segment('MOA', [ac.isCharge ? '23' : '204', money(amount)]));
	if (ac.baseAmount !== undefined && ac.baseAmount !== '') out.push(segment('MOA', ['25', money(dec(ac.baseAmount))]));
	if (withVat && ac.vat) {
		out.push(taxSegment(ac.vat));
	}
	return out;
}

/** Reference DTM 171 of a preceding invoice's date. */
function referenceGroup(qualifier: string, reference: string | undefined, referenceDate?: string): string[] {
	if (!reference) return [];
	const out = [segment('RFF', [qualifier, splitText(reference, 35, 1)[0]])];
	if (referenceDate) out.push(segment('DTM', ['171', date102(referenceDate), '102']));
	return out;
}

/**
 * Write the interchange. Throws when a mandatory piece is missing (no interchange sender or recipient): the
 * EDIFACT pre-flight reports those as findings before a writer is called.
 */
export function writeInvoicD96a(input: Invoice, options: InvoicOptions): string {
	const invoice = input.totals ? input : withTotals(input);
	const totals = invoice.totals!;
	const sellerGln = partyGln(invoice.seller);
	const buyerGln = partyGln(invoice.buyer);
	const sender = options.sender ?? (sellerGln ? { id: sellerGln } : undefined);
	const recipient = options.recipient ?? (buyerGln ? { id: buyerGln } : undefined);
	if (!sender?.id) throw new Error(`Invoice ${invoice.number}: no interchange sender (the seller has no GLN)`);
	if (!recipient?.id) throw new Error(`Invoice ${invoice.number}: no interchange recipient (the buyer has no GLN)`);
	const reference = options.controlReference;
	if (!/^[A-Za-z0-9]{1,14}$/.test(reference ?? '')) {
		throw new Error(`Interchange control reference must be 1–14 letters or digits: ${JSON.stringify(reference)}`);
	}

	const at = options.preparedAt ?? new Date();
	const message: string[] = [];
	const add = (...segments: string[]) => message.push(...segments);

	// Header
	add(segment('UNH', reference, ['INVOIC', 'D', '96A', 'UN', 'EAN008']));
	const typeCode = invoice.typeCode || defaultTypeCode(invoice.kind);
	add(segment('BGM', [typeCode], [invoice.number], '9'));
	add(segment('DTM', ['137', date102(invoice.issueDate), '102']));
	if (invoice.delivery?.date) add(segment('DTM', ['35', date102(invoice.delivery.date), '102']));
	if (invoice.taxPointDate) add(segment('DTM', ['131', date102(invoice.taxPointDate), '102']));
	if (invoice.dueDate) add(segment('DTM', ['13', date102(invoice.dueDate), '102']));
	if (invoice.invoicingPeriod?.startDate && invoice.invoicingPeriod.endDate) {
		add(
			segment('DTM', [
				'263',
				`${date102(invoice.invoicingPeriod.startDate)}${date102(invoice.invoicingPeriod.endDate)}`,
				'718',
			]),
		);
	}
	// D.96A allows 10 header FTX: payment terms first, then the notes.
	const headerTexts = [
		...(invoice.paymentTerms ? freeText('AAB', invoice.paymentTerms) : []),
		...(invoice.notes ?? []).flatMap((note) => (note.text ? freeText('AAI', note.text) : [])),
	];
	add(...headerTexts.slice(0, 10));

	// SG1 references
	add(...referenceGroup('ON', invoice.orderReference));
	add(...referenceGroup('VN', invoice.salesOrderReference));
	add(...referenceGroup('CT', invoice.contractReference));
	add(...referenceGroup('AAK', invoice.despatchAdviceReference));
	add(...referenceGroup('ALO', invoice.receivingAdviceReference));
	add(...referenceGroup('AEP', invoice.projectReference));
	add(...referenceGroup('AVE', invoice.buyerReference));
	for (const preceding of invoice.precedingInvoices ?? []) {
		add(...referenceGroup('IV', preceding.number, preceding.issueDate));
	}

	// SG2 parties: supplier (with bank details and VAT number), buyer, invoicee, delivery party, payee.
	const seller = invoice.seller;
	add(nadSegment('SU', sellerGln, seller.name, seller.address));
	for (const means of invoice.paymentMeans ?? []) {
		const transfer = means.creditTransfer;
		if (!transfer?.accountId) continue;
		const holder = transfer.accountName ? splitText(transfer.accountName, 35, 1)[0] : undefined;
		const iban = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(transfer.accountId.replace(/\s/g, ''));
		const provider = transfer.serviceProviderId;
		add(
			segment(
				'FII',
				'RB',
				[transfer.accountId.replace(/\s/g, ''), holder],
				provider ? (iban || /^[A-Z]{6}/.test(provider) ? [provider, '25', '17'] : [provider, '25', '5']) : undefined,
			),
		);
	}
	if (seller.vatId) add(segment('RFF', ['VA', seller.vatId]));
	if (seller.legalId?.id && seller.legalId.scheme !== '0088') add(segment('RFF', ['XA', seller.legalId.id]));
	const contact = seller.contact;
	if (contact && (contact.name || contact.phone || contact.email)) {
		add(segment('CTA', 'IC', contact.name ? [undefined, splitText(contact.name, 35, 1)[0]] : undefined));
		if (contact.phone) add(segment('COM', [contact.phone, 'TE']));
		if (contact.email) add(segment('COM', [contact.email, 'EM']));
	}

	const buyer = invoice.buyer;
	add(nadSegment('BY', buyerGln, buyer.name, buyer.address));
	if (buyer.vatId) add(segment('RFF', ['VA', buyer.vatId]));
	if (buyer.legalId?.id && buyer.legalId.scheme !== '0088') add(segment('RFF', ['XA', buyer.legalId.id]));
	if (buyer.contact?.name || buyer.contact?.phone || buyer.contact?.email) {
		const buyerContact = buyer.contact;
		add(segment('CTA', 'PD', buyerContact.name ? [undefined, splitText(buyerContact.name, 35, 1)[0]] : undefined));
		if (buyerContact.phone) add(segment('COM', [buyerContact.phone, 'TE']));
		if (buyerContact.email) add(segment('COM', [buyerContact.email, 'EM']));
	}
	// The invoicee is the buyer in our model (EN 16931 has no separate invoicee).
	add(nadSegment('IV', buyerGln, buyer.name, buyer.address));
	if (buyer.vatId) add(segment('RFF', ['VA', buyer.vatId]));

	const delivery = invoice.delivery;
	const deliveryGln = delivery?.locationId?.scheme === '0088' ? delivery.locationId.id : undefined;
	if (delivery && (deliveryGln || delivery.partyName || delivery.address)) {
		add(nadSegment('DP', deliveryGln, delivery.partyName, delivery.address));
		if (delivery.locationId?.id && !deliveryGln) add(segment('LOC', '7', [delivery.locationId.id]));
	}
	if (invoice.payee) {
		const payeeGln = invoice.payee.identifier?.scheme === '0088' ? invoice.payee.identifier.id : undefined;
		add(nadSegment('PE', payeeGln, invoice.payee.name));
	}
	if (invoice.taxRepresentative) {
		add(nadSegment('LC', undefined, invoice.taxRepresentative.name, invoice.taxRepresentative.address));
		add(segment('RFF', ['VA', invoice.taxRepresentative.vatId]));
	}

	// SG7 currencies: the invoicing currency, and the VAT currency with its rate when they differ.
	if (invoice.taxCurrency?.code && invoice.taxCurrency.code !== invoice.currency) {
		add(
			segment(
				'CUX',
				['2', invoice.currency, '4'],
				['3', invoice.taxCurrency.code, '4'],
				invoice.taxCurrency.exchangeRate ? plain(dec(invoice.taxCurrency.exchangeRate)) : undefined,
			),
		);
	} else {
		add(segment('CUX', ['2', invoice.currency, '4']));
	}

	// SG8 payment terms: net due a number of days after the invoice date.
	if (invoice.dueDate) {
		const days = daysBetween(invoice.issueDate, invoice.dueDate);
		add(segment('PAT', '1', undefined, days !== undefined && days >= 0 ? ['5', '3', 'D', String(days)] : undefined));
		add(segment('DTM', ['13', date102(invoice.dueDate), '102']));
	}

	// SG15 document allowances and charges, each with its VAT category.
	let sequence = 0;
	const documentCharges = (invoice.allowanceCharges ?? []).map((ac, index) => ({
		ac,
		amount: allowanceChargeAmount(ac, `document ${ac.isCharge ? 'charge' : 'allowance'} ${index + 1}`),
	}));
	for (const { ac, amount } of documentCharges) add(...allowanceChargeSegments(ac, amount, true, ++sequence));

	// Detail: SG25 lines.
	for (const [index, line] of invoice.lines.entries()) {
		const gtin = itemGtin(line.item.standardId);
		// LIN 1082 is numeric (n..6): the line id when it is a number, else the position.
		const lineNumber = /^\d{1,6}$/.test(String(line.id)) ? String(line.id) : String(index + 1);
		add(segment('LIN', lineNumber, undefined, gtin ? [gtin, 'SRV'] : undefined));
		if (line.item.sellersId || line.item.buyersId) {
			add(
				segment(
					'PIA',
					gtin ? '1' : '5',
					line.item.sellersId ? [line.item.sellersId, 'SA'] : [line.item.buyersId!, 'IN'],
					line.item.sellersId && line.item.buyersId ? [line.item.buyersId, 'IN'] : undefined,
				),
			);
		}
		const names = splitText(line.item.name, 35, 2);
		add(segment('IMD', 'F', undefined, [undefined, undefined, undefined, names[0], names[1]]));
		if (line.item.description) {
			const descriptions = splitText(line.item.description, 35, 2);
			add(segment('IMD', 'F', '8', [undefined, undefined, undefined, descriptions[0], descriptions[1]]));
		}
		add(segment('QTY', ['47', plain(dec(line.quantity)), line.unitCode]));
		if (line.period?.startDate && line.period.endDate) {
			add(segment('DTM', ['263', `${date102(line.period.startDate)}${date102(line.period.endDate)}`, '718']));
		}
		if (line.note) add(...freeText('AAI', line.note));
		add(segment('MOA', ['203', money(lineNetAmount(line))]));
		const price = line.price;
		const base = price.baseQuantity ? plain(dec(price.baseQuantity)) : undefined;
		add(
			segment('PRI', [
				'AAA',
				plain(dec(price.amount)),
				undefined,
				undefined,
				base && base !== '1' ? base : undefined,
				base && base !== '1' ? (price.baseQuantityUnitCode ?? line.unitCode) : undefined,
			]),
		);
		if (price.grossAmount) {
			add(
				segment('PRI', [
					'AAB',
					plain(dec(price.grossAmount)),
					undefined,
					undefined,
					base && base !== '1' ? base : undefined,
				]),
			);
		}
		if (line.orderLineReference) add(segment('RFF', ['LI', line.orderLineReference]));
		add(taxSegment(line.vat));
		let lineSequence = 0;
		for (const [index, ac] of (line.allowanceCharges ?? []).entries()) {
			const amount = allowanceChargeAmount(ac, `line ${line.id} ${ac.isCharge ? 'charge' : 'allowance'} ${index + 1}`);
			add(...allowanceChargeSegments(ac, amount, false, ++lineSequence));
		}
	}

	// Summary
	add(segment('UNS', 'S'));
	add(segment('CNT', ['2', String(invoice.lines.length)]));
	add(segment('MOA', ['79', totals.lineNetTotal]));
	const allowances = totals.allowanceTotal !== undefined ? dec(totals.allowanceTotal) : undefined;
	const charges = totals.chargeTotal !== undefined ? dec(totals.chargeTotal) : undefined;
	if (allowances || charges) {
		add(segment('MOA', ['131', money((charges ?? dec('0')).minus(allowances ?? dec('0')))]));
		if (allowances) add(segment('MOA', ['260', money(allowances)]));
		if (charges) add(segment('MOA', ['259', money(charges)]));
	}
	add(segment('MOA', ['125', totals.taxExclusive]));
	add(segment('MOA', ['176', totals.vatTotal]));
	add(segment('MOA', ['77', totals.taxInclusive]));
	add(segment('MOA', ['86', totals.taxInclusive]));
	if (totals.prepaid !== undefined && !dec(totals.prepaid).eq(0)) add(segment('MOA', ['113', totals.prepaid]));
	if (totals.rounding !== undefined && !dec(totals.rounding).eq(0)) add(segment('MOA', ['165', totals.rounding]));
	if (totals.payable !== totals.taxInclusive) add(segment('MOA', ['9', totals.payable]));
	for (const row of totals.vatBreakdown) {
		add(taxSegment({ category: row.category, rate: row.rate }));
		add(segment('MOA', ['125', row.taxableAmount]));
		add(segment('MOA', ['124', row.taxAmount]));
	}
	sequence = 0;
	for (const { ac, amount } of documentCharges) {
		const reason = ac.reason ? splitText(ac.reason, 35, 2) : [];
		add(
			segment(
				'ALC',
				ac.isCharge ? 'C' : 'A',
				[String(++sequence)],
				undefined,
				undefined,
				ac.reasonCode || reason.length ? [ac.reasonCode, undefined, undefined, reason[0], reason[1]] : undefined,
			),
		);
		add(segment('MOA', [ac.isCharge ? '23' : '204', money(amount)]));
	}
	add(segment('UNT', String(message.length + 1), reference));

	const unb = segment(
		'UNB',
		['UNOC', '3'],
		[sender.id, sender.qualifier ?? '14'],
		[recipient.id, recipient.qualifier ?? '14'],
		[
			`${String(at.getUTCFullYear()).slice(2)}${pad2(at.getUTCMonth() + 1)}${pad2(at.getUTCDate())}`,
			`${pad2(at.getUTCHours())}${pad2(at.getUTCMinutes())}`,
		],
		reference,
		undefined,
		options.applicationReference ?? 'INVOIC',
		undefined,
		options.acknowledgementRequest ? '1' : undefined,
		undefined,
		options.test ? '1' : undefined,
	);
	const unz = segment('UNZ', '1', reference);
	const terminator = options.newlineAfterSegment ? `${SEGMENT_TERMINATOR}\n` : SEGMENT_TERMINATOR;
	// UNA ends in the terminator itself; the newline (if any) follows it like any segment.
	return [
		`${UNA}${options.newlineAfterSegment ? '\n' : ''}`,
		...[unb, ...message, unz].map((s) => `${s}${terminator}`),
	].join('');
}

/** Elements typed for callers that build extra segments. */
export type { Element };
