/**
 * SFTP gateway delivery (ssh2-sftp-client): host key pinned by SHA-256 fingerprint, password or private-key auth,
 * atomic upload (temporary name, then rename) and duplicate detection by content.
 */
import { createHash } from 'node:crypto';

import SftpClient from 'ssh2-sftp-client';

export interface SftpSettings {
	host: string;
	port?: number;
	username: string;
	password?: string;
	privateKey?: string;
	passphrase?: string;
	/** One or more pinned host key fingerprints (`SHA256:…` as `ssh-keygen -lf` prints it, or hex), comma separated. */
	hostKeyFingerprint: string;
	readyTimeoutMs?: number;
}

/** The OpenSSH form of a host key fingerprint: `SHA256:` + unpadded base64 of sha256(key blob). */
export function fingerprintOf(keyBlob: Buffer): string {
	return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Normalise a pinned fingerprint to the OpenSSH form; accepts `SHA256:…`, bare base64 and (colon-separated) hex. */
export function normaliseFingerprint(input: string): string {
	const text = input.trim();
	const hex = text.replace(/:/g, '');
	if (/^[0-9a-f]{64}$/i.test(hex)) return `SHA256:${Buffer.from(hex, 'hex').toString('base64').replace(/=+$/, '')}`;
	const base64 = text.replace(/^sha256:/i, '').replace(/=+$/, '');
	if (!/^[A-Za-z0-9+/]{43}$/.test(base64))
		throw new Error(
			`"${input}" is not a SHA-256 host key fingerprint (expected SHA256:… as printed by ssh-keygen -lf)`,
		);
	return `SHA256:${base64}`;
}

export function parseFingerprints(input: string): string[] {
	return input
		.split(/[\s,]+/)
		.filter(Boolean)
		.map(normaliseFingerprint);
}

export class HostKeyError extends Error {
	constructor(
		readonly host: string,
		readonly offered: string | undefined,
		readonly pinned: string[],
	) {
		super(
			pinned.length === 0
				? `No host key fingerprint is pinned for ${host}; refusing to connect. The server offers ${offered ?? 'an unknown key'}; ` +
						'check it out of band (ssh-keygen -lf on the server) and put it in the credential.'
				: `Host key of ${host} does not match the pinned fingerprint: the server offers ${offered ?? 'an unknown key'}, ` +
						`pinned is ${pinned.join(', ')}. Refusing to connect; if the server's key was changed on purpose, update the credential.`,
		);
		this.name = 'HostKeyError';
	}
}

export class SftpConflictError extends Error {
	constructor(readonly path: string) {
		super(`${path} already exists with different content; not overwritten (turn on "Overwrite" to replace it)`);
		this.name = 'SftpConflictError';
	}
}

export interface UploadRequest {
	directory: string;
	fileName: string;
	content: Buffer;
	/** Goes into the temporary file name, so concurrent writers of different documents never collide. */
	idempotencyKey: string;
	overwrite?: boolean;
}

export interface UploadResult {
	status: 'delivered' | 'alreadyDelivered' | 'overwritten';
	path: string;
	bytes: number;
	sha256: string;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** One SFTP connection, reused for all the documents of an execution. */
export class SftpGateway {
	/** Folders known to exist on this connection, so a batch checks each folder once. */
	private readonly directories = new Set<string>();

	private constructor(
		private readonly client: SftpClient,
		readonly hostKey: string,
	) {}

	static async connect(settings: SftpSettings): Promise<SftpGateway> {
		const host = `${settings.host}:${settings.port ?? 22}`;
		const pinned = settings.hostKeyFingerprint?.trim() ? parseFingerprints(settings.hostKeyFingerprint) : [];
		let offered: string | undefined;
		const client = new SftpClient('einvoice-export');
		// SFTP is many small request/response round trips; without TCP_NODELAY each one waits ~40 ms on delayed ACKs.
		const ssh = (
			client as unknown as {
				client: { on(event: 'connect', listener: () => void): void; setNoDelay(on: boolean): void };
			}
		).client;
		ssh.on('connect', () => ssh.setNoDelay(true));
		try {
			await client.connect({
				host: settings.host,
				port: settings.port ?? 22,
				username: settings.username,
				password: settings.password || undefined,
				privateKey: settings.privateKey || undefined,
				passphrase: settings.passphrase || undefined,
				readyTimeout: settings.readyTimeoutMs ?? 20000,
				hostVerifier: (key: Buffer) => {
					offered = fingerprintOf(key);
					return pinned.includes(offered);
				},
			} as SftpClient.ConnectOptions);
		} catch (error) {
			await client.end().catch(() => undefined);
			if (offered && !pinned.includes(offered)) throw new HostKeyError(host, offered, pinned);
			const message = (error as Error).message;
			if (/authentication methods failed/i.test(message))
				throw new Error(
					`SFTP login to ${host} as "${settings.username}" failed: the server refused the password or key`,
				);
			throw new Error(`SFTP connection to ${host} failed: ${message}`);
		}
		return new SftpGateway(client, offered as string);
	}

	/** Upload atomically; same name and same content counts as delivered already. */
	async upload(request: UploadRequest): Promise<UploadResult> {
		const { directory, fileName, content } = request;
		const path = directory === '.' || directory === '' ? fileName : `${directory.replace(/\/+$/, '')}/${fileName}`;
		const digest = sha256(content);
		const result = (status: UploadResult['status']): UploadResult => ({
			status,
			path,
			bytes: content.length,
			sha256: digest,
		});
		if (directory && directory !== '.' && !this.directories.has(directory)) {
			if (!(await this.client.exists(directory))) await this.client.mkdir(directory, true);
			this.directories.add(directory);
		}

		const sameContent = async () => sha256((await this.client.get(path)) as Buffer) === digest;
		const existing = await this.client.exists(path);
		if (existing && existing !== '-') throw new Error(`${path} exists on the server and is not a file`);
		if (existing === '-') {
			if (await sameContent()) return result('alreadyDelivered');
			if (!request.overwrite) throw new SftpConflictError(path);
		}
		const keyPart = request.idempotencyKey.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32) || digest.slice(0, 16);
		const temporary = `${path.slice(0, path.length - fileName.length)}.${fileName}.${keyPart}.part`;
		try {
			await this.client.put(content, temporary);
			if (existing === '-') {
				// posix-rename@openssh.com replaces the old file in one step.
				await this.client.posixRename(temporary, path);
				return result('overwritten');
			}
			try {
				// Plain SFTP rename does not replace an existing file, so a concurrent writer cannot be clobbered.
				await this.client.rename(temporary, path);
			} catch (error) {
				if ((await this.client.exists(path)) === '-') {
					await this.client.delete(temporary, true);
					if (await sameContent()) return result('alreadyDelivered');
					throw new SftpConflictError(path);
				}
				throw error;
			}
			return result('delivered');
		} catch (error) {
			await this.client.delete(temporary, true).catch(() => undefined);
			throw error;
		}
	}

	/** Names in a directory (for the credential test and for tests). */
	async list(directory = '.'): Promise<string[]> {
		return (await this.client.list(directory)).map((entry) => entry.name);
	}

	async end(): Promise<void> {
		await this.client.end().catch(() => undefined);
	}
}
