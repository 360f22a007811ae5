import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { normalizeKeys, parseDineroJson, stringifyDineroJson } from '../../nodes/Dinero/json';
import { generateDineroDataset, isValidCvr, isValidGln } from '../sandbox/dinero/generate';

type Rec = Record<string, unknown>;
const dir = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'dinero');
const read = (name: string) =>
	normalizeKeys<Rec[]>(parseDineroJson(readFileSync(path.join(dir, `${name}.json`), 'utf8')));

describe('shipped Dinero dataset', () => {
	const invoices = read('invoices');
	const creditnotes = read('creditnotes');
	const contacts = read('contacts');
	const accounts = read('accounts');
	const documents = [...invoices, ...creditnotes];
	const lines = (d: Rec) => d.ProductLines as Rec[];
	const vatCodeOf = (line: Rec) => accounts.find((a) => a.AccountNumber === line.AccountNumber)?.VatCode;

	it('is what the generator makes for seed 1 (reproducible)', () => {
		const generated = generateDineroDataset({ count: 48, seed: 1 });
		for (const name of ['invoices', 'creditnotes', 'contacts', 'accounts', 'vatTypes'] as const) {
			assert.equal(
				`${stringifyDineroJson(generated[name], '\t')}\n`,
				readFileSync(path.join(dir, `${name}.json`), 'utf8'),
				name,
			);
		}
	});

	it('has valid CVR (mod 11) and GLN (GS1) check digits, and Danish letters', () => {
		const cvrs = contacts
			.filter((c) => c.CountryKey === 'DK' && c.VatNumber)
			.map((c) => String(c.VatNumber).replace(/^DK/, ''));
		assert.ok(cvrs.length >= 8);
		for (const cvr of cvrs) assert.ok(isValidCvr(cvr), `CVR ${cvr}`);
		const glns = contacts.filter((c) => c.EanNumber).map((c) => String(c.EanNumber));
		assert.ok(glns.length >= 3);
		for (const gln of glns) assert.ok(isValidGln(gln), `GLN ${gln}`);
		assert.equal(isValidCvr('30005309'), true);
		assert.equal(isValidCvr('30005308'), false);
		assert.ok(contacts.some((c) => /[æøå]/i.test(String(c.Name))));
	});

	it('covers every case the mapper handles', () => {
		assert.ok(documents.length >= 40);
		assert.ok(creditnotes.filter((d) => d.Status !== 'Draft').length >= 2, 'credit notes');
		assert.ok(
			documents.some((d) => d.Number === '9223372036854775807' && d.Status === 'Draft'),
			'drafts with Int64.MaxValue',
		);
		assert.ok(
			documents.some((d) => d.DeletedAt),
			'deleted (voided) drafts',
		);
		assert.ok(
			documents.some((d) => d.Status === 'Paid'),
			'paid invoices',
		);
		assert.ok(
			documents.some((d) => lines(d).some((l) => Number(l.Discount) > 0)),
			'discounts',
		);
		assert.ok(
			documents.some(
				(d) =>
					new Set(
						lines(d)
							.filter((l) => l.LineType === 'Product')
							.map(vatCodeOf),
					).size > 1,
			),
			'mixed VAT',
		);
		for (const code of ['UEUY', 'UEUV', 'UEXP', 'UMF'])
			assert.ok(
				documents.some((d) => lines(d).some((l) => vatCodeOf(l) === code)),
				code,
			);
		assert.ok(
			documents.some((d) => d.Currency !== 'DKK'),
			'foreign currency',
		);
		assert.ok(
			documents.some((d) => lines(d).length >= 300),
			'a 300-line invoice',
		);
		assert.ok(
			documents.some((d) => lines(d).some((l) => l.LineType === 'Text')),
			'text lines',
		);
		assert.ok(
			documents.some((d) => lines(d).some((l) => Number(l.Quantity) < 0)),
			'negative lines',
		);
		assert.ok(
			documents.some((d) => lines(d).some((l) => l.BaseAmountValue === 0.125)),
			'rounding trap',
		);
		assert.ok(
			contacts.some((c) => c.IsPerson === true),
			'private persons',
		);
	});
});
