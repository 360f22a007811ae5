/**
 * The official validator (UBL 2.1 XSD, EN 16931, PEPPOL BIS 3 incl. DK rules, OIOUBL 2.1), run as the
 * separate CLI it is. It is the judge of document validity in our tests, not our own pre-flight.
 *
 * Location: `EINVOICE_VALIDATOR`, or `../shared/einvoice-validation/validate` next to the repository.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ValidatorFinding {
	layer: string;
	id: string;
	flag: 'fatal' | 'warning' | 'information';
	location?: string;
	text?: string;
}

export interface ValidatorResult {
	file: string;
	documentType?: string;
	customizationId?: string;
	layers: string[];
	valid: boolean;
	fatalCount: number;
	warningCount: number;
	findings: ValidatorFinding[];
}

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function validatorPath(): string {
	const configured = process.env.EINVOICE_VALIDATOR;
	const candidate = configured ?? path.resolve(repoRoot, '..', 'shared', 'einvoice-validation', 'validate');
	if (!existsSync(candidate)) {
		throw new Error(`Official validator not found at ${candidate}; set EINVOICE_VALIDATOR to its 'validate' script`);
	}
	return candidate;
}

/** Validate files in one validator process (it warms up once and is much faster per file in a batch). */
export function validateFiles(
	files: string[],
	options: { rules?: string; warnings?: boolean } = {},
): Promise<ValidatorResult[]> {
	const args = ['--jsonl'];
	if (options.rules) args.push(`--rules=${options.rules}`);
	if (!options.warnings) args.push('--no-warnings');
	return new Promise((resolve, reject) => {
		execFile(validatorPath(), [...args, ...files], { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
			// Exit 1 only means "a fatal finding somewhere"; 2 is a usage/internal error.
			if (error && error.code !== 1) {
				reject(new Error(`validator failed (${String(error.code)}): ${stderr || error.message}`));
				return;
			}
			try {
				const results = stdout
					.split('\n')
					.filter((line) => line.startsWith('{'))
					.map((line) => JSON.parse(line) as ValidatorResult);
				if (results.length !== files.length) {
					reject(new Error(`validator returned ${results.length} results for ${files.length} files: ${stderr}`));
					return;
				}
				resolve(results);
			} catch (parseError) {
				reject(parseError as Error);
			}
		});
	});
}

/** Write documents to a fresh temp folder and validate them in one batch. Keys are file names. */
export async function validateDocuments(
	documents: Record<string, string>,
	options: { rules?: string; warnings?: boolean; dir?: string } = {},
): Promise<Record<string, ValidatorResult>> {
	const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'einvoice-validate-'));
	const names = Object.keys(documents);
	const files = names.map((name) => {
		const file = path.join(dir, name);
		writeFileSync(file, documents[name]);
		return file;
	});
	const results = await validateFiles(files, options);
	return Object.fromEntries(names.map((name, i) => [name, results[i]]));
}

export function fatalIds(result: ValidatorResult): string[] {
	return [...new Set(result.findings.filter((f) => f.flag === 'fatal').map((f) => f.id))].sort();
}
