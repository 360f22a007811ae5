/** The PEPPOL network in a box: a local SMP plus dnsmasq answering the SML's U-NAPTR records for its participants. */
import { participantDnsName } from '../../../nodes/shared/network/sml';
import type { EmulatorOptions } from '../emulator';
import { createSmpEmulator, type SmpEmulator, type SmpParticipant } from '../smp/emulator';
import { type DnsServer, startDnsmasq } from './dnsmasq';

export const SANDBOX_SML_ZONE = 'sml.sandbox.test';

export interface NetworkSandbox {
	zone: string;
	dns: DnsServer;
	smp: SmpEmulator;
	stop(): Promise<void>;
}

export async function startNetworkSandbox(
	participants?: SmpParticipant[],
	zone = SANDBOX_SML_ZONE,
	smpOptions: EmulatorOptions = {},
): Promise<NetworkSandbox> {
	const smp = await createSmpEmulator(participants, smpOptions);
	try {
		const entries = smp.participants.map((p) => {
			const [scheme, ...value] = p.participant.split(':');
			return { name: participantDnsName(scheme, value.join(':'), zone), regexp: `!^.*$!${smp.url}!` };
		});
		const dns = await startDnsmasq(zone, entries);
		return {
			zone,
			dns,
			smp,
			stop: async () => {
				await dns.stop();
				await smp.close();
			},
		};
	} catch (error) {
		await smp.close();
		throw error;
	}
}
