/**
 * Independent AS2 receivers on loopback for the AS2 tests, and test identities made at test time:
 * - `startOpensslPeer`: decrypts, verifies and uncompresses with the OpenSSL CLI (`openssl cms`), computes the MIC
 *   with `openssl dgst`, and answers with an MDN signed by `openssl cms -sign`;
 * - `startLibas2Peer`: the npm `libas2` library parses, decrypts, verifies and builds the signed MDN.
 * Both remember Message-IDs and report a replayed one.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';

import type { As2HttpResponse, As2Post } from '../../nodes/shared/delivery/as2';

const run = promisify(execFile);

export interface Identity {
	name: string;
	keyPem: string;
	certPem: string;
}

/** A self-signed RSA-2048 identity made by OpenSSL in a temporary folder (removed right away). */
export async function makeIdentity(name: string, options: { pss?: boolean } = {}): Promise<Identity> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'as2-id-'));
	try {
		await run('openssl', [
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-sha256',
			'-days',
			'2',
			'-subj',
			`/CN=${name}/O=AS2 test`,
			// libas2 0.8 signs its MDNs with RSA-PSS, and only when its certificate is itself signed with RSA-PSS.
			...(options.pss ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'] : []),
			'-keyout',
			path.join(dir, 'key.pem'),
			'-out',
			path.join(dir, 'cert.pem'),
		]);
		return {
			name,
			keyPem: await readFile(path.join(dir, 'key.pem'), 'utf8'),
			certPem: await readFile(path.join(dir, 'cert.pem'), 'utf8'),
		};
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

export interface ReceivedMessage {
	messageId: string;
	as2From?: string;
	as2To?: string;
	payload: Buffer;
	contentType?: string;
	fileName?: string;
	mic: string;
	compressed: boolean;
	encrypted: boolean;
	signed: boolean;
}

export interface Peer {
	url: string;
	received: ReceivedMessage[];
	/** Message-IDs that arrived a second time. */
	replays: string[];
	/** Dispositions the peer answered with, in order. */
	dispositions: string[];
	close(): Promise<void>;
}

interface PeerOptions {
	as2Id: string;
	identity: Identity;
	/** The certificate the peer trusts for the sender's signature. */
	senderCertPem: string;
	/** Return a wrong MIC (to test that the sender notices). */
	wrongMic?: boolean;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function splitMime(data: Buffer): { headers: Record<string, string>; body: Buffer } {
	let end = data.indexOf('\r\n\r\n');
	let skip = 4;
	const lf = data.indexOf('\n\n');
	if (end < 0 || (lf >= 0 && lf < end)) {
		end = lf;
		skip = 2;
	}
	const headers: Record<string, string> = {};
	for (const line of data
		.subarray(0, end)
		.toString('latin1')
		.replace(/\r?\n[ \t]+/g, ' ')
		.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return { headers, body: data.subarray(end + skip) };
}

async function listen(server: http.Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}/as2`;
}

function closer(server: http.Server): () => Promise<void> {
	return () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
}

/** The AS2 receiver built on the OpenSSL command line. */
export async function startOpensslPeer(options: PeerOptions): Promise<Peer> {
	const received: ReceivedMessage[] = [];
	const replays: string[] = [];
	const dispositions: string[] = [];
	const seen = new Set<string>();

	const server = http.createServer((req, res) => {
		void (async () => {
			const body = await readBody(req);
			const dir = await mkdtemp(path.join(os.tmpdir(), 'as2-peer-'));
			const file = (name: string) => path.join(dir, name);
			const messageId = String(req.headers['message-id'] ?? '');
			const contentType = String(req.headers['content-type'] ?? '');
			// signed-receipt-micalg=optional, sha-512 → the MIC algorithm the sender asked for.
			const micAlgorithm =
				/signed-receipt-micalg\s*=\s*[^,;]*,\s*(sha-?(?:1|256|384|512))/i
					.exec(String(req.headers['disposition-notification-options'] ?? ''))?.[1]
					?.toLowerCase() ?? 'sha-256';
			let outcome = 'processed';
			let mic = '';
			let explanation = 'The message was received, decrypted and its signature verified.';
			try {
				await writeFile(file('cert.pem'), options.identity.certPem);
				await writeFile(file('key.pem'), options.identity.keyPem);
				await writeFile(file('sender.pem'), options.senderCertPem);
				const encrypted = contentType.includes('enveloped-data');
				let mime: Buffer;
				if (encrypted) {
					const base64 = /base64/i.test(String(req.headers['content-transfer-encoding'] ?? ''));
					await writeFile(
						file('message.der'),
						base64 ? Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64') : body,
					);
					try {
						await run('openssl', [
							'cms',
							'-decrypt',
							'-binary',
							'-inform',
							'DER',
							'-in',
							file('message.der'),
							'-recip',
							file('cert.pem'),
							'-inkey',
							file('key.pem'),
							'-out',
							file('decrypted.mime'),
						]);
					} catch (error) {
						throw Object.assign(new Error('decryption-failed'), { detail: (error as Error).message });
					}
					mime = await readFile(file('decrypted.mime'));
				} else {
					mime = Buffer.concat([Buffer.from(`Content-Type: ${contentType}\r\n\r\n`, 'latin1'), body]);
				}
				let content = mime;
				const signed = /multipart\/signed/i.test(splitMime(mime).headers['content-type'] ?? '');
				if (signed) {
					await writeFile(file('signed.mime'), mime);
					try {
						await run('openssl', [
							'cms',
							'-verify',
							'-inform',
							'SMIME',
							'-in',
							file('signed.mime'),
							'-CAfile',
							file('sender.pem'),
							'-purpose',
							'any',
							'-out',
							file('content.mime'),
						]);
					} catch (error) {
						throw Object.assign(new Error('authentication-failed'), { detail: (error as Error).message });
					}
					content = await readFile(file('content.mime'));
				}
				const { stdout } = await run(
					'openssl',
					['dgst', `-${micAlgorithm.replace('-', '')}`, '-binary', file(signed ? 'content.mime' : 'decrypted.mime')],
					{
						encoding: 'buffer',
					},
				);
				mic = (stdout as unknown as Buffer).toString('base64');
				let entity = splitMime(content);
				const compressed = /compressed-data/i.test(entity.headers['content-type'] ?? '');
				if (compressed) {
					// Debian's OpenSSL is built without zlib (`cms -uncompress` says "unsupported compression algorithm"):
					// OpenSSL parses the CompressedData, zlib inflates its content.
					await writeFile(
						file('compressed.der'),
						Buffer.from(entity.body.toString('latin1').replace(/\s+/g, ''), 'base64'),
					);
					const { stdout: dump } = await run('openssl', ['asn1parse', '-inform', 'DER', '-in', file('compressed.der')]);
					if (!/id-smime-ct-compressedData/.test(dump) || !/zlib compression/.test(dump))
						throw new Error('not zlib CompressedData');
					const hex = /OCTET STRING\s+\[HEX DUMP\]:([0-9A-F]+)/.exec(dump)?.[1];
					if (!hex) throw new Error('CompressedData without content');
					entity = splitMime(inflateSync(Buffer.from(hex, 'hex')));
				}
				if (/base64/i.test(entity.headers['content-transfer-encoding'] ?? '')) {
					entity = { ...entity, body: Buffer.from(entity.body.toString('latin1').replace(/\s+/g, ''), 'base64') };
				}
				if (seen.has(messageId)) {
					replays.push(messageId);
					outcome = 'processed/warning: duplicate-document';
					explanation = `Message-ID ${messageId} was received before; this copy was not processed again.`;
				} else {
					seen.add(messageId);
					received.push({
						messageId,
						as2From: req.headers['as2-from'] as string | undefined,
						as2To: req.headers['as2-to'] as string | undefined,
						payload: entity.body,
						contentType: entity.headers['content-type'],
						fileName: /filename="?([^";]+)"?/.exec(entity.headers['content-disposition'] ?? '')?.[1],
						mic,
						compressed,
						encrypted,
						signed,
					});
				}
			} catch (error) {
				const reason = (error as Error).message.split('\n')[0];
				outcome = `processed/error: ${reason}`;
				explanation = `The message could not be processed: ${reason}`;
			}
			dispositions.push(outcome);
			const reportBoundary = `report-${Date.now()}`;
			const report =
				`Content-Type: multipart/report; report-type=disposition-notification; boundary="${reportBoundary}"\r\n\r\n` +
				`--${reportBoundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n${explanation}\r\n` +
				`--${reportBoundary}\r\nContent-Type: message/disposition-notification\r\n\r\n` +
				`Reporting-UA: OpenSSL test peer\r\nOriginal-Recipient: rfc822; ${options.as2Id}\r\nFinal-Recipient: rfc822; ${options.as2Id}\r\n` +
				`Original-Message-ID: ${messageId}\r\nDisposition: automatic-action/MDN-sent-automatically; ${outcome}\r\n` +
				(mic
					? `Received-Content-MIC: ${options.wrongMic ? Buffer.alloc(32, 7).toString('base64') : mic}, ${micAlgorithm}\r\n`
					: '') +
				`\r\n--${reportBoundary}--\r\n`;
			await writeFile(file('report.mime'), report);
			await run('openssl', [
				'cms',
				'-sign',
				'-binary',
				'-crlfeol',
				'-md',
				'sha256',
				'-signer',
				file('cert.pem'),
				'-inkey',
				file('key.pem'),
				'-in',
				file('report.mime'),
				'-out',
				file('mdn.smime'),
			]);
			const mdn = splitMime(await readFile(file('mdn.smime')));
			await rm(dir, { recursive: true, force: true });
			res.writeHead(200, {
				'Content-Type': mdn.headers['content-type'],
				'AS2-Version': '1.2',
				'AS2-From': options.as2Id,
				'AS2-To': String(req.headers['as2-from'] ?? ''),
				'Message-ID': `<mdn-${Date.now()}@openssl-peer>`,
			});
			res.end(mdn.body);
		})().catch((error: Error) => {
			res.writeHead(500, { 'Content-Type': 'text/plain' });
			res.end(error.message);
		});
	});
	return { url: await listen(server), received, replays, dispositions, close: closer(server) };
}

/**
 * The AS2 receiver built on the npm libas2 library. libas2 decrypts only RSA-OAEP key transport (WebCrypto has no
 * RSAES-PKCS1-v1_5) and answers with unsigned MDNs (see below).
 */
export async function startLibas2Peer(options: PeerOptions & { senderAs2Id: string }): Promise<Peer> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const libas2 = require('libas2') as typeof import('libas2');
	const received: ReceivedMessage[] = [];
	const replays: string[] = [];
	const dispositions: string[] = [];
	const seen = new Set<string>();
	let url = '';
	const server = http.createServer((req, res) => {
		void (async () => {
			const body = await readBody(req);
			const node = await libas2.AS2Parser.parse({ headers: req.rawHeaders, content: body });
			const messageId = String(req.headers['message-id'] ?? '');
			const { contentNode, dispositionNode, disposition } = await libas2.AS2Disposition.outgoing({
				node,
				agreement: {
					host: {
						name: options.as2Id,
						id: options.as2Id,
						url,
						certificate: options.identity.certPem,
						privateKey: options.identity.keyPem,
						decrypt: true,
						sign: 'sha-256',
					},
					partner: {
						name: options.senderAs2Id,
						id: options.senderAs2Id,
						url: 'http://127.0.0.1/',
						certificate: options.senderCertPem,
						verify: true,
						// libas2 0.8.2 cannot sign an MDN under today's WebCrypto (it imports the signing key without a
						// hash: "hash: Missing required property"), so its MDNs are unsigned.
						mdn: { signing: false },
					},
				},
				returnNode: false,
			});
			const notification = disposition.notification;
			dispositions.push(JSON.stringify(notification.disposition));
			if (contentNode && notification.disposition.processed) {
				if (seen.has(messageId)) replays.push(messageId);
				else {
					seen.add(messageId);
					received.push({
						messageId,
						as2From: req.headers['as2-from'] as string | undefined,
						as2To: req.headers['as2-to'] as string | undefined,
						payload: Buffer.from(contentNode.content as Buffer | string),
						contentType: contentNode.contentType,
						fileName: contentNode.filename,
						mic: notification.receivedContentMic?.mic ?? '',
						compressed: false,
						encrypted: true,
						signed: true,
					});
				}
			}
			const built = splitMime(await dispositionNode.build());
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(built.headers))
				if (!['content-transfer-encoding'].includes(name)) headers[name] = value;
			if (options.wrongMic) throw new Error('wrongMic is an OpenSSL peer option');
			res.writeHead(200, headers);
			res.end(built.body);
		})().catch((error: Error) => {
			res.writeHead(500, { 'Content-Type': 'text/plain' });
			if (process.env.AS2_PEER_DEBUG) console.error(error.stack);
			res.end(error.stack ?? error.message);
		});
	});
	url = await listen(server);
	return { url, received, replays, dispositions, close: closer(server) };
}

/** A plain node:http client for the AS2 tests (the node itself posts through the package's request helper). */
export const loopbackPost: As2Post = (request) =>
	new Promise<As2HttpResponse>((resolve, reject) => {
		const target = new URL(request.url);
		const req = http.request(
			{
				hostname: target.hostname,
				port: target.port,
				path: target.pathname + target.search,
				method: 'POST',
				headers: { ...request.headers, 'Content-Length': String(request.body.length) },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						statusCode: res.statusCode ?? 0,
						headers: res.headers as Record<string, string>,
						body: Buffer.concat(chunks),
					}),
				);
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(request.body);
	});
