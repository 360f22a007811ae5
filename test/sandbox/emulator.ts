/**
 * Common shape of the sandbox emulators: one local HTTP server per external API, seeded from a dataset
 * folder, with the same paths, auth, paging, errors and JSON shapes as the real service.
 *
 * Dataset layout (one folder per account): `dataset.json` = `{ system, account, seller?, settings? }`, and
 * `<resource>.json` files, each an array of resource objects exactly as a GET of that single resource returns them.
 */
import { readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface DatasetInfo {
	system: string;
	account: string;
	seller?: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

export interface Emulator {
	/** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
	url: string;
	server: http.Server;
	/** Requests answered, by a label the emulator chooses (e.g. `GET /v1/{org}/invoices`). */
	requests: Record<string, number>;
	close(): Promise<void>;
}

export interface EmulatorOptions {
	/** Port to listen on; 0 (default) picks a free one. */
	port?: number;
}

export type EmulatorFactory = (datasetDir: string, options?: EmulatorOptions) => Promise<Emulator>;

export function readDatasetInfo(datasetDir: string): DatasetInfo {
	return JSON.parse(readFileSync(path.join(datasetDir, 'dataset.json'), 'utf8')) as DatasetInfo;
}

/** Read `<resource>.json` from a dataset folder; a missing file is an empty list (or `fallback`). */
export function readResource<T>(datasetDir: string, resource: string, fallback: T): T {
	const file = path.join(datasetDir, `${resource}.json`);
	return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;
}

/** Start `handler` on 127.0.0.1 and wrap it as an Emulator. */
export async function listen(
	handler: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>,
	requests: Record<string, number>,
	options: EmulatorOptions = {},
): Promise<Emulator> {
	const server = http.createServer((req, res) => {
		Promise.resolve(handler(req, res)).catch((error: Error) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: `emulator error: ${error.message}` }));
		});
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		server,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Read a request body as a Buffer. */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export function sendJson(
	res: http.ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
	res.end(JSON.stringify(body));
}
