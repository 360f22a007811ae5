/**
 * A real OpenSSH server for tests: Debian's sshd on a loopback port with its own temporary config, host key and
 * authorized key for the current user, and the internal SFTP server rooted in a temporary folder. Not a system service.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { installedProgram } from '../../support/installed';
import { freePort } from './free-port';

export interface OpenSshServer {
	host: string;
	port: number;
	username: string;
	privateKey: string;
	/** Fingerprint of the current host key as `ssh-keygen -lf` prints it (`SHA256:…`). */
	hostKeyFingerprint: string;
	/** Local folder the SFTP session starts in; relative remote paths land here. */
	root: string;
	/** Restart sshd with a newly generated host key on the same port. */
	rotateHostKey(): Promise<void>;
	stop(): Promise<void>;
}

function keygen(file: string, comment: string): void {
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
}

function fingerprint(publicKeyFile: string): string {
	const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile], { encoding: 'utf8' });
	const match = /(SHA256:[A-Za-z0-9+/]+)/.exec(out);
	if (!match) throw new Error(`no fingerprint in: ${out}`);
	return match[1];
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
	for (let i = 0; i < 100; i++) {
		if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

export async function startOpenSsh(): Promise<OpenSshServer> {
	const sshd = installedProgram('sshd', 'sbin/sshd');
	if (!sshd) throw new Error('sshd not found; install Debian package openssh-server');
	const base = mkdtempSync(path.join(os.tmpdir(), 'sshd-'));
	const root = path.join(base, 'root');
	mkdirSync(root);
	const username = os.userInfo().username;
	keygen(path.join(base, 'client_key'), 'test-client');
	writeFileSync(path.join(base, 'authorized_keys'), readFileSync(path.join(base, 'client_key.pub')));
	// Privilege separation directory that sshd insists on when started as root.
	if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true });
	const port = await freePort();
	const config = path.join(base, 'sshd_config');
	writeFileSync(
		config,
		[
			`Port ${port}`,
			'ListenAddress 127.0.0.1',
			`HostKey ${path.join(base, 'host_key')}`,
			`PidFile ${path.join(base, 'sshd.pid')}`,
			`AuthorizedKeysFile ${path.join(base, 'authorized_keys')}`,
			`AllowUsers ${username}`,
			'PermitRootLogin prohibit-password',
			'PasswordAuthentication no',
			'KbdInteractiveAuthentication no',
			'PubkeyAuthentication yes',
			'StrictModes no',
			'UsePAM no',
			'LogLevel ERROR',
			`Subsystem sftp internal-sftp -d ${root}`,
			'',
		].join('\n'),
	);
	let child: ChildProcess | undefined;
	let log = '';
	let hostKeyFingerprint = '';
	const start = async () => {
		rmSync(path.join(base, 'host_key'), { force: true });
		rmSync(path.join(base, 'host_key.pub'), { force: true });
		keygen(path.join(base, 'host_key'), 'test-host');
		hostKeyFingerprint = fingerprint(path.join(base, 'host_key.pub'));
		log = '';
		const proc = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
		proc.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
		child = proc;
		await waitForPort(port, proc, () => log);
	};
	const stopChild = async () => {
		const proc = child;
		if (!proc || proc.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
		proc.kill('SIGTERM');
		await exited;
	};
	await start();
	return {
		host: '127.0.0.1',
		port,
		username,
		privateKey: readFileSync(path.join(base, 'client_key'), 'utf8'),
		get hostKeyFingerprint() {
			return hostKeyFingerprint;
		},
		root,
		rotateHostKey: async () => {
			await stopChild();
			await start();
		},
		stop: async () => {
			await stopChild();
			rmSync(base, { recursive: true, force: true });
		},
	};
}
