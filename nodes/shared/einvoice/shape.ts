/**
 * Shape checks for source records before mapping: an API answer with a number, list or object where text belongs
 * should fail with the field's name, not with a JavaScript error from deep inside a mapper. Pure: no n8n imports.
 */

/**
 * Check the text fields at `paths` (dot paths; `rows[].description` for every element of a list): a finite safe
 * integer is replaced by its digits (some APIs send numeric references as numbers), `null`/absent is left alone,
 * anything else is a problem. Returns the problems, e.g. `invoice.referenceNumber is {"a":1}, not text`.
 */
export function normaliseTextFields(root: unknown, paths: string[]): string[] {
	const problems: string[] = [];
	for (const path of paths) visit(root, path.split('.'), '', problems);
	return problems;
}

function visit(node: unknown, parts: string[], where: string, problems: string[]): void {
	if (!node || typeof node !== 'object') return;
	const [head, ...rest] = parts;
	const list = head.endsWith('[]');
	const key = list ? head.slice(0, -2) : head;
	const value = (node as Record<string, unknown>)[key];
	const here = where ? `${where}.${key}` : key;
	if (list) {
		if (value === undefined || value === null) return;
		if (!Array.isArray(value)) {
			problems.push(`${here} is ${describe(value)}, not a list`);
			return;
		}
		if (rest.length) value.forEach((element, i) => visit(element, rest, `${here}[${i}]`, problems));
		return;
	}
	if (rest.length) return visit(value, rest, here, problems);
	if (value === undefined || value === null || typeof value === 'string') return;
	if (typeof value === 'number' && Number.isSafeInteger(value)) {
		(node as Record<string, unknown>)[key] = String(value);
		return;
	}
	problems.push(`${here} is ${describe(value)}, not text`);
}

function describe(value: unknown): string {
	const text = JSON.stringify(value);
	return text === undefined ? typeof value : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
