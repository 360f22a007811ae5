/**
 * A small mutation generator: from one well-formed record (as an API returns it) it derives hostile variants as
 * JSON text, so huge integer literals that JavaScript cannot hold (9223372036854775807) reach the parser verbatim.
 *
 * Per leaf (arrays: first element only): drop it, null it, give it the wrong type, and for numeric leaves put in
 * Dinero's Int64.MaxValue and an overflowing float (1e400). Whole-record variants: `&`/`<`/quotes in every text
 * field, control characters in every text field, a 10 MB string, deep nesting, an array or null instead of the
 * record.
 */

export const HUGE_INT = '9223372036854775807';
const HUGE_MARK = '@@HUGE-INT@@';
const FLOAT_MARK = '@@HUGE-FLOAT@@';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = (string | number)[];

export interface Mutation {
	/** e.g. `drop:invoice.lines[0].unitPrice`, `amp-every-text` */
	name: string;
	text: string;
}

export function leafPaths(value: Json, prefix: Path = [], depth = 0): Path[] {
	if (value === null || typeof value !== 'object') return prefix.length ? [prefix] : [];
	if (depth > 5) return [prefix];
	if (Array.isArray(value)) return value.length ? leafPaths(value[0], [...prefix, 0], depth + 1) : [prefix];
	const keys = Object.keys(value);
	if (!keys.length) return [prefix];
	return keys.flatMap((k) => leafPaths(value[k], [...prefix, k], depth + 1));
}

export function pathName(path: Path): string {
	return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}

function getAt(root: Json, path: Path): Json {
	let node: Json = root;
	for (const p of path) node = (node as Record<string | number, Json>)[p];
	return node;
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
	const copy = structuredClone(root);
	const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, Json>;
	const key = path[path.length - 1];
	if (value === undefined) {
		if (Array.isArray(parent)) parent.splice(key as number, 1);
		else delete parent[key];
	} else parent[key] = value;
	return copy;
}

function toText(value: Json): string {
	return JSON.stringify(value)
		.split(JSON.stringify(HUGE_MARK))
		.join(HUGE_INT)
		.split(JSON.stringify(FLOAT_MARK))
		.join('1e400');
}

function wrongType(value: Json): Json {
	if (typeof value === 'string') return /^-?\d/.test(value) ? 'not-a-number' : 12345;
	if (typeof value === 'number') return 'abc';
	if (typeof value === 'boolean') return 'yes';
	if (value === null) return { unexpected: [1, 2] };
	if (Array.isArray(value)) return 'not-an-array';
	return 'not-an-object';
}

function isNumeric(value: Json): boolean {
	return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
}

/** Apply `fn` to every string leaf. */
function mapStrings(value: Json, fn: (s: string, key: string) => string, key = ''): Json {
	if (typeof value === 'string') return fn(value, key);
	if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn, key));
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn, k)]));
	return value;
}

/** Text fields that are not identifiers, codes, dates or numbers (changing those is a different mutation). */
export function isFreeText(s: string, key: string): boolean {
	if (
		/(kind|category|scheme|flag|format|id|guid|code|key|date|time|currency|country|number|no|state|status|type|mode|unit|url|email|iban|bic|vat|cvr|ean|gln|zip|postal)$/i.test(
			key,
		)
	)
		return false;
	return /[A-Za-zÆØÅæøå]{2}/.test(s) && !/^\d{4}-\d\d-\d\d/.test(s);
}

/** Deeply nested JSON text: `{"a":{"a":…}}` `depth` levels. */
export function deepNesting(depth: number): string {
	return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export interface GenerateOptions {
	/** Leaves to skip entirely (they would only repeat other cases), matched against the path name. */
	skip?: RegExp;
	/** Path of a text leaf to receive the 10 MB string. */
	bigStringAt?: Path;
	/** Path of a leaf to replace with deep nesting. */
	deepAt?: Path;
}

export function mutations(record: Json, options: GenerateOptions = {}): Mutation[] {
	const out: Mutation[] = [];
	for (const path of leafPaths(record)) {
		const name = pathName(path);
		if (options.skip?.test(name)) continue;
		const value = getAt(record, path);
		out.push({ name: `drop:${name}`, text: toText(setAt(record, path, undefined)) });
		out.push({ name: `null:${name}`, text: toText(setAt(record, path, null)) });
		out.push({ name: `wrong-type:${name}`, text: toText(setAt(record, path, wrongType(value))) });
		if (isNumeric(value)) {
			out.push({ name: `huge-int:${name}`, text: toText(setAt(record, path, HUGE_MARK)) });
			out.push({ name: `huge-float:${name}`, text: toText(setAt(record, path, FLOAT_MARK)) });
		}
	}
	// Every numeric leaf at once Int64.MaxValue (Dinero's draft number, anywhere).
	let allHuge = record;
	for (const path of leafPaths(record)) if (isNumeric(getAt(record, path))) allHuge = setAt(allHuge, path, HUGE_MARK);
	out.push({ name: 'huge-int:every-numeric-field', text: toText(allHuge) });
	out.push({
		name: 'amp-lt-every-text',
		text: toText(mapStrings(record, (s, k) => (isFreeText(s, k) ? `${s} & <b>"Søn" 'og' >co</b> &amp; ]]>` : s))),
	});
	out.push({
		name: 'control-chars-every-text',
		text: toText(
			mapStrings(record, (s, k) => (isFreeText(s, k) ? `${s}\u0000\u0001\u0008\u000b\u000c\u001b\u007f\ufffe` : s)),
		),
	});
	out.push({
		name: 'bidi-and-astral-every-text',
		text: toText(mapStrings(record, (s, k) => (isFreeText(s, k) ? `\u202e${s}\u202c 🧾\ud800` : s))),
	});
	if (options.bigStringAt) {
		const big = 'Æ'.repeat(5 * 1024 * 1024); // 10 MB of UTF-8
		out.push({
			name: `10mb-string:${pathName(options.bigStringAt)}`,
			text: toText(setAt(record, options.bigStringAt, big)),
		});
	}
	if (options.deepAt) {
		const marker = '"@@DEEP@@"';
		out.push({
			name: `deep-nesting:${pathName(options.deepAt)}`,
			text: toText(setAt(record, options.deepAt, '@@DEEP@@')).replace(marker, deepNesting(20_000)),
		});
		out.push({
			name: `deep-array:${pathName(options.deepAt)}`,
			text: toText(setAt(record, options.deepAt, '@@DEEP@@')).replace(
				marker,
				`${'['.repeat(20_000)}${']'.repeat(20_000)}`,
			),
		});
	}
	out.push({ name: 'array-instead-of-record', text: `[${toText(record)}]` });
	out.push({ name: 'null-record', text: 'null' });
	out.push({ name: 'empty-object', text: '{}' });
	return out;
}
