// Placeholder: replaced by the writer dispatcher once the PEPPOL BIS 3 writer lands.
import type { DocumentFormat } from '../einvoice/findings';
import type { Invoice } from '../einvoice/model';

export function writeUbl(_invoice: Invoice, options: { format: DocumentFormat }): string {
	throw new Error(`No writer for ${options.format} yet`);
}
