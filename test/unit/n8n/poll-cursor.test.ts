import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
	CURSOR_KEY,
	CursorError,
	latestDocuments,
	newCursor,
	openCursor,
	queryFrom,
	saveCursor,
	selectNew,
	toEpochMs,
	type PollCursor,
} from '../../../nodes/shared/n8n/poll-cursor';

interface Doc {
	id: string;
	updatedAt: string;
}
const keyOf = (d: Doc) => ({ id: d.id, timestamp: d.updatedAt });
const doc = (id: string, updatedAt: string): Doc => ({ id, updatedAt });
const ids = (docs: Doc[]) => docs.map((d) => d.id);

/** What the API returns for `changedSince` (inclusive), like the sandboxes do. */
function apiSince(all: Doc[], since: string): Doc[] {
	const from = toEpochMs(since);
	return all.filter((d) => toEpochMs(d.updatedAt) >= from);
}

/** One poll as a trigger does it, with a JSON round trip of the static data (a restart between polls). */
function poll(
	store: { json: string },
	all: Doc[],
	options: { limit?: number; now?: Date; exportSince?: string; lookbackMs?: number } = {},
) {
	const staticData = JSON.parse(store.json) as Record<string, unknown>;
	const { cursor, isNew } = openCursor(staticData, { now: options.now, exportSince: options.exportSince });
	const fetched = apiSince(all, queryFrom(cursor, options.lookbackMs ?? 0));
	const { documents, next, deferred } = selectNew(cursor, fetched, keyOf, {
		limit: options.limit,
		lookbackMs: options.lookbackMs,
	});
	saveCursor(staticData, next);
	store.json = JSON.stringify(staticData);
	return { emitted: ids(documents), isNew, deferred, cursor: next };
}

describe('poll cursor', () => {
	const T0 = '2026-03-01T10:00:00.000Z';

	it('starts at "now" on first activation and emits nothing older', () => {
		const store = { json: '{}' };
		const all = [doc('a', '2026-03-01T09:59:59.999Z'), doc('b', '2026-03-01T10:00:00.000Z')];
		const first = poll(store, all, { now: new Date(T0) });
		assert.equal(first.isNew, true);
		// A document stamped exactly "now" has not been seen: it is emitted; the older one is not.
		assert.deepEqual(first.emitted, ['b']);
		const second = poll(store, all, { now: new Date('2026-03-02T00:00:00Z') });
		assert.equal(second.isNew, false);
		assert.deepEqual(second.emitted, []);
	});

	it('stores the cursor even when the first poll finds nothing, so later documents are not skipped', () => {
		const store = { json: '{}' };
		poll(store, [], { now: new Date(T0) });
		const later = [doc('x', '2026-03-01T10:05:00Z')];
		// "now" moved on, but the stored cursor still says 10:00.
		assert.deepEqual(poll(store, later, { now: new Date('2026-03-01T11:00:00Z') }).emitted, ['x']);
	});

	it('starts at the "export since" date when set, and restarts when that option changes', () => {
		const store = { json: '{}' };
		const all = [
			doc('old', '2025-12-31T23:00:00Z'),
			doc('jan', '2026-01-15T08:00:00Z'),
			doc('feb', '2026-02-01T00:00:00Z'),
		];
		assert.deepEqual(poll(store, all, { exportSince: '2026-01-01' }).emitted, ['jan', 'feb']);
		assert.deepEqual(poll(store, all, { exportSince: '2026-01-01' }).emitted, []);
		// Clearing the option keeps the cursor.
		assert.deepEqual(poll(store, all).emitted, []);
		// A different date restarts from it.
		const restarted = poll(store, all, { exportSince: '2025-12-01' });
		assert.equal(restarted.isNew, true);
		assert.deepEqual(restarted.emitted, ['old', 'jan', 'feb']);
	});

	it('emits documents sharing the high-water timestamp exactly once across a budget boundary and a restart', () => {
		const store = { json: '{}' };
		const same = '2026-03-01T12:00:00.000Z';
		const all = [doc('d1', same), doc('d2', same), doc('d3', same), doc('d4', same), doc('d0', '2026-03-01T11:00:00Z')];
		const p1 = poll(store, all, { exportSince: T0, limit: 2 });
		assert.deepEqual(p1.emitted, ['d0', 'd1']);
		assert.equal(p1.deferred, 3);
		const p2 = poll(store, all, { exportSince: T0, limit: 2 });
		assert.deepEqual(p2.emitted, ['d2', 'd3']);
		assert.equal(p2.cursor.since, same);
		const p3 = poll(store, all, { exportSince: T0, limit: 2 });
		assert.deepEqual(p3.emitted, ['d4']);
		assert.deepEqual(poll(store, all, { exportSince: T0, limit: 2 }).emitted, []);
	});

	it('emits a document with the high-water timestamp that appears after the cursor moved there', () => {
		const store = { json: '{}' };
		const t = '2026-03-01T12:00:00Z';
		const all = [doc('a', t)];
		assert.deepEqual(poll(store, all, { exportSince: T0 }).emitted, ['a']);
		all.push(doc('b', t)); // committed later with the same second
		assert.deepEqual(poll(store, all, { exportSince: T0 }).emitted, ['b']);
		assert.deepEqual(poll(store, all, { exportSince: T0 }).emitted, []);
	});

	it('emits a document again when it changes (new timestamp)', () => {
		const store = { json: '{}' };
		const all = [doc('a', '2026-03-01T12:00:00Z')];
		assert.deepEqual(poll(store, all, { exportSince: T0 }).emitted, ['a']);
		all[0] = doc('a', '2026-03-01T12:30:00Z');
		assert.deepEqual(poll(store, all, { exportSince: T0 }).emitted, ['a']);
	});

	it('counts a document listed twice (page shift) once, at its latest timestamp', () => {
		const cursor = newCursor({ exportSince: T0 });
		const { documents, next } = selectNew(
			cursor,
			[doc('a', '2026-03-01T11:00:00Z'), doc('b', '2026-03-01T11:30:00Z'), doc('a', '2026-03-01T12:00:00Z')],
			keyOf,
		);
		assert.deepEqual(
			documents.map((d) => `${d.id}@${d.updatedAt}`),
			['b@2026-03-01T11:30:00Z', 'a@2026-03-01T12:00:00Z'],
		);
		assert.equal(next.since, '2026-03-01T12:00:00.000Z');
	});

	it('orders by timestamp, then id, whatever order the API used', () => {
		const cursor = newCursor({ exportSince: T0 });
		const docs = [
			doc('c', '2026-03-01T11:00:00Z'),
			doc('b', '2026-03-01T11:00:00Z'),
			doc('a', '2026-03-01T12:00:00Z'),
			doc('z', '2026-03-01T10:30:00Z'),
		];
		assert.deepEqual(ids(selectNew(cursor, docs, keyOf).documents), ['z', 'b', 'c', 'a']);
	});

	it('with a look-back window, catches a late document stamped before the cursor without repeating others', () => {
		const store = { json: '{}' };
		const lookbackMs = 10 * 60_000;
		const all = [doc('a', '2026-03-01T12:00:00Z'), doc('b', '2026-03-01T12:05:00Z')];
		assert.deepEqual(poll(store, all, { exportSince: T0, lookbackMs }).emitted, ['a', 'b']);
		// Committed late with an earlier timestamp, inside the window.
		all.push(doc('late', '2026-03-01T12:01:00Z'));
		assert.deepEqual(poll(store, all, { exportSince: T0, lookbackMs }).emitted, ['late']);
		assert.deepEqual(poll(store, all, { exportSince: T0, lookbackMs }).emitted, []);
		// Without a window the late one would have been missed: that is what the window is for.
		const plain = { json: '{}' };
		const base = [doc('a', '2026-03-01T12:00:00Z'), doc('b', '2026-03-01T12:05:00Z')];
		poll(plain, base, { exportSince: T0 });
		assert.deepEqual(poll(plain, [...base, doc('late', '2026-03-01T12:01:00Z')], { exportSince: T0 }).emitted, []);
	});

	it('prunes ids that fell out of the window so static data stays small', () => {
		const cursor = newCursor({ exportSince: T0 });
		const many = Array.from({ length: 50 }, (_, i) =>
			doc(`d${i}`, new Date(Date.parse('2026-03-01T11:00:00Z') + i * 1000).toISOString()),
		);
		const { next } = selectNew(cursor, many, keyOf);
		assert.deepEqual(Object.keys(next.seen), ['d49']);
		const withWindow = selectNew(cursor, many, keyOf, { lookbackMs: 5000 }).next;
		assert.deepEqual(Object.keys(withWindow.seen).sort(), ['d44', 'd45', 'd46', 'd47', 'd48', 'd49']);
	});

	it('does not move without documents, and a zero budget emits nothing', () => {
		const cursor = newCursor({ exportSince: T0 });
		assert.deepEqual(selectNew(cursor, [], keyOf).next, cursor);
		const zero = selectNew(cursor, [doc('a', '2026-03-01T11:00:00Z')], keyOf, { limit: 0 });
		assert.deepEqual(zero.documents, []);
		assert.equal(zero.deferred, 1);
		assert.equal(zero.next.since, cursor.since);
	});

	it('reads timestamps with offsets, without offsets (UTC), with spaces and with long fractions', () => {
		assert.equal(toEpochMs('2026-03-01T12:00:00+01:00'), Date.parse('2026-03-01T11:00:00Z'));
		assert.equal(toEpochMs('2026-03-01T12:00:00'), Date.parse('2026-03-01T12:00:00Z'));
		assert.equal(toEpochMs('2026-03-01 12:00:00'), Date.parse('2026-03-01T12:00:00Z'));
		assert.equal(toEpochMs('2026-03-01T12:00:00.1234567Z'), Date.parse('2026-03-01T12:00:00.123Z'));
		assert.equal(toEpochMs('2026-03-01'), Date.parse('2026-03-01T00:00:00Z'));
		assert.equal(toEpochMs(1_772_366_400_000), 1_772_366_400_000);
		assert.throws(() => toEpochMs('yesterday'), CursorError);
	});

	it('refuses documents without id or readable timestamp instead of dropping them', () => {
		const cursor = newCursor({ exportSince: T0 });
		assert.throws(() => selectNew(cursor, [doc('', '2026-03-01T12:00:00Z')], keyOf), /no id/);
		assert.throws(() => selectNew(cursor, [doc('x', 'not a date')], keyOf), /timestamp of document x/);
	});

	it('treats sub-millisecond variants of one timestamp as the same version', () => {
		const store = { json: '{}' };
		const all = [doc('a', '2026-03-01T12:00:00.123456Z')];
		assert.deepEqual(poll(store, all, { exportSince: T0 }).emitted, ['a']);
		all[0] = doc('a', '2026-03-01T12:00:00.123999Z');
		assert.deepEqual(poll(store, all, { exportSince: T0 }).emitted, []);
	});

	it('replaces an unreadable stored cursor with a new one', () => {
		const staticData: Record<string, unknown> = { [CURSOR_KEY]: { v: 1, since: 'garbage', seen: {} } };
		const { isNew, cursor } = openCursor(staticData, { now: new Date(T0) });
		assert.equal(isNew, true);
		assert.equal(cursor.since, T0);
	});

	it('does not write static data until saveCursor, and saveCursor stores a copy', () => {
		const staticData: Record<string, unknown> = {};
		const { cursor } = openCursor(staticData, { now: new Date(T0) });
		assert.deepEqual(staticData, {});
		saveCursor(staticData, cursor);
		(cursor as PollCursor).seen.x = 1;
		assert.deepEqual((staticData[CURSOR_KEY] as PollCursor).seen, {});
	});

	it('manual mode: the latest few documents, newest first', () => {
		const docs = [doc('a', '2026-03-01T10:00:00Z'), doc('b', '2026-03-03T10:00:00Z'), doc('c', '2026-03-02T10:00:00Z')];
		assert.deepEqual(ids(latestDocuments(docs, keyOf, 2)), ['b', 'c']);
		assert.deepEqual(latestDocuments(docs, keyOf, 0), []);
	});

	it('survives a randomized run: every version emitted exactly once, whatever the budget', () => {
		let seed = 42;
		const random = () => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return seed / 2 ** 31;
		};
		for (let round = 0; round < 20; round++) {
			const store = { json: '{}' };
			const all: Doc[] = [];
			const emitted: string[] = [];
			const expected = new Set<string>();
			let clock = Date.parse('2026-03-01T10:00:00Z');
			for (let step = 0; step < 30; step++) {
				// New and changed documents, many sharing a second.
				const changes = Math.floor(random() * 4);
				for (let c = 0; c < changes; c++) {
					const id = `d${Math.floor(random() * 12)}`;
					const stamp = new Date(clock + Math.floor(random() * 3) * 1000).toISOString();
					const existing = all.findIndex((d) => d.id === id);
					if (existing >= 0 && toEpochMs(all[existing].updatedAt) >= toEpochMs(stamp)) continue;
					if (existing >= 0) all.splice(existing, 1);
					all.push(doc(id, stamp));
					expected.add(`${id}@${stamp}`);
				}
				const limit = 1 + Math.floor(random() * 3);
				const staticData = JSON.parse(store.json) as Record<string, unknown>;
				const { cursor } = openCursor(staticData, { exportSince: '2026-03-01T09:00:00Z' });
				const { documents, next } = selectNew(cursor, apiSince(all, queryFrom(cursor)), keyOf, { limit });
				emitted.push(...documents.map((d) => `${d.id}@${d.updatedAt}`));
				saveCursor(staticData, next);
				store.json = JSON.stringify(staticData);
				clock += 3000; // changes only go forward in time, as in a real source
			}
			// Drain what the budgets deferred.
			for (let i = 0; i < 100; i++) {
				const staticData = JSON.parse(store.json) as Record<string, unknown>;
				const { cursor } = openCursor(staticData, {});
				const { documents, next } = selectNew(cursor, apiSince(all, queryFrom(cursor)), keyOf, { limit: 2 });
				if (!documents.length) break;
				emitted.push(...documents.map((d) => `${d.id}@${d.updatedAt}`));
				saveCursor(staticData, next);
				store.json = JSON.stringify(staticData);
			}
			assert.equal(new Set(emitted).size, emitted.length, `round ${round}: a version was emitted twice`);
			// Every current version is emitted (superseded versions may be skipped if they changed before being polled).
			for (const d of all)
				assert.ok(emitted.includes(`${d.id}@${d.updatedAt}`), `round ${round}: ${d.id}@${d.updatedAt} never emitted`);
			for (const e of emitted) assert.ok(expected.has(e));
		}
	});
});
