/**
 * Fault injection shared by every sandbox emulator. An emulator started with `{ faults }` in its options has its
 * handler wrapped by `listen` (emulator.ts), so the same profile and canned bodies work for Dinero, Billy, Severa,
 * Maventa, Zenvoices and the HTTP receiver alike.
 *
 * - `profile`: a seeded random share of requests gets one fault, chosen from `kinds`:
 *   `429` (with Retry-After), `500`, `503`, `stall` (the connection is held, then dropped without an answer, as a
 *   client timeout sees it), `truncated` (the real answer cut in the middle of its body, connection dropped),
 *   `invalid-json` (a complete 200 answer whose body is an HTML proxy page instead of the JSON the handler produced),
 *   `token-expiry` (every issued token expires now; only where the emulator binds `expireTokens`).
 *   Faults of kind 500 and `truncated` reach the handler or not as a real server would: 500 never does (the request
 *   failed before it was acted on); `truncated` always does (the server acted, the client never saw the answer).
 * - `serve(rule)`: a canned answer (status, content type, body) for matching requests, for hostile-payload tests.
 * - every injected fault is counted and logged with its request, so a test can relate outcomes to causes.
 */
import type http from 'node:http';

export type FaultKind = '429' | '500' | '503' | 'stall' | 'truncated' | 'invalid-json' | 'token-expiry';

export const ALL_FAULT_KINDS: FaultKind[] = ['429', '500', '503', 'stall', 'truncated', 'invalid-json', 'token-expiry'];

export interface FaultProfile {
	/** Share of requests that get a fault, 0..1 (e.g. 0.1). */
	rate: number;
	/** Seed of the random sequence (same seed, same requests faulted in the same order). */
	seed: number;
	/** Faults to choose from, uniformly (default: all). */
	kinds?: FaultKind[];
	/** Only requests whose `METHOD /path` matches are candidates (default: all). */
	match?: RegExp;
	/** How long a stalled connection is held before it is dropped (default 1500 ms). */
	stallMs?: number;
	/** Retry-After seconds sent with 429 and 503 (default 1). */
	retryAfterSeconds?: number;
}

export interface CannedAnswer {
	/** Requests whose `METHOD /path?query` matches (default: all). */
	match?: RegExp;
	status?: number;
	contentType?: string;
	headers?: Record<string, string>;
	/** The body, or a function of the request (e.g. an error that echoes the request's own credentials). */
	body: string | Buffer | ((req: http.IncomingMessage) => string | Buffer);
	/** How many requests get it (default: unlimited). */
	count?: number;
}

export interface InjectedFault {
	kind: FaultKind | 'canned';
	request: string;
	at: number;
}

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const PROXY_PAGE =
	'<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server returned an invalid response.</p></body></html>';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export class Faults {
	private random: () => number = () => 1;
	private current?: FaultProfile;
	private canned: CannedAnswer[] = [];
	private expire?: () => void;
	/** Every fault injected, in order. */
	readonly log: InjectedFault[] = [];

	constructor(profile?: FaultProfile) {
		if (profile) this.setProfile(profile);
	}

	/** Replace the random profile (undefined: no random faults). */
	setProfile(profile: FaultProfile | undefined): void {
		this.current = profile;
		this.random = profile ? seededRandom(profile.seed) : () => 1;
	}

	get profile(): FaultProfile | undefined {
		return this.current;
	}

	/** Answer matching requests with this body (first matching rule wins). */
	serve(answer: CannedAnswer): void {
		this.canned.push({ ...answer });
	}

	clearCanned(): void {
		this.canned = [];
	}

	/** Emulators that issue tokens call this once, so the `token-expiry` fault can expire them. */
	bindTokenExpiry(expire: () => void): void {
		this.expire = expire;
	}

	/** Injected faults by kind. */
	counts(): Record<string, number> {
		const out: Record<string, number> = {};
		for (const f of this.log) out[f.kind] = (out[f.kind] ?? 0) + 1;
		return out;
	}

	/** Wrap an emulator handler (done by `listen`). */
	wrap(handler: Handler): Handler {
		return async (req, res) => {
			const label = `${req.method ?? 'GET'} ${req.url ?? '/'}`;
			const canned = this.canned.find((c) => !c.match || c.match.test(label));
			if (canned) {
				if (canned.count !== undefined && --canned.count <= 0) this.canned.splice(this.canned.indexOf(canned), 1);
				this.record('canned', label);
				await drain(req);
				res.writeHead(canned.status ?? 200, {
					'content-type': canned.contentType ?? 'application/json; charset=utf-8',
					...canned.headers,
				});
				res.end(typeof canned.body === 'function' ? canned.body(req) : canned.body);
				return;
			}
			const kind = this.pick(label);
			if (!kind) return handler(req, res);
			switch (kind) {
				case '429':
				case '503': {
					this.record(kind, label);
					await drain(req);
					const seconds = String(this.current?.retryAfterSeconds ?? 1);
					res.writeHead(Number(kind), { 'content-type': 'application/json', 'retry-after': seconds });
					res.end(
						JSON.stringify({
							message: kind === '429' ? 'Too many requests (injected)' : 'Service unavailable (injected)',
						}),
					);
					return;
				}
				case '500':
					this.record(kind, label);
					await drain(req);
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ message: 'Internal server error (injected)' }));
					return;
				case 'stall':
					this.record(kind, label);
					await drain(req);
					setTimeout(() => req.socket.destroy(), this.current?.stallMs ?? 1500).unref();
					return;
				case 'token-expiry':
					this.record(kind, label);
					this.expire?.();
					return handler(req, res);
				case 'truncated':
				case 'invalid-json':
					return this.rewrite(kind, label, req, res, handler);
			}
		};
	}

	private pick(label: string): FaultKind | undefined {
		const profile = this.current;
		if (!profile || profile.rate <= 0) return undefined;
		if (profile.match && !profile.match.test(label)) return undefined;
		if (this.random() >= profile.rate) return undefined;
		const kinds = (profile.kinds ?? ALL_FAULT_KINDS).filter((k) => k !== 'token-expiry' || this.expire);
		if (!kinds.length) return undefined;
		return kinds[Math.floor(this.random() * kinds.length)];
	}

	private record(kind: InjectedFault['kind'], request: string): void {
		this.log.push({ kind, request, at: Date.now() });
	}

	/** Let the handler answer into a buffer, then send that answer cut short, or replace a JSON answer by HTML. */
	private async rewrite(
		kind: 'truncated' | 'invalid-json',
		label: string,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		handler: Handler,
	): Promise<void> {
		const captured = captureResponse(res);
		await handler(req, captured.res);
		await captured.done;
		const { status, headers, body } = captured;
		const contentType = String(headers['content-type'] ?? '');
		if (kind === 'invalid-json') {
			if (!/json/i.test(contentType) || status >= 300) {
				captured.flush(); // not a JSON answer: nothing to spoil
				return;
			}
			this.record(kind, label);
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			res.end(PROXY_PAGE);
			return;
		}
		if (body.length < 2) {
			captured.flush();
			return;
		}
		this.record(kind, label);
		res.writeHead(status, { ...headers, 'content-length': String(body.length) });
		res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
	}
}

function drain(req: http.IncomingMessage): Promise<void> {
	return new Promise((resolve) => {
		if (req.readableEnded) return resolve();
		req.on('data', () => undefined);
		req.on('end', resolve);
		req.on('error', () => resolve());
		req.on('close', () => resolve());
	});
}

/** A stand-in response object that records status, headers and body instead of sending them. */
function captureResponse(real: http.ServerResponse) {
	const chunks: Buffer[] = [];
	const state = {
		status: 200,
		headers: {} as Record<string, string | string[] | number>,
		body: Buffer.alloc(0),
	};
	let finish!: () => void;
	const done = new Promise<void>((resolve) => (finish = resolve));
	const add = (chunk: unknown) => {
		if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
		chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
	};
	const fake = {
		headersSent: false,
		statusCode: 200,
		setHeader(name: string, value: string | string[] | number) {
			state.headers[name.toLowerCase()] = value;
			return fake;
		},
		getHeader: (name: string) => state.headers[name.toLowerCase()],
		writeHead(status: number, ...rest: unknown[]) {
			state.status = status;
			const headers = rest.find((r) => r && typeof r === 'object') as Record<string, string> | undefined;
			for (const [k, v] of Object.entries(headers ?? {})) state.headers[k.toLowerCase()] = v;
			fake.headersSent = true;
			return fake;
		},
		write(chunk: unknown) {
			add(chunk);
			return true;
		},
		end(chunk?: unknown) {
			add(chunk);
			state.status = fake.headersSent ? state.status : fake.statusCode;
			state.body = Buffer.concat(chunks);
			finish();
			return fake;
		},
		on: () => fake,
		once: () => fake,
		socket: real.socket,
	};
	return {
		res: fake as unknown as http.ServerResponse,
		done,
		get status() {
			return state.status;
		},
		get headers() {
			return state.headers;
		},
		get body() {
			return state.body;
		},
		flush() {
			const headers = { ...state.headers };
			delete headers['content-length'];
			real.writeHead(state.status, headers as http.OutgoingHttpHeaders);
			real.end(state.body);
		},
	};
}
