/** Writer dispatcher: one canonical invoice, one writer per document format. */
import type { DocumentFormat } from '../einvoice/findings';
import type { Invoice } from '../einvoice/model';
import { writeOioubl21 } from './oioubl21';
import { writePeppolBis3 } from './peppol-bis3';

export interface WriteUblOptions {
	format: DocumentFormat;
}

export function writeUbl(invoice: Invoice, options: WriteUblOptions): string {
	switch (options.format) {
		case 'peppol-bis3':
			return writePeppolBis3(invoice);
		case 'oioubl21':
			return writeOioubl21(invoice);
		default:
			throw new Error(`No UBL writer for format '${String(options.format)}' (available: peppol-bis3, oioubl21)`);
	}
}
