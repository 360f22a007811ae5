/**
 * The poll cursor every trigger uses. Pure logic over the trigger's workflow static data (ARCHITECTURE rule 8).
 *
 * A document is positioned by (timestamp, id): its `updatedAt` (or `createdAt`) and its id. The cursor stores the
 * high-water timestamp `since` plus the ids already emitted at (or shortly before, see `lookbackMs`) that timestamp,
 * with their timestamps. So a document whose timestamp equals `since`, e.g. at a page or budget boundary, is emitted
 * exactly once, across restarts; a document that changes again later (new timestamp) is emitted again.
 *
 * How a trigger uses it:
 * ```ts
 * const staticData = this.getWorkflowStaticData('node');
 * const { cursor } = openCursor(staticData, { exportSince: this.getNodeParameter('exportSince', '') as string });
 * if (this.getMode() === 'manual') return sample(latestDocuments(await client.listRecent(), keyOf, 5));
 * const docs = await client.listChangedSince(queryFrom(cursor));   // the API filter must be inclusive (>=)
 * const { documents, next } = selectNew(cursor, docs, keyOf, { limit: budget });
 * const output = documents.map(toItem);                              // build the output first …
 * saveCursor(staticData, next);                                      // … then move the cursor
 * return output.length ? [output] : null;
 * ```
 * - First activation starts "now" unless `exportSince` is set; changing `exportSince` later restarts from it.
 * - Manual mode (the editor's "Fetch test event") shows the latest few documents and never moves the cursor.
 * - `lookbackMs` re-reads a window before `since` (source clocks that lag, late commits) without repeating what was
 *   already emitted in that window.
 * Timestamps without an offset are read as UTC. Precision is milliseconds.
 */

export const CURSOR_KEY = 'pollCursor';

export interface PollCursor {
	v: 1;
	/** High-water mark: latest timestamp emitted (ISO 8601, UTC, ms). */
	since: string;
	/** Emitted documents still inside [since − lookback, since]: id → timestamp in ms. */
	seen: Record<string, number>;
	/** The "export documents since" option this cursor started from; a different option restarts the cursor. */
	origin?: string;
}

export interface CursorKey {
	id: string | number;
	/** `updatedAt` or `createdAt`: ISO string, epoch ms or Date. */
	timestamp: string | number | Date;
}

export interface OpenOptions {
	/** Current time (default `new Date()`); a new cursor starts here. */
	now?: Date;
	/** "Also export documents since": a date or date-time; the cursor starts there instead of now. */
	exportSince?: string;
}

export interface SelectOptions {
	/** Emit at most this many documents (oldest first); the rest come next poll. */
	limit?: number;
	/** Treat documents up to this long before `since` as possibly new (default 0). */
	lookbackMs?: number;
}

export interface Selection<T> {
	/** Documents to emit, oldest first (ties by id). */
	documents: T[];
	/** The cursor after these documents are emitted; save it only after the output is built. */
	next: PollCursor;
	/** New documents left for the next poll because of `limit`. */
	deferred: number;
}

/** Thrown for a document without a readable timestamp or id: the trigger must not silently drop it. */
export class CursorError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CursorError';
	}
}

/** Parse a timestamp to epoch ms. Strings without an offset are UTC. */
export function toEpochMs(value: string | number | Date, what = 'timestamp'): number {
	let ms: number;
	if (value instanceof Date) ms = value.getTime();
	else if (typeof value === 'number') ms = value;
	else {
		let text = String(value).trim();
		if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += 'T00:00:00Z';
		else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text = `${text.replace(' ', 'T')}Z`;
		else text = text.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2');
		// Keep millisecond precision of longer fractions (Date.parse accepts at most 3 digits reliably).
		text = text.replace(/(\.\d{3})\d+/, '$1');
		ms = Date.parse(text);
	}
	if (!Number.isFinite(ms)) throw new CursorError(`Unreadable ${what}: ${JSON.stringify(value)}`);
	return ms;
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

function isCursor(value: unknown): value is PollCursor {
	if (!value || typeof value !== 'object') return false;
	const c = value as Partial<PollCursor>;
	return (
		c.v === 1 &&
		typeof c.since === 'string' &&
		!Number.isNaN(Date.parse(c.since)) &&
		!!c.seen &&
		typeof c.seen === 'object'
	);
}

/** A fresh cursor starting at `exportSince` or now. */
export function newCursor(options: OpenOptions = {}): PollCursor {
	const origin = options.exportSince?.trim() || undefined;
	const start = origin ? toEpochMs(origin, '"export since" date') : (options.now ?? new Date()).getTime();
	const cursor: PollCursor = { v: 1, since: iso(start), seen: {} };
	if (origin) cursor.origin = origin;
	return cursor;
}

/**
 * Read the cursor from static data, or start one. `isNew` is true on first activation, after the "export since"
 * option changed, or when the stored cursor was unreadable. Does not write: `saveCursor` does.
 */
export function openCursor(
	staticData: Record<string, unknown>,
	options: OpenOptions = {},
): { cursor: PollCursor; isNew: boolean } {
	const stored = staticData[CURSOR_KEY];
	const origin = options.exportSince?.trim() || undefined;
	if (isCursor(stored) && (origin === undefined || stored.origin === origin)) {
		return {
			cursor: {
				v: 1,
				since: stored.since,
				seen: { ...stored.seen },
				...(stored.origin ? { origin: stored.origin } : {}),
			},
			isNew: false,
		};
	}
	return { cursor: newCursor(options), isNew: true };
}

/** Store the cursor (call after the output items are built). */
export function saveCursor(staticData: Record<string, unknown>, cursor: PollCursor): void {
	staticData[CURSOR_KEY] = { ...cursor, seen: { ...cursor.seen } };
}

/** The time to ask the API for (inclusive), i.e. `since` minus the look-back window. */
export function queryFrom(cursor: PollCursor, lookbackMs = 0): string {
	return iso(Date.parse(cursor.since) - lookbackMs);
}

/**
 * Choose the documents that are new relative to `cursor`, oldest first, and compute the cursor after emitting them.
 * Duplicates within `docs` (the same id on two pages) count once, at their latest timestamp.
 */
export function selectNew<T>(
	cursor: PollCursor,
	docs: readonly T[],
	keyOf: (doc: T) => CursorKey,
	options: SelectOptions = {},
): Selection<T> {
	const lookbackMs = options.lookbackMs ?? 0;
	const sinceMs = Date.parse(cursor.since);
	const floor = sinceMs - lookbackMs;

	const latest = new Map<string, { doc: T; id: string; ms: number }>();
	for (const doc of docs) {
		const key = keyOf(doc);
		if (key.id === undefined || key.id === null || String(key.id) === '') throw new CursorError('A document has no id');
		const id = String(key.id);
		const ms = toEpochMs(key.timestamp, `timestamp of document ${id}`);
		const previous = latest.get(id);
		if (!previous || ms > previous.ms) latest.set(id, { doc, id, ms });
	}

	const fresh = [...latest.values()]
		.filter(({ id, ms }) => ms > sinceMs || (ms >= floor && cursor.seen[id] !== ms))
		.sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

	const limit = options.limit !== undefined && options.limit >= 0 ? options.limit : fresh.length;
	const emitted = fresh.slice(0, limit);

	let nextSince = sinceMs;
	for (const { ms } of emitted) if (ms > nextSince) nextSince = ms;
	const seen: Record<string, number> = {};
	const keepFrom = nextSince - lookbackMs;
	for (const [id, ms] of Object.entries(cursor.seen)) if (ms >= keepFrom) seen[id] = ms;
	for (const { id, ms } of emitted) if (ms >= keepFrom) seen[id] = ms;

	const next: PollCursor = { v: 1, since: iso(nextSince), seen };
	if (cursor.origin) next.origin = cursor.origin;
	return { documents: emitted.map((e) => e.doc), next, deferred: fresh.length - emitted.length };
}

/** Manual mode: the `count` latest documents, newest first. The cursor is not involved. */
export function latestDocuments<T>(docs: readonly T[], keyOf: (doc: T) => CursorKey, count = 5): T[] {
	return docs
		.map((doc) => ({ doc, ms: toEpochMs(keyOf(doc).timestamp), id: String(keyOf(doc).id) }))
		.sort((a, b) => b.ms - a.ms || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
		.slice(0, Math.max(0, count))
		.map((e) => e.doc);
}
