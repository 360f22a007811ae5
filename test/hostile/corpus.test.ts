/**
 * Hostile-input corpus through the pure layers: the Dinero, Billy and Severa mappers (with the clients' JSON
 * reading), the PEPPOL and OIOUBL readers, and Invoice to UBL's JSON input; each followed by reconcile, pre-flight
 * and the writer. Every case must end in a clear error (a domain error naming the document and the cause, or
 * pre-flight's fatal findings) or a document the official validator accepts. Cases run in a worker thread with a
 * per-case timeout, so a hang is a failure, not a stuck test. Entity attacks point at a secret file and a local
 * server: neither the secret nor a request may ever show up.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';

import { fatalIds, validateDocuments } from '../support/validator';
import { buildCases, type HostileCase, type Outcome } from './cases';

const SECRET = 'HOSTILE-SECRET-7f3a9c2e-do-not-leak';
const CASE_TIMEOUT_MS = 20_000;

/** Mutations that remove or replace what names the document: the error cannot be expected to repeat the original name. */
const UNNAMEABLE =
	/^(null-record|array-instead-of-record|empty-object|huge-int:every-numeric-field)$|^[a-z-]+:(document\.(Number|Guid)|invoice\.(invoiceNo|id|number|guid))$/;

/** Messages that show a mapper tripped over an unexpected shape instead of naming the field. */
const JS_LEVEL = /is not a function|Cannot read propert|is not iterable|Maximum call stack|undefined \(reading/;

interface Verdict {
	c: HostileCase;
	outcome?: Outcome;
	ms: number;
	pass?: boolean;
	why?: string;
}

/** Run cases one by one in a worker; a case that does not answer in time is recorded as a hang and the worker replaced. */
async function runInWorker(cases: HostileCase[]): Promise<Verdict[]> {
	const script = path.join(__dirname, 'worker.js');
	const verdicts: Verdict[] = [];
	let worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: 1024, stackSizeMb: 4 } });
	for (const c of cases) {
		const started = Date.now();
		const result = await new Promise<{ outcome?: Outcome; why?: string }>((resolve) => {
			const timer = setTimeout(() => resolve({ why: `hang: no answer within ${CASE_TIMEOUT_MS} ms` }), CASE_TIMEOUT_MS);
			const onMessage = (m: { id: string; outcome: Outcome }) => {
				if (m.id !== c.id) return;
				done();
				resolve({ outcome: m.outcome });
			};
			const onError = (error: Error) => {
				done();
				resolve({ why: `crash: the worker died (${error.message})` });
			};
			const done = () => {
				clearTimeout(timer);
				worker.off('message', onMessage);
				worker.off('error', onError);
			};
			worker.on('message', onMessage);
			worker.on('error', onError);
			worker.postMessage(c);
		});
		const verdict: Verdict = { c, ms: Date.now() - started, outcome: result.outcome };
		if (!result.outcome) {
			verdict.pass = false;
			verdict.why = result.why;
			await worker.terminate();
			worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: 1024, stackSizeMb: 4 } });
		}
		verdicts.push(verdict);
	}
	await worker.terminate();
	return verdicts;
}

/** Classify everything but documents, which the validator judges afterwards. */
function judge(v: Verdict): void {
	if (v.pass === false || !v.outcome) return;
	const o = v.outcome;
	const text = JSON.stringify(o);
	if (text.includes(SECRET)) {
		v.pass = false;
		v.why = 'the secret file content reached the output';
		return;
	}
	if (o.kind === 'error') {
		if (!o.domain) {
			v.pass = false;
			v.why = `crash: ${o.errorClass}: ${o.message.slice(0, 200)}`;
		} else if (
			v.c.names.length &&
			!UNNAMEABLE.test(v.c.mutation) &&
			o.errorClass !== 'DineroJsonError' && // raised while reading the body; the client adds the document
			!v.c.names.some((n) => o.message.includes(n))
		) {
			v.pass = false;
			v.why = `error does not name the document (${v.c.names.join(' / ')}): ${o.message.slice(0, 200)}`;
		} else if (JS_LEVEL.test(o.message)) {
			v.pass = false;
			v.why = `the cause is a JavaScript error, not the data problem: ${o.message.slice(0, 200)}`;
		} else if (o.message.trim().length < 10) {
			v.pass = false;
			v.why = `error without a cause: "${o.message}"`;
		} else v.pass = true;
	} else if (o.kind === 'rejected') {
		v.pass = o.findings.length > 0;
		if (!v.pass) v.why = 'rejected without a fatal finding';
	}
}

describe('hostile input corpus: mappers, readers and JSON input', () => {
	let dtdServer: http.Server;
	let dtdUrl = '';
	const dtdHits: string[] = [];
	let secretFile = '';

	before(async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'hostile-'));
		secretFile = path.join(dir, 'secret.txt');
		writeFileSync(secretFile, SECRET);
		dtdServer = http.createServer((req, res) => {
			dtdHits.push(req.url ?? '/');
			res.end(`<!ENTITY leak "${SECRET}">`);
		});
		await new Promise<void>((resolve) => dtdServer.listen(0, '127.0.0.1', resolve));
		dtdUrl = `http://127.0.0.1:${(dtdServer.address() as AddressInfo).port}`;
	});
	after(() => new Promise<void>((resolve) => dtdServer.close(() => resolve())));

	it('every case ends in a clear error or a valid document; no crash, no hang, no leak', async () => {
		const cases = buildCases(secretFile, dtdUrl);
		assert.ok(cases.length >= 200, `at least 200 cases (got ${cases.length})`);
		const verdicts = await runInWorker(cases);
		verdicts.forEach(judge);

		// Documents: the official validator judges each distinct one, in batches.
		const pending = verdicts.filter((v) => v.outcome?.kind === 'document' && v.pass === undefined);
		const byHash = new Map<string, Verdict[]>();
		for (const v of pending) {
			const o = v.outcome as Extract<Outcome, { kind: 'document' }>;
			const key = createHash('sha1').update(o.format).update(o.xml).digest('hex');
			byHash.set(key, [...(byHash.get(key) ?? []), v]);
		}
		const hashes = [...byHash.keys()];
		// A document the validator cannot even load (libxml2 runs out of memory) is not a correct document.
		const xmlOf = (h: string) => (byHash.get(h)![0].outcome as Extract<Outcome, { kind: 'document' }>).xml;
		for (const h of hashes.filter((x) => xmlOf(x).length > 1_000_000)) {
			for (const v of byHash.get(h)!) {
				v.pass = false;
				v.why = `pre-flight passed a ${(xmlOf(h).length / 1e6).toFixed(1)} MB document the validator cannot load`;
			}
		}
		const small = hashes.filter((x) => xmlOf(x).length <= 1_000_000);
		for (let i = 0; i < small.length; i += 100) {
			const batch = small.slice(i, i + 100);
			const docs = Object.fromEntries(
				batch.map((h) => [`${h}.xml`, (byHash.get(h)![0].outcome as Extract<Outcome, { kind: 'document' }>).xml]),
			);
			const results = await validateDocuments(docs);
			for (const h of batch) {
				const fatal = fatalIds(results[`${h}.xml`]);
				for (const v of byHash.get(h)!) {
					v.pass = fatal.length === 0;
					if (!v.pass) v.why = `pre-flight passed a document the validator rejects: ${fatal.join(', ')}`;
				}
			}
		}

		const passed = verdicts.filter((v) => v.pass).length;
		const byTarget = new Map<
			string,
			{ total: number; passed: number; errors: number; rejected: number; documents: number }
		>();
		for (const v of verdicts) {
			const t = byTarget.get(v.c.target) ?? { total: 0, passed: 0, errors: 0, rejected: 0, documents: 0 };
			t.total++;
			if (v.pass) t.passed++;
			if (v.outcome?.kind === 'error') t.errors++;
			if (v.outcome?.kind === 'rejected') t.rejected++;
			if (v.outcome?.kind === 'document') t.documents++;
			byTarget.set(v.c.target, t);
		}
		for (const [target, t] of byTarget)
			console.log(
				`  ${target}: ${t.passed}/${t.total} pass (${t.errors} clear errors, ${t.rejected} pre-flight rejections, ${t.documents} valid documents)`,
			);
		const slowest = [...verdicts].sort((a, b) => b.ms - a.ms)[0];
		console.log(
			`hostile corpus (pure layers): ${passed}/${verdicts.length} pass (${((100 * passed) / verdicts.length).toFixed(1)}%); ` +
				`${hashes.length} distinct documents validated; slowest case ${slowest.c.id} ${slowest.c.mutation} ${slowest.ms} ms`,
		);
		const failures = verdicts.filter((v) => !v.pass);
		for (const v of failures.slice(0, 150)) console.log(`  FAIL ${v.c.id} ${v.c.mutation}: ${v.why}`);
		assert.deepEqual(dtdHits, [], 'no entity or DTD was fetched');
		assert.equal(failures.length, 0, `${failures.length} cases failed`);
	});
});
