/** Writer dispatcher: one canonical invoice, one writer per document format. */
import type { DocumentFormat } from '../einvoice/findings';
import type { Invoice } from '../einvoice/model';
import { writeOioubl21, type OioublWriteOptions } from './oioubl21';
import { writePeppolBis3 } from './peppol-bis3';
import { writeInvoicD96a, type InvoicOptions } from '../edifact/invoic-d96a';

export interface WriteUblOptions {
	format: DocumentFormat;
	/** Interchange settings of an EDIFACT document (control reference, sender, recipient, …). */
	edifact?: InvoicOptions;
	/** OIOUBL 2.1 settings (profile). */
	oioubl?: OioublWriteOptions;
}

export function writeUbl(invoice: Invoice, options: WriteUblOptions): string {
	switch (options.format) {
		case 'peppol-bis3':
			return writePeppolBis3(invoice);
		case 'oioubl21':
			return writeOioubl21(invoice, options.oioubl);
		case 'edifact-d96a':
			if (!options.edifact?.controlReference) {
				throw new Error('An EDIFACT interchange needs a control reference (options.edifact.controlReference)');
			}
			return writeInvoicD96a(invoice, options.edifact);
		default:
			throw new Error(
				`No UBL writer for format '${String(options.format)}' (available: peppol-bis3, oioubl21, edifact-d96a)`,
			);
	}
}
