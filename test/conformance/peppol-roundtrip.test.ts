/**
 * Round trip of the official examples: read → write (PEPPOL BIS 3) → validate, and read again.
 *
 * - `peppol/` examples that are valid as given: validated with the default layers (xsd, en16931, peppol).
 * - `en16931/` examples (valid with `--rules=xsd,en16931`): the writer always writes the PEPPOL BIS 3
 *   CustomizationID, but it does not invent what the source lacks (endpoints, buyer reference, PEPPOL code
 *   lists), so the written document is judged by the same layers as the original: xsd + en16931.
 * - Every business term the model carries survives: read(original) deep-equals read(write(read(original))),
 *   and every element/attribute value of the original reappears in the written document, except the ones
 *   listed in NOT_CARRIED (none of them is an EN 16931 business term).
 * - Examples that are invalid upstream (the two Greek ones) give a clear validator finding on the original and
 *   are read and written without a crash.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { readUbl } from '../../nodes/shared/ubl/read';
import { writePeppolBis3 } from '../../nodes/shared/ubl/peppol-bis3';
import { fatalIds, validateDocuments, validatorPath, type ValidatorResult } from '../support/validator';

/** Values of the source document that the canonical model does not carry (not EN 16931 business terms). */
const NOT_CARRIED = [
	/\/CustomizationID$/, // BT-24: always the PEPPOL BIS 3 specification identifier when written
	/\/ProfileID$/, // BT-23: always the PEPPOL billing process when written
	/\/@schemaLocation$/, // xsi:schemaLocation, a processing hint
	/\/ClassifiedTaxCategory\/ID\/@schemeID$/, // the code list name (UNCL5305), implied by the binding
];

interface Example {
	name: string;
	set: 'peppol' | 'en16931';
	xml: string;
	rules?: string;
}

function loadExamples(): Example[] {
	const examplesDir = path.join(path.dirname(validatorPath()), 'examples');
	const examples: Example[] = [];
	for (const set of ['peppol', 'en16931'] as const) {
		for (const file of readdirSync(path.join(examplesDir, set))
			.filter((f) => f.endsWith('.xml'))
			.sort()) {
			examples.push({
				name: file,
				set,
				xml: readFileSync(path.join(examplesDir, set, file), 'utf8'),
				rules: set === 'en16931' ? 'xsd,en16931' : undefined,
			});
		}
	}
	return examples;
}

const valueParser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	removeNSPrefix: true,
	parseTagValue: false,
});

/** Every text and attribute value by its element path, numbers normalised. */
function valuesByPath(xml: string): Map<string, string[]> {
	const values = new Map<string, string[]>();
	const add = (key: string, value: unknown) => {
		const textValue = String(value).trim();
		const normalised = textValue !== '' && !Number.isNaN(Number(textValue)) ? String(Number(textValue)) : textValue;
		values.set(key, [...(values.get(key) ?? []), normalised]);
	};
	const walk = (node: unknown, prefix: string) => {
		if (typeof node !== 'object' || node === null) return add(prefix, node);
		for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
			if (key.startsWith('@xmlns') || key === '?xml') continue;
			if (key === '#text') add(prefix, value);
			else for (const item of Array.isArray(value) ? value : [value]) walk(item, `${prefix}/${key}`);
		}
	};
	walk(valueParser.parse(xml), '');
	for (const list of values.values()) list.sort();
	return values;
}

function lostValues(original: string, written: string): string[] {
	const before = valuesByPath(original);
	const after = valuesByPath(written);
	const lost: string[] = [];
	for (const [key, list] of before) {
		if (NOT_CARRIED.some((pattern) => pattern.test(key))) continue;
		const other = after.get(key) ?? [];
		if (list.join('\u0000') !== other.join('\u0000')) lost.push(`${key}: ${list.join(' | ')} → ${other.join(' | ')}`);
	}
	return lost;
}

const examples = loadExamples();

describe('Round trip of the official examples through the reader and the PEPPOL BIS 3 writer', () => {
	const originals: Record<string, ValidatorResult> = {};
	const written: Record<string, string> = {};
	const roundTrips: Record<string, ValidatorResult> = {};
	const readErrors: Record<string, Error> = {};

	before(async () => {
		for (const example of examples) {
			try {
				written[example.name] = writePeppolBis3(readUbl(example.xml));
			} catch (error) {
				readErrors[example.name] = error as Error;
			}
		}
		// One validator call per layer set, originals and round trips together.
		for (const rules of [undefined, 'xsd,en16931']) {
			const batch: Record<string, string> = {};
			for (const example of examples.filter((e) => e.rules === rules)) {
				batch[`original-${example.name}`] = example.xml;
				if (written[example.name]) batch[`roundtrip-${example.name}`] = written[example.name];
			}
			const results = await validateDocuments(batch, { rules });
			for (const example of examples.filter((e) => e.rules === rules)) {
				originals[example.name] = results[`original-${example.name}`];
				if (written[example.name]) roundTrips[example.name] = results[`roundtrip-${example.name}`];
			}
		}
		const validAsGiven = examples.filter((e) => originals[e.name].valid);
		const passed = validAsGiven.filter((e) => roundTrips[e.name]?.valid).length;
		console.log(`Round trip: ${passed}/${validAsGiven.length} official examples valid after read → write`);
	});

	it('finds the official examples', () => {
		assert.ok(examples.filter((e) => e.set === 'peppol').length >= 2);
		assert.ok(examples.filter((e) => e.set === 'en16931').length >= 20);
	});

	for (const example of examples) {
		it(`${example.set}/${example.name}`, () => {
			const original = originals[example.name];
			if (!original.valid) {
				// Invalid upstream: the validator names the problem, and our reader neither crashes nor hides it.
				assert.ok(fatalIds(original).length > 0);
				assert.ok(!readErrors[example.name] || readErrors[example.name].name === 'UblReadError');
				if (roundTrips[example.name]) assert.ok(roundTrips[example.name].documentType, 'written document judged');
				console.log(
					`${example.name}: invalid upstream (${fatalIds(original).join(', ')}); round trip findings: ${roundTrips[example.name] ? fatalIds(roundTrips[example.name]).join(', ') || 'none' : readErrors[example.name].message}`,
				);
				return;
			}
			assert.equal(readErrors[example.name], undefined, readErrors[example.name]?.message);
			const result = roundTrips[example.name];
			assert.deepEqual(fatalIds(result), [], JSON.stringify(result.findings.filter((f) => f.flag === 'fatal')));
			assert.deepEqual(result.layers, example.rules ? example.rules.split(',') : ['xsd', 'en16931', 'peppol']);
			const first = readUbl(example.xml);
			assert.deepEqual(readUbl(written[example.name]), first);
			assert.deepEqual(lostValues(example.xml, written[example.name]), []);
		});
	}
});
