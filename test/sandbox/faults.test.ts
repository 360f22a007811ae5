/**
 * The shared fault injection (faults.ts): each fault kind as a client sees it on the wire, the seeded sequence,
 * canned answers, and that every emulator (Dinero, Billy, Severa, Maventa, Zenvoices, the HTTP receiver) takes it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { listen } from './emulator';
import { Faults, type FaultKind } from './faults';
import { createHttpReceiver } from './http-receiver/receiver';
import { startSandbox } from './index';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

async function jsonServer(faults: Faults) {
	return await listen(
		(_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ok: true, padding: 'x'.repeat(200) }));
		},
		{},
		{ faults },
	);
}

describe('sandbox fault injection', () => {
	it('answers each fault kind as a client sees it', async () => {
		const seen: Record<string, string> = {};
		for (const kind of ['429', '500', '503', 'stall', 'truncated', 'invalid-json', 'token-expiry'] as FaultKind[]) {
			let expired = 0;
			const faults = new Faults({ rate: 1, seed: 1, kinds: [kind], stallMs: 100 });
			faults.bindTokenExpiry(() => expired++);
			const server = await jsonServer(faults);
			try {
				const response = await fetch(`${server.url}/x`);
				const text = await response.text();
				seen[kind] =
					`${response.status} ${response.headers.get('content-type')} ${response.headers.get('retry-after') ?? ''} ${text.slice(0, 12)}`;
				if (kind === 'token-expiry') assert.equal(expired, 1);
			} catch (error) {
				seen[kind] = `error ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`;
			} finally {
				await server.close();
			}
			assert.equal(faults.log.length, 1, `${kind} logged`);
		}
		assert.match(seen['429'], /^429 application\/json 1 /);
		assert.match(seen['500'], /^500 /);
		assert.match(seen['503'], /^503 application\/json 1 /);
		assert.match(seen.stall, /^error /);
		assert.match(seen.truncated, /^error /, 'the cut body is an error for the client');
		assert.match(seen['invalid-json'], /^200 text\/html.* <!DOCTYPE/);
		assert.match(seen['token-expiry'], /^200 application\/json/);
	});

	it('is deterministic per seed and honours the rate', async () => {
		const decisions = async (seed: number) => {
			const faults = new Faults({ rate: 0.3, seed, kinds: ['503'] });
			const server = await jsonServer(faults);
			const statuses: number[] = [];
			for (let i = 0; i < 60; i++) statuses.push((await fetch(`${server.url}/${i}`)).status);
			await server.close();
			return statuses;
		};
		const a = await decisions(7);
		assert.deepEqual(await decisions(7), a);
		assert.notDeepEqual(await decisions(8), a);
		const faulted = a.filter((s) => s === 503).length;
		assert.ok(faulted > 8 && faulted < 30, `about 30% of 60 (${faulted})`);
	});

	it('serves canned answers to matching requests, a given number of times', async () => {
		const faults = new Faults();
		faults.serve({ match: /^GET \/doc\//, status: 200, contentType: 'text/html', body: '<html>hi</html>', count: 2 });
		const server = await jsonServer(faults);
		const bodies = [];
		for (let i = 0; i < 3; i++) bodies.push(await (await fetch(`${server.url}/doc/1`)).text());
		bodies.push(await (await fetch(`${server.url}/other`)).text());
		await server.close();
		assert.deepEqual(bodies.slice(0, 2), ['<html>hi</html>', '<html>hi</html>']);
		assert.match(bodies[2], /"ok":true/);
		assert.match(bodies[3], /"ok":true/);
	});

	it('every emulator takes the profile (a 100% 503 profile answers 503 everywhere)', async () => {
		const datasets = ['dinero', 'billy', 'severa', 'maventa'].map((d) => path.join(repoRoot, 'test', 'fixtures', d));
		datasets.push(path.join(repoRoot, 'test', 'sandbox', 'zenvoices', 'dataset'));
		const emulators = [];
		for (const dir of datasets)
			emulators.push(await startSandbox(dir, { faults: new Faults({ rate: 1, seed: 1, kinds: ['503'] }) }));
		emulators.push(await createHttpReceiver({ faults: new Faults({ rate: 1, seed: 1, kinds: ['503'] }) }));
		try {
			for (const emulator of emulators)
				assert.equal((await fetch(`${emulator.url}/any/path`)).status, 503, emulator.url);
		} finally {
			await Promise.all(emulators.map((e) => e.close()));
		}
	});
});
