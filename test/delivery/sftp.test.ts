import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	fingerprintOf,
	HostKeyError,
	normaliseFingerprint,
	SftpConflictError,
	SftpGateway,
} from '../../nodes/shared/delivery/sftp';
import { type OpenSshServer, startOpenSsh } from '../sandbox/servers/openssh';

describe('host key fingerprints', () => {
	it('reads OpenSSH and hex forms', () => {
		const blob = Buffer.from('example key blob');
		const fp = fingerprintOf(blob);
		assert.match(fp, /^SHA256:[A-Za-z0-9+/]{43}$/);
		assert.equal(normaliseFingerprint(fp), fp);
		assert.equal(normaliseFingerprint(fp.slice(7) + '='), fp);
		const hex = Buffer.from(fp.slice(7), 'base64').toString('hex').match(/../g)!.join(':');
		assert.equal(normaliseFingerprint(hex), fp);
		assert.throws(() => normaliseFingerprint('MD5:aa:bb'), /not a SHA-256 host key fingerprint/);
	});
});

describe('SFTP delivery against a real OpenSSH server', () => {
	let sshd: OpenSshServer;
	before(async () => {
		sshd = await startOpenSsh();
	});
	after(async () => {
		await sshd?.stop();
	});
	const settings = () => ({
		host: sshd.host,
		port: sshd.port,
		username: sshd.username,
		privateKey: sshd.privateKey,
		hostKeyFingerprint: sshd.hostKeyFingerprint,
	});

	it('uploads atomically, sees the same file as delivered and refuses different content unless overwrite', async () => {
		const gateway = await SftpGateway.connect(settings());
		try {
			assert.equal(gateway.hostKey, sshd.hostKeyFingerprint, 'our fingerprint equals ssh-keygen -lf');
			const doc = Buffer.from('<Invoice>1</Invoice>');
			const first = await gateway.upload({
				directory: 'out/c1',
				fileName: 'invoice-1.xml',
				content: doc,
				idempotencyKey: 'k1',
			});
			assert.equal(first.status, 'delivered');
			assert.deepEqual(readdirSync(path.join(sshd.root, 'out/c1')), ['invoice-1.xml'], 'no temporary file left');
			assert.equal(readFileSync(path.join(sshd.root, 'out/c1/invoice-1.xml'), 'utf8'), '<Invoice>1</Invoice>');

			const again = await gateway.upload({
				directory: 'out/c1',
				fileName: 'invoice-1.xml',
				content: doc,
				idempotencyKey: 'k1',
			});
			assert.equal(again.status, 'alreadyDelivered');

			const changed = Buffer.from('<Invoice>2</Invoice>');
			await assert.rejects(
				gateway.upload({ directory: 'out/c1', fileName: 'invoice-1.xml', content: changed, idempotencyKey: 'k2' }),
				(error: Error) =>
					error instanceof SftpConflictError && /different content; not overwritten/.test(error.message),
			);
			assert.equal(readFileSync(path.join(sshd.root, 'out/c1/invoice-1.xml'), 'utf8'), '<Invoice>1</Invoice>');
			const replaced = await gateway.upload({
				directory: 'out/c1',
				fileName: 'invoice-1.xml',
				content: changed,
				idempotencyKey: 'k2',
				overwrite: true,
			});
			assert.equal(replaced.status, 'overwritten');
			assert.equal(readFileSync(path.join(sshd.root, 'out/c1/invoice-1.xml'), 'utf8'), '<Invoice>2</Invoice>');
			assert.deepEqual(readdirSync(path.join(sshd.root, 'out/c1')), ['invoice-1.xml']);
		} finally {
			await gateway.end();
		}
	});

	it('refuses a server whose key is not pinned, naming the offered fingerprint', async () => {
		await assert.rejects(SftpGateway.connect({ ...settings(), hostKeyFingerprint: '' }), (error: Error) => {
			assert.ok(error instanceof HostKeyError);
			assert.match(error.message, /No host key fingerprint is pinned/);
			assert.ok(error.message.includes(sshd.hostKeyFingerprint));
			return true;
		});
	});

	it('refuses a wrong key for password logins too, and reports a failed login clearly', async () => {
		await assert.rejects(
			SftpGateway.connect({
				...settings(),
				privateKey: undefined,
				password: 'nope',
				hostKeyFingerprint: fingerprintOf(Buffer.from('x')),
			}),
			/does not match the pinned fingerprint/,
		);
		await assert.rejects(
			SftpGateway.connect({ ...settings(), privateKey: undefined, password: 'nope' }),
			/SFTP login to .* failed: the server refused the password or key/,
		);
	});

	it('stops on a changed host key', async () => {
		const pinned = sshd.hostKeyFingerprint;
		await sshd.rotateHostKey();
		assert.notEqual(sshd.hostKeyFingerprint, pinned);
		await assert.rejects(SftpGateway.connect({ ...settings(), hostKeyFingerprint: pinned }), (error: Error) => {
			assert.ok(error instanceof HostKeyError);
			assert.match(error.message, /does not match the pinned fingerprint/);
			assert.ok(error.message.includes(sshd.hostKeyFingerprint));
			return true;
		});
		const gateway = await SftpGateway.connect(settings());
		assert.deepEqual(await gateway.list('out'), ['c1']);
		await gateway.end();
	});
});

describe('SFTP gateway credential test', () => {
	it('connects, checks the pinned key and lists; reports a wrong key', async () => {
		const { sftpGatewayApiTest } = await import('../../nodes/HubBrokerNetwork/methods/credentialTest');
		const sshd = await startOpenSsh();
		try {
			const data = {
				host: sshd.host,
				port: sshd.port,
				username: sshd.username,
				authMethod: 'privateKey',
				privateKey: sshd.privateKey,
				hostKeyFingerprint: sshd.hostKeyFingerprint,
			};
			const ok = await sftpGatewayApiTest.call({} as never, { id: '1', name: 'sftp', type: 'sftpGatewayApi', data });
			assert.equal(ok.status, 'OK', ok.message);
			assert.match(ok.message, /host key SHA256:.* matches/);
			const bad = await sftpGatewayApiTest.call({} as never, {
				id: '1',
				name: 'sftp',
				type: 'sftpGatewayApi',
				data: { ...data, hostKeyFingerprint: fingerprintOf(Buffer.from('other')) },
			});
			assert.equal(bad.status, 'Error');
			assert.match(bad.message, /does not match the pinned fingerprint/);
		} finally {
			await sshd.stop();
		}
	});
});
