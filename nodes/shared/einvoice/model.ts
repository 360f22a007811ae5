/**
 * The canonical invoice: the EN 16931 semantic model as plain JSON.
 *
 * Every source mapper produces it and every writer reads only it. Business terms carry their
 * EN 16931 id (BT-n for terms, BG-n for groups) in a comment.
 *
 * Money, quantities and rates are decimal *strings* ("1234.50"), never JS numbers: the model travels
 * through n8n items as JSON, and a string keeps every digit. Arithmetic happens in `decimal.ts`.
 */

/** A decimal number written as a string: optional minus sign, digits, optional fraction. */
export type DecimalString = string;

/** ISO 8601 calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** `invoice` is a commercial invoice (BT-3 380 by default); `creditNote` is a credit note (381). */
export type InvoiceKind = 'invoice' | 'creditNote';

/**
 * VAT category codes (UNCL5305 subset used by EN 16931, BT-95/BT-102/BT-118/BT-151).
 * S standard, Z zero rated, E exempt, AE reverse charge, K intra-community supply,
 * G export outside the EU, O outside the scope of VAT, L/M Canary Islands / Ceuta-Melilla.
 */
export type VatCategory = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O' | 'L' | 'M';

/** An identifier with an optional scheme (ISO 6523 ICD such as 0184 CVR, 0088 GLN, 0198 DK VAT). */
export interface Identifier {
	id: string;
	/** Scheme identifier (ICD for parties, UNTDID 7143 for item classifications …). */
	scheme?: string;
}

/** Electronic address (BT-34 / BT-49) with its EAS scheme (BT-34-1 / BT-49-1), e.g. `0184`, `0088`, `0198`, `0216`. */
export interface Endpoint {
	scheme: string;
	id: string;
}

/** Postal address (BG-5 / BG-8 / BG-12 / BG-15). */
export interface PostalAddress {
	line1?: string; // BT-35 / BT-50 / BT-64 / BT-75
	line2?: string; // BT-36 / BT-51 / BT-65 / BT-76
	line3?: string; // BT-162 / BT-163 / BT-164 / BT-165
	city?: string; // BT-37 / BT-52 / BT-66 / BT-77
	postalCode?: string; // BT-38 / BT-53 / BT-67 / BT-78
	countrySubdivision?: string; // BT-39 / BT-54 / BT-68 / BT-79
	/** ISO 3166-1 alpha-2 (BT-40 / BT-55 / BT-69 / BT-80). */
	country: string;
}

/** Contact (BG-6 / BG-9). */
export interface Contact {
	name?: string; // BT-41 / BT-56
	phone?: string; // BT-42 / BT-57
	email?: string; // BT-43 / BT-58
}

/** Seller (BG-4) or buyer (BG-7). */
export interface Party {
	name: string; // BT-27 / BT-44
	tradingName?: string; // BT-28 / BT-45
	/** Other party identifiers (BT-29 seller identifier, BT-46 buyer identifier), each with a scheme. */
	identifiers?: Identifier[];
	/** Legal registration id (BT-30 / BT-47), e.g. CVR with scheme 0184. */
	legalId?: Identifier;
	/** VAT identifier with its country prefix (BT-31 / BT-48), e.g. `DK12345674`. */
	vatId?: string;
	/** Seller's tax registration id other than VAT (BT-32). */
	taxRegistrationId?: string;
	/** Seller's additional legal information (BT-33). */
	legalForm?: string;
	endpoint?: Endpoint; // BT-34 / BT-49
	address: PostalAddress; // BG-5 / BG-8
	contact?: Contact; // BG-6 / BG-9
}

/** Payee (BG-10), when different from the seller. */
export interface Payee {
	name: string; // BT-59
	identifier?: Identifier; // BT-60
	legalId?: Identifier; // BT-61
}

/** Seller tax representative (BG-11). */
export interface TaxRepresentative {
	name: string; // BT-62
	vatId: string; // BT-63
	address: PostalAddress; // BG-12
}

/** Delivery information (BG-13). */
export interface Delivery {
	partyName?: string; // BT-70
	locationId?: Identifier; // BT-71 (+ BT-71-1)
	date?: IsoDate; // BT-72
	address?: PostalAddress; // BG-15
}

/** Invoicing period (BG-14) or line period (BG-26). */
export interface Period {
	startDate?: IsoDate; // BT-73 / BT-134
	endDate?: IsoDate; // BT-74 / BT-135
	/** VAT point date code (BT-8), document level only. */
	descriptionCode?: string;
}

/** Credit transfer (BG-17). */
export interface CreditTransfer {
	/** Payment account identifier (BT-84): an IBAN, or a domestic account such as Danish reg.no + account. */
	accountId: string;
	accountName?: string; // BT-85
	/** Payment service provider identifier (BT-86), a BIC; or the Danish bank registration number. */
	serviceProviderId?: string;
}

/** Payment card information (BG-18). */
export interface PaymentCard {
	/** Last digits of the primary account number (BT-87); never the full PAN. */
	accountNumber: string;
	holderName?: string; // BT-88
	network?: string;
}

/** Direct debit (BG-19). */
export interface DirectDebit {
	mandateId?: string; // BT-89
	creditorId?: string; // BT-90 bank assigned creditor identifier
	debitedAccountId?: string; // BT-91
}

/**
 * Danish FIK / giro payment ("indbetalingskort"). The card type says which: 01, 04, 15 (giro, PaymentMeansCode 50)
 * or 71, 73, 75 (FIK, PaymentMeansCode 93). The writers put `<cardType>#<paymentId>` in PaymentID and the creditor
 * number in the account; the code itself comes from `PaymentMeans.code`.
 */
export interface DanishGiro {
	cardType: '01' | '04' | '15' | '71' | '73' | '75';
	/** Payment identification (betalings-id), not used by card type 01 and 73. */
	paymentId?: string;
	/** Creditor number (kreditornummer / girokonto), 8 digits for FIK. */
	creditorId: string;
}

/** Payment instructions (BG-16). UBL allows several; PEPPOL accepts several `cac:PaymentMeans`. */
export interface PaymentMeans {
	/** UNCL4461 code (BT-81): 30 credit transfer, 31 debit transfer, 42 bank account, 48 card, 49 direct debit, 58 SEPA credit transfer, 59 SEPA direct debit, 93 FIK/giro (DK), 1 not defined. */
	code: string;
	text?: string; // BT-82
	/** Remittance information (BT-83). */
	paymentId?: string;
	creditTransfer?: CreditTransfer;
	card?: PaymentCard;
	directDebit?: DirectDebit;
	giro?: DanishGiro;
}

/** Document level allowance (BG-20) or charge (BG-21); also line level (BG-27 / BG-28). */
export interface AllowanceCharge {
	/** true for a charge, false for an allowance. */
	isCharge: boolean;
	/** Amount (BT-92 / BT-99 / BT-136 / BT-141). Computed from base × percent when absent. */
	amount?: DecimalString;
	baseAmount?: DecimalString; // BT-93 / BT-100 / BT-137 / BT-142
	percent?: DecimalString; // BT-94 / BT-101 / BT-138 / BT-143
	reason?: string; // BT-97 / BT-104 / BT-139 / BT-144
	/** UNCL5189 (allowances) or UNCL7161 (charges) code (BT-98 / BT-105 / BT-140 / BT-145). */
	reasonCode?: string;
	/** VAT of a document level allowance/charge (BT-95/BT-96, BT-102/BT-103). Ignored on lines. */
	vat?: VatInfo;
}

/** VAT of a line or document allowance/charge. */
export interface VatInfo {
	category: VatCategory; // BT-151 / BT-95 / BT-102
	/** Percentage (BT-152 / BT-96 / BT-103); "0" for Z, E, AE, K, G; absent for O. */
	rate?: DecimalString;
	/** Exemption reason text (BT-120) carried into the VAT breakdown of this category. */
	exemptionReason?: string;
	/** Exemption reason code, VATEX list (BT-121). */
	exemptionReasonCode?: string;
}

/** Price details (BG-29). */
export interface Price {
	/** Item net price (BT-146), after price discount; keeps its precision. */
	amount: DecimalString;
	/** Price base quantity (BT-149), default 1. */
	baseQuantity?: DecimalString;
	baseQuantityUnitCode?: string; // BT-150
	/** Item price discount (BT-147). */
	discount?: DecimalString;
	/** Item gross price (BT-148). */
	grossAmount?: DecimalString;
}

/** Item attribute (BG-32). */
export interface ItemAttribute {
	name: string; // BT-160
	value: string; // BT-161
}

/** Item classification (BT-158 with BT-158-1 list id and BT-158-2 version). */
export interface ItemClassification {
	code: string;
	listId: string;
	listVersionId?: string;
}

/** Item information (BG-31). */
export interface Item {
	name: string; // BT-153
	description?: string; // BT-154
	sellersId?: string; // BT-155
	buyersId?: string; // BT-156
	/** Standard identifier (BT-157), e.g. a GTIN with scheme 0160. */
	standardId?: Identifier;
	classifications?: ItemClassification[]; // BT-158
	originCountry?: string; // BT-159
	attributes?: ItemAttribute[]; // BG-32
}

/** Invoice line (BG-25). */
export interface InvoiceLine {
	id: string; // BT-126
	note?: string; // BT-127
	objectId?: Identifier; // BT-128
	/** Invoiced quantity (BT-129); negative on a negative line. */
	quantity: DecimalString;
	/** UN/ECE Recommendation 20 unit code (BT-130), e.g. C62 piece, HUR hour, KGM kilogram. */
	unitCode: string;
	/** Line net amount (BT-131). Computed by `totals.ts` when absent. */
	netAmount?: DecimalString;
	orderLineReference?: string; // BT-132
	accountingCost?: string; // BT-133
	period?: Period; // BG-26
	allowanceCharges?: AllowanceCharge[]; // BG-27 / BG-28
	price: Price; // BG-29
	vat: VatInfo; // BG-30
	item: Item; // BG-31
}

/** A reference to a preceding invoice (BG-3), mandatory in practice on credit notes. */
export interface PrecedingInvoice {
	number: string; // BT-25
	issueDate?: IsoDate; // BT-26
}

/** Invoice note (BG-1). */
export interface Note {
	text: string; // BT-22
	/** UNCL4451 subject code (BT-21). */
	subjectCode?: string;
}

/** Supporting document (BG-24); the original PDF travels here. */
export interface Attachment {
	id: string; // BT-122
	description?: string; // BT-123
	/** Base64 content of an embedded document (BT-125). */
	contentBase64?: string;
	mimeCode?: string; // BT-125-1, e.g. application/pdf
	fileName?: string; // BT-125-2
	/** External document location (BT-124). */
	uri?: string;
}

/** VAT breakdown row (BG-23), one per category and rate. */
export interface VatBreakdown {
	category: VatCategory; // BT-118
	rate?: DecimalString; // BT-119
	taxableAmount: DecimalString; // BT-116
	taxAmount: DecimalString; // BT-117
	exemptionReason?: string; // BT-120
	exemptionReasonCode?: string; // BT-121
}

/** Document totals (BG-22) with the VAT breakdown (BG-23). Computed by `totals.ts`. */
export interface Totals {
	lineNetTotal: DecimalString; // BT-106
	allowanceTotal?: DecimalString; // BT-107
	chargeTotal?: DecimalString; // BT-108
	taxExclusive: DecimalString; // BT-109
	vatTotal: DecimalString; // BT-110
	/** Total VAT in the tax currency (BT-111), when a tax currency is set. */
	vatTotalInTaxCurrency?: DecimalString;
	taxInclusive: DecimalString; // BT-112
	prepaid?: DecimalString; // BT-113
	rounding?: DecimalString; // BT-114
	payable: DecimalString; // BT-115
	vatBreakdown: VatBreakdown[]; // BG-23
}

/** Totals as booked in the source system, for reconciliation (ARCHITECTURE rule 4). Not written to documents. */
export interface BookedTotals {
	/** Total VAT as booked. */
	vatTotal?: DecimalString;
	/** Amount due incl. VAT as booked (before prepaid amounts). */
	taxInclusive?: DecimalString;
	/** Payable amount as booked. */
	payable?: DecimalString;
	/** Booked VAT per category/rate, when the source reports it. */
	vatByCategory?: { category: VatCategory; rate?: DecimalString; taxAmount: DecimalString }[];
}

/** Tax currency (BT-6) with how to get BT-111. */
export interface TaxCurrency {
	/** ISO 4217 code (BT-6), e.g. DKK on a EUR invoice to a Danish buyer. */
	code: string;
	/** Units of tax currency per unit of document currency; used to compute BT-111 when `vatTotal` is absent. */
	exchangeRate?: DecimalString;
	/** BT-111 as booked. */
	vatTotal?: DecimalString;
}

/** The canonical EN 16931 invoice or credit note. */
export interface Invoice {
	kind: InvoiceKind;
	/** UNCL1001 type code (BT-3); default 380 for invoices and 381 for credit notes. */
	typeCode?: string;
	number: string; // BT-1
	issueDate: IsoDate; // BT-2
	/** Value added tax point date (BT-7). */
	taxPointDate?: IsoDate;
	dueDate?: IsoDate; // BT-9
	/** ISO 4217 document currency (BT-5). */
	currency: string;
	taxCurrency?: TaxCurrency; // BT-6 / BT-111
	buyerReference?: string; // BT-10
	projectReference?: string; // BT-11
	contractReference?: string; // BT-12
	/** Buyer's purchase order reference (BT-13). */
	orderReference?: string;
	/** Seller's sales order reference (BT-14). */
	salesOrderReference?: string;
	receivingAdviceReference?: string; // BT-15
	despatchAdviceReference?: string; // BT-16
	tenderReference?: string; // BT-17
	invoicedObject?: Identifier; // BT-18
	accountingCost?: string; // BT-19
	paymentTerms?: string; // BT-20
	notes?: Note[]; // BG-1
	precedingInvoices?: PrecedingInvoice[]; // BG-3
	seller: Party; // BG-4
	buyer: Party; // BG-7
	payee?: Payee; // BG-10
	taxRepresentative?: TaxRepresentative; // BG-11
	delivery?: Delivery; // BG-13
	invoicingPeriod?: Period; // BG-14 (+ BT-8 as descriptionCode)
	paymentMeans?: PaymentMeans[]; // BG-16
	allowanceCharges?: AllowanceCharge[]; // BG-20 / BG-21
	lines: InvoiceLine[]; // BG-25
	prepaidAmount?: DecimalString; // BT-113
	/** Rounding of the payable amount (BT-114), e.g. to whole kroner. */
	roundingAmount?: DecimalString;
	attachments?: Attachment[]; // BG-24
	/** Computed by `computeTotals`; writers use these. */
	totals?: Totals;
	/** What the source booked; compared with the computed totals (`reconcile`). */
	booked?: BookedTotals;
}

/** Default UNCL1001 type code for a kind. */
export function defaultTypeCode(kind: InvoiceKind): string {
	return kind === 'creditNote' ? '381' : '380';
}
