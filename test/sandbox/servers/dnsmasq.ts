/**
 * A real DNS server for tests: Debian's dnsmasq on a loopback port, answering the U-NAPTR records of an SML zone.
 * Names under the zone that have no record get NXDOMAIN (`--local`), like a real SML.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';

import { freePort } from './free-port';

export interface NaptrEntry {
	name: string;
	/** The regexp field, e.g. `!^.*$!http://127.0.0.1:1234!`. */
	regexp: string;
	service?: string;
	flags?: string;
	order?: number;
	preference?: number;
}

export interface DnsServer {
	host: string;
	port: number;
	/** `127.0.0.1:<port>` for the resolver setting. */
	server: string;
	process: ChildProcess;
	stop(): Promise<void>;
}

export async function startDnsmasq(zone: string, entries: NaptrEntry[]): Promise<DnsServer> {
	const port = await freePort();
	const args = [
		'--keep-in-foreground',
		'--conf-file=/dev/null',
		'--no-resolv',
		'--no-hosts',
		'--no-poll',
		'--bind-interfaces',
		'--listen-address=127.0.0.1',
		'--interface=lo',
		`--port=${port}`,
		'--pid-file=',
		'--log-facility=-',
		`--local=/${zone}/`,
		...(process.getuid?.() === 0 ? ['--user=root'] : []),
		...entries.map(
			(e) =>
				`--naptr-record=${e.name},${e.order ?? 100},${e.preference ?? 10},${e.flags ?? 'U'},${e.service ?? 'Meta:SMP'},${e.regexp}`,
		),
	];
	const child = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const spawnError = new Promise<never>((_, reject) =>
		child.once('error', (error) =>
			reject(new Error(`dnsmasq did not start (${error.message}); install Debian package dnsmasq-base`)),
		),
	);
	const server = `127.0.0.1:${port}`;
	const resolver = new Resolver({ timeout: 300, tries: 1 });
	resolver.setServers([server]);
	const ready = (async () => {
		for (let i = 0; i < 50; i++) {
			if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr}`);
			try {
				await resolver.resolveNaptr(`probe.${zone}`);
				return;
			} catch (error) {
				if (
					(error as NodeJS.ErrnoException).code === 'ENOTFOUND' ||
					(error as NodeJS.ErrnoException).code === 'ENODATA'
				)
					return;
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error(`dnsmasq did not answer on ${server}: ${stderr}`);
	})();
	await Promise.race([ready, spawnError]);
	return {
		host: '127.0.0.1',
		port,
		server,
		process: child,
		stop: async () => {
			if (child.exitCode === null) {
				child.kill('SIGTERM');
				await exited;
			}
		},
	};
}
