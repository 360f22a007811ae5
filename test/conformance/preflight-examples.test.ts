/**
 * Pre-flight on documents we did not make: the official PEPPOL and EN 16931 examples (Swedish, Norwegian,
 * Italian, Greek … data) and the validator's broken copies, each read into the canonical model, checked by
 * pre-flight, written back as PEPPOL BIS 3 and judged by the official validator. The verdicts must agree.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { preflight } from '../../nodes/shared/einvoice/preflight';
import { readUbl } from '../../nodes/shared/ubl/read';
import { writeUbl } from '../../nodes/shared/ubl/write';
import { fatalIds, validateDocuments, validatorPath } from '../support/validator';

describe('pre-flight agrees with the official validator on the official examples, rewritten as PEPPOL BIS 3', () => {
	it('agrees on every example that can be read', async () => {
		const examples = path.join(path.dirname(validatorPath()), 'examples');
		const files = ['peppol', 'en16931', 'broken'].flatMap((dir) =>
			readdirSync(path.join(examples, dir))
				.filter((f) => f.endsWith('.xml'))
				.sort()
				.map((f) => path.join(dir, f)),
		);
		const documents: Record<string, string> = {};
		const preflightFatal: Record<string, string[]> = {};
		const unreadable: string[] = [];
		for (const file of files) {
			let xml: string;
			try {
				const invoice = readUbl(readFileSync(path.join(examples, file), 'utf8'));
				preflightFatal[file] = [
					...new Set(
						preflight(invoice, { format: 'peppol-bis3' })
							.filter((f) => f.flag === 'fatal')
							.map((f) => f.id),
					),
				].sort();
				xml = writeUbl(invoice, { format: 'peppol-bis3' });
			} catch {
				unreadable.push(file); // not a UBL invoice (OIOUBL, malformed XML): the reader says so
				continue;
			}
			documents[file.replace(/[\\/]/g, '__')] = xml;
		}
		const results = await validateDocuments(documents);
		const rows: string[] = [];
		let agreed = 0;
		let sameRules = 0;
		for (const file of Object.keys(preflightFatal)) {
			const validator = fatalIds(results[file.replace(/[\\/]/g, '__')]);
			const ours = preflightFatal[file];
			const agrees = validator.length > 0 === ours.length > 0;
			if (agrees) agreed++;
			if (validator.join() === ours.join()) sameRules++;
			rows.push(`${agrees ? ' ' : '≠'} ${file}: validator [${validator.join(', ')}] pre-flight [${ours.join(', ')}]`);
		}
		const total = Object.keys(preflightFatal).length;
		console.log(
			[
				`Official examples rewritten as PEPPOL BIS 3: ${total} (not readable as UBL: ${unreadable.join(', ') || 'none'})`,
				`Verdict agreement: ${agreed}/${total}; the same fatal rule ids: ${sameRules}/${total}`,
				...rows,
			].join('\n'),
		);
		assert.ok(total >= 40, `only ${total} examples`);
		assert.equal(agreed, total);
		assert.ok(sameRules >= total * 0.9, `the same fatal rule ids on only ${sameRules} of ${total}`);
	});
});
