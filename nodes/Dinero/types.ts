/**
 * Dinero API records as the package reads them: PascalCase keys (normalised by `json.ts`), numbers as the API sends
 * them except document numbers, which are strings (drafts carry Int64.MaxValue).
 */

export type DineroNumeric = number | string;

export interface DineroProductLine {
	ProductGuid?: string | null;
	Description?: string | null;
	Comments?: string | null;
	Quantity?: DineroNumeric;
	Unit?: string | null;
	AccountNumber?: DineroNumeric;
	AccountName?: string | null;
	/** Unit price excl. VAT. */
	BaseAmountValue?: DineroNumeric;
	BaseAmountValueInclVat?: DineroNumeric;
	/** Discount in percent. */
	Discount?: DineroNumeric;
	/** Line total excl. VAT, as booked. */
	TotalAmount?: DineroNumeric;
	TotalAmountInclVat?: DineroNumeric;
	/** `Product` or `Text`. */
	LineType?: string;
}

/** An invoice or credit note (GET `/v1/{org}/invoices/{guid}` or `/v1/{org}/sales/creditnotes/{guid}`). */
export interface DineroDocument {
	Guid: string;
	/** Document number as a string; drafts: "9223372036854775807". */
	Number?: string | null;
	Status?: string;
	PaymentStatus?: string;
	/** The due date (Dinero has no DueDate field). */
	PaymentDate?: string | null;
	PaymentConditionType?: string | null;
	PaymentConditionNumberOfDays?: number | null;
	ContactGuid?: string | null;
	ContactName?: string | null;
	Date?: string;
	Currency?: string | null;
	Language?: string | null;
	ExternalReference?: string | null;
	Description?: string | null;
	Comment?: string | null;
	Address?: string | null;
	ShowLinesInclVat?: boolean;
	TotalExclVat?: DineroNumeric;
	TotalVatableAmount?: DineroNumeric;
	TotalNonVatableAmount?: DineroNumeric;
	TotalVat?: DineroNumeric;
	TotalInclVat?: DineroNumeric;
	TotalExclVatInDkk?: DineroNumeric;
	TotalInclVatInDkk?: DineroNumeric;
	MailOutStatus?: string | null;
	TimeStamp?: string;
	CreatedAt?: string | null;
	UpdatedAt?: string | null;
	DeletedAt?: string | null;
	ProductLines?: DineroProductLine[];
	/** Credit notes: the guid of the invoice credited [I]. */
	CreditNoteFor?: string | null;
	[key: string]: unknown;
}

export interface DineroContact {
	ContactGuid: string;
	ExternalReference?: string | null;
	Name?: string | null;
	Street?: string | null;
	ZipCode?: string | null;
	City?: string | null;
	CountryKey?: string | null;
	Phone?: string | null;
	Email?: string | null;
	AttPerson?: string | null;
	/** CVR (DK, with or without "DK") or a foreign VAT number. */
	VatNumber?: string | null;
	/** GLN/EAN location number (13 digits). */
	EanNumber?: string | null;
	IsPerson?: boolean;
	PaymentConditionType?: string | null;
	PaymentConditionNumberOfDays?: number | null;
	CreatedAt?: string | null;
	UpdatedAt?: string | null;
	DeletedAt?: string | null;
	[key: string]: unknown;
}

export interface DineroAccount {
	AccountNumber: DineroNumeric;
	Name?: string;
	VatCode?: string | null;
	[key: string]: unknown;
}

export interface DineroVatType {
	VatCode: string;
	Name?: string;
	/** A fraction (0.25) or a percentage (25) [I]; see `vatRatePercent`. */
	VatRate?: DineroNumeric;
	[key: string]: unknown;
}

export interface DineroOrganization {
	Id: number | string;
	Name?: string;
	IsPro?: boolean;
	IsPayingPro?: boolean;
	IsVatFree?: boolean;
	[key: string]: unknown;
}

export interface DineroPage<T> {
	Collection: T[];
	Pagination?: {
		Page?: number;
		PageSize?: number;
		Result?: number;
		ResultWithoutFilter?: number;
		MaxPageSizeAllowed?: number;
	};
}

/** What the user enters as the node's "Seller Details" (Dinero has no API for its own company data). */
export interface DineroSellerDetails {
	name: string;
	/** Danish CVR, 8 digits. */
	cvr: string;
	/** VAT id with prefix; default `DK` + CVR. */
	vatId?: string;
	/** Seller's own GLN: used as the electronic address (0088) instead of the CVR (0184). */
	gln?: string;
	street?: string;
	additionalStreet?: string;
	postalCode?: string;
	city?: string;
	/** ISO 3166-1 alpha-2, default DK. */
	country?: string;
	contactName?: string;
	email?: string;
	phone?: string;
	/** How the buyer pays: bank transfer to an IBAN, to a Danish reg./account number, or an FIK card. */
	paymentMethod?: 'iban' | 'bank' | 'fik' | 'none';
	iban?: string;
	bic?: string;
	bankRegNo?: string;
	bankAccountNo?: string;
	fikCreditorId?: string;
	fikCardType?: '71' | '73' | '75';
}
