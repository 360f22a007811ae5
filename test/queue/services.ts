/**
 * PostgreSQL and Redis for n8n queue mode, from the Debian packages, each started on loopback on a free port with its
 * data in a temporary folder, and stopped by its own pid (never by name: other n8n stacks may run on this machine).
 *
 * - Missing packages are installed with apt-get when running as root (`postgresql`, `redis-server`).
 * - PostgreSQL refuses to run as root: as root, the cluster is created and run as the `postgres` system user.
 * - Redis keeps nothing on disk (no RDB snapshots, no append-only file): the queue lives only as long as the run.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from '../n8n/runtime';
import { installedProgram, onPath as which } from '../support/installed';

export interface Service {
	port: number;
	pid: number;
	stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The PostgreSQL server binaries (Debian keeps them out of PATH, in a folder per major version). */
function postgresBin(): string | undefined {
	const initdb = installedProgram('initdb', 'bin/initdb');
	return initdb && existsSync(path.join(path.dirname(initdb), 'postgres')) ? path.dirname(initdb) : undefined;
}

/** Install postgresql and redis-server with apt-get when missing (root only); throws when they stay missing. */
export function ensureQueuePackages(log: (line: string) => void = console.log): void {
	const missing = [...(postgresBin() ? [] : ['postgresql']), ...(which('redis-server') ? [] : ['redis-server'])];
	if (!missing.length) return;
	if (!isRoot() || !which('apt-get'))
		throw new Error(
			`Queue mode needs ${missing.join(' and ')}: install them (apt-get install -y ${missing.join(' ')})`,
		);
	log(`queue: installing ${missing.join(', ')} (apt-get)…`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () =>
		spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { env, stdio: 'inherit' }).status === 0;
	if (!install()) {
		spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
		if (!install()) throw new Error(`apt-get install ${missing.join(' ')} failed`);
	}
}

/** The uid/gid to run PostgreSQL as: the `postgres` system user when we are root, else ourselves. */
function postgresUser(): { uid: number; gid: number } | undefined {
	if (!isRoot()) return undefined;
	const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
	return { uid: id('-u'), gid: id('-g') };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill(signal);
		setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
	});
}

/** Kill the child if this process exits first (a failed test must not leave a server behind). */
function guard(child: ChildProcess): void {
	const kill = () => {
		if (child.exitCode === null) child.kill('SIGKILL');
	};
	process.once('exit', kill);
	child.once('exit', () => process.removeListener('exit', kill));
}

async function waitUntil(what: string, ready: () => boolean, child: ChildProcess, output: () => string, ms = 60_000) {
	const deadline = Date.now() + ms;
	while (!ready()) {
		if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${output()}`);
		if (Date.now() > deadline) throw new Error(`${what} did not start within ${ms} ms: ${output()}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

export interface Postgres extends Service {
	user: string;
	password: string;
	database: string;
}

/**
 * A throw-away PostgreSQL cluster with a database and a user for n8n (password auth on loopback). Its folder is a
 * fresh temporary one (the `postgres` user must be able to reach it); `stop()` removes it.
 */
export async function startPostgres(): Promise<Postgres> {
	const bin = postgresBin();
	if (!bin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
	const owner = postgresUser();
	const dir = mkdtempSync(path.join(tmpdir(), 'einvoice-postgres-'));
	const data = path.join(dir, 'data');
	const sockets = path.join(dir, 'run');
	mkdirSync(sockets, { recursive: true });
	if (owner) {
		chownSync(dir, owner.uid, owner.gid);
		chownSync(sockets, owner.uid, owner.gid);
	}
	const user = 'n8n';
	const password = 'n8n-queue-sandbox';
	const database = 'n8n';
	const initdb = spawnSync(
		path.join(bin, 'initdb'),
		['-D', data, '-U', user, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
		{ encoding: 'utf8', cwd: dir, ...(owner ?? {}) },
	);
	if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr || initdb.stdout}`);
	const port = await freePort();
	let output = '';
	const child = spawn(
		path.join(bin, 'postgres'),
		['-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
		{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...(owner ?? {}) },
	);
	guard(child);
	const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5000));
	child.stdout!.on('data', collect);
	child.stderr!.on('data', collect);
	await waitUntil(
		'postgres',
		() => /ready to accept connections/.test(output),
		child,
		() => output,
	);
	const sql = (statement: string) => {
		const result = spawnSync(
			'psql',
			['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', statement],
			{ encoding: 'utf8' },
		);
		if (result.status !== 0) throw new Error(`psql: ${statement}: ${result.stderr}`);
	};
	sql(`ALTER USER ${user} PASSWORD '${password}'`);
	sql(`CREATE DATABASE ${database} OWNER ${user}`);
	return {
		port,
		pid: child.pid!,
		user,
		password,
		database,
		// SIGINT is PostgreSQL's "fast shutdown": it ends the sessions and stops cleanly.
		stop: async () => {
			await stopChild(child, 'SIGINT', 20_000);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** A Redis server for the Bull queue, without persistence. */
export async function startRedis(dir: string): Promise<Service> {
	const redis = which('redis-server');
	if (!redis) throw new Error('Redis is not installed (apt-get install -y redis-server)');
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	let output = '';
	const child = spawn(
		redis,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
		],
		{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	guard(child);
	const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5000));
	child.stdout!.on('data', collect);
	child.stderr!.on('data', collect);
	await waitUntil(
		'redis-server',
		() => /Ready to accept connections/i.test(output),
		child,
		() => output,
	);
	return { port, pid: child.pid!, stop: () => stopChild(child, 'SIGTERM', 10_000) };
}
