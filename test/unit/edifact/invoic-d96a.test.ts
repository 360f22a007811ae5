/**
 * EANCOM INVOIC D96A: every canonical fixture written as an interchange and read back by an independent parser
 * (npm `edifact`): segments in D.96A INVOIC order (the package's Tracker over the D.96A segment table), UNT/UNZ
 * counts and references, totals equal to the canonical totals, escaping of `' + : ?`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Reader, Tracker } = require('edifact') as {
	Reader: new (options?: object) => { parse(doc: string): ParsedSegment[] };
	Tracker: new (table: unknown) => {
		accept(segment: string): boolean;
		on(event: 'error', cb: (error: Error) => void): void;
	};
};

import { withPartyGlns, writeInvoicD96a, partyGln } from '../../../nodes/shared/edifact/invoic-d96a';
import { nextControlReference, escapeEdifact, toUnoc } from '../../../nodes/shared/edifact/syntax';
import { preflight } from '../../../nodes/shared/einvoice/preflight';
import type { Invoice } from '../../../nodes/shared/einvoice/model';
import { withTotals } from '../../../nodes/shared/einvoice/totals';
import { buildDocument, documentFileName, normaliseFormat } from '../../../nodes/shared/ubl/document';
import { loadCanonicalFixtures } from '../../fixtures/canonical';
import { INVOIC_D96A } from './invoic-d96a-table';

interface ParsedSegment {
	name: string;
	elements: string[][];
}

const SELLER_GLN = '5790000000012';
const BUYER_GLN = '5790001234560';

/** Make a fixture fit EANCOM the way a user's setup does: partner GLNs (node options / route) and item numbers. */
function eancomReady(invoice: Invoice): Invoice {
	const withGlns = withPartyGlns(invoice, { seller: SELLER_GLN, buyer: BUYER_GLN });
	return {
		...withGlns,
		lines: withGlns.lines.map((line) =>
			line.item.sellersId || line.item.standardId
				? line
				: { ...line, item: { ...line.item, sellersId: `ART-${line.id}` } },
		),
	};
}

function parse(interchange: string): ParsedSegment[] {
	return new Reader({ autoDetectEncoding: true }).parse(interchange);
}

/** Run the message (UNH … UNT) through the Tracker; returns the structure errors. */
function structureErrors(segments: ParsedSegment[]): string[] {
	const errors: string[] = [];
	const tracker = new Tracker(INVOIC_D96A);
	tracker.on('error', (error) => errors.push(error.message));
	const start = segments.findIndex((s) => s.name === 'UNH');
	const end = segments.findIndex((s) => s.name === 'UNT');
	for (const s of segments.slice(start, end + 1)) {
		const before = errors.length;
		tracker.accept(s.name);
		if (errors.length > before) errors[errors.length - 1] = `${s.name}: ${errors[errors.length - 1]}`;
	}
	return errors;
}

function moa(segments: ParsedSegment[], qualifier: string, after = 'UNS'): string | undefined {
	const from = segments.findIndex((s) => s.name === after);
	const found = segments.slice(from).find((s) => s.name === 'MOA' && s.elements[0][0] === qualifier);
	return found?.elements[0][1];
}

describe('EANCOM INVOIC D96A writer', () => {
	const fixtures = loadCanonicalFixtures();

	it('writes every canonical fixture as an interchange that an independent parser reads in D.96A order', () => {
		let fitAsIs = 0;
		let fitWithGlns = 0;
		let written = 0;
		for (const [index, fixture] of fixtures.entries()) {
			if (!preflight(fixture.invoice, { format: 'edifact-d96a' }).some((f) => f.flag === 'fatal')) fitAsIs++;
			const glnsOnly = withPartyGlns(fixture.invoice, { seller: SELLER_GLN, buyer: BUYER_GLN });
			if (!preflight(glnsOnly, { format: 'edifact-d96a' }).some((f) => f.flag === 'fatal')) fitWithGlns++;
			const invoice = eancomReady(fixture.invoice);
			const fatal = preflight(invoice, { format: 'edifact-d96a' }).filter((f) => f.flag === 'fatal');
			assert.deepEqual(fatal, [], `${fixture.name}: EANCOM pre-flight`);
			const reference = String(1000 + index);
			const text = writeInvoicD96a(invoice, {
				controlReference: reference,
				newlineAfterSegment: index % 2 === 0,
				test: true,
			});
			const segments = parse(text);
			assert.deepEqual(structureErrors(segments), [], `${fixture.name}: segment order`);

			const names = segments.map((s) => s.name);
			assert.equal(names[0], 'UNB');
			assert.equal(names.at(-1), 'UNZ');
			const unb = segments[0];
			assert.deepEqual(unb.elements[0], ['UNOC', '3']);
			assert.deepEqual(unb.elements[1], [partyGln(invoice.seller), '14'], `${fixture.name}: sender`);
			assert.deepEqual(unb.elements[2], [partyGln(invoice.buyer), '14'], `${fixture.name}: recipient`);
			assert.equal(unb.elements[4][0], reference);
			assert.equal(unb.elements[10][0], '1', 'test indicator');
			const unh = segments[1];
			assert.equal(unh.name, 'UNH');
			assert.deepEqual(unh.elements[1], ['INVOIC', 'D', '96A', 'UN', 'EAN008']);
			const unt = segments.at(-2)!;
			assert.equal(unt.name, 'UNT');
			assert.equal(Number(unt.elements[0][0]), segments.length - 2, `${fixture.name}: UNT segment count`);
			assert.equal(unt.elements[1][0], unh.elements[0][0]);
			assert.deepEqual(segments.at(-1)!.elements, [['1'], [reference]]);

			const bgm = segments.find((s) => s.name === 'BGM')!;
			assert.equal(bgm.elements[0][0], invoice.typeCode ?? (invoice.kind === 'creditNote' ? '381' : '380'));
			assert.equal(bgm.elements[1][0], invoice.number);

			const totals = withTotals(invoice).totals!;
			assert.equal(moa(segments, '77'), totals.taxInclusive, `${fixture.name}: MOA 77`);
			assert.equal(moa(segments, '79'), totals.lineNetTotal, `${fixture.name}: MOA 79`);
			assert.equal(moa(segments, '125'), totals.taxExclusive, `${fixture.name}: MOA 125`);
			assert.equal(moa(segments, '176'), totals.vatTotal, `${fixture.name}: MOA 176`);
			assert.equal(
				segments.filter((s) => s.name === 'LIN').length,
				invoice.lines.length,
				`${fixture.name}: one LIN per line`,
			);
			const lineAmounts = segments
				.filter((s) => s.name === 'MOA' && s.elements[0][0] === '203')
				.map((s) => s.elements[0][1]);
			const summed = lineAmounts.reduce((total, amount) => total + Math.round(Number(amount) * 100), 0);
			assert.equal(summed, Math.round(Number(totals.lineNetTotal) * 100), `${fixture.name}: MOA 203 sum = MOA 79`);
			const nads = segments.filter((s) => s.name === 'NAD').map((s) => s.elements[0][0]);
			for (const role of ['SU', 'BY', 'IV']) assert.ok(nads.includes(role), `${fixture.name}: NAD ${role}`);
			written++;
		}
		assert.equal(written, fixtures.length);
		console.log(
			`# EANCOM: ${written} of ${fixtures.length} fixtures written and parsed cleanly; EANCOM pre-flight clean as-is: ${fitAsIs}, with partner GLNs only: ${fitWithGlns}, with GLNs and item numbers: ${written}`,
		);
	});

	it('keeps names with apostrophes, plus signs, colons and question marks intact', () => {
		const base = eancomReady(fixtures[0].invoice);
		const tricky = "O'Brien + Sønner: Hvad? Ja'?";
		const invoice: Invoice = {
			...base,
			number: "INV+1:2'3?",
			seller: { ...base.seller, name: tricky },
			lines: [{ ...base.lines[0], item: { ...base.lines[0].item, name: "Bolt 5/8'' + nut: M8?" } }],
		};
		const segments = parse(writeInvoicD96a(invoice, { controlReference: '7' }));
		const su = segments.find((s) => s.name === 'NAD' && s.elements[0][0] === 'SU')!;
		assert.equal(su.elements[3].join(''), tricky);
		assert.equal(segments.find((s) => s.name === 'BGM')!.elements[1][0], "INV+1:2'3?");
		assert.equal(segments.find((s) => s.name === 'IMD')!.elements[2][3], "Bolt 5/8'' + nut: M8?");
		assert.deepEqual(structureErrors(segments), []);
	});

	it('the structure check catches segments out of D.96A order', () => {
		const segments = parse(writeInvoicD96a(eancomReady(fixtures[0].invoice), { controlReference: '5' }));
		const moved = [...segments];
		const cux = moved.findIndex((s) => s.name === 'CUX');
		const [cuxSegment] = moved.splice(cux, 1);
		moved.splice(
			moved.findIndex((s) => s.name === 'UNS'),
			0,
			cuxSegment,
		); // CUX after the lines
		assert.ok(structureErrors(moved).length > 0);
		const withoutBgm = segments.filter((s) => s.name !== 'BGM');
		assert.ok(structureErrors(withoutBgm).length > 0);
	});

	it('escapes each service character with the release character and keeps to ISO 8859-1', () => {
		assert.equal(escapeEdifact("a'b+c:d?e"), "a?'b?+c?:d??e");
		assert.equal(toUnoc('Æble – 10 €\nlinje 2'), 'Æble - 10 EUR linje 2');
		assert.equal(toUnoc('Łódź'), 'Lódz');
	});

	it('writes a credit note as BGM 381 with the corrected invoice (RFF IV)', () => {
		const fixture = fixtures.find((f) => f.invoice.kind === 'creditNote' && f.invoice.precedingInvoices?.length)!;
		const segments = parse(writeInvoicD96a(eancomReady(fixture.invoice), { controlReference: '8' }));
		assert.equal(segments.find((s) => s.name === 'BGM')!.elements[0][0], '381');
		const iv = segments.find((s) => s.name === 'RFF' && s.elements[0][0] === 'IV');
		assert.equal(iv?.elements[0][1], fixture.invoice.precedingInvoices![0].number);
	});

	it('ends segments with or without a newline, the same segments either way', () => {
		const invoice = eancomReady(fixtures[0].invoice);
		const at = new Date('2026-11-21T10:00:00Z');
		const plain = writeInvoicD96a(invoice, { controlReference: '9', preparedAt: at });
		const lines = writeInvoicD96a(invoice, { controlReference: '9', preparedAt: at, newlineAfterSegment: true });
		assert.ok(!plain.includes('\n'));
		assert.equal(lines.split('\n').length - 1, parse(plain).length + 1); // + UNA
		assert.deepEqual(parse(lines), parse(plain));
		assert.ok(plain.startsWith("UNA:+.? 'UNB+UNOC:3+"));
	});

	it('counts control references per sender-receiver pair and never reuses one', () => {
		let state = {};
		const seen = new Set<string>();
		for (let i = 0; i < 5; i++) {
			const next = nextControlReference(state, 'A', 'B');
			assert.ok(!seen.has(next.reference));
			seen.add(next.reference);
			state = next.state;
		}
		assert.equal(nextControlReference(state, 'A', 'C').reference, '1');
		assert.equal(nextControlReference(state, 'A', 'B').reference, '6');
		// The state survives JSON (n8n static data).
		assert.equal(nextControlReference(JSON.parse(JSON.stringify(state)), 'A', 'B').reference, '6');
	});
});

describe('EANCOM pre-flight', () => {
	const base = loadCanonicalFixtures()[0].invoice;

	it('asks for GLNs and item identification', () => {
		const ids = preflight(base, { format: 'edifact-d96a' }).map((f) => f.id);
		assert.ok(ids.includes('EANCOM-GLN-SELLER'));
		assert.ok(ids.includes('EANCOM-GLN-BUYER'));
		assert.ok(ids.includes('EANCOM-LIN-ITEM'));
	});

	it('rejects a GLN or GTIN with a wrong check digit', () => {
		const invoice = withPartyGlns(eancomReady(base), {});
		const badGln = { ...invoice, buyer: { ...invoice.buyer, identifiers: [{ id: '5790001234568', scheme: '0088' }] } };
		assert.equal(partyGln(badGln.buyer), '5790001234568');
		assert.ok(
			preflight(badGln, { format: 'edifact-d96a' }).some((f) => f.id === 'EANCOM-GLN-CHECK' && f.flag === 'fatal'),
		);
		const badGtin = {
			...invoice,
			lines: invoice.lines.map((l) => ({
				...l,
				item: { ...l.item, standardId: { id: '5701234567891', scheme: '0160' } },
			})),
		};
		assert.ok(preflight(badGtin, { format: 'edifact-d96a' }).some((f) => f.id === 'EANCOM-GTIN-CHECK'));
		const goodGtin = {
			...invoice,
			lines: invoice.lines.map((l) => ({
				...l,
				item: { name: l.item.name, standardId: { id: '5701234567899', scheme: '0160' } },
			})),
		};
		assert.deepEqual(
			preflight(goodGtin, { format: 'edifact-d96a' }).filter((f) => f.flag === 'fatal'),
			[],
		);
		const lin = parse(writeInvoicD96a(goodGtin, { controlReference: '3' })).find((s) => s.name === 'LIN')!;
		assert.deepEqual(lin.elements[2], ['5701234567899', 'SRV']);
	});

	it('reports inconsistent totals (format-neutral BR-CO rules)', () => {
		const invoice = eancomReady(base);
		const wrongLine = { ...invoice, lines: [{ ...invoice.lines[0], netAmount: '1.00' }, ...invoice.lines.slice(1)] };
		assert.ok(
			preflight(wrongLine, { format: 'edifact-d96a' }).some((f) => f.id === 'EANCOM-MOA-203' && f.flag === 'fatal'),
		);
		const payable = withTotals(invoice).totals!.payable;
		const wrongBooks = { ...invoice, booked: { payable: String(Number(payable) + 100) } };
		assert.ok(
			preflight(wrongBooks, { format: 'edifact-d96a' }).some(
				(f) => f.id === 'EXPORT-BOOKED-TOTALS' && f.flag === 'fatal',
			),
		);
		const wrongTotal = { ...invoice, prepaidAmount: 'x' };
		assert.ok(preflight(wrongTotal, { format: 'edifact-d96a' }).some((f) => f.flag === 'fatal'));
	});
});

describe('EDIFACT in the document pipeline', () => {
	const invoice = eancomReady(loadCanonicalFixtures()[0].invoice);

	it('builds the document with the .edi file name and knows the route spellings', () => {
		const built = buildDocument(invoice, { format: 'edifact-d96a', edifact: { controlReference: '42' } });
		assert.equal(built.valid, true);
		assert.ok(built.xml?.startsWith('UNA'));
		assert.equal(
			documentFileName('{number}.xml', { number: '2026-1', kind: 'invoice', format: 'edifact-d96a' }),
			'2026-1.edi',
		);
		assert.equal(
			documentFileName('{number}', { number: '2026-1', kind: 'invoice', format: 'edifact-d96a' }),
			'2026-1.edi',
		);
		assert.equal(
			documentFileName('{number}.xml', { number: '2026-1', kind: 'invoice', format: 'peppol-bis3' }),
			'2026-1.xml',
		);
		for (const spelling of ['edifact-d96a', 'EDIFACT', 'EANCOM D96A', 'EDIFACT INVOIC (EANCOM D96A)']) {
			assert.equal(normaliseFormat(spelling), 'edifact-d96a', spelling);
		}
	});

	it('reports an invoice EANCOM cannot address as findings, also when asked to write it anyway', () => {
		const raw = loadCanonicalFixtures()[0].invoice;
		const built = buildDocument(raw, {
			format: 'edifact-d96a',
			writeInvalid: true,
			edifact: { controlReference: '1' },
		});
		assert.equal(built.valid, false);
		assert.equal(built.xml, undefined);
		const ids = built.findings.map((f) => f.id);
		for (const id of ['EANCOM-GLN-SELLER', 'EANCOM-GLN-BUYER', 'EXPORT-WRITE']) assert.ok(ids.includes(id), id);
	});

	it('refuses to write an interchange without a control reference', () => {
		assert.throws(() => buildDocument(invoice, { format: 'edifact-d96a' }), /control reference/);
	});
});
