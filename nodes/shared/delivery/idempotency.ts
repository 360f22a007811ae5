import { createHash } from 'node:crypto';

/**
 * The idempotency key of a document: the one the converter put on `document.idempotencyKey` when present,
 * otherwise sha256 of system, account, source id, kind, number and format, so a re-run gives the same key.
 */
export function documentIdempotencyKey(json: {
	document?: { idempotencyKey?: string; format?: string };
	source?: { system?: string; account?: string; id?: string | number; kind?: string; number?: string };
	invoice?: { kind?: string; number?: string };
	route?: { format?: string };
}): string {
	if (json.document?.idempotencyKey) return json.document.idempotencyKey;
	const parts = [
		json.source?.system ?? '',
		json.source?.account ?? '',
		json.source?.id ?? '',
		json.source?.kind ?? json.invoice?.kind ?? '',
		json.source?.number ?? json.invoice?.number ?? '',
		json.document?.format ?? json.route?.format ?? '',
	];
	return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 32);
}
