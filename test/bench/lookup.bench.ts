/**
 * Participant lookup timings against the local network sandbox (dnsmasq + local SMP): per participant with the
 * execution cache cold (DNS + ServiceGroup + service metadata) and warm (same ParticipantLookup again).
 * Run: node build/test/bench/lookup.bench.js
 */
import { ParticipantLookup } from '../../nodes/shared/network';
import { startNetworkSandbox } from '../sandbox/servers/network-sandbox';

async function main(): Promise<void> {
	const sandbox = await startNetworkSandbox();
	try {
		const ids = sandbox.smp.participants.map((p) => p.participant).concat(['0184:31002877']);
		const rounds = 5;
		console.log(`participant                 registered  HTTP  cold ms (median of ${rounds})  warm ms (median)`);
		for (const id of ids) {
			const cold: number[] = [];
			const warm: number[] = [];
			let registered = false;
			let http = 0;
			for (let round = 0; round < rounds; round++) {
				const lookup = new ParticipantLookup({ zone: sandbox.zone, dns: { server: sandbox.dns.server } });
				let t = process.hrtime.bigint();
				const first = await lookup.lookup(id);
				cold.push(Number(process.hrtime.bigint() - t) / 1e6);
				t = process.hrtime.bigint();
				await lookup.lookup(id);
				warm.push(Number(process.hrtime.bigint() - t) / 1e6);
				registered = first.registered;
				http = lookup.stats.httpRequests;
			}
			const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
			console.log(
				`${id.padEnd(28)}${String(registered).padEnd(12)}${String(http).padEnd(6)}${median(cold).toFixed(2).padStart(10)}${median(warm).toFixed(3).padStart(24)}`,
			);
		}
	} finally {
		await sandbox.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
