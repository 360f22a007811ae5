/**
 * Per-key sliding-window rate limiter, e.g. Dinero's 100 requests per minute per organisation.
 *
 * State lives in module memory and only throttles this process: it holds request times, never business data,
 * so queue mode stays safe (each worker throttles itself; set the limit per worker accordingly).
 * A 429/503 with Retry-After blocks the key for everyone in this process until then.
 */

export interface RateLimit {
	/** Who is limited, e.g. `dinero:12345` (system + account). Never a secret. */
	key: string;
	/** Requests allowed per window. */
	limit: number;
	/** Window length in ms (60 000 for "per minute"). */
	windowMs: number;
}

interface Window {
	/**
	 * One stamp per request still inside the window: Infinity while in flight, then the time its response arrived.
	 * Counting a request until window after its response (not its start) keeps the limit as the server sees it,
	 * whatever the latency: the server received it somewhere between start and response.
	 */
	starts: number[];
	/** No request before this time (from a Retry-After). */
	blockedUntil: number;
}

const windows = new Map<string, Window>();

/** Thrown when the key is paused (by a Retry-After) for longer than the caller may wait. */
export class RateLimitBlockedError extends Error {
	constructor(
		readonly key: string,
		readonly until: number,
	) {
		super(`requests are paused until ${new Date(until).toISOString()} as the service asked (Retry-After)`);
		this.name = 'RateLimitBlockedError';
	}
}

function windowFor(key: string): Window {
	let w = windows.get(key);
	if (!w) {
		w = { starts: [], blockedUntil: 0 };
		windows.set(key, w);
	}
	return w;
}

/** Polling interval while every slot is taken by requests still in flight. */
const IN_FLIGHT_POLL_MS = 25;

/**
 * Wait until a request may start under `limit`, then record it. Call the returned `release` when the response (or
 * failure) arrives; until then the request counts as happening now.
 */
export async function acquireRateLimit(
	limit: RateLimit,
	signal?: AbortSignal,
	maxBlockMs = Infinity,
): Promise<() => void> {
	if (!(limit.limit > 0) || !(limit.windowMs > 0)) return () => {};
	const w = windowFor(limit.key);
	for (;;) {
		const now = Date.now();
		w.starts = w.starts.filter((t) => t > now - limit.windowMs);
		let wait = w.blockedUntil - now;
		// A long pause the service asked for (e.g. a daily quota) fails fast instead of hanging the execution.
		if (wait > maxBlockMs) throw new RateLimitBlockedError(limit.key, w.blockedUntil);
		if (wait <= 0 && w.starts.length < limit.limit) {
			const stamp = { released: false };
			w.starts.push(Infinity);
			return () => {
				if (stamp.released) return;
				stamp.released = true;
				const index = w.starts.indexOf(Infinity);
				if (index >= 0) w.starts[index] = Date.now();
			};
		}
		if (wait <= 0) {
			const sorted = [...w.starts].sort((a, b) => a - b);
			const freesAt = sorted[sorted.length - limit.limit] + limit.windowMs;
			wait = Number.isFinite(freesAt) ? freesAt - now : IN_FLIGHT_POLL_MS;
		}
		await delay(Math.max(1, Math.min(wait, limit.windowMs)), signal);
	}
}

/** Hold every request on `key` for `ms` (the service told us to back off). */
export function blockRateLimitKey(key: string, ms: number): void {
	const w = windowFor(key);
	w.blockedUntil = Math.max(w.blockedUntil, Date.now() + ms);
}

/** Requests recorded in the current window for `key` (for tests and diagnostics). */
export function rateLimitUsage(key: string, windowMs: number): number {
	const w = windows.get(key);
	if (!w) return 0;
	const now = Date.now();
	return w.starts.filter((t) => t > now - windowMs).length; // in-flight requests (Infinity) count
}

/** Forget all windows (tests). */
export function resetRateLimits(): void {
	windows.clear();
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(new Error('Execution cancelled'));
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('Execution cancelled'));
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
