/**
 * A local HTTP gateway that records every document it receives and can fail on demand:
 * `failNext(count, status)` answers the next requests with that status; GET answers a health status; `requireAuth` checks one header value;
 * a repeated `Idempotency-Key` gets 409 when `conflictOnRepeat` is on.
 */
import type http from 'node:http';

import { listen, readBody, sendJson, type Emulator, type EmulatorOptions } from '../emulator';

export interface ReceivedDocument {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	at: string;
}

export interface HttpReceiver extends Emulator {
	received: ReceivedDocument[];
	failNext(count: number, status?: number, body?: string): void;
}

export interface HttpReceiverOptions extends EmulatorOptions {
	/** e.g. `{ header: 'authorization', value: 'Bearer s3cret' }` */
	requireAuth?: { header: string; value: string };
	conflictOnRepeat?: boolean;
}

export async function createHttpReceiver(options: HttpReceiverOptions = {}): Promise<HttpReceiver> {
	const requests: Record<string, number> = {};
	const received: ReceivedDocument[] = [];
	const failures: { status: number; body: string }[] = [];
	let counter = 0;
	const emulator = await listen(
		async (req, res) => {
			const body = await readBody(req);
			const label = `${req.method} ${req.url?.split('?')[0]}`;
			requests[label] = (requests[label] ?? 0) + 1;
			if (options.requireAuth && req.headers[options.requireAuth.header.toLowerCase()] !== options.requireAuth.value)
				return sendJson(res, 401, { error: 'unauthorized' });
			const failure = failures.shift();
			if (failure) {
				res.writeHead(failure.status, { 'content-type': 'text/plain' });
				res.end(failure.body);
				return;
			}
			if (req.method === 'GET') return sendJson(res, 200, { status: 'ok', received: received.length });
			if (req.method !== 'POST' && req.method !== 'PUT') return sendJson(res, 405, { error: 'method not allowed' });
			const key = req.headers['idempotency-key'];
			const earlier = key ? received.find((r) => r.headers['idempotency-key'] === key) : undefined;
			if (earlier && options.conflictOnRepeat)
				return sendJson(res, 409, { error: 'duplicate', id: earlier.headers['x-received-id'] });
			const id = `rcv-${++counter}`;
			received.push({
				method: req.method,
				path: req.url ?? '/',
				headers: { ...req.headers, 'x-received-id': id },
				body,
				at: new Date().toISOString(),
			});
			sendJson(res, req.method === 'PUT' ? 200 : 201, { id, bytes: body.length }, { location: `/documents/${id}` });
		},
		requests,
		options,
	);
	return {
		...emulator,
		received,
		failNext: (count, status = 503, body = 'temporarily unavailable') => {
			for (let i = 0; i < count; i++) failures.push({ status, body });
		},
	};
}
