// Placeholder: replaced by the pre-flight implementation (BR-*, PEPPOL-EN16931-R*, DK-R-* rules).
import type { DocumentFormat, Finding } from './findings';
import type { Invoice } from './model';

export function preflight(_invoice: Invoice, _options: { format: DocumentFormat }): Finding[] {
	return [];
}
