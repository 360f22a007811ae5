/**
 * Visma Severa REST API JSON shapes (camelCase, as in the public OpenAPI spec). Only the fields we read are typed;
 * money comes as `MoneyOutputModel` `{ amount: number, currencyCode }` and quantities/rates as JSON numbers.
 */
export interface SeveraMoney {
	amount: number | null;
	currencyCode?: string | null;
}

export interface SeveraRef {
	guid: string;
	name?: string | null;
	number?: number | null;
	code?: string | null;
}

export interface SeveraAddress {
	addressline?: string | null;
	postalCode?: string | null;
	city?: string | null;
	/** Country as the API returns it: an ISO code or a country name (not pinned down by the spec). */
	country?: string | null;
	state?: string | null;
}

export interface SeveraInvoiceStatusRef {
	guid: string;
	name?: string | null;
	isSent?: boolean;
	isPaid?: boolean;
	isWaitingPayment?: boolean;
}

export interface SeveraInvoice {
	guid: string;
	number: number | null;
	referenceNumber?: string | null;
	date: string;
	dueDate?: string | null;
	paymentTerm?: number | null;
	overdueInterest?: number | null;
	status: SeveraInvoiceStatusRef;
	customer: SeveraRef;
	billingCustomer?: SeveraRef | null;
	currency: SeveraRef & { code: string };
	currencyRate?: number | null;
	totalExcludingTax?: SeveraMoney | null;
	totalTax?: SeveraMoney | null;
	totalIncludingTax?: SeveraMoney | null;
	isCreditNote?: boolean;
	creditNoteInvoice?: { guid: string; number?: number | null } | null;
	notes?: string | null;
	orderNumber?: string | null;
	ourReference?: string | null;
	yourReference?: string | null;
	projects?: (SeveraRef & { number?: number | null })[] | null;
	receiverAddress?: SeveraAddress | null;
	receiverContactEmail?: string | null;
	receiverContactName?: string | null;
	receiverCustomerName?: string | null;
	receiverVatNumber?: string | null;
	senderAddress?: SeveraAddress | null;
	senderName?: string | null;
	senderVatNumber?: string | null;
	senderContactName?: string | null;
	createdDateTime?: string;
	lastUpdatedDateTime: string;
}

export type SeveraRowType = 'FlatRate' | 'Hours' | 'ProjectFees' | 'TravelExpenses';

export interface SeveraInvoiceRow {
	guid: string;
	invoiceGuid: string;
	description?: string | null;
	quantity: number | null;
	measurementUnit?: string | null;
	unitPrice: SeveraMoney | null;
	/** VAT percentage of the row, e.g. 25.5. */
	vatRate: number | null;
	rowType?: SeveraRowType | null;
	category?: string | null;
	sortOrder?: number | null;
	code?: string[] | null;
}

export interface SeveraCustomer {
	guid: string;
	name: string;
	number?: number | null;
	vatNumber?: string | null;
	eInvoiceAddress?: string | null;
	eInvoiceOperator?: string | null;
	email?: string | null;
	headquarterAddress?: SeveraAddress | null;
	invoicingVat?: { guid?: string; code?: string | null; percentage?: number | null } | null;
}

export interface SeveraOrganizationDetails {
	guid?: string;
	name: string;
	vatNumber?: string | null;
	isVatRegistered?: boolean;
	address?: string | null;
	postalCode?: string | null;
	city?: string | null;
	country?: { code?: string | null; name?: string | null; englishName?: string | null } | null;
	currency?: { code?: string | null } | null;
	eInvoiceAddress?: string | null;
	eInvoiceOperatorCode?: string | null;
	phone?: string | null;
}

export interface SeveraBankAccount {
	guid: string;
	accountNumber: string;
	accountNumberFormat?: 'Iban' | 'Bankgiro' | string | null;
	bankName?: string | null;
	bic?: string | null;
	isActive?: boolean;
}

export interface SeveraInvoiceStatus {
	guid: string;
	name: string;
	isActive?: boolean;
	isDefault?: boolean;
	isDefaultForCreditNote?: boolean;
	hasInvoiceNumber?: boolean;
	isReadOnly?: boolean;
	isSent?: boolean;
	isPaid?: boolean;
	isWaitingPayment?: boolean;
	sortOrder?: number | null;
}
