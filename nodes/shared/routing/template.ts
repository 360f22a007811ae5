/**
 * `{placeholder}` templates for per-customer folders and file names, e.g. `invoices/{customerId}` and
 * `{kind}-{number}.xml`. Values are made safe as one path segment each; unknown placeholders are an error.
 */

export type TemplateValues = Record<string, string | number | undefined>;

/** Characters kept in a path segment; everything else becomes `_`. No `..`, no leading dot. */
export function safeSegment(value: string): string {
	const danish: Record<string, string> = { æ: 'ae', ø: 'oe', å: 'aa', Æ: 'Ae', Ø: 'Oe', Å: 'Aa' };
	const cleaned = value
		.replace(/[æøåÆØÅ]/g, (ch) => danish[ch])
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^A-Za-z0-9._@+=-]+/g, '_')
		.replace(/^[._]+/, '')
		.replace(/_+$/, '');
	return cleaned.replace(/\.{2,}/g, '.') || '_';
}

export function renderTemplate(template: string, values: TemplateValues): string {
	return template.replace(/\{(\w+)\}/g, (_, key: string) => {
		const value = values[key];
		if (value === undefined || value === '')
			throw new Error(`template "${template}" uses {${key}}, which has no value for this document`);
		return safeSegment(String(value));
	});
}

/** A remote path from a directory template and a file name template (both rendered, joined with `/`). */
export function renderRemotePath(
	directoryTemplate: string,
	fileNameTemplate: string,
	values: TemplateValues,
): { directory: string; fileName: string; path: string } {
	const directory = renderTemplate(directoryTemplate, values).replace(/\/+$/, '') || '.';
	if (directory.split('/').some((part) => part === '..'))
		throw new Error(`directory "${directory}" climbs out with ".."`);
	const fileName = renderTemplate(fileNameTemplate, values);
	if (fileName.includes('/')) throw new Error(`file name "${fileName}" contains "/"`);
	return { directory, fileName, path: directory === '.' ? fileName : `${directory}/${fileName}` };
}
