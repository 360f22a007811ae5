/**
 * Pre-flight ⇄ official validator agreement on mutated documents.
 *
 * Every mutation of the canonical fixtures (peppol-mutations.ts) is checked by `preflight`, written with the
 * PEPPOL writer and judged by the official validator (xsd + EN 16931 + PEPPOL incl. DK rules). The verdicts
 * — "has a fatal finding or not" — must agree on at least 99% of the documents. The report prints the
 * agreement per family and per rule, and every disagreement with both sets of rule ids.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { preflight } from '../../nodes/shared/einvoice/preflight';
import { writeUbl } from '../../nodes/shared/ubl/write';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { fatalIds, validateDocuments, type ValidatorResult } from '../support/validator';
import { generateMutations, type MutatedInvoice } from './peppol-mutations';

interface Verdict {
	mutation: MutatedInvoice;
	preflightFatal: string[];
	validatorFatal: string[];
	/** The writer refused the invoice (counts as invalid: no document can be sent). */
	writeError?: string;
}

const BATCH = 120;

function uniqueSorted(ids: string[]): string[] {
	return [...new Set(ids)].sort();
}

function pad(text: string | number, width: number): string {
	return String(text).padEnd(width);
}

describe('pre-flight agrees with the official validator on mutated PEPPOL documents', () => {
	it('agrees on at least 99% of at least 300 mutated documents, across rule families', async () => {
		const fixtures = loadCanonicalFixtures().filter((f) => f.invoice.lines.length <= 100);
		// PREFLIGHT_MUTATIONS=<regex> narrows the run while debugging (the assertions then need the full set).
		const only = process.env.PREFLIGHT_MUTATIONS ? new RegExp(process.env.PREFLIGHT_MUTATIONS) : undefined;
		const mutations = generateMutations(fixtures).filter((m) => !only || only.test(m.name));
		if (!only) assert.ok(mutations.length >= 300, `only ${mutations.length} mutated documents`);

		const verdicts: Verdict[] = [];
		const documents: { file: string; verdict: Verdict; xml: string }[] = [];
		mutations.forEach((mutation, index) => {
			const findings = preflight(mutation.invoice, { format: 'peppol-bis3' });
			const verdict: Verdict = {
				mutation,
				preflightFatal: uniqueSorted(findings.filter((f) => f.flag === 'fatal').map((f) => f.id)),
				validatorFatal: [],
			};
			verdicts.push(verdict);
			try {
				const xml = writeUbl(mutation.invoice, { format: 'peppol-bis3' });
				const file = `${String(index).padStart(3, '0')}-${mutation.name.replace(/[^A-Za-z0-9@-]/g, '_')}.xml`;
				documents.push({ file, verdict, xml });
			} catch (error) {
				verdict.writeError = (error as Error).message;
			}
		});

		// The validator warms up once per process; batches keep each call's output and memory moderate.
		for (let start = 0; start < documents.length; start += BATCH) {
			const batch = documents.slice(start, start + BATCH);
			const results: Record<string, ValidatorResult> = await validateDocuments(
				Object.fromEntries(batch.map((d) => [d.file, d.xml])),
			);
			for (const d of batch) d.verdict.validatorFatal = fatalIds(results[d.file]);
		}

		const invalid = (v: Verdict) => v.validatorFatal.length > 0 || v.writeError !== undefined;
		const agrees = (v: Verdict) => invalid(v) === v.preflightFatal.length > 0;
		const agreed = verdicts.filter(agrees).length;
		const rate = agreed / verdicts.length;

		// Per family.
		const families = new Map<string, { total: number; agreed: number; invalid: number }>();
		for (const v of verdicts) {
			const f = families.get(v.mutation.spec.family) ?? { total: 0, agreed: 0, invalid: 0 };
			f.total++;
			if (agrees(v)) f.agreed++;
			if (invalid(v)) f.invalid++;
			families.set(v.mutation.spec.family, f);
		}
		// Per rule: documents where the validator / pre-flight / both report the rule as fatal.
		const rules = new Map<string, { validator: number; preflight: number; both: number }>();
		for (const v of verdicts) {
			for (const id of new Set([...v.validatorFatal, ...v.preflightFatal])) {
				const r = rules.get(id) ?? { validator: 0, preflight: 0, both: 0 };
				const byValidator = v.validatorFatal.includes(id);
				const byPreflight = v.preflightFatal.includes(id);
				if (byValidator) r.validator++;
				if (byPreflight) r.preflight++;
				if (byValidator && byPreflight) r.both++;
				rules.set(id, r);
			}
		}

		const lines: string[] = [];
		lines.push(
			`Mutated documents: ${verdicts.length} (${mutations.length} mutations of ${new Set(mutations.map((m) => m.fixture)).size} fixtures, ` +
				`${new Set(mutations.map((m) => m.spec.id)).size} kinds); invalid per validator: ${verdicts.filter(invalid).length}; ` +
				`writer refused: ${verdicts.filter((v) => v.writeError).length}`,
		);
		lines.push(`Verdict agreement (fatal or not): ${agreed}/${verdicts.length} = ${(rate * 100).toFixed(2)}%`);
		lines.push('', `${pad('family', 14)}${pad('docs', 6)}${pad('invalid', 9)}agreement`);
		for (const [name, f] of [...families].sort()) {
			lines.push(`${pad(name, 14)}${pad(f.total, 6)}${pad(f.invalid, 9)}${((f.agreed / f.total) * 100).toFixed(1)}%`);
		}
		lines.push('', `${pad('rule (fatal)', 24)}${pad('validator', 11)}${pad('preflight', 11)}both`);
		for (const [id, r] of [...rules].sort((a, b) => a[0].localeCompare(b[0]))) {
			lines.push(`${pad(id, 24)}${pad(r.validator, 11)}${pad(r.preflight, 11)}${r.both}`);
		}
		const disagreements = verdicts.filter((v) => !agrees(v));
		lines.push('', `Disagreements: ${disagreements.length}`);
		for (const v of disagreements) {
			lines.push(
				`  ${v.mutation.name} (${v.mutation.spec.description}): validator [${v.writeError ? `writer: ${v.writeError}` : v.validatorFatal.join(', ')}] ` +
					`pre-flight [${v.preflightFatal.join(', ')}]`,
			);
		}
		// Rule-level differences per document (XSD and engine findings have no pre-flight counterpart).
		const ruleLevel = (ids: string[]) => ids.filter((id) => !/^(XSD|ENGINE-ERROR|EXPORT-)/.test(id));
		const differing = verdicts.filter(
			(v) => ruleLevel(v.validatorFatal).join() !== ruleLevel(v.preflightFatal).join() && !v.writeError,
		);
		lines.push('', `Documents whose fatal rule ids differ (verdicts may still agree): ${differing.length}`);
		if (process.env.PREFLIGHT_MUTATION_DETAIL) {
			for (const v of differing) {
				const onlyValidator = ruleLevel(v.validatorFatal).filter((id) => !v.preflightFatal.includes(id));
				const onlyPreflight = ruleLevel(v.preflightFatal).filter((id) => !v.validatorFatal.includes(id));
				lines.push(
					`  ${v.mutation.name}: validator only [${onlyValidator.join(', ')}], pre-flight only [${onlyPreflight.join(', ')}]`,
				);
			}
		}
		console.log(lines.join('\n'));

		if (only) return;
		// A spread across rule families, not one rule hit 300 times.
		const validatorRuleIds = new Set(verdicts.flatMap((v) => v.validatorFatal));
		assert.ok(families.size >= 9, `only ${families.size} families`);
		for (const [name, f] of families) assert.ok(f.total >= 10, `family ${name} has only ${f.total} documents`);
		assert.ok(validatorRuleIds.size >= 60, `the validator reported only ${validatorRuleIds.size} distinct fatal rules`);
		const invalidCount = verdicts.filter(invalid).length;
		const mostCommon = Math.max(...[...rules.values()].map((r) => r.validator));
		assert.ok(
			mostCommon <= invalidCount * 0.25,
			`one rule is fatal in ${mostCommon} of ${invalidCount} invalid documents`,
		);
		assert.ok(verdicts.length - invalidCount >= 40, 'too few valid controls');

		assert.ok(rate >= 0.99, `agreement ${(rate * 100).toFixed(2)}% is below 99%`);
	});
});
