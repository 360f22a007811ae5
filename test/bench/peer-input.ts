/**
 * The benchmark invoices in the input shape of @e-invoice-eu/core (its `ubl:Invoice` JSON), so that the peer
 * writes the same documents as ours: same parties, lines, VAT, allowances and payment means. The peer computes
 * no totals; they come from our `computeTotals` (outside the timed section). See ../../../shared/peer-bench.md.
 */
import { money, plain, dec } from '../../nodes/shared/einvoice/decimal';
import type { AllowanceCharge, Invoice, Party } from '../../nodes/shared/einvoice/model';
import { computeTotals, lineNetAmount, allowanceChargeAmount } from '../../nodes/shared/einvoice/totals';
import { PEPPOL_BIS3_CUSTOMIZATION_ID, PEPPOL_BIS3_PROFILE_ID } from '../../nodes/shared/ubl/peppol-bis3';

type Json = Record<string, unknown>;

function party(p: Party, isSeller: boolean): Json {
	const json: Json = {
		'cbc:EndpointID': p.endpoint!.id,
		'cbc:EndpointID@schemeID': p.endpoint!.scheme,
		'cac:PostalAddress': {
			'cbc:StreetName': p.address.line1,
			'cbc:CityName': p.address.city,
			'cbc:PostalZone': p.address.postalCode,
			'cac:Country': { 'cbc:IdentificationCode': p.address.country },
		},
		'cac:PartyLegalEntity': {
			'cbc:RegistrationName': p.name,
			'cbc:CompanyID': p.legalId!.id,
			'cbc:CompanyID@schemeID': p.legalId!.scheme,
		},
	};
	const taxScheme = { 'cbc:CompanyID': p.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } };
	// The peer's schema wants an array for the seller and an object for the buyer.
	json['cac:PartyTaxScheme'] = isSeller ? [taxScheme] : taxScheme;
	if (p.contact) {
		json['cac:Contact'] = { 'cbc:Name': p.contact.name, 'cbc:ElectronicMail': p.contact.email };
	}
	return json;
}

function allowanceCharge(ac: AllowanceCharge, currency: string, withTax: boolean): Json {
	const json: Json = {
		'cbc:ChargeIndicator': ac.isCharge ? 'true' : 'false',
		'cbc:AllowanceChargeReasonCode': ac.reasonCode,
		'cbc:AllowanceChargeReason': ac.reason,
		'cbc:Amount': money(allowanceChargeAmount(ac, 'allowance/charge')),
		'cbc:Amount@currencyID': currency,
	};
	if (withTax && ac.vat) {
		json['cac:TaxCategory'] = {
			'cbc:ID': ac.vat.category,
			'cbc:Percent': ac.vat.rate,
			'cac:TaxScheme': { 'cbc:ID': 'VAT' },
		};
	}
	return json;
}

/** Convert a benchmark invoice (see fixtures/canonical/generate.ts) into the peer's input. */
export function toPeerInput(invoice: Invoice): Json {
	const currency = invoice.currency;
	const totals = computeTotals(invoice);
	const cur = (amount: string) => amount;
	const means = invoice.paymentMeans![0];
	return {
		'ubl:Invoice': {
			'cbc:CustomizationID': PEPPOL_BIS3_CUSTOMIZATION_ID,
			'cbc:ProfileID': PEPPOL_BIS3_PROFILE_ID,
			'cbc:ID': invoice.number,
			'cbc:IssueDate': invoice.issueDate,
			'cbc:DueDate': invoice.dueDate,
			'cbc:InvoiceTypeCode': invoice.kind === 'creditNote' ? '381' : '380',
			'cbc:DocumentCurrencyCode': currency,
			'cbc:BuyerReference': invoice.buyerReference,
			'cac:OrderReference': { 'cbc:ID': invoice.orderReference },
			'cac:AccountingSupplierParty': { 'cac:Party': party(invoice.seller, true) },
			'cac:AccountingCustomerParty': { 'cac:Party': party(invoice.buyer, false) },
			'cac:PaymentMeans': [
				{
					'cbc:PaymentMeansCode': means.code,
					'cbc:PaymentID': means.paymentId,
					'cac:PayeeFinancialAccount': {
						'cbc:ID': means.creditTransfer!.accountId,
						'cac:FinancialInstitutionBranch': { 'cbc:ID': means.creditTransfer!.serviceProviderId },
					},
				},
			],
			'cac:PaymentTerms': { 'cbc:Note': invoice.paymentTerms },
			'cac:AllowanceCharge': (invoice.allowanceCharges ?? []).map((ac) => allowanceCharge(ac, currency, true)),
			'cac:TaxTotal': [
				{
					'cbc:TaxAmount': cur(totals.vatTotal),
					'cbc:TaxAmount@currencyID': currency,
					'cac:TaxSubtotal': totals.vatBreakdown.map((row) => ({
						'cbc:TaxableAmount': row.taxableAmount,
						'cbc:TaxableAmount@currencyID': currency,
						'cbc:TaxAmount': row.taxAmount,
						'cbc:TaxAmount@currencyID': currency,
						'cac:TaxCategory': {
							'cbc:ID': row.category,
							'cbc:Percent': row.rate,
							'cac:TaxScheme': { 'cbc:ID': 'VAT' },
						},
					})),
				},
			],
			'cac:LegalMonetaryTotal': {
				'cbc:LineExtensionAmount': totals.lineNetTotal,
				'cbc:LineExtensionAmount@currencyID': currency,
				'cbc:TaxExclusiveAmount': totals.taxExclusive,
				'cbc:TaxExclusiveAmount@currencyID': currency,
				'cbc:TaxInclusiveAmount': totals.taxInclusive,
				'cbc:TaxInclusiveAmount@currencyID': currency,
				...(totals.chargeTotal
					? { 'cbc:ChargeTotalAmount': totals.chargeTotal, 'cbc:ChargeTotalAmount@currencyID': currency }
					: {}),
				...(totals.allowanceTotal
					? { 'cbc:AllowanceTotalAmount': totals.allowanceTotal, 'cbc:AllowanceTotalAmount@currencyID': currency }
					: {}),
				'cbc:PayableAmount': totals.payable,
				'cbc:PayableAmount@currencyID': currency,
			},
			'cac:InvoiceLine': invoice.lines.map((line) => {
				const json: Json = {
					'cbc:ID': line.id,
					'cbc:InvoicedQuantity': plain(dec(line.quantity)),
					'cbc:InvoicedQuantity@unitCode': line.unitCode,
					'cbc:LineExtensionAmount': money(lineNetAmount(line)),
					'cbc:LineExtensionAmount@currencyID': currency,
					'cac:Item': {
						'cbc:Name': line.item.name,
						...(line.item.sellersId ? { 'cac:SellersItemIdentification': { 'cbc:ID': line.item.sellersId } } : {}),
						'cac:ClassifiedTaxCategory': {
							'cbc:ID': line.vat.category,
							'cbc:Percent': line.vat.rate,
							'cac:TaxScheme': { 'cbc:ID': 'VAT' },
						},
					},
					'cac:Price': { 'cbc:PriceAmount': line.price.amount, 'cbc:PriceAmount@currencyID': currency },
				};
				if (line.allowanceCharges) {
					json['cac:AllowanceCharge'] = line.allowanceCharges.map((ac) => allowanceCharge(ac, currency, false));
				}
				return json;
			}),
		},
	};
}
