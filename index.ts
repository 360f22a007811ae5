/**
 * n8n-nodes-einvoice-export as a library: the canonical EN 16931 invoice model, the UBL writers, the pre-flight
 * checks and the totals calculation, usable from an n8n Code node or any Node.js script without n8n.
 *
 * ```js
 * const { writeUbl, preflight, reconcile } = require('n8n-nodes-einvoice-export');
 * const invoice = reconcile(myInvoice);                       // totals computed and checked against the books
 * const findings = preflight(invoice, { format: 'peppol-bis3' });
 * const xml = writeUbl(invoice, { format: 'peppol-bis3' });
 * const back = readUbl(xml);                                  // UBL Invoice / CreditNote → canonical invoice
 * ```
 */
export type {
	AllowanceCharge,
	Attachment,
	BookedTotals,
	Contact,
	CreditTransfer,
	DanishGiro,
	DecimalString,
	Delivery,
	DirectDebit,
	Endpoint,
	Identifier,
	Invoice,
	InvoiceKind,
	InvoiceLine,
	IsoDate,
	Item,
	Note,
	Party,
	Payee,
	PaymentCard,
	PaymentMeans,
	Period,
	PostalAddress,
	PrecedingInvoice,
	Price,
	TaxCurrency,
	TaxRepresentative,
	Totals,
	VatBreakdown,
	VatCategory,
	VatInfo,
} from './nodes/shared/einvoice/model';
export { defaultTypeCode } from './nodes/shared/einvoice/model';
export type { DocumentFormat, Finding } from './nodes/shared/einvoice/findings';
export { hasFatal } from './nodes/shared/einvoice/findings';
export { computeTotals, reconcile, withTotals, TotalsMismatchError } from './nodes/shared/einvoice/totals';
export { preflight } from './nodes/shared/einvoice/preflight';
export { readInvoiceInput, InvoiceInputError } from './nodes/shared/einvoice/input';
export { InvalidDecimalError } from './nodes/shared/einvoice/decimal';
export { writeUbl, type WriteUblOptions } from './nodes/shared/ubl/write';
export { readUbl, UblReadError } from './nodes/shared/ubl/read';
export {
	buildDocument,
	documentFileName,
	idempotencyKey,
	DOCUMENT_FORMATS,
	type BuildOptions,
	type BuiltDocument,
	type DocumentFormatInfo,
} from './nodes/shared/ubl/document';
export {
	participantDnsName,
	lookupParticipant,
	ParticipantLookup,
	parseParticipant,
	validateParticipant,
	matchCustomer,
	candidatesFor,
	SML_ZONES,
	type LookupOptions,
	type LookupResult,
	type ParticipantId,
	type CustomerIdentifiers,
	type MatchResult,
} from './nodes/shared/network';
export {
	resolveRoute,
	applyOverrides,
	findCustomerRule,
	normaliseCustomerRule,
	type AdaptorDefaults,
	type CustomerRule,
	type Route,
} from './nodes/shared/routing';
export {
	mapBillyInvoice,
	billyBuyer,
	billySeller,
	BillyMappingError,
	type BillyMapOptions,
	type BillyPaymentSettings,
} from './nodes/Billy/mapper';
export {
	mapSeveraInvoice,
	SeveraMappingError,
	type SeveraDocument,
	type SeveraMapOptions,
} from './nodes/Severa/mapper';
