/**
 * UN/EDIFACT syntax (ISO 9735, version 3) as EANCOM uses it: the UNA service string, release-character escaping,
 * the UNOC character repertoire (ISO 8859-1) and the interchange control reference counter.
 */

/** The default delimiters, declared in the UNA service string advice. */
export const COMPONENT_SEPARATOR = ':';
export const ELEMENT_SEPARATOR = '+';
export const DECIMAL_MARK = '.';
export const RELEASE_CHARACTER = '?';
export const SEGMENT_TERMINATOR = "'";

/** `UNA:+.? '`: component, element, decimal mark, release character, reserved (space), segment terminator. */
export const UNA = `UNA${COMPONENT_SEPARATOR}${ELEMENT_SEPARATOR}${DECIMAL_MARK}${RELEASE_CHARACTER} ${SEGMENT_TERMINATOR}`;

// Letters UNOC (ISO 8859-1) lacks, written the way a reader expects them.
const REPLACEMENTS: Record<string, string> = {
	'€': 'EUR',
	'‘': "'",
	'’': "'",
	'‚': "'",
	'“': '"',
	'”': '"',
	'„': '"',
	'–': '-',
	'—': '-',
	'…': '...',
	'•': '*',
	'™': 'TM',
	'\u00a0': ' ',
	Ł: 'L',
	ł: 'l',
	Đ: 'D',
	đ: 'd',
	Œ: 'OE',
	œ: 'oe',
	ı: 'i',
};

/**
 * Text as UNOC can carry it: line breaks and tabs become spaces (a receiver would take them for segment
 * boundaries), characters outside ISO 8859-1 are transliterated or dropped to their base letter.
 */
export function toUnoc(value: string): string {
	let out = '';
	for (const char of value.replace(/[\r\n\t\f\v]+/g, ' ')) {
		const code = char.codePointAt(0) ?? 0;
		if (code >= 0x20 && code <= 0x7e) out += char;
		else if (code >= 0xa0 && code <= 0xff) out += char === '\u00a0' ? ' ' : char;
		else if (REPLACEMENTS[char] !== undefined) out += REPLACEMENTS[char];
		else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
		else {
			// Decompose (é → e + ´) and keep what is left inside Latin-1; otherwise a neutral placeholder.
			const base = char.normalize('NFKD').replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '');
			out += base || '_';
		}
	}
	return out;
}

/** Escape the service characters `? + : '` with the release character. */
export function escapeEdifact(value: string): string {
	return toUnoc(value).replace(/[?+:']/g, (char) => `${RELEASE_CHARACTER}${char}`);
}

/** A data element: its components (undefined/empty components are written empty, trailing empties dropped). */
export type Element = string | undefined | Array<string | undefined>;

/** One segment: its tag and data elements. Values are raw text; escaping happens here. */
export function segment(tag: string, ...elements: Element[]): string {
	const written = elements.map((element) => {
		const components = Array.isArray(element) ? element : [element];
		const parts = components.map((component) => (component === undefined ? '' : escapeEdifact(component)));
		while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
		return parts.join(COMPONENT_SEPARATOR);
	});
	while (written.length > 0 && written[written.length - 1] === '') written.pop();
	return [tag, ...written].join(ELEMENT_SEPARATOR);
}

/**
 * Split text into pieces of at most `size` characters (breaking at spaces where possible), at most `count` pieces.
 * EDIFACT names and free text come in repeated components of fixed length (an..35, an..512, …).
 */
export function splitText(value: string, size: number, count: number): string[] {
	const pieces: string[] = [];
	let rest = toUnoc(value).trim();
	while (rest.length > 0 && pieces.length < count) {
		if (rest.length <= size) {
			pieces.push(rest);
			break;
		}
		let cut = rest.lastIndexOf(' ', size);
		if (cut < size / 2) cut = size;
		pieces.push(rest.slice(0, cut).trimEnd());
		rest = rest.slice(cut).trimStart();
	}
	return pieces;
}

/** State of the interchange control reference counters: the last reference used per sender→receiver pair. */
export interface ControlReferenceState {
	[pair: string]: number;
}

/** Largest reference that fits UNB 0020 (an..14) as digits. */
const MAX_REFERENCE = 99_999_999_999_999;

/**
 * The next interchange control reference for a sender→receiver pair: one more than the last one used, never reused
 * (ISO 9735 wants it unique per sender and receiver). Pure: returns the new state for the caller to persist.
 */
export function nextControlReference(
	state: ControlReferenceState | undefined,
	sender: string,
	receiver: string,
): { reference: string; state: ControlReferenceState } {
	const pair = `${sender}>${receiver}`;
	const last = state && Number.isSafeInteger(state[pair]) ? state[pair] : 0;
	if (last >= MAX_REFERENCE) {
		throw new Error(`The interchange control references from ${sender} to ${receiver} are exhausted`);
	}
	const next = last + 1;
	return { reference: String(next), state: { ...(state ?? {}), [pair]: next } };
}
