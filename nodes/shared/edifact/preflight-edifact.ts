/**
 * What an EANCOM 2002 INVOIC needs that a canonical invoice can miss: GLNs for the parties (interchange sender and
 * recipient, NAD SU/BY), a GTIN or a seller's item number on every line, valid GS1 check digits, and data that fits
 * the EDIFACT element lengths. Totals are checked by the format-neutral rules (BR-CO-…) this runs beside.
 *
 * Our own rule ids: `EANCOM-…`.
 */
import { dec } from '../einvoice/decimal';
import type { Finding } from '../einvoice/findings';
import type { Invoice } from '../einvoice/model';
import { isValidGln } from '../einvoice/preflight-identifiers';
import { computeLineNetAmount } from '../einvoice/totals';
import { itemGtin, partyGln } from './invoic-d96a';

function finding(id: string, message: string, path?: string, flag: Finding['flag'] = 'fatal'): Finding {
	const out: Finding = { id, flag, message };
	if (path !== undefined) out.path = path;
	return out;
}

function checkGln(findings: Finding[], gln: string, what: string, path: string): void {
	if (!/^\d{13}$/.test(gln))
		findings.push(finding('EANCOM-GLN-FORMAT', `${what} GLN must be 13 digits: ${JSON.stringify(gln)}`, path));
	else if (!isValidGln(gln))
		findings.push(finding('EANCOM-GLN-CHECK', `${what} GLN ${gln} has a wrong GS1 check digit`, path));
}

export function preflightEdifact(invoice: Invoice): Finding[] {
	const findings: Finding[] = [];
	const sellerGln = partyGln(invoice.seller);
	const buyerGln = partyGln(invoice.buyer);
	if (!sellerGln) {
		findings.push(
			finding(
				'EANCOM-GLN-SELLER',
				'The seller has no GLN (an endpoint or identifier with scheme 0088); EANCOM addresses the supplier (NAD+SU) and the interchange sender by GLN. Set "Sender GLN" in the node options.',
				'seller.identifiers',
			),
		);
	} else checkGln(findings, sellerGln, 'The seller', 'seller.identifiers');
	if (!buyerGln) {
		findings.push(
			finding(
				'EANCOM-GLN-BUYER',
				'The buyer has no GLN (an endpoint or identifier with scheme 0088); EANCOM addresses the buyer (NAD+BY) and the interchange recipient by GLN. Give it in the route (json.route.receiver) or the node options.',
				'buyer.identifiers',
			),
		);
	} else checkGln(findings, buyerGln, 'The buyer', 'buyer.identifiers');
	const delivery = invoice.delivery?.locationId;
	if (delivery?.scheme === '0088' && delivery.id)
		checkGln(findings, delivery.id.trim(), 'The delivery location', 'delivery.locationId');
	const payee = invoice.payee?.identifier;
	if (payee?.scheme === '0088' && payee.id) checkGln(findings, payee.id.trim(), 'The payee', 'payee.identifier');

	if (!invoice.number || String(invoice.number).length > 35) {
		findings.push(finding('EANCOM-BGM-NUMBER', 'The invoice number must be 1–35 characters (BGM 1004)', 'number'));
	}
	const currency = typeof invoice.currency === 'string' ? invoice.currency : '';
	if (!/^[A-Z]{3}$/.test(currency))
		findings.push(
			finding('EANCOM-CUX', `Currency must be an ISO 4217 code: ${JSON.stringify(invoice.currency)}`, 'currency'),
		);

	(Array.isArray(invoice.lines) ? invoice.lines : []).forEach((line, index) => {
		const path = `lines[${index}]`;
		const item = line?.item;
		const gtin = itemGtin(item?.standardId);
		if (gtin) {
			if (!/^(\d{8}|\d{12,14})$/.test(gtin) || !isValidGln(gtin)) {
				findings.push(
					finding(
						'EANCOM-GTIN-CHECK',
						`Line ${line.id}: GTIN ${gtin} is not 8/12/13/14 digits with a valid check digit`,
						`${path}.item.standardId`,
					),
				);
			}
		} else if (!item?.sellersId) {
			findings.push(
				finding(
					'EANCOM-LIN-ITEM',
					`Line ${line?.id ?? index + 1} has neither a GTIN (item standard id, scheme 0160) nor a seller's item number; EANCOM identifies every line item (LIN/PIA)`,
					`${path}.item`,
				),
			);
		}
		// MOA 203 must equal QTY × PRI (± allowances/charges): a receiver recomputes it.
		if (line?.netAmount !== undefined && line.netAmount !== '') {
			try {
				const computed = computeLineNetAmount(line);
				if (!computed.eq(dec(line.netAmount))) {
					findings.push(
						finding(
							'EANCOM-MOA-203',
							`Line ${line.id}: the line amount ${line.netAmount} is not quantity × price ± allowances/charges (${computed.toFixed(2)})`,
							`${path}.netAmount`,
						),
					);
				}
			} catch {
				// Malformed numbers are reported by the format-neutral checks (EXPORT-DECIMAL).
			}
		}
		if (item?.sellersId && item.sellersId.length > 35) {
			findings.push(
				finding(
					'EANCOM-PIA-LENGTH',
					`Line ${line.id}: the seller's item number is longer than 35 characters`,
					`${path}.item.sellersId`,
				),
			);
		}
		if (line?.id !== undefined && !/^\d{1,6}$/.test(String(line.id))) {
			findings.push(
				finding(
					'EANCOM-LIN-NUMBER',
					`Line id ${JSON.stringify(line.id)} is not a number (LIN 1082 is n..6); the line is numbered ${index + 1} instead`,
					`${path}.id`,
					'warning',
				),
			);
		}
	});
	return findings;
}
