/**
 * AS2 against two independent receivers on loopback: one built on the OpenSSL command line, one on the npm libas2
 * library. EANCOM interchanges from the canonical fixtures are sent signed and encrypted; the receivers decrypt,
 * verify and answer with MDNs whose MIC must equal ours. Tampering, wrong certificates, a wrong MIC and replayed
 * Message-IDs must each fail (or be flagged) with a clear reason. Identities are made by OpenSSL at test time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	As2Error,
	buildAs2Message,
	checkAs2Config,
	documentMessageId,
	sendAs2,
	type As2Config,
	type As2Post,
} from '../../../nodes/shared/delivery/as2';
import { withPartyGlns, writeInvoicD96a } from '../../../nodes/shared/edifact/invoic-d96a';
import type { Invoice } from '../../../nodes/shared/einvoice/model';
import { loadCanonicalFixtures } from '../../fixtures/canonical';
import {
	loopbackPost,
	makeIdentity,
	startLibas2Peer,
	startOpensslPeer,
	type Identity,
	type Peer,
} from '../../support/as2-peers';

const US = 'N8N-SELLER';
const THEM = 'PARTNER AS2'; // an id with a space: quoted in the headers

function interchanges(count: number): { fileName: string; content: Buffer }[] {
	return loadCanonicalFixtures()
		.slice(0, count)
		.map((fixture, index) => {
			const invoice: Invoice = withPartyGlns(fixture.invoice, { seller: '5790000000012', buyer: '5790001234560' });
			invoice.lines = invoice.lines.map((line) => ({
				...line,
				item: { ...line.item, sellersId: line.item.sellersId ?? `SKU-${line.id}` },
			}));
			const text = writeInvoicD96a(invoice, {
				controlReference: String(index + 1),
				newlineAfterSegment: index % 2 === 0,
			});
			return { fileName: `${fixture.invoice.number}.edi`, content: Buffer.from(text, 'latin1') };
		});
}

async function rejects(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<As2Error> {
	try {
		await promise;
	} catch (error) {
		assert.ok(error instanceof As2Error, `As2Error expected, got ${(error as Error).stack}`);
		assert.equal(error.code, code, error.message);
		assert.match(error.message, pattern);
		return error;
	}
	assert.fail(`expected an As2Error ${code}`);
}

const payload = (content: Buffer, fileName = 'invoice.edi') => ({
	content,
	fileName,
	contentType: 'application/EDIFACT',
});

describe('AS2 delivery', () => {
	let us: Identity;
	let them: Identity;
	let stranger: Identity;
	let openssl: Peer;
	let libas2: Peer;
	let opensslConfig: As2Config;
	let libas2Config: As2Config;
	const documents = interchanges(12);

	before(async () => {
		[us, them, stranger] = await Promise.all([makeIdentity('us'), makeIdentity('them'), makeIdentity('stranger')]);
		openssl = await startOpensslPeer({ as2Id: THEM, identity: them, senderCertPem: us.certPem });
		libas2 = await startLibas2Peer({ as2Id: THEM, identity: them, senderCertPem: us.certPem, senderAs2Id: US });
		const base = {
			as2From: US,
			as2To: THEM,
			privateKey: us.keyPem,
			certificate: us.certPem,
			partnerCertificate: them.certPem,
			signing: 'sha256',
			encryption: 'aes256-cbc',
		} as const;
		opensslConfig = { ...base, url: openssl.url, mdn: 'signed' };
		libas2Config = { ...base, url: libas2.url, mdn: 'unsigned', keyTransport: 'rsa-oaep' };
	});
	after(async () => {
		await openssl?.close();
		await libas2?.close();
	});

	it('delivers EANCOM interchanges to the OpenSSL receiver: decrypted, signature verified, signed MDN with our MIC', async () => {
		const times: number[] = [];
		for (const document of documents) {
			const result = await sendAs2(payload(document.content, document.fileName), opensslConfig, loopbackPost);
			times.push(result.ms);
			assert.equal(result.status, 'delivered', result.message);
			assert.equal(result.mdn?.signed, true);
			assert.equal(result.mdn?.verified, true);
			assert.equal(result.mdn?.dispositionType, 'processed');
			const got = openssl.received.find((r) => r.messageId === result.messageId)!;
			assert.ok(got, 'the receiver has the message');
			assert.ok(got.payload.equals(document.content), 'the payload arrives byte for byte');
			assert.equal(got.fileName, document.fileName);
			assert.equal(got.contentType, 'application/EDIFACT');
			assert.equal(got.mic, result.mic!.value, "the receiver's own MIC equals ours");
			assert.equal(result.mdn?.receivedContentMic?.value, result.mic!.value);
			assert.equal(got.as2From, US);
			assert.equal(got.as2To, `"${THEM}"`);
		}
		console.log(`# AS2 → OpenSSL peer: ${documents.length} round trips, median ${median(times).toFixed(0)} ms`);
	});

	it('also sends compressed, AES-128 and SHA-512 messages the OpenSSL receiver reads', async () => {
		for (const variant of [
			{ compress: true },
			{ encryption: 'aes128-cbc' as const },
			{ signing: 'sha512' as const, encryption: 'aes192-cbc' as const, compress: true },
		]) {
			const result = await sendAs2(payload(documents[1].content), { ...opensslConfig, ...variant }, loopbackPost);
			const got = openssl.received.find((r) => r.messageId === result.messageId)!;
			assert.ok(got.payload.equals(documents[1].content), JSON.stringify(variant));
			assert.equal(got.compressed, variant.compress === true);
			if (variant.signing) assert.equal(result.mic?.algorithm, 'sha-512');
		}
	});

	it('sends binary (no base64) to the OpenSSL receiver, for an interchange on one line', async () => {
		const oneLine = documents.find((d) => !d.content.includes(0x0a))!;
		const result = await sendAs2(
			payload(oneLine.content),
			{ ...opensslConfig, transferEncoding: 'binary' },
			loopbackPost,
		);
		assert.equal(result.status, 'delivered', result.message);
		const got = openssl.received.find((r) => r.messageId === result.messageId)!;
		assert.ok(got.payload.equals(oneLine.content));
		assert.equal(got.mic, result.mic!.value);
	});

	it('delivers EANCOM interchanges to the libas2 receiver (RSA-OAEP), MIC confirmed in its MDN', async () => {
		const times: number[] = [];
		for (const document of documents) {
			const result = await sendAs2(payload(document.content, document.fileName), libas2Config, loopbackPost);
			times.push(result.ms);
			assert.equal(result.status, 'delivered', result.message);
			assert.equal(result.mdn?.dispositionType, 'processed');
			const got = libas2.received.find((r) => r.messageId === result.messageId)!;
			assert.ok(got.payload.equals(document.content), 'the payload arrives byte for byte');
			assert.equal(got.mic, result.mic!.value);
		}
		console.log(`# AS2 → libas2 peer: ${documents.length} round trips, median ${median(times).toFixed(0)} ms`);
	});

	it('fails when a signed MDN was asked for and the receiver sends an unsigned one', async () => {
		await rejects(
			sendAs2(payload(documents[0].content), { ...libas2Config, mdn: 'signed' }, loopbackPost),
			'mdn-signature',
			/signed MDN was requested/,
		);
	});

	it("fails with the receiver's reason when the message is tampered with on the way", async () => {
		const flipByte =
			(at: (length: number) => number): As2Post =>
			(request) => {
				const body = Buffer.from(request.body);
				const index = at(body.length);
				body[index] = body[index] === 0x41 ? 0x42 : 0x41; // stays a base64 letter
				return loopbackPost({ ...request, body });
			};
		// Inside the encrypted content: the receiver cannot decrypt (or the signature no longer verifies).
		const encrypted = await rejects(
			sendAs2(
				payload(documents[0].content),
				opensslConfig,
				flipByte((n) => Math.floor(n / 2)),
			),
			'mdn-negative',
			/did not process the message.*(decryption-failed|authentication-failed)/,
		);
		assert.equal(encrypted.mdn?.verified, true, 'the negative MDN itself is genuine');
		// A signed, unencrypted message with one payload byte changed: the signature check fails.
		await rejects(
			sendAs2(
				payload(documents[0].content),
				{ ...opensslConfig, encryption: 'none' },
				flipByte((n) => Math.floor(n / 4)),
			),
			'mdn-negative',
			/authentication-failed/,
		);
		await rejects(
			sendAs2(
				payload(documents[0].content),
				libas2Config,
				flipByte((n) => Math.floor(n / 2)),
			),
			'mdn-negative',
			/did not process the message/,
		);
	});

	it('rejects an MDN that was altered after signing', async () => {
		const alterMdn: As2Post = async (request) => {
			const response = await loopbackPost(request);
			return {
				...response,
				body: Buffer.from(
					response.body.toString('latin1').replace('Reporting-UA: OpenSSL', 'Reporting-UA: 0penSSL'),
					'latin1',
				),
			};
		};
		await rejects(sendAs2(payload(documents[0].content), opensslConfig, alterMdn), 'mdn-signature', /does not verify/);
	});

	it('fails clearly with the wrong certificates', async () => {
		// We hold the wrong partner certificate: the receiver cannot decrypt, and its MDN is not signed by "our" partner.
		await rejects(
			sendAs2(payload(documents[0].content), { ...opensslConfig, partnerCertificate: stranger.certPem }, loopbackPost),
			'mdn-signature',
			/not signed with the partner's certificate/,
		);
		// We sign with a key the receiver does not know.
		await rejects(
			sendAs2(
				payload(documents[0].content),
				{ ...opensslConfig, privateKey: stranger.keyPem, certificate: stranger.certPem },
				loopbackPost,
			),
			'mdn-negative',
			/authentication-failed/,
		);
		await rejects(
			sendAs2(
				payload(documents[0].content),
				{ ...libas2Config, privateKey: stranger.keyPem, certificate: stranger.certPem },
				loopbackPost,
			),
			'mdn-negative',
			/did not process/,
		);
	});

	it('notices a receiver that returns another MIC than ours', async () => {
		const liar = await startOpensslPeer({ as2Id: THEM, identity: them, senderCertPem: us.certPem, wrongMic: true });
		try {
			await rejects(
				sendAs2(payload(documents[0].content), { ...opensslConfig, url: liar.url }, loopbackPost),
				'mic-mismatch',
				/differs from ours/,
			);
		} finally {
			await liar.close();
		}
	});

	it('a replayed Message-ID is detected by the receivers', async () => {
		const messageId = '<replay-test-1@n8n-seller>';
		const first = await sendAs2(payload(documents[2].content), opensslConfig, loopbackPost, { messageId });
		assert.equal(first.status, 'delivered');
		const again = await sendAs2(payload(documents[2].content), opensslConfig, loopbackPost, { messageId });
		assert.equal(again.status, 'warning');
		assert.match(again.message, /duplicate-document/);
		assert.deepEqual(openssl.replays, [messageId]);
		assert.equal(openssl.received.filter((r) => r.messageId === messageId).length, 1, 'processed once');

		// The same bytes posted twice (a captured request replayed) to the libas2 receiver.
		const message = await buildAs2Message(payload(documents[3].content), libas2Config);
		await loopbackPost({ url: libas2.url, headers: message.headers, body: message.body });
		await loopbackPost({ url: libas2.url, headers: message.headers, body: message.body });
		assert.deepEqual(libas2.replays, [message.messageId]);
	});

	it("a document's Message-ID is its own: the same on every send, another for a resend key or another partner", () => {
		const key = 'dinero:org-1:invoice:guid-1:peppol-bis3';
		const id = documentMessageId(key, opensslConfig);
		assert.match(id, /^<[0-9a-f]{40}@[A-Za-z0-9.-]+>$/);
		assert.equal(documentMessageId(key, opensslConfig), id);
		assert.notEqual(documentMessageId(`${key}:resend-1`, opensslConfig), id);
		assert.notEqual(documentMessageId(key, { ...opensslConfig, as2To: 'OTHER-PARTNER' }), id);
	});

	it('checks the configuration without sending', async () => {
		assert.deepEqual(checkAs2Config(opensslConfig), []);
		const mismatched = checkAs2Config({ ...opensslConfig, certificate: stranger.certPem });
		assert.ok(
			mismatched.some((p) => /does not belong to our certificate/.test(p)),
			mismatched.join('; '),
		);
		const later = checkAs2Config(opensslConfig, new Date(Date.now() + 5 * 86_400_000));
		assert.ok(later.some((p) => /Our certificate expired/.test(p)));
		assert.ok(later.some((p) => /partner's certificate expired/.test(p)));
		const broken = checkAs2Config({ ...opensslConfig, url: 'ftp://x', privateKey: 'nonsense', as2To: '' });
		assert.ok(broken.some((p) => /URL must be http/.test(p)));
		assert.ok(broken.some((p) => /private key cannot be read/.test(p)));
		assert.ok(broken.some((p) => /partner's AS2 id is missing/.test(p)));
		// A PEM pasted into a one-line field (newlines as spaces) still reads.
		assert.deepEqual(checkAs2Config({ ...opensslConfig, certificate: us.certPem.replace(/\n/g, ' ') }), []);
		await rejects(
			sendAs2(payload(documents[0].content), { ...opensslConfig, privateKey: '' }, loopbackPost),
			'config',
			/private key is missing/,
		);
	});

	it('reports HTTP errors of the receiver', async () => {
		const failing: As2Post = async () => ({
			statusCode: 503,
			headers: { 'content-type': 'text/plain' },
			body: Buffer.from('maintenance'),
		});
		await rejects(sendAs2(payload(documents[0].content), opensslConfig, failing), 'http', /HTTP 503: maintenance/);
	});
});

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}
