/**
 * Dinero JSON, read safely.
 *
 * - Drafts carry `Number` = 9223372036854775807 (Int64.MaxValue). `JSON.parse` would silently turn it into
 *   9223372036854776000, so every `Number` value, and any other integer literal longer than 15 digits, is read as a
 *   string before parsing. Document numbers are strings everywhere in this package.
 * - Dinero answers in PascalCase but is case-insensitive; some fields come back in camelCase (`vatCode`). Keys are
 *   normalised to the PascalCase spelling we use (`normalizeKeys`), so the mapper reads one spelling only.
 *
 * Pure: no n8n imports.
 */

/** Keys whose value is always read as a string, whatever JSON type the API uses (compared case-insensitively). */
const STRING_KEYS = new Set(['number']);

/** Longest integer literal that survives `JSON.parse` exactly (2^53 has 16 digits; 15 is always safe). */
const MAX_SAFE_DIGITS = 15;

/**
 * Quote the numeric literals that must not become JS numbers. A small scanner, so strings that merely contain
 * digits or the word "Number" are left alone.
 */
export function quoteUnsafeNumbers(text: string): string {
	const parts: string[] = [];
	let copied = 0;
	let keyStart = -1;
	let keyEnd = -1;
	let lastKey = '';
	const n = text.length;
	let i = 0;
	while (i < n) {
		const c = text.charCodeAt(i);
		if (c === 34 /* " */) {
			let j = i + 1;
			while (j < n && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 /* \ */ ? 2 : 1;
			keyStart = i + 1;
			keyEnd = j;
			i = j + 1;
		} else if (c === 58 /* : */) {
			lastKey = keyStart >= 0 && keyEnd - keyStart <= 32 ? text.slice(keyStart, keyEnd).toLowerCase() : '';
			i++;
		} else if (c === 44 /* , */ || c === 123 /* { */ || c === 91 /* [ */) {
			lastKey = '';
			keyStart = -1;
			i++;
		} else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
			let j = i + 1;
			while (j < n && /[0-9eE+\-.]/.test(text[j])) j++;
			const token = text.slice(i, j);
			const digits = token.charCodeAt(0) === 45 ? token.slice(1) : token;
			if (STRING_KEYS.has(lastKey) || (digits.length > MAX_SAFE_DIGITS && /^\d+$/.test(digits))) {
				parts.push(text.slice(copied, i), `"${token}"`);
				copied = j;
			}
			i = j;
		} else {
			i++;
		}
	}
	if (copied === 0) return text;
	parts.push(text.slice(copied));
	return parts.join('');
}

/** Parse a Dinero response body: numbers that JS cannot hold exactly become strings. */
export function parseDineroJson(text: string): unknown {
	return JSON.parse(quoteUnsafeNumbers(text));
}

/**
 * The PascalCase spellings the package reads. A key that matches one of these case-insensitively takes this
 * spelling; any other key gets an upper-case first letter.
 */
const KNOWN_KEYS = [
	'Guid',
	'ContactGuid',
	'ProductGuid',
	'Number',
	'Status',
	'PaymentStatus',
	'PaymentDate',
	'PaymentConditionType',
	'PaymentConditionNumberOfDays',
	'ContactName',
	'Date',
	'Currency',
	'Language',
	'ExternalReference',
	'Description',
	'Comment',
	'Comments',
	'Address',
	'ShowLinesInclVat',
	'TotalExclVat',
	'TotalVatableAmount',
	'TotalNonVatableAmount',
	'TotalVat',
	'TotalInclVat',
	'TotalExclVatInDkk',
	'TotalInclVatInDkk',
	'TotalLines',
	'TimeStamp',
	'CreatedAt',
	'UpdatedAt',
	'DeletedAt',
	'MailOutStatus',
	'ProductLines',
	'Quantity',
	'Unit',
	'AccountNumber',
	'AccountName',
	'BaseAmountValue',
	'BaseAmountValueInclVat',
	'Discount',
	'TotalAmount',
	'TotalAmountInclVat',
	'LineType',
	'CreditNoteFor',
	'Name',
	'Street',
	'ZipCode',
	'City',
	'CountryKey',
	'Phone',
	'Email',
	'Webpage',
	'AttPerson',
	'VatNumber',
	'EanNumber',
	'SeNumber',
	'PNumber',
	'IsPerson',
	'IsDebitor',
	'IsCreditor',
	'VatCode',
	'VatRate',
	'Collection',
	'Pagination',
	'Page',
	'PageSize',
	'Result',
	'ResultWithoutFilter',
	'MaxPageSizeAllowed',
	'Id',
	'IsPro',
	'IsPayingPro',
	'IsVatFree',
	'Category',
	'IsHidden',
	'Type',
	'Position',
	'Label',
	'Code',
	'Message',
	'ValidationErrors',
	'ErrorMessageList',
];
const CANONICAL = new Map(KNOWN_KEYS.map((k) => [k.toLowerCase(), k]));

function canonicalKey(key: string): string {
	return CANONICAL.get(key.toLowerCase()) ?? (key ? key[0].toUpperCase() + key.slice(1) : key);
}

/** Deep copy with every object key in our PascalCase spelling. */
export function normalizeKeys<T = unknown>(value: unknown): T {
	if (Array.isArray(value)) return value.map((v) => normalizeKeys(v)) as T;
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[canonicalKey(k)] = normalizeKeys(v);
		return out as T;
	}
	return value as T;
}

/** Serialise with every `Number` written back as a bare JSON number, as the Dinero API does. */
export function stringifyDineroJson(value: unknown, space?: string): string {
	return JSON.stringify(value, null, space).replace(/"Number":(\s?)"(-?\d+)"/g, '"Number":$1$2');
}
