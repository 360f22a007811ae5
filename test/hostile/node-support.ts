/**
 * Shared pieces of the node-level hostile tests (nodes*.test.ts): the raw bodies no API should send, a per-run
 * timeout (a hang fails the case instead of the suite), the secret scan, the judgement of an error message, and the
 * printed totals. Import `./capture` before this module (it sets n8n's log level first).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { RunResult } from '../e2e/harness';
import { captured } from './capture';
import { deepNesting } from './mutate';

export const RUN_TIMEOUT_MS = 240_000;

export interface RawBody {
	name: string;
	status: number;
	contentType: string;
	body: string | ((req: http.IncomingMessage) => string);
	headers?: Record<string, string>;
}

/**
 * The healthy answer: no canned body, the emulator answers as the real service would. Each target has one such
 * case, and it must end in a correct result: a target whose every case "passes" as an error proves nothing.
 */
export const CONTROL: RawBody = { name: 'control:healthy-answer', status: 200, contentType: '', body: '' };

/** The verdict of one case; a control case passes only with a correct result. */
export function caseVerdict(
	target: string,
	mutation: string,
	why: string | undefined,
	outcome: 'error' | 'result',
): CaseVerdict {
	const problem =
		mutation.startsWith('control:') && outcome !== 'result'
			? `the healthy control case failed: ${why ?? 'an error'}`
			: why;
	return { target, mutation, pass: !problem, why: problem, outcome };
}

/** Every credential value an echoing answer saw on a request (bearer tokens, client ids): all must stay secret. */
export const echoedCredentials = new Set<string>();

/** The credentials a request carried, as a server would echo them back (the bare token, without "Bearer"). */
function requestCredentials(req: http.IncomingMessage): string {
	const values: string[] = [];
	for (const name of ['authorization', 'x-api-key', 'apikey']) {
		const value = req.headers[name];
		if (typeof value !== 'string' || !value) continue;
		const bare = value.replace(/^(Bearer|Basic)\s+/i, '');
		if (bare.length >= 8) echoedCredentials.add(bare);
		values.push(bare);
	}
	return values.join(' ');
}

/** Raw bodies no API should send, served as the answer to a request. */
export function rawBodies(secretEcho: string): RawBody[] {
	return [
		{
			name: 'html-200',
			status: 200,
			contentType: 'text/html',
			body: '<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>',
		},
		{
			name: 'html-as-json',
			status: 200,
			contentType: 'application/json',
			body: '<html><body>502 Bad Gateway</body></html>',
		},
		{
			name: 'html-500',
			status: 500,
			contentType: 'text/html',
			body: '<html><body><h1>Internal Server Error</h1><script>alert(1)</script></body></html>',
		},
		{
			name: 'truncated-json',
			status: 200,
			contentType: 'application/json',
			body: '{"invoice":{"id":"x","lines":[{"descr',
		},
		{ name: 'empty-200', status: 200, contentType: 'application/json', body: '' },
		{ name: 'json-null', status: 200, contentType: 'application/json', body: 'null' },
		{ name: 'json-string', status: 200, contentType: 'application/json', body: '"ok"' },
		{ name: 'json-array', status: 200, contentType: 'application/json', body: '[1,2,3]' },
		{ name: 'deep-nesting-raw', status: 200, contentType: 'application/json', body: deepNesting(100_000) },
		{ name: 'bom-and-control-chars', status: 200, contentType: 'application/json', body: '\ufeff{"a":"\u0001\u0002"}' },
		{
			name: 'invalid-utf8',
			status: 200,
			contentType: 'application/json',
			body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1'),
		},
		{
			name: '10mb-garbage',
			status: 200,
			contentType: 'application/json',
			body: `{"x":"${'A'.repeat(10 * 1024 * 1024)}`,
		},
		{
			name: 'retry-after-forever',
			status: 429,
			contentType: 'application/json',
			body: '{"message":"slow down"}',
			headers: { 'retry-after': '86400' },
		},
		{
			name: 'error-echoing-the-credential',
			status: 401,
			contentType: 'application/json',
			body: (req) =>
				JSON.stringify({
					message: `The key ${secretEcho} ${requestCredentials(req)} is not valid`,
					errorMessage: `Token ${secretEcho} rejected`,
				}),
		},
		{
			name: 'error-403-echo',
			status: 403,
			contentType: 'application/json',
			body: (req) => JSON.stringify({ message: `Forbidden for ${secretEcho} (${requestCredentials(req)})` }),
		},
	];
}

/**
 * Further bodies for the answers of delivery and settings APIs: XML (with an external entity and DTD) where JSON
 * is expected, wrong content types, an error inside a 200, records of the wrong shape, `&`/`<` and control
 * characters in every text, huge numbers, a 10 MB string inside an otherwise plausible record.
 */
export function moreBodies(secretEcho: string, dtdUrl: string): RawBody[] {
	return [
		{
			name: 'xml-xxe-instead-of-json',
			status: 200,
			contentType: 'application/xml',
			body: `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % d SYSTEM "${dtdUrl}/xxe.dtd"> %d; <!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`,
		},
		{ name: 'text-plain-200', status: 200, contentType: 'text/plain', body: 'OK' },
		{ name: 'octet-stream-200', status: 200, contentType: 'application/octet-stream', body: '\u0000\u0001PK' },
		{
			name: 'error-inside-200',
			status: 200,
			contentType: 'application/json',
			body: (req) =>
				JSON.stringify({
					success: false,
					code: 'internal_error',
					message: `failed for ${secretEcho} ${requestCredentials(req)}`,
					error: { message: 'Something went wrong', details: 'try later' },
				}),
		},
		{ name: 'empty-object', status: 200, contentType: 'application/json', body: '{}' },
		{ name: 'list-of-nulls', status: 200, contentType: 'application/json', body: '[null,null]' },
		{ name: 'list-of-strings', status: 200, contentType: 'application/json', body: '["a","<b>&"]' },
		{
			name: 'wrong-types-everywhere',
			status: 200,
			contentType: 'application/json',
			body: JSON.stringify({ id: { x: 1 }, guid: 12, status: [1], items: 5, result: 'x', name: { a: 1 } }),
		},
		{
			name: 'huge-numbers',
			status: 200,
			contentType: 'application/json',
			body: '{"id":9223372036854775807,"guid":1e400,"status":1e400,"totalCount":9223372036854775807,"items":[]}',
		},
		{
			name: 'amp-lt-control-chars',
			status: 200,
			contentType: 'application/json',
			body: JSON.stringify({ id: 'a&b<c>\u0000\u001b', name: '<script>&amp;', status: 'DELIVERED&<' }),
		},
		{
			name: '10mb-string-in-record',
			status: 200,
			contentType: 'application/json',
			body: JSON.stringify({ id: 'Æ'.repeat(5 * 1024 * 1024), name: 'x' }),
		},
		{ name: 'empty-204', status: 204, contentType: 'application/json', body: '' },
		{ name: 'server-error-500-json', status: 500, contentType: 'application/json', body: '{"message":"boom"}' },
	];
}

export function withTimeout<T>(promise: Promise<T>, ms = RUN_TIMEOUT_MS): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<T>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`hang: the workflow did not finish within ${ms} ms`)), ms);
		}),
	]);
}

/** Where the secrets were found (a short context, the secret itself masked): for the failure message. */
export function leakContexts(texts: string[], secrets: Record<string, string>, max = 5): string[] {
	const out: string[] = [];
	for (const [name, secret] of Object.entries(secrets))
		for (const text of texts) {
			const at = text.indexOf(secret);
			if (at < 0) continue;
			out.push(
				`${name}: …${text.slice(Math.max(0, at - 200), at)}<${name}>${text.slice(at + secret.length, at + secret.length + 80)}…`,
			);
			if (out.length >= max) return out;
		}
	return out;
}

/** Runs of one hostile test at a time: hostile answers mostly wait on retry back-off, not on the CPU. */
export const PARALLEL_RUNS = 8;

/** The named secrets plus every issued token and every credential an echoing answer saw. */
export function allSecrets(named: Record<string, string>, tokens: string[] = []): Record<string, string> {
	const out = { ...named };
	tokens.forEach((t, i) => (out[`token${i}`] = t));
	[...echoedCredentials].forEach((t, i) => (out[`echoed${i}`] = t));
	return out;
}

/** Names of the secrets found in any of the texts. */
export function secretsIn(texts: string[], secrets: Record<string, string>): string[] {
	const found: string[] = [];
	for (const [name, secret] of Object.entries(secrets)) if (texts.some((t) => t.includes(secret))) found.push(name);
	return found;
}

/** Every text of a run a secret could surface in: output items of the nodes, the run error, captured log lines. */
export function runTexts(result: RunResult, nodes: string[]): string[] {
	const texts: string[] = [];
	for (const name of nodes)
		for (const output of result.outputs(name))
			for (const item of output as INodeExecutionData[]) texts.push(JSON.stringify(item));
	if (result.error) texts.push(JSON.stringify(result.error), result.error.message, String(result.error.stack));
	return texts;
}

/** Captured output since `mark` (the index of `captured` before the run). */
export function capturedSince(mark: number): string[] {
	return captured.slice(mark);
}

/** Messages that show code tripped over an unexpected shape instead of naming the problem. */
export const CRASH =
	/is not a function|Cannot read propert|is not iterable|Maximum call stack|undefined \(reading|Spread syntax|Invalid array length|Unexpected token|Cannot convert|\[object Object\]/;

/** The text of an item error (`json.error` as a string or `{message, description}`), with its description. */
export function itemErrorText(json: IDataObject): string | undefined {
	const error = json.error as string | IDataObject | undefined;
	if (error === undefined) return undefined;
	const details = (json.details ?? {}) as IDataObject;
	const message = typeof error === 'string' ? error : `${String(error.message)} ${String(error.description ?? '')}`;
	return `${message} ${String(details.description ?? '')}`.trim();
}

/** A clear error: long enough to say something, names one of `names` (if given), and is no JavaScript crash. */
export function judgeError(message: string, names: string[]): string | undefined {
	if (CRASH.test(message)) return `crash: ${message.slice(0, 240)}`;
	if (names.length && !names.some((n) => message.includes(n)))
		return `error does not name ${names.join(' / ')}: ${message.slice(0, 240)}`;
	if (message.trim().length <= 15) return `error without a cause: "${message}"`;
	return undefined;
}

export interface CaseVerdict {
	target: string;
	mutation: string;
	pass: boolean;
	outcome: 'error' | 'result';
	why?: string;
}

/** Print one line per target (the hostile suites' format) and the failures; returns the failures as text. */
export function report(label: string, verdicts: CaseVerdict[]): string[] {
	const targets = [...new Set(verdicts.map((v) => v.target))];
	for (const target of targets) {
		const mine = verdicts.filter((v) => v.target === target);
		const passed = mine.filter((v) => v.pass).length;
		console.log(
			`  ${target}: ${passed}/${mine.length} pass (${mine.filter((v) => v.outcome === 'error').length} clear errors, ` +
				`${mine.filter((v) => v.outcome === 'result').length} correct results)`,
		);
	}
	const passed = verdicts.filter((v) => v.pass).length;
	console.log(
		`hostile ${label} nodes: ${passed}/${verdicts.length} pass (${((100 * passed) / Math.max(1, verdicts.length)).toFixed(1)}%)`,
	);
	const failures = verdicts.filter((v) => !v.pass).map((v) => `${v.target} ${v.mutation}: ${v.why}`);
	for (const f of failures.slice(0, 200)) console.log(`  FAIL ${f}`);
	return failures;
}

/** A temporary copy of a dataset folder with its `dataset.json` settings patched (e.g. distinctive secrets). */
export function datasetWith(source: string, settings: IDataObject): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'hostile-dataset-'));
	cpSync(source, dir, { recursive: true });
	const file = path.join(dir, 'dataset.json');
	const info = JSON.parse(readFileSync(file, 'utf8')) as IDataObject;
	info.settings = { ...(info.settings as IDataObject), ...settings };
	writeFileSync(file, JSON.stringify(info, null, '\t'));
	return dir;
}

/** A local server that records every request: the target of external entities and DTDs, which must never be hit. */
export async function entityTrap(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
	const hits: string[] = [];
	const server = http.createServer((req, res) => {
		hits.push(req.url ?? '/');
		res.end('<!ENTITY leak "entity-was-fetched">');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		hits,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** Run `fn` over `values` with at most `limit` at once (hostile answers mostly wait on back-off, not on the CPU). */
export async function inParallel<T, R>(
	values: readonly T[],
	limit: number,
	fn: (value: T, index: number) => Promise<R>,
) {
	const results = new Array<R>(values.length);
	let next = 0;
	const worker = async () => {
		while (next < values.length) {
			const index = next++;
			results[index] = await fn(values[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
	return results;
}

/** Split `values` into `parts` interleaved chunks (so slow cases spread over the chunks). */
export function chunks<T>(values: readonly T[], parts: number): T[][] {
	const out: T[][] = Array.from({ length: Math.min(parts, values.length) }, () => []);
	values.forEach((v, i) => out[i % out.length].push(v));
	return out;
}
