import { idempotencyKey } from '../ubl/document';
import type { DocumentFormat } from '../einvoice/findings';

/**
 * The idempotency key of a document: the one the converter put on `document.idempotencyKey` when present,
 * otherwise the same deterministic key the converter would have made from the source and the format.
 */
export function documentIdempotencyKey(json: {
	document?: { idempotencyKey?: string; format?: string };
	source?: { system?: string; account?: string; id?: string | number; kind?: string; number?: string };
	invoice?: { kind?: string; number?: string };
	route?: { format?: string };
}): string {
	if (json.document?.idempotencyKey) return json.document.idempotencyKey;
	return idempotencyKey({
		system: json.source?.system,
		account: json.source?.account,
		id: json.source?.id === undefined ? undefined : String(json.source.id),
		kind: json.source?.kind ?? json.invoice?.kind ?? '',
		number: json.source?.number ?? json.invoice?.number ?? '',
		format: (json.document?.format ?? json.route?.format ?? '') as DocumentFormat,
	});
}
