/**
 * AS2 (RFC 4130) delivery: build the message (optionally compressed per RFC 5402, signed S/MIME detached, encrypted
 * to the partner's certificate), and read the synchronous MDN (RFC 3798/8098): its signature against the partner's
 * certificate, its disposition, and the MIC it returns against the one computed here.
 *
 * Pure of n8n: the HTTP exchange is a function the caller passes in (the node uses the package's request helper).
 * The cryptography is node-forge (CMS SignedData / EnvelopedData, the ASN.1 of CompressedData) and PKI.js (CMS
 * signature verification); this module only arranges MIME around them.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { deflateSync } from 'node:zlib';

import forge from 'node-forge';
import * as pkijs from 'pkijs';

export type As2Signing = 'sha256' | 'sha384' | 'sha512' | 'none';
export type As2Encryption = 'aes128-cbc' | 'aes192-cbc' | 'aes256-cbc' | 'none';
export type As2MdnMode = 'signed' | 'unsigned' | 'none';
/** How the content key is encrypted to the partner: RSA PKCS#1 v1.5 (what most AS2 products use) or RSA-OAEP. */
export type As2KeyTransport = 'rsa-pkcs1' | 'rsa-oaep';

export interface As2Config {
	/** Our AS2 id (AS2-From). */
	as2From: string;
	/** The partner's AS2 id (AS2-To). */
	as2To: string;
	/** The partner's AS2 URL. */
	url: string;
	/** Our private key (PEM, PKCS#1 or PKCS#8, optionally encrypted with `privateKeyPassphrase`). Needed to sign. */
	privateKey?: string;
	privateKeyPassphrase?: string;
	/** Our certificate (PEM). Sent with signatures; the partner verifies with it. */
	certificate?: string;
	/** The partner's certificate (PEM): we encrypt to it and verify its MDN signature with it. */
	partnerCertificate?: string;
	signing: As2Signing;
	encryption: As2Encryption;
	/** Default rsa-pkcs1. WebCrypto-based receivers (e.g. libas2) only take RSA-OAEP. */
	keyTransport?: As2KeyTransport;
	compress?: boolean;
	/**
	 * Transfer encoding of the payload and of the encrypted body: base64 (default; every S/MIME stack reads it,
	 * whatever line endings the payload has) or binary (the bytes as they are, the classic AS2 way; some receivers'
	 * MIME parsers alter bare LFs or non-UTF-8 bytes).
	 */
	transferEncoding?: 'base64' | 'binary';
	mdn: As2MdnMode;
	/** Disposition-Notification-To; default our AS2 id. */
	dispositionNotificationTo?: string;
	subject?: string;
	/** Domain part of generated Message-IDs; default derived from our AS2 id. */
	messageIdDomain?: string;
}

export interface As2Payload {
	content: Buffer;
	fileName?: string;
	/** MIME type of the payload, e.g. `application/EDIFACT`, `application/xml`. */
	contentType: string;
}

export interface As2Mic {
	/** Base64 digest. */
	value: string;
	/** `sha-256`, `sha-384`, `sha-512`. */
	algorithm: string;
}

export interface As2Message {
	messageId: string;
	headers: Record<string, string>;
	body: Buffer;
	/** The MIC the partner must return (absent when no MDN is requested). */
	mic?: As2Mic;
}

export interface As2HttpResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** Sends one HTTP POST; the node's implementation goes through the package's request helper. */
export type As2Post = (request: {
	url: string;
	headers: Record<string, string>;
	body: Buffer;
}) => Promise<As2HttpResponse>;

export interface As2Mdn {
	signed: boolean;
	/** The signature verified against the partner's certificate. */
	verified: boolean;
	originalMessageId?: string;
	/** The whole disposition, e.g. `automatic-action/MDN-sent-automatically; processed`. */
	disposition?: string;
	/** `processed`, `processed/warning`, `processed/error`, `failed`, … */
	dispositionType?: string;
	/** The modifier's text, e.g. `decryption-failed`, `duplicate-document`. */
	dispositionModifier?: string;
	receivedContentMic?: As2Mic;
	reportingUa?: string;
	finalRecipient?: string;
	/** The human-readable part of the report. */
	explanation?: string;
	/** The MDN as received (MIME, with the HTTP Content-Type as its header). */
	raw: Buffer;
}

export interface As2Result {
	messageId: string;
	mic?: As2Mic;
	mdn?: As2Mdn;
	/** `delivered`, or `delivered` with a warning (e.g. the partner already had this Message-ID). */
	status: 'delivered' | 'warning';
	message: string;
	httpStatus: number;
	ms: number;
}

export type As2ErrorCode =
	'config' | 'http' | 'mdn-missing' | 'mdn-invalid' | 'mdn-signature' | 'mdn-negative' | 'mic-mismatch';

/** A failed AS2 exchange: `code` says which step failed, `mdn` carries the receipt when there was one. */
export class As2Error extends Error {
	constructor(
		readonly code: As2ErrorCode,
		message: string,
		readonly mdn?: As2Mdn,
		readonly httpStatus?: number,
	) {
		super(message);
		this.name = 'As2Error';
	}
}

const CRLF = '\r\n';

const MICALG: Record<Exclude<As2Signing, 'none'>, { micalg: string; node: string; oid: string; withRsa: string }> = {
	sha256: {
		micalg: 'sha-256',
		node: 'sha256',
		oid: forge.pki.oids.sha256,
		withRsa: forge.pki.oids.sha256WithRSAEncryption,
	},
	sha384: {
		micalg: 'sha-384',
		node: 'sha384',
		oid: forge.pki.oids.sha384,
		withRsa: forge.pki.oids.sha384WithRSAEncryption,
	},
	sha512: {
		micalg: 'sha-512',
		node: 'sha512',
		oid: forge.pki.oids.sha512,
		withRsa: forge.pki.oids.sha512WithRSAEncryption,
	},
};

const CIPHER_OID: Record<Exclude<As2Encryption, 'none'>, string> = {
	'aes128-cbc': forge.pki.oids['aes128-CBC'],
	'aes192-cbc': forge.pki.oids['aes192-CBC'],
	'aes256-cbc': forge.pki.oids['aes256-CBC'],
};

/** Node names of MIC algorithms as MDNs spell them (`sha-256`, `sha256`, `SHA256`). */
function nodeDigest(micalg: string): string | undefined {
	const key = micalg.toLowerCase().replace(/[^a-z0-9]/g, '');
	return { sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', md5: 'md5' }[key];
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and certificates

function readCertificate(pem: string | undefined, what: string): forge.pki.Certificate {
	if (!pem?.trim()) throw new As2Error('config', `${what} is missing`);
	try {
		return forge.pki.certificateFromPem(normalisePem(pem));
	} catch (error) {
		throw new As2Error('config', `${what} is not a PEM X.509 RSA certificate: ${(error as Error).message}`);
	}
}

function readPrivateKey(pem: string | undefined, passphrase: string | undefined): forge.pki.rsa.PrivateKey {
	if (!pem?.trim()) throw new As2Error('config', 'Our private key is missing (needed to sign)');
	const text = normalisePem(pem);
	try {
		const key = text.includes('ENCRYPTED')
			? forge.pki.decryptRsaPrivateKey(text, passphrase ?? '')
			: forge.pki.privateKeyFromPem(text);
		if (!key) throw new Error('wrong passphrase');
		return key as forge.pki.rsa.PrivateKey;
	} catch (error) {
		throw new As2Error('config', `Our private key cannot be read (PEM RSA key expected): ${(error as Error).message}`);
	}
}

/** PEM pasted into a one-line credential field comes with `\n` escapes or spaces instead of line breaks. */
function normalisePem(pem: string): string {
	let text = pem.trim().replace(/\\n/g, '\n').replace(/\r\n/g, '\n');
	if (!text.includes('\n')) {
		text = text.replace(/(-----BEGIN [^-]+-----)\s*/, '$1\n').replace(/\s*(-----END [^-]+-----)/, '\n$1');
		text = text.replace(
			/(-----\n)([\s\S]*?)(\n-----END)/,
			(_, a: string, body: string, b: string) => `${a}${body.replace(/\s+/g, '\n')}${b}`,
		);
	}
	return text;
}

/** Configuration problems found without sending anything (the credential test uses this). */
export function checkAs2Config(config: As2Config, now = new Date()): string[] {
	const problems: string[] = [];
	if (!config.as2From?.trim()) problems.push('Our AS2 id is missing');
	if (!config.as2To?.trim()) problems.push("The partner's AS2 id is missing");
	for (const [id, what] of [
		[config.as2From, 'Our AS2 id'],
		[config.as2To, "The partner's AS2 id"],
	] as const) {
		if (id && !/^[\x21-\x7e]([\x20-\x7e]{0,126}[\x21-\x7e])?$/.test(id))
			problems.push(`${what} must be 1–128 printable ASCII characters`);
	}
	try {
		const url = new URL(config.url);
		if (!['http:', 'https:'].includes(url.protocol)) problems.push("The partner's URL must be http(s)");
	} catch {
		problems.push(`The partner's URL is not a URL: ${JSON.stringify(config.url)}`);
	}
	const check = (fn: () => void) => {
		try {
			fn();
		} catch (error) {
			problems.push((error as Error).message);
		}
	};
	const validity = (cert: forge.pki.Certificate, what: string) => {
		if (cert.validity.notAfter < now)
			problems.push(`${what} expired on ${cert.validity.notAfter.toISOString().slice(0, 10)}`);
		if (cert.validity.notBefore > now)
			problems.push(`${what} is not valid before ${cert.validity.notBefore.toISOString().slice(0, 10)}`);
	};
	if (config.signing !== 'none') {
		check(() => {
			const key = readPrivateKey(config.privateKey, config.privateKeyPassphrase);
			const cert = readCertificate(config.certificate, 'Our certificate');
			validity(cert, 'Our certificate');
			const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
			if (!publicKey.n || publicKey.n.compareTo(key.n) !== 0)
				problems.push('Our private key does not belong to our certificate');
		});
	}
	if (config.encryption !== 'none' || config.mdn === 'signed') {
		check(() =>
			validity(readCertificate(config.partnerCertificate, "The partner's certificate"), "The partner's certificate"),
		);
	}
	return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Building the message

function header(name: string, value: string): string {
	return `${name}: ${value}${CRLF}`;
}

function base64Lines(data: Buffer): string {
	return (data.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

function quoteFileName(name: string): string {
	return `"${name.replace(/[\\"\r\n]/g, '_')}"`;
}

/** A MIME entity: header fields, an empty line, the body. */
function entity(headers: string[], body: Buffer): Buffer {
	return Buffer.concat([Buffer.from(`${headers.join('')}${CRLF}`, 'latin1'), body]);
}

/** CMS CompressedData (RFC 3274) with zlib, encoded by forge's ASN.1 writer. */
function compressedData(content: Buffer): Buffer {
	const { asn1 } = forge;
	const oid = (value: string) =>
		asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
	const structure = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
		oid('1.2.840.113549.1.9.16.1.9'), // id-ct-compressedData
		asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
			asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
				asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(0).getBytes()),
				asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [oid('1.2.840.113549.1.9.16.3.8')]), // zlib
				asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
					oid(forge.pki.oids.data),
					asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
						asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, deflateSync(content).toString('binary')),
					]),
				]),
			]),
		]),
	]);
	return Buffer.from(asn1.toDer(structure).getBytes(), 'binary');
}

function messageIdDomain(config: As2Config): string {
	return (config.messageIdDomain || config.as2From || 'as2').replace(/[^A-Za-z0-9.-]/g, '') || 'as2';
}

function newMessageId(config: As2Config): string {
	return `<${Date.now().toString(36)}.${randomBytes(12).toString('hex')}@${messageIdDomain(config)}>`;
}

/**
 * The Message-ID of a document's delivery, the same on every send of it: a partner that detects duplicates by
 * Message-ID, as AS2 products commonly do, then answers a repeat after a crash with "duplicate-document"
 * instead of booking the invoice twice. A resend meant as new delivery carries another key, so another id.
 */
export function documentMessageId(idempotencyKey: string, config: As2Config): string {
	const digest = createHash('sha256')
		.update(`${config.as2From}\u0000${config.as2To}\u0000${idempotencyKey}`)
		.digest('hex');
	return `<${digest.slice(0, 40)}@${messageIdDomain(config)}>`;
}

/** AS2 ids with spaces or specials are quoted (RFC 4130 §6.2). */
function as2Id(id: string): string {
	return /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(id) ? id : `"${id.replace(/(["\\])/g, '\\$1')}"`;
}

/** Build the AS2 request: compressed?, signed?, encrypted?, with the AS2 headers. */
export async function buildAs2Message(
	payload: As2Payload,
	config: As2Config,
	options: { messageId?: string; date?: Date } = {},
): Promise<As2Message> {
	const messageId = options.messageId ?? newMessageId(config);
	const fileName = payload.fileName || 'document';
	const binary = config.transferEncoding === 'binary';
	let current = entity(
		[
			header('Content-Type', payload.contentType),
			header('Content-Transfer-Encoding', binary ? 'binary' : 'base64'),
			header('Content-Disposition', `attachment; filename=${quoteFileName(fileName)}`),
		],
		binary ? payload.content : Buffer.from(base64Lines(payload.content) + CRLF, 'latin1'),
	);

	if (config.compress) {
		current = entity(
			[
				header('Content-Type', 'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"'),
				header('Content-Transfer-Encoding', 'base64'),
				header('Content-Disposition', 'attachment; filename="smime.p7z"'),
			],
			Buffer.from(base64Lines(compressedData(current)) + CRLF, 'latin1'),
		);
	}

	let mic: As2Mic | undefined;
	if (config.signing !== 'none') {
		const algorithm = MICALG[config.signing];
		if (!algorithm) throw new As2Error('config', `Unknown signing algorithm ${JSON.stringify(config.signing)}`);
		const key = readPrivateKey(config.privateKey, config.privateKeyPassphrase);
		const certificate = readCertificate(config.certificate, 'Our certificate');
		const signed = forge.pkcs7.createSignedData();
		signed.content = forge.util.createBuffer(current.toString('binary'));
		signed.addCertificate(certificate);
		signed.addSigner({
			key,
			certificate,
			digestAlgorithm: algorithm.oid,
			authenticatedAttributes: [
				{ type: forge.pki.oids.contentType, value: forge.pki.oids.data },
				{ type: forge.pki.oids.messageDigest },
				{ type: forge.pki.oids.signingTime, value: (options.date ?? new Date()) as unknown as string },
			],
		});
		// forge labels the PKCS#1 v1.5 signature "rsaEncryption"; name it sha256WithRSAEncryption (the same operation,
		// RFC 4056), which WebCrypto-based receivers require.
		(signed as unknown as { signers: Array<{ signatureAlgorithm: string }> }).signers[0].signatureAlgorithm =
			algorithm.withRsa;
		signed.sign({ detached: true });
		const signature = Buffer.from(forge.asn1.toDer(signed.toAsn1()).getBytes(), 'binary');
		// The MIC is over the signed entity, headers included (RFC 4130 §7.3.1).
		mic = { value: createHash(algorithm.node).update(current).digest('base64'), algorithm: algorithm.micalg };
		const boundary = `----=_AS2_${randomBytes(12).toString('hex')}`;
		const body = Buffer.concat([
			Buffer.from(`--${boundary}${CRLF}`, 'latin1'),
			current,
			Buffer.from(
				`${CRLF}--${boundary}${CRLF}` +
					header('Content-Type', 'application/pkcs7-signature; name="smime.p7s"') +
					header('Content-Transfer-Encoding', 'base64') +
					header('Content-Disposition', 'attachment; filename="smime.p7s"') +
					CRLF +
					base64Lines(signature) +
					`${CRLF}--${boundary}--${CRLF}`,
				'latin1',
			),
		]);
		current = entity(
			[
				header(
					'Content-Type',
					`multipart/signed; protocol="application/pkcs7-signature"; micalg=${algorithm.micalg}; boundary="${boundary}"`,
				),
			],
			body,
		);
	} else if (config.mdn !== 'none') {
		// Unsigned: the MIC is over the content as sent (with its headers once encrypted, without them otherwise).
		const digestOver = config.encryption !== 'none' ? current : splitEntity(current).body;
		mic = { value: createHash('sha256').update(digestOver).digest('base64'), algorithm: 'sha-256' };
	}

	if (config.encryption !== 'none') {
		const cipher = CIPHER_OID[config.encryption];
		if (!cipher) throw new As2Error('config', `Unknown encryption algorithm ${JSON.stringify(config.encryption)}`);
		const partner = readCertificate(config.partnerCertificate, "The partner's certificate");
		let der: Buffer;
		if (config.keyTransport === 'rsa-oaep') {
			// forge only writes PKCS#1 v1.5 key transport; PKI.js writes RSAES-OAEP (SHA-256).
			cmsEngine();
			const enveloped = new pkijs.EnvelopedData();
			enveloped.addRecipientByCertificate(pkijsCertificate(partner), { oaepHashAlgorithm: 'SHA-256' }, 1);
			await enveloped.encrypt(
				{ name: 'AES-CBC', length: Number(config.encryption.slice(3, 6)) } as Parameters<
					pkijs.EnvelopedData['encrypt']
				>[0],
				toArrayBuffer(current),
			);
			const info = new pkijs.ContentInfo({
				contentType: pkijs.ContentInfo.ENVELOPED_DATA,
				content: enveloped.toSchema(),
			});
			der = Buffer.from(info.toSchema().toBER(false));
		} else {
			const enveloped = forge.pkcs7.createEnvelopedData();
			enveloped.addRecipient(partner);
			enveloped.content = forge.util.createBuffer(current.toString('binary'));
			enveloped.encrypt(undefined, cipher);
			der = Buffer.from(forge.asn1.toDer(enveloped.toAsn1()).getBytes(), 'binary');
		}
		current = entity(
			[
				header('Content-Type', 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"'),
				header('Content-Transfer-Encoding', binary ? 'binary' : 'base64'),
				header('Content-Disposition', 'attachment; filename="smime.p7m"'),
			],
			binary ? der : Buffer.from(base64Lines(der) + CRLF, 'latin1'),
		);
	}

	// The outermost entity's headers become HTTP headers; its body is the HTTP body.
	const outer = splitEntity(current);
	const headers: Record<string, string> = {
		'AS2-Version': '1.2',
		'AS2-From': as2Id(config.as2From),
		'AS2-To': as2Id(config.as2To),
		'Message-ID': messageId,
		'MIME-Version': '1.0',
		Date: (options.date ?? new Date()).toUTCString(),
		Subject: config.subject || fileName,
		From: config.dispositionNotificationTo || config.as2From,
		'User-Agent': 'n8n-nodes-einvoice-export AS2',
	};
	for (const [name, value] of outer.headers) headers[canonicalHeaderName(name)] = value;
	if (config.mdn !== 'none') {
		headers['Disposition-Notification-To'] = config.dispositionNotificationTo || config.as2From;
		if (config.mdn === 'signed') {
			const micalg = config.signing !== 'none' ? MICALG[config.signing].micalg : 'sha-256';
			headers['Disposition-Notification-Options'] =
				`signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${micalg}`;
		}
	}
	const message: As2Message = { messageId, headers, body: outer.body };
	if (mic) message.mic = mic;
	return message;
}

function canonicalHeaderName(name: string): string {
	return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading MIME

interface ParsedEntity {
	/** Lower-cased header names, unfolded values. */
	headers: Map<string, string>;
	body: Buffer;
}

function splitEntity(data: Buffer): ParsedEntity {
	let end = data.indexOf('\r\n\r\n');
	let skip = 4;
	const lf = data.indexOf('\n\n');
	if (end < 0 || (lf >= 0 && lf < end)) {
		end = lf;
		skip = 2;
	}
	if (end < 0) return { headers: new Map(), body: data };
	const headers = new Map<string, string>();
	const lines = data
		.subarray(0, end)
		.toString('latin1')
		.replace(/\r?\n[ \t]+/g, ' ')
		.split(/\r?\n/);
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return { headers, body: data.subarray(end + skip) };
}

interface ContentType {
	type: string;
	params: Record<string, string>;
}

function parseContentType(value: string | undefined): ContentType {
	const [type, ...rest] = (value ?? '').split(';');
	const params: Record<string, string> = {};
	const text = rest.join(';');
	const pattern = /\s*([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)\s*;?/g;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
		const raw = match[2].trim();
		params[match[1].toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
	}
	return { type: type.trim().toLowerCase(), params };
}

/** The parts of a multipart body, each exactly as sent (the line break before a delimiter belongs to the delimiter). */
function multipartParts(body: Buffer, boundary: string): Buffer[] {
	const delimiter = Buffer.from(`--${boundary}`, 'latin1');
	const starts: number[] = [];
	for (let at = body.indexOf(delimiter); at >= 0; at = body.indexOf(delimiter, at + delimiter.length)) {
		if (at === 0 || body[at - 1] === 0x0a) starts.push(at);
	}
	const parts: Buffer[] = [];
	for (let i = 0; i < starts.length - 1; i++) {
		let begin = starts[i] + delimiter.length;
		if (body[begin] === 0x2d && body[begin + 1] === 0x2d) break; // closing delimiter
		const lineEnd = body.indexOf(0x0a, begin);
		begin = lineEnd + 1;
		let end = starts[i + 1];
		if (body[end - 1] === 0x0a) end--;
		if (body[end - 1] === 0x0d) end--;
		parts.push(body.subarray(begin, end));
	}
	return parts;
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value) ? value.join(', ') : value;
}

// ---------------------------------------------------------------------------------------------------------------
// Verifying the MDN

const engine = new pkijs.CryptoEngine({
	name: 'node',
	crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'],
});

/** PKI.js keeps its engine in process-global state that other PKI.js copies may overwrite: set it before each use. */
function cmsEngine(): void {
	pkijs.setEngine('node', engine);
}

function pkijsCertificate(certificate: forge.pki.Certificate): pkijs.Certificate {
	const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
	return pkijs.Certificate.fromBER(toArrayBuffer(der));
}

function toArrayBuffer(data: Buffer): ArrayBuffer {
	return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

/** Verify a detached CMS signature over `content`, made by the holder of `certificatePem`. */
async function verifyDetachedSignature(content: Buffer, signature: Buffer, certificatePem: string): Promise<void> {
	cmsEngine();
	let signedData: pkijs.SignedData;
	try {
		const info = pkijs.ContentInfo.fromBER(toArrayBuffer(signature));
		signedData = new pkijs.SignedData({ schema: info.content });
	} catch (error) {
		throw new As2Error(
			'mdn-signature',
			`The MDN signature is not a CMS SignedData structure: ${(error as Error).message}`,
		);
	}
	const partner = pkijsCertificate(readCertificate(certificatePem, "The partner's certificate"));
	signedData.certificates = [...(signedData.certificates ?? []).filter((c) => c instanceof pkijs.Certificate), partner];
	const signer = signedData.signerInfos[0];
	const sid = signer?.sid;
	const signedByPartner =
		sid instanceof pkijs.IssuerAndSerialNumber
			? sid.issuer.isEqual(partner.issuer) && sid.serialNumber.isEqual(partner.serialNumber)
			: false;
	if (!signedByPartner) {
		throw new As2Error('mdn-signature', "The MDN is not signed with the partner's certificate");
	}
	let result: pkijs.SignedDataVerifyResult;
	try {
		result = await signedData.verify({
			signer: 0,
			data: toArrayBuffer(content),
			checkChain: false,
			extendedMode: true,
		});
	} catch (error) {
		const failure = error as { message?: string; code?: number };
		throw new As2Error('mdn-signature', `The MDN signature does not verify: ${failure.message ?? String(error)}`);
	}
	if (!result.signatureVerified)
		throw new As2Error('mdn-signature', `The MDN signature does not verify: ${result.message}`);
}

/** Fields of a `message/disposition-notification` body. */
function parseNotification(body: Buffer): Map<string, string> {
	const fields = new Map<string, string>();
	const lines = body
		.toString('latin1')
		.replace(/\r?\n[ \t]+/g, ' ')
		.split(/\r?\n/);
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return fields;
}

function stripAngles(id: string | undefined): string | undefined {
	return id?.trim().replace(/^<|>$/g, '');
}

/**
 * Read and verify a synchronous MDN: the signature (when signed or when a signed MDN was asked for), that it answers
 * our Message-ID, the disposition, and the returned MIC. Throws `As2Error` with the reason; returns the MDN.
 */
export async function readMdn(
	response: As2HttpResponse,
	expected: { messageId: string; mic?: As2Mic; requireSigned: boolean; partnerCertificate?: string },
): Promise<As2Mdn> {
	const contentTypeHeader = headerValue(response.headers, 'content-type');
	const raw = Buffer.concat([
		Buffer.from(`Content-Type: ${contentTypeHeader ?? ''}${CRLF}${CRLF}`, 'latin1'),
		response.body,
	]);
	const mdn: As2Mdn = { signed: false, verified: false, raw };
	let contentType = parseContentType(contentTypeHeader);
	let reportEntity: ParsedEntity = {
		headers: new Map([['content-type', contentTypeHeader ?? '']]),
		body: response.body,
	};

	if (contentType.type === 'multipart/signed') {
		mdn.signed = true;
		const parts = multipartParts(response.body, contentType.params.boundary ?? '');
		if (parts.length < 2)
			throw new As2Error('mdn-invalid', 'The signed MDN does not have a content part and a signature part', mdn);
		const signaturePart = splitEntity(parts[1]);
		const encoding = signaturePart.headers.get('content-transfer-encoding')?.toLowerCase();
		const signature =
			encoding === 'base64' || !encoding
				? Buffer.from(signaturePart.body.toString('latin1').replace(/\s+/g, ''), 'base64')
				: signaturePart.body;
		if (!expected.partnerCertificate)
			throw new As2Error('config', "The partner's certificate is needed to verify its MDN", mdn);
		await verifyDetachedSignature(parts[0], signature, expected.partnerCertificate).catch((error: As2Error) => {
			throw new As2Error(error.code ?? 'mdn-signature', error.message, mdn);
		});
		mdn.verified = true;
		reportEntity = splitEntity(parts[0]);
		contentType = parseContentType(reportEntity.headers.get('content-type'));
	} else if (expected.requireSigned) {
		throw new As2Error(
			'mdn-signature',
			`A signed MDN was requested but the partner answered with ${contentTypeHeader || 'no content type'}`,
			mdn,
		);
	}

	if (contentType.type !== 'multipart/report') {
		throw new As2Error(
			'mdn-invalid',
			`The answer is not an MDN (multipart/report) but ${contentType.type || 'empty'}`,
			mdn,
		);
	}
	const reportParts = multipartParts(reportEntity.body, contentType.params.boundary ?? '').map(splitEntity);
	const notificationPart = reportParts.find(
		(p) => parseContentType(p.headers.get('content-type')).type === 'message/disposition-notification',
	);
	if (!notificationPart) throw new As2Error('mdn-invalid', 'The MDN has no message/disposition-notification part', mdn);
	const textPart = reportParts.find((p) => parseContentType(p.headers.get('content-type')).type.startsWith('text/'));
	if (textPart) {
		let text = textPart.body.toString('latin1');
		if (/quoted-printable/i.test(textPart.headers.get('content-transfer-encoding') ?? '')) {
			text = text
				.replace(/=\r?\n/g, '')
				.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
		} else if (/base64/i.test(textPart.headers.get('content-transfer-encoding') ?? '')) {
			text = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('latin1');
		}
		mdn.explanation = Buffer.from(text, 'latin1').toString('utf8').trim().slice(0, 2000);
	}

	const fields = parseNotification(notificationPart.body);
	mdn.originalMessageId = fields.get('original-message-id');
	mdn.disposition = fields.get('disposition');
	mdn.reportingUa = fields.get('reporting-ua');
	mdn.finalRecipient = fields.get('final-recipient');
	const micField = fields.get('received-content-mic');
	if (micField) {
		const [value, algorithm] = micField.split(',').map((s) => s.trim());
		mdn.receivedContentMic = { value, algorithm: (algorithm ?? '').toLowerCase() };
	}
	// "automatic-action/MDN-sent-automatically; processed/error: decryption-failed"
	const outcome = mdn.disposition?.split(';')[1]?.trim() ?? '';
	const [type, ...modifier] = outcome.split(':');
	mdn.dispositionType = type.trim().toLowerCase();
	if (modifier.length) mdn.dispositionModifier = modifier.join(':').trim();

	if (mdn.originalMessageId && stripAngles(mdn.originalMessageId) !== stripAngles(expected.messageId)) {
		throw new As2Error(
			'mdn-invalid',
			`The MDN answers another message (${mdn.originalMessageId}, we sent ${expected.messageId})`,
			mdn,
		);
	}
	if (!mdn.disposition) throw new As2Error('mdn-invalid', 'The MDN has no Disposition field', mdn);
	if (!mdn.dispositionType.startsWith('processed') || mdn.dispositionType.startsWith('processed/error')) {
		const reason = mdn.dispositionModifier ?? mdn.dispositionType;
		throw new As2Error(
			'mdn-negative',
			`The partner did not process the message: ${mdn.disposition}${mdn.explanation ? ` (${firstLine(mdn.explanation)})` : ''} [${reason}]`,
			mdn,
		);
	}
	if (expected.mic) {
		if (!mdn.receivedContentMic)
			throw new As2Error('mic-mismatch', 'The MDN does not return the MIC of what it received', mdn);
		const theirs = nodeDigest(mdn.receivedContentMic.algorithm);
		const ours = nodeDigest(expected.mic.algorithm);
		if (theirs !== ours || mdn.receivedContentMic.value !== expected.mic.value) {
			throw new As2Error(
				'mic-mismatch',
				`The MIC in the MDN (${mdn.receivedContentMic.value}, ${mdn.receivedContentMic.algorithm}) differs from ours (${expected.mic.value}, ${expected.mic.algorithm}): the partner received something else than we sent`,
				mdn,
			);
		}
	}
	return mdn;
}

function firstLine(text: string): string {
	return (
		text
			.split(/\r?\n/)
			.find((line) => line.trim())
			?.trim()
			.slice(0, 200) ?? ''
	);
}

/** Send one payload and verify the synchronous MDN. Throws `As2Error` on any failure. */
export async function sendAs2(
	payload: As2Payload,
	config: As2Config,
	post: As2Post,
	options: { messageId?: string } = {},
): Promise<As2Result> {
	const problems = checkAs2Config(config);
	if (problems.length) throw new As2Error('config', `AS2 configuration: ${problems.join('; ')}`);
	const started = process.hrtime.bigint();
	const message = await buildAs2Message(payload, config, options);
	const response = await post({ url: config.url, headers: message.headers, body: message.body });
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	if (response.statusCode < 200 || response.statusCode > 299) {
		const text = response.body.toString('utf8').trim().slice(0, 300);
		throw new As2Error(
			'http',
			`The partner answered HTTP ${response.statusCode}${text ? `: ${text}` : ''}`,
			undefined,
			response.statusCode,
		);
	}
	const result: As2Result = {
		messageId: message.messageId,
		status: 'delivered',
		message: 'Delivered',
		httpStatus: response.statusCode,
		ms,
	};
	if (message.mic) result.mic = message.mic;
	if (config.mdn === 'none') {
		result.message = `Delivered (HTTP ${response.statusCode}; no MDN requested)`;
		return result;
	}
	if (response.body.length === 0)
		throw new As2Error(
			'mdn-missing',
			`The partner answered HTTP ${response.statusCode} without an MDN`,
			undefined,
			response.statusCode,
		);
	const mdn = await readMdn(response, {
		messageId: message.messageId,
		mic: message.mic,
		requireSigned: config.mdn === 'signed',
		partnerCertificate: config.partnerCertificate,
	});
	result.mdn = mdn;
	result.ms = Number(process.hrtime.bigint() - started) / 1e6;
	if (mdn.dispositionType?.startsWith('processed/warning')) {
		result.status = 'warning';
		result.message = `Delivered with a warning: ${mdn.dispositionModifier ?? mdn.disposition}`;
	} else {
		result.message = `Delivered; ${mdn.signed ? 'signed ' : ''}MDN ${mdn.disposition}`;
	}
	return result;
}

/** The AS2 settings from a credential record (the `as2Api` credential's fields). */
export function as2ConfigFrom(data: Record<string, unknown>): As2Config {
	const text = (value: unknown) =>
		typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
	const pick = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
		allowed.includes(value as T) ? (value as T) : fallback;
	return {
		as2From: text(data.as2From).trim(),
		as2To: text(data.as2To).trim(),
		url: text(data.url).trim(),
		privateKey: text(data.privateKey),
		privateKeyPassphrase: text(data.privateKeyPassphrase) || undefined,
		certificate: text(data.certificate),
		partnerCertificate: text(data.partnerCertificate),
		signing: pick(data.signing, ['sha256', 'sha384', 'sha512', 'none'] as const, 'sha256'),
		encryption: pick(data.encryption, ['aes128-cbc', 'aes192-cbc', 'aes256-cbc', 'none'] as const, 'aes256-cbc'),
		keyTransport: pick(data.keyTransport, ['rsa-pkcs1', 'rsa-oaep'] as const, 'rsa-pkcs1'),
		compress: data.compress === true,
		transferEncoding: pick(data.transferEncoding, ['base64', 'binary'] as const, 'base64'),
		mdn: pick(data.mdn, ['signed', 'unsigned', 'none'] as const, 'signed'),
	};
}
