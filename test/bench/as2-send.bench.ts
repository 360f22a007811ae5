/**
 * Time per AS2 send on loopback: EANCOM interchanges from the canonical fixtures, signed (SHA-256) and encrypted
 * (AES-256-CBC), to the OpenSSL receiver (signed MDN; each message costs the receiver 4–5 openssl processes) and to
 * the libas2 receiver (RSA-OAEP, unsigned MDN; in this process). Also the sender's own share: building the message
 * and verifying a signed MDN. Usage: node build/test/bench/as2-send.bench.js [count]
 */
import { buildAs2Message, sendAs2, type As2Config } from '../../nodes/shared/delivery/as2';
import { withPartyGlns, writeInvoicD96a } from '../../nodes/shared/edifact/invoic-d96a';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { loopbackPost, makeIdentity, startLibas2Peer, startOpensslPeer } from '../support/as2-peers';

function stats(values: number[]): string {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
	return `n=${sorted.length} median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms`;
}

async function main(): Promise<void> {
	const count = Number(process.argv[2] ?? 20);
	const fixtures = loadCanonicalFixtures();
	const documents = Array.from({ length: count }, (_, i) => {
		const invoice = withPartyGlns(fixtures[i % fixtures.length].invoice, {
			seller: '5790000000012',
			buyer: '5790001234560',
		});
		invoice.lines = invoice.lines.map((l) => ({
			...l,
			item: { ...l.item, sellersId: l.item.sellersId ?? `SKU-${l.id}` },
		}));
		return Buffer.from(writeInvoicD96a(invoice, { controlReference: String(i + 1) }), 'latin1');
	});
	const bytes = documents.reduce((n, d) => n + d.length, 0);
	console.log(
		`${count} EANCOM interchanges, ${(bytes / count / 1024).toFixed(1)} KiB on average (largest ${(Math.max(...documents.map((d) => d.length)) / 1024).toFixed(0)} KiB)`,
	);
	const [us, them] = await Promise.all([makeIdentity('us'), makeIdentity('them')]);
	const base = {
		as2From: 'US',
		as2To: 'THEM',
		privateKey: us.keyPem,
		certificate: us.certPem,
		partnerCertificate: them.certPem,
		signing: 'sha256',
		encryption: 'aes256-cbc',
	} as const;

	const build: number[] = [];
	for (const content of documents) {
		const started = process.hrtime.bigint();
		await buildAs2Message(
			{ content, fileName: 'x.edi', contentType: 'application/EDIFACT' },
			{ ...base, url: 'http://127.0.0.1/', mdn: 'signed' },
		);
		build.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	console.log(`build (compress? no, sign, encrypt): ${stats(build)}`);

	const openssl = await startOpensslPeer({ as2Id: 'THEM', identity: them, senderCertPem: us.certPem });
	const libas2 = await startLibas2Peer({ as2Id: 'THEM', identity: them, senderCertPem: us.certPem, senderAs2Id: 'US' });
	try {
		for (const [name, config] of [
			['OpenSSL peer (signed MDN)', { ...base, url: openssl.url, mdn: 'signed' }],
			['libas2 peer (RSA-OAEP, unsigned MDN)', { ...base, url: libas2.url, mdn: 'unsigned', keyTransport: 'rsa-oaep' }],
		] as Array<[string, As2Config]>) {
			const times: number[] = [];
			let ok = 0;
			const failures: string[] = [];
			for (const content of documents) {
				try {
					const result = await sendAs2(
						{ content, fileName: 'x.edi', contentType: 'application/EDIFACT' },
						config,
						loopbackPost,
					);
					times.push(result.ms);
					if (result.status === 'delivered') ok++;
				} catch (error) {
					failures.push(`${(content.length / 1024).toFixed(0)} KiB: ${(error as Error).message}`);
				}
			}
			console.log(`send → ${name}: ${ok}/${count} delivered with matching MIC; ${stats(times)}`);
			for (const failure of failures) console.log(`  failed: ${failure}`);
		}
	} finally {
		await openssl.close();
		await libas2.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
