import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { nextTokenFromHeaders, pageByNumber, pageByToken } from '../../../nodes/shared/n8n/paging';
import { acquireRateLimit, rateLimitUsage, resetRateLimits } from '../../../nodes/shared/n8n/rate-limit';
import { backoffDelay, defaultErrorMessage, parseRetryAfter } from '../../../nodes/shared/n8n/request';
import { cachedToken, clearTokenCache, credentialIdentity } from '../../../nodes/shared/n8n/token';

describe('paging', () => {
	const data = Array.from({ length: 10 }, (_, i) => i);

	it('pages by number from 1 until a short page', async () => {
		const asked: number[] = [];
		const result = await pageByNumber(
			async (page, size) => {
				asked.push(page);
				return data.slice((page - 1) * size, page * size);
			},
			{ pageSize: 4 },
		);
		assert.deepEqual(result.items, data);
		assert.deepEqual(asked, [1, 2, 3]);
		assert.equal(result.stoppedEarly, false);
	});

	it('pages by number from 0, stops on an empty page when the last page is full', async () => {
		const asked: number[] = [];
		const result = await pageByNumber(
			async (page, size) => {
				asked.push(page);
				return data.slice(page * size, (page + 1) * size);
			},
			{ pageSize: 5, firstPage: 0 },
		);
		assert.deepEqual(result.items, data);
		assert.deepEqual(asked, [0, 1, 2]);
	});

	it('uses total and hasMore when the service reports them', async () => {
		let calls = 0;
		const byTotal = await pageByNumber(
			async (page, size) => {
				calls++;
				return { items: data.slice((page - 1) * size, page * size), total: 10 };
			},
			{ pageSize: 5 },
		);
		assert.equal(calls, 2);
		assert.equal(byTotal.items.length, 10);
		calls = 0;
		const byFlag = await pageByNumber(
			async (page) => {
				calls++;
				return { items: [page], hasMore: page < 3 };
			},
			{ pageSize: 100 },
		);
		assert.deepEqual(byFlag.items, [1, 2, 3]);
	});

	it('stops early when onPage returns false, and at maxItems', async () => {
		const seen: number[][] = [];
		const early = await pageByNumber(async (page, size) => data.slice((page - 1) * size, page * size), {
			pageSize: 3,
			onPage: (items) => {
				seen.push(items);
				return seen.length < 2;
			},
		});
		assert.deepEqual(early.items, [0, 1, 2, 3, 4, 5]);
		assert.equal(early.stoppedEarly, true);
		const capped = await pageByNumber(async (page, size) => data.slice((page - 1) * size, page * size), {
			pageSize: 3,
			maxItems: 4,
		});
		assert.deepEqual(capped.items, [0, 1, 2, 3]);
		assert.equal(capped.pages, 2);
		assert.equal(capped.stoppedEarly, true);
	});

	it('pages by token and stops on a missing or repeated token', async () => {
		const pages: Record<string, { items: number[]; nextToken?: string }> = {
			start: { items: [1, 2], nextToken: 'B' },
			B: { items: [3], nextToken: 'C' },
			C: { items: [4], nextToken: 'B' },
		};
		const result = await pageByToken(async (token) => pages[token ?? 'start']);
		assert.deepEqual(result.items, [1, 2, 3, 4]);
		assert.equal(result.pages, 3);
	});

	it('reads a next-page token from headers case-insensitively', () => {
		assert.equal(nextTokenFromHeaders({ nextpagetoken: ' abc ' }, 'NextPageToken'), 'abc');
		assert.equal(nextTokenFromHeaders({ NextPageToken: '' }, 'NextPageToken'), undefined);
		assert.equal(nextTokenFromHeaders(undefined, 'x'), undefined);
	});
});

describe('retry parts', () => {
	it('parses Retry-After in seconds and as an HTTP date', () => {
		const now = Date.parse('2026-03-01T12:00:00Z');
		assert.equal(parseRetryAfter('120', now), 120_000);
		assert.equal(parseRetryAfter('0.5', now), 500);
		assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now), 30_000);
		assert.equal(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now), 0);
		assert.equal(parseRetryAfter('soon', now), undefined);
		assert.equal(parseRetryAfter(undefined, now), undefined);
	});

	it('backs off exponentially with jitter and a cap', () => {
		for (let i = 0; i < 50; i++) {
			const d1 = backoffDelay(1, { baseDelayMs: 100, maxDelayMs: 1000 });
			const d3 = backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 1000 });
			const d10 = backoffDelay(10, { baseDelayMs: 100, maxDelayMs: 1000 });
			assert.ok(d1 >= 50 && d1 <= 100);
			assert.ok(d3 >= 200 && d3 <= 400);
			assert.ok(d10 >= 500 && d10 <= 1000);
		}
	});

	it('finds the message in common error shapes', () => {
		assert.equal(defaultErrorMessage({ message: 'Invalid' }), 'Invalid');
		assert.equal(defaultErrorMessage({ error: { message: 'Nested' } }), 'Nested');
		assert.equal(defaultErrorMessage({ error: 'invalid_grant', error_description: 'Bad password' }), 'Bad password');
		assert.equal(defaultErrorMessage({ title: 'Validation failed', status: 400 }), 'Validation failed');
		assert.equal(
			defaultErrorMessage({ errors: [{ field: 'Number', message: 'taken' }, { message: 'also bad' }] }),
			'Number: taken; also bad',
		);
		assert.equal(defaultErrorMessage('<html><body><h1>502 Bad Gateway</h1></body></html>'), '502 Bad Gateway');
		assert.equal(defaultErrorMessage({}), undefined);
	});
});

describe('rate limiter', () => {
	it('lets `limit` requests through per window and holds the next one', async () => {
		resetRateLimits();
		const limit = { key: 'unit:a', limit: 3, windowMs: 800 };
		const started = Date.now();
		for (let i = 0; i < 3; i++) (await acquireRateLimit(limit))();
		const firstThree = Date.now() - started;
		assert.ok(firstThree < 600, `the first three went through at once (${firstThree} ms)`);
		assert.equal(rateLimitUsage('unit:a', 800), 3);
		(await acquireRateLimit(limit))();
		assert.ok(Date.now() - started >= 790, 'the fourth request waited for the window');
	});

	it('counts a request in flight until it is released', async () => {
		resetRateLimits();
		const limit = { key: 'unit:b', limit: 1, windowMs: 100 };
		const release = await acquireRateLimit(limit);
		let second = false;
		const pending = acquireRateLimit(limit).then((r) => {
			second = true;
			r();
		});
		await new Promise((r) => setTimeout(r, 200));
		assert.equal(second, false, 'still in flight, so the window has not started');
		const releasedAt = Date.now();
		release();
		await pending;
		assert.ok(Date.now() - releasedAt >= 90);
	});
});

describe('token cache', () => {
	it('fetches once for concurrent callers, reuses until expiry, refetches after invalidate', async () => {
		clearTokenCache();
		let fetches = 0;
		const source = cachedToken(credentialIdentity('unit', 'client', 'secret'), async () => {
			fetches++;
			await new Promise((r) => setTimeout(r, 20));
			return { accessToken: `t${fetches}`, expiresInSeconds: 3600 };
		});
		const tokens = await Promise.all([source.get(), source.get(), source.get()]);
		assert.deepEqual(tokens, ['t1', 't1', 't1']);
		assert.equal(await source.get(), 't1');
		source.invalidate();
		assert.equal(await source.get(), 't2');
		assert.equal(fetches, 2);
	});

	it('refreshes an expired token and keys by identity digest, not by the secret', async () => {
		clearTokenCache();
		let fetches = 0;
		const source = cachedToken('k', async () => ({ accessToken: `t${++fetches}`, expiresInSeconds: 0.05 }), {
			skewMs: 0,
		});
		assert.equal(await source.get(), 't1');
		await new Promise((r) => setTimeout(r, 80));
		assert.equal(await source.get(), 't2');
		const id = credentialIdentity('client', 'my-secret');
		assert.match(id, /^[0-9a-f]{64}$/);
		assert.ok(!id.includes('my-secret'));
		assert.notEqual(id, credentialIdentity('client', 'other-secret'));
	});
});
