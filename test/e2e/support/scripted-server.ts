/**
 * A local HTTP server whose answers a test scripts per request, recording what arrived (time, method, path, headers,
 * body). Used to prove retry, rate-limit, token and error behaviour against a real socket.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	at: number;
	method: string;
	path: string;
	url: URL;
	headers: http.IncomingHttpHeaders;
	body: string;
}

export type Responder = (request: RecordedRequest, res: http.ServerResponse) => void | Promise<void>;

export interface ScriptedServer {
	url: string;
	requests: RecordedRequest[];
	/** Answer the next requests with these responders in order; afterwards `fallback` answers. */
	script(...responders: Responder[]): void;
	fallback: Responder;
	/** Per-path handlers take precedence over the script (e.g. a token endpoint). */
	routes: Record<string, Responder>;
	close(): Promise<void>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
	return (_req, res) => {
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	};
}

/** Drop the connection without an answer (the client sees ECONNRESET / socket hang up). */
export const hangUp: Responder = (_req, res) => {
	res.socket?.destroy();
};

export async function startScriptedServer(): Promise<ScriptedServer> {
	const queue: Responder[] = [];
	const state: ScriptedServer = {
		url: '',
		requests: [],
		script: (...responders) => queue.push(...responders),
		fallback: json(200, { ok: true }),
		routes: {},
		close: async () =>
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const recorded: RecordedRequest = {
				at: Date.now(),
				method: req.method ?? 'GET',
				path: url.pathname,
				url,
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			};
			const route = state.routes[url.pathname];
			if (!route) state.requests.push(recorded);
			const responder = route ?? queue.shift() ?? state.fallback;
			Promise.resolve(responder(recorded, res)).catch((error: Error) => {
				if (!res.headersSent) res.writeHead(500);
				res.end(error.message);
			});
		});
	});
	server.keepAliveTimeout = 500;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return state;
}
