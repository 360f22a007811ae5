/**
 * OIOUBL 2.1 code tables shared by the writer, the reader and the pre-flight checks.
 *
 * Each Danish decision lives here once: how our EAS/ICD schemes become OIOUBL `schemeID` values, how EN 16931
 * VAT categories become OIOUBL tax categories, and the list/scheme identifiers OIOUBL wants on its codes.
 * The values come from the OIOUBL 2.1 schematron 1.17.2 (NemHandel / Erhvervsstyrelsen).
 */
import type { VatCategory } from '../einvoice/model';
import { OIOUBL_UNIT_CODES } from './oioubl-codelists';

export const OIOUBL_CUSTOMIZATION_ID = 'OIOUBL-2.1';
export const OIOUBL_UBL_VERSION = '2.1';

/** Agency 320 is the Danish Agency for Digitisation (OIOUBL's own code lists). */
export const OIOUBL_AGENCY = '320';

/**
 * Default profile: NES profile 5 ("Billing"), which carries invoices and credit notes without requiring an order
 * reference. `Procurement-OrdSimR-BilSim-1.0` and the other OIOUBL profiles can be chosen per call.
 */
export const DEFAULT_PROFILE_ID = 'urn:www.nesubl.eu:profiles:profile5:ver2.0';

/** The profile list a profile id belongs to (schemeID of cbc:ProfileID); NES "ver2.0" ids exist from list 1.2. */
export function profileSchemeId(profileId: string): string {
	return profileId.endsWith(':ver2.0') ? 'urn:oioubl:id:profileid-1.2' : 'urn:oioubl:id:profileid-1.1';
}

/** Profiles whose schematron demands an OrderReference (F-INV002 / F-CRN002). */
export const ORDER_REQUIRED_PROFILES = new Set([
	'Procurement-OrdSimR-BilSim-1.0',
	'Procurement-OrdAdv-BilSim-1.0',
	'urn:www.nesubl.eu:profiles:profile7:ver1.0',
	'urn:www.nesubl.eu:profiles:profile7:ver2.0',
]);

/** InvoiceTypeCode lists: 1.1 allows 325 (proforma), 380, 393 (factored); 1.2 adds 390 (delcredere). */
export const INVOICE_TYPE_CODES_11 = new Set(['325', '380', '393']);
export const INVOICE_TYPE_CODES_12 = new Set(['325', '380', '390', '393']);
export function invoiceTypeListId(typeCode: string): string {
	return typeCode === '390' ? 'urn:oioubl:codelist:invoicetypecode-1.2' : 'urn:oioubl:codelist:invoicetypecode-1.1';
}

export const ADDRESS_FORMAT_LIST_ID = 'urn:oioubl:codelist:addressformatcode-1.1';
export const PAYMENT_CHANNEL_LIST_ID = 'urn:oioubl:codelist:paymentchannelcode-1.1';
export const PAYMENT_ID_SCHEME_ID = 'urn:oioubl:id:paymentid-1.1';

/**
 * EAS / ICD scheme (what our model carries on endpoints and identifiers) → OIOUBL schemeID, with the agency
 * attribute OIOUBL examples use. `prefixDK` marks Danish numbers OIOUBL writes with the country prefix
 * ("DK12345678", F-LIB180/F-LIB184/F-LIB190/F-LIB196).
 */
export interface OioublScheme {
	schemeId: string;
	agencyId?: string;
	prefixDK?: boolean;
}

export const EAS_TO_OIOUBL: Readonly<Record<string, OioublScheme>> = {
	'0088': { schemeId: 'GLN', agencyId: '9' }, // GLN / EAN location number (public sector "EAN-nummer")
	'0184': { schemeId: 'DK:CVR', agencyId: OIOUBL_AGENCY, prefixDK: true }, // Danish CVR
	'0198': { schemeId: 'DK:SE', agencyId: OIOUBL_AGENCY, prefixDK: true }, // Danish SE (VAT registration) number
	'0096': { schemeId: 'DK:P', agencyId: OIOUBL_AGENCY }, // Danish P-number (production unit)
	'0060': { schemeId: 'DUNS' },
	'0007': { schemeId: 'SE:ORGNR' },
	'0192': { schemeId: 'NO:ORGNR' },
	'0037': { schemeId: 'FI:OVT' },
	'0213': { schemeId: 'FI:VAT' },
	'0009': { schemeId: 'FR:SIRET' },
	'9955': { schemeId: 'SE:VAT' },
	'9908': { schemeId: 'NO:VAT' },
	'9906': { schemeId: 'IT:VAT' },
	'9914': { schemeId: 'AT:VAT' },
	'9925': { schemeId: 'BE:VAT' },
	'9930': { schemeId: 'DE:VAT' },
	'9944': { schemeId: 'NL:VAT' },
	'9920': { schemeId: 'ES:VAT' },
	'9932': { schemeId: 'GB:VAT' },
	'9957': { schemeId: 'FR:VAT' },
	'9919': { schemeId: 'AT:KUR' },
	'9910': { schemeId: 'HU:VAT' },
};

/** OIOUBL schemeID → EAS, the reverse of the table above (the reader uses it). */
export const OIOUBL_TO_EAS: Readonly<Record<string, string>> = Object.fromEntries(
	Object.entries(EAS_TO_OIOUBL).map(([eas, s]) => [s.schemeId, eas]),
);
// EAN is the older name of GLN in Danish documents.
(OIOUBL_TO_EAS as Record<string, string>).EAN = '0088';

/** schemeIDs OIOUBL accepts on cbc:EndpointID (F-LIB179); ZZZ is not among them. */
export const ENDPOINT_SCHEME_IDS = new Set(
	'GLN,DUNS,DK:P,DK:CVR,DK:CPR,DK:SE,DK:VANS,FR:SIRET,SE:ORGNR,SE:VAT,FI:OVT,FI:ORGNR,FI:VAT,IT:FTI,IT:SIA,IT:SECETI,IT:VAT,IT:CF,NO:ORGNR,NO:VAT,HU:VAT,EU:VAT,EU:REID,AT:VAT,AT:GOV,AT:CID,IS:KT,IBAN,AT:KUR,ES:VAT,IT:IPA,AD:VAT,AL:VAT,BA:VAT,BE:VAT,BG:VAT,CH:VAT,CY:VAT,CZ:VAT,DE:VAT,EE:VAT,GB:VAT,GR:VAT,HR:VAT,IE:VAT,LI:VAT,LT:VAT,LU:VAT,LV:VAT,MC:VAT,ME:VAT,MK:VAT,MT:VAT,NL:VAT,PL:VAT,PT:VAT,RO:VAT,RS:VAT,SI:VAT,SK:VAT,SM:VAT,TR:VAT,VA:VAT'.split(
		',',
	),
);

/** Map an EAS scheme to OIOUBL, or undefined when OIOUBL has no scheme for it. */
export function oioublScheme(eas: string | undefined): OioublScheme | undefined {
	return eas === undefined ? undefined : EAS_TO_OIOUBL[eas];
}

/** The identifier value as OIOUBL writes it: Danish CVR/SE numbers carry the "DK" prefix. */
export function oioublIdValue(id: string, scheme: OioublScheme | undefined): string {
	const trimmed = id.trim();
	if (scheme?.prefixDK && /^\d{8}$/.test(trimmed)) return `DK${trimmed}`;
	return trimmed;
}

/** Reverse of `oioublIdValue`: our model keeps CVR (0184) as 8 digits, as PEPPOL does. */
export function canonicalIdValue(id: string, eas: string | undefined): string {
	const trimmed = id.trim();
	if ((eas === '0184' || eas === '0096') && /^DK\d{8}$/.test(trimmed)) return trimmed.slice(2);
	return trimmed;
}

/**
 * EN 16931 VAT category → OIOUBL TaxCategory ID and its scheme list. OIOUBL 2.1 has no separate "exempt"
 * category: exempt supplies (E) are written as ZeroRated with the exemption reason, and the reader turns a
 * ZeroRated category with an exemption reason back into E. K, G, O, L and M exist from list 1.4.
 */
export const VAT_TO_OIOUBL: Readonly<Record<VatCategory, { id: string; schemeId: string }>> = {
	S: { id: 'StandardRated', schemeId: 'urn:oioubl:id:taxcategoryid-1.1' },
	Z: { id: 'ZeroRated', schemeId: 'urn:oioubl:id:taxcategoryid-1.1' },
	E: { id: 'ZeroRated', schemeId: 'urn:oioubl:id:taxcategoryid-1.1' },
	AE: { id: 'ReverseCharge', schemeId: 'urn:oioubl:id:taxcategoryid-1.1' },
	K: { id: 'K', schemeId: 'urn:oioubl:id:taxcategoryid-1.4' },
	G: { id: 'G', schemeId: 'urn:oioubl:id:taxcategoryid-1.4' },
	O: { id: 'O', schemeId: 'urn:oioubl:id:taxcategoryid-1.4' },
	L: { id: 'L', schemeId: 'urn:oioubl:id:taxcategoryid-1.4' },
	M: { id: 'M', schemeId: 'urn:oioubl:id:taxcategoryid-1.4' },
};

/** OIOUBL TaxCategory ID → EN 16931 category (ZeroRated → Z; E is recovered from an exemption reason). */
export const OIOUBL_TO_VAT: Readonly<Record<string, VatCategory>> = {
	StandardRated: 'S',
	ZeroRated: 'Z',
	ReverseCharge: 'AE',
	K: 'K',
	G: 'G',
	O: 'O',
	L: 'L',
	M: 'M',
};

/** Every VAT amount goes to the Danish VAT scheme: TaxScheme ID 63, Name "Moms" (F-LIB198). */
export const TAX_SCHEME = {
	id: '63',
	name: 'Moms',
	agencyId: OIOUBL_AGENCY,
	schemeId: 'urn:oioubl:id:taxschemeid-1.1',
};

/**
 * Unit codes: OIOUBL validates against UN/ECE Rec. 20 as of 2001 (F-LIB318), which lacks codes that today's
 * sources use. H87 (piece) is written as EA (each), KMT (kilometre) as its old code KTM, E48 (service unit) as C62
 * (one), XPP (piece, Rec. 21) as EA; Rec. 21 package codes (XBX box, XPK package …) as the two-letter Rec. 20 codes
 * of 2001 (BX, PK …). The reader maps them back.
 */
export const UNIT_TO_OIOUBL: Readonly<Record<string, string>> = { H87: 'EA', E48: 'C62', KMT: 'KTM', XPP: 'EA' };
export const UNIT_FROM_OIOUBL: Readonly<Record<string, string>> = {
	EA: 'H87',
	KTM: 'KMT',
	BX: 'XBX',
	PK: 'XPK',
	CT: 'XCT',
	BG: 'XBG',
	PA: 'XPA',
	PL: 'XPL',
};

/** The unit code as OIOUBL writes it (see above); unknown codes are written as given and pre-flight names them. */
export function oioublUnit(code: string): string {
	const mapped = UNIT_TO_OIOUBL[code];
	if (mapped) return mapped;
	if (/^X[A-Z0-9]{2}$/.test(code) && !OIOUBL_UNIT_CODES.has(code) && OIOUBL_UNIT_CODES.has(code.slice(1))) {
		return code.slice(1);
	}
	return code;
}

/** Payment means codes OIOUBL accepts (F-LIB100). */
export const PAYMENT_MEANS_CODES = new Set(['1', '10', '20', '31', '42', '48', '49', '50', '58', '59', '93', '97']);

/** FIK card types (PaymentMeansCode 93) and giro card types (PaymentMeansCode 50). */
export const FIK_CARD_TYPES = new Set(['71', '73', '75']);
export const GIRO_CARD_TYPES = new Set(['01', '04', '15']);

/** Mime codes OIOUBL accepts on embedded attachments (F-LIB098). */
export const ATTACHMENT_MIME_CODES = new Set([
	'image/tiff',
	'image/png',
	'image/jpeg',
	'image/gif',
	'application/pdf',
	'text/xml',
	'text/csv',
	'application/vnd.ms-excel',
	'application/vnd.oasis.opendocument.spreadsheet',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);

/**
 * BT-11 (project) and BT-18 (invoiced object) have no OIOUBL element of their own; they travel as
 * AdditionalDocumentReference with these DocumentType labels, which the reader maps back.
 */
export const PROJECT_LABEL = 'Project';
export const INVOICED_OBJECT_LABEL = 'InvoicedObject';
