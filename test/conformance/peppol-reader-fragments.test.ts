/**
 * Robustness of the reader and the writer on the official schematron unit tests (CEN EN 16931 and PEPPOL):
 * ~1 500 small, mostly incomplete or deliberately wrong UBL fragments. Each is read without a crash (or refused
 * with a UblReadError), written as well-formed XML, and writing what was read is stable after one pass.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { writePeppolBis3 } from '../../nodes/shared/ubl/peppol-bis3';
import { readUbl } from '../../nodes/shared/ubl/read';
import { validatorPath } from '../support/validator';

function xmlFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return xmlFiles(full);
		return entry.name.endsWith('.xml') ? [full] : [];
	});
}

describe('Reader and writer on the official schematron unit-test fragments', () => {
	const examplesDir = path.join(path.dirname(validatorPath()), 'examples');
	const files = ['en16931-unit-tests', 'peppol-unit-tests'].flatMap((set) => xmlFiles(path.join(examplesDir, set)));

	it('reads every fragment without a crash and writes well-formed, stable XML', () => {
		let fragments = 0;
		let refused = 0;
		const problems: string[] = [];
		for (const file of files) {
			const testSet = readFileSync(file, 'utf8');
			for (const match of testSet.matchAll(/<(Invoice|CreditNote)\b[\s\S]*?<\/\1>/g)) {
				fragments++;
				const where = `${path.basename(path.dirname(file))}/${path.basename(file)} #${fragments}`;
				try {
					const written = writePeppolBis3(readUbl(match[0]));
					if (XMLValidator.validate(written) !== true) problems.push(`${where}: malformed output`);
					else if (writePeppolBis3(readUbl(written)) !== written) problems.push(`${where}: not stable`);
				} catch (error) {
					if ((error as Error).name === 'UblReadError') refused++;
					else problems.push(`${where}: ${(error as Error).stack}`);
				}
			}
		}
		console.log(`schematron unit-test fragments: ${fragments} read and written, ${refused} refused with a clear error`);
		assert.ok(fragments > 1000, `only ${fragments} fragments found`);
		assert.deepEqual(problems, []);
	});
});
