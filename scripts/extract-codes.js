#!/usr/bin/env node
// Extracts the code lists used by the pre-flight checks from the official rule files and writes
// nodes/shared/einvoice/codes.ts. The lists are data published with the CEN EN 16931 and PEPPOL BIS 3
// schematrons; extracting them keeps our checks in step with the rules the validator runs.
//
// Usage: node scripts/extract-codes.js [rules-dir]
//   rules-dir defaults to shared/einvoice-validation/rules next to the repository (or EINVOICE_RULES).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repo = path.join(__dirname, '..');
// Next to the repository, or next to its parent when run from a git worktree.
const candidates = [path.join(repo, '..'), path.join(repo, '..', '..')].map((dir) =>
	path.join(dir, 'shared', 'einvoice-validation', 'rules'),
);
const rulesDir = path.resolve(
	process.argv[2] ?? process.env.EINVOICE_RULES ?? candidates.find((dir) => fs.existsSync(dir)) ?? candidates[0],
);
const cenFile = path.join(rulesDir, 'en16931', 'EN16931-UBL-validation.xslt');
const peppolFile = path.join(rulesDir, 'peppol', 'sch-2026.5', 'PEPPOL-EN16931-UBL.sch');
const cen = fs.readFileSync(cenFile, 'utf8');
const peppol = fs.readFileSync(peppolFile, 'utf8');

function unescape(text) {
	return text
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&amp;/g, '&');
}

/** The test of a CEN assert, found by its rule id. */
function cenTest(id) {
	const re = new RegExp(`<svrl:failed-assert test="([^"]*)">\\s*<xsl:attribute name="id">${id}</xsl:attribute>`);
	const match = re.exec(cen);
	if (!match) throw new Error(`CEN rule ${id} not found in ${cenFile}`);
	return unescape(match[1]);
}

/** The space-separated code list inside a CEN assert: contains(' A B C ', concat(...)). */
function cenList(id, index = 0) {
	const lists = [...cenTest(id).matchAll(/contains\(\s*'((?: [^' ]+)+ )'/g)].map((m) => m[1].trim().split(/\s+/));
	if (!lists[index]) throw new Error(`CEN rule ${id} has no code list #${index}`);
	return lists[index];
}

/** A PEPPOL `<let name="X" value="tokenize('…', '\s')" />` list. */
function peppolLet(name) {
	const match = new RegExp(`<let name="${name}" value="tokenize\\('([^']*)'`).exec(peppol);
	if (!match) throw new Error(`PEPPOL list ${name} not found in ${peppolFile}`);
	return match[1].trim().split(/\s+/);
}

/** The tokenize('…') list inside a PEPPOL assert, found by its rule id. */
function peppolAssertList(id) {
	const match = new RegExp(`<assert id="${id}"\\s+test="[^"]*?tokenize\\('([^']*)'`).exec(peppol);
	if (!match) throw new Error(`PEPPOL rule ${id} has no tokenize list`);
	return match[1].trim().split(/\s+/);
}

function mimeList() {
	return [...cenTest('BR-CL-24').matchAll(/@mimeCode = '([^']+)'/g)].map((m) => m[1]);
}

function intersect(a, b) {
	const set = new Set(b);
	return a.filter((code) => set.has(code));
}

const lists = [
	['ISO4217', 'ISO 4217 currency codes (BR-CL-03/04/05, CEN).', cenList('BR-CL-04')],
	['ISO4217_PEPPOL', 'ISO 4217 currency codes as PEPPOL lists them (PEPPOL-EN16931-CL007).', peppolLet('ISO4217')],
	['ISO3166', 'ISO 3166-1 alpha-2 country codes (BR-CL-14, BR-CL-15), incl. 1A and XI.', cenList('BR-CL-14')],
	[
		'VAT_PREFIXES',
		'Country prefixes of VAT identifiers (BR-CO-09): ISO 3166-1 plus EL for Greece.',
		cenList('BR-CO-09'),
	],
	['UNCL1001_INVOICE', 'Invoice type codes, UNTDID 1001 (BR-CL-01).', cenList('BR-CL-01', 0)],
	['UNCL1001_CREDIT_NOTE', 'Credit note type codes, UNTDID 1001 (BR-CL-01).', cenList('BR-CL-01', 1)],
	[
		'PEPPOL_INVOICE_TYPES',
		'Invoice type codes allowed by PEPPOL BIS 3 (PEPPOL-EN16931-P0100).',
		peppolAssertList('PEPPOL-EN16931-P0100'),
	],
	[
		'PEPPOL_CREDIT_NOTE_TYPES',
		'Credit note type codes allowed by PEPPOL BIS 3 (PEPPOL-EN16931-P0101).',
		peppolAssertList('PEPPOL-EN16931-P0101'),
	],
	['UNCL2005', 'VAT point date codes, UNTDID 2005 subset (BR-CL-06).', cenList('BR-CL-06')],
	['UNCL4451', 'Text subject qualifiers, UNTDID 4451 (BR-CL-08).', cenList('BR-CL-08')],
	['UNCL1153', 'Reference code qualifiers for invoiced objects, UNTDID 1153 (BR-CL-07).', cenList('BR-CL-07')],
	['ISO6523_ICD', 'ISO 6523 ICD identifier schemes (BR-CL-10/11/21/26).', cenList('BR-CL-10')],
	['ITEM_CLASSIFICATION', 'Item classification list ids, UNTDID 7143 (BR-CL-13).', cenList('BR-CL-13')],
	['UNCL4461', 'Payment means codes, UNCL 4461 (BR-CL-16).', cenList('BR-CL-16')],
	['UNCL5305', 'VAT category codes, UNCL 5305 subset (BR-CL-17/18).', cenList('BR-CL-17')],
	['UNCL5189', 'Allowance reason codes, UNCL 5189 subset (BR-CL-19, PEPPOL-EN16931-CL002).', cenList('BR-CL-19')],
	['UNCL7161', 'Charge reason codes, UNCL 7161 (BR-CL-20, PEPPOL-EN16931-CL003).', cenList('BR-CL-20')],
	['VATEX', 'VAT exemption reason codes, CEF VATEX (BR-CL-22).', cenList('BR-CL-22')],
	['UNECE_REC20_REC21', 'Unit codes, UN/ECE Recommendation 20 with Rec 21 (BR-CL-23).', cenList('BR-CL-23')],
	['MIME_CODES', 'Attachment MIME codes (BR-CL-24, PEPPOL-EN16931-CL001).', mimeList()],
	['EAS', 'Electronic address schemes, CEF EAS (BR-CL-25).', cenList('BR-CL-25')],
	['EAS_PEPPOL', 'Electronic address schemes accepted by PEPPOL (PEPPOL-EN16931-CL008).', peppolLet('eaid')],
];

// Sanity: the PEPPOL lists that overlap CEN ones must agree where both rules run on the same element.
const byName = Object.fromEntries(lists.map(([name, , codes]) => [name, codes]));
for (const [a, b] of [
	['UNCL5189', peppolLet('UNCL5189')],
	['UNCL7161', peppolLet('UNCL7161')],
]) {
	const missing = intersect(b, byName[a]).length !== b.length || b.length !== byName[a].length;
	if (missing) console.warn(`note: PEPPOL and CEN lists differ for ${a}`);
}

function chunk(codes, width = 100) {
	const lines = [];
	let current = '';
	for (const code of codes) {
		if (current && current.length + code.length + 1 > width) {
			lines.push(current);
			current = code;
		} else current = current ? `${current} ${code}` : code;
	}
	if (current) lines.push(current);
	return lines;
}

let out = `/**
 * Code lists used by the pre-flight checks. GENERATED by scripts/extract-codes.js from the official rule files
 * (CEN EN 16931 UBL validation artefacts 1.3.16 and PEPPOL BIS Billing 3.0 rules 2026.5); do not edit by hand.
 * Regenerate after updating the rules: \`node scripts/extract-codes.js\`.
 */

function codes(...chunks: string[]): ReadonlySet<string> {
	return new Set(chunks.join(' ').split(' '));
}
`;
for (const [name, doc, codes] of lists) {
	out += `\n/** ${doc} ${codes.length} codes. */\n`;
	const oneLine = `export const ${name} = codes('${codes.join(' ')}');`;
	if (oneLine.length <= 120) out += `${oneLine}\n`;
	else {
		out += `export const ${name} = codes(\n`;
		for (const line of chunk(codes)) out += `\t'${line}',\n`;
		out += ');\n';
	}
}
const target = path.join(repo, 'nodes', 'shared', 'einvoice', 'codes.ts');
fs.writeFileSync(target, out);
console.log(`wrote ${path.relative(repo, target)}: ${lists.map(([n, , c]) => `${n} ${c.length}`).join(', ')}`);
