/** The document types we look for in an SMP, and how to recognise them in the ids an SMP lists. */

export const DOCUMENT_ID_SCHEME = 'busdox-docid-qns';

export type KnownDocumentType = 'bis3Invoice' | 'bis3CreditNote' | 'oioublInvoice' | 'oioublCreditNote';

const BIS3 = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1';

/** Full document type identifiers (with scheme) of the types we send. */
export const DOCUMENT_TYPE_IDS: Record<KnownDocumentType, string> = {
	bis3Invoice: `${DOCUMENT_ID_SCHEME}::urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##${BIS3}`,
	bis3CreditNote: `${DOCUMENT_ID_SCHEME}::urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##${BIS3}`,
	oioublInvoice: `${DOCUMENT_ID_SCHEME}::urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##OIOUBL-2.1::2.1`,
	oioublCreditNote: `${DOCUMENT_ID_SCHEME}::urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##OIOUBL-2.1::2.1`,
};

export const KNOWN_DOCUMENT_TYPES = Object.keys(DOCUMENT_TYPE_IDS) as KnownDocumentType[];

/** Which of our document types an SMP document id is (ids are compared case-insensitively), if any. */
export function classifyDocumentType(documentTypeId: string): KnownDocumentType | undefined {
	const id = documentTypeId.toLowerCase();
	const withScheme = id.includes('::') && id.startsWith(DOCUMENT_ID_SCHEME) ? id : `${DOCUMENT_ID_SCHEME}::${id}`;
	for (const type of KNOWN_DOCUMENT_TYPES) if (DOCUMENT_TYPE_IDS[type].toLowerCase() === withScheme) return type;
	// Later BIS 3 minor versions keep the customization prefix.
	if (withScheme.includes('##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0')) {
		if (withScheme.includes('::invoice-2::invoice##') || withScheme.includes(':invoice-2::invoice##'))
			return 'bis3Invoice';
		if (withScheme.includes(':creditnote-2::creditnote##')) return 'bis3CreditNote';
	}
	if (withScheme.includes('##oioubl-2.1')) {
		if (withScheme.includes(':invoice-2::invoice##')) return 'oioublInvoice';
		if (withScheme.includes(':creditnote-2::creditnote##')) return 'oioublCreditNote';
	}
	return undefined;
}
