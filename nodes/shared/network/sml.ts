/**
 * SML (PEPPOL's DNS-based service metadata locator): the host name of a participant and the U-NAPTR lookup
 * that gives its SMP base URL.
 */
import { createHash } from 'node:crypto';
import { Resolver } from 'node:dns/promises';

import { type ParticipantId, participantKey } from './identifiers';

export const SML_ZONES = {
	production: 'participant.sml.prod.tech.peppol.org',
	test: 'participant.sml.test.tech.peppol.org',
} as const;

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower-case, without `=` padding. */
export function base32(bytes: Uint8Array): string {
	let out = '';
	let buffer = 0;
	let bits = 0;
	for (const byte of bytes) {
		buffer = (buffer << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
			bits -= 5;
		}
		buffer &= (1 << bits) - 1;
	}
	if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
	return out;
}

/**
 * The DNS name to query for a participant: base32(sha256(lower-case "scheme:value")) + `.iso6523-actorid-upis.` + zone.
 * Participant ids of this scheme are case-insensitive, hence the lower-casing before hashing.
 */
export function participantDnsName(scheme: string, value: string, zone: string): string {
	const digest = createHash('sha256').update(`${scheme}:${value}`.toLowerCase(), 'utf8').digest();
	return `${base32(digest)}.iso6523-actorid-upis.${zone.replace(/^\.+|\.+$/g, '')}`;
}

export function participantDnsNameOf(id: ParticipantId, zone: string): string {
	const [scheme, ...rest] = participantKey(id).split(':');
	return participantDnsName(scheme, rest.join(':'), zone);
}

export interface NaptrRecord {
	flags: string;
	service: string;
	regexp: string;
	replacement: string;
	order: number;
	preference: number;
}

/**
 * Apply a NAPTR regexp (`<delim><ere><delim><substitution><delim><flags>`, RFC 3402) to the queried name.
 * PEPPOL SMLs publish `!^.*$!https://smp.example.com!`.
 */
export function applyNaptrRegexp(regexp: string, subject: string): string | undefined {
	if (regexp.length < 3) return undefined;
	const delimiter = regexp[0];
	const parts: string[] = [''];
	for (let i = 1; i < regexp.length; i++) {
		const ch = regexp[i];
		if (ch === '\\' && regexp[i + 1] === delimiter) {
			parts[parts.length - 1] += delimiter;
			i++;
		} else if (ch === delimiter) parts.push('');
		else parts[parts.length - 1] += ch;
	}
	if (parts.length !== 3) return undefined;
	const [pattern, substitution, flags] = parts;
	let re: RegExp;
	try {
		re = new RegExp(pattern, flags.includes('i') ? 'i' : '');
	} catch {
		return undefined;
	}
	const match = re.exec(subject);
	if (!match) return undefined;
	// Back-references are \1..\9 in NAPTR; \\ is a literal backslash.
	const replaced = substitution.replace(/\\(\d|\\)/g, (_, ref: string) =>
		ref === '\\' ? '\\' : (match[Number(ref)] ?? ''),
	);
	return subject.slice(0, match.index) + replaced + subject.slice(match.index + match[0].length);
}

/** Pick the SMP URL from NAPTR records: flag `U`, service `Meta:SMP`, lowest order then preference. */
export function smpUrlFromNaptr(records: NaptrRecord[], queriedName: string): string | undefined {
	const candidates = records
		.filter((r) => r.flags.toUpperCase() === 'U' && r.service.toLowerCase() === 'meta:smp')
		.sort((a, b) => a.order - b.order || a.preference - b.preference);
	for (const record of candidates) {
		const url = applyNaptrRegexp(record.regexp, queriedName);
		if (url && /^https?:\/\//i.test(url)) return url.replace(/\/+$/, '');
	}
	return undefined;
}

export interface DnsSettings {
	/** `host:port` or `host` of a DNS server to ask; the system resolvers when empty. */
	server?: string;
	/** Per-query timeout in ms (default 3000) and tries (default 2). */
	timeoutMs?: number;
	tries?: number;
}

export type NaptrResult = { found: true; records: NaptrRecord[]; smpUrl?: string } | { found: false; reason: string };

/** Make a resolver for the settings (`host:port`, `[v6]:port` or `host`). */
export function makeResolver(settings: DnsSettings = {}): Resolver {
	const resolver = new Resolver({ timeout: settings.timeoutMs ?? 3000, tries: settings.tries ?? 2 });
	if (settings.server?.trim()) resolver.setServers([settings.server.trim()]);
	return resolver;
}

/** U-NAPTR lookup of a participant's DNS name. NXDOMAIN and "no NAPTR" mean "not registered in this SML". */
export async function lookupNaptr(resolver: Resolver, name: string): Promise<NaptrResult> {
	try {
		const records = (await resolver.resolveNaptr(name)) as NaptrRecord[];
		return { found: true, records, smpUrl: smpUrlFromNaptr(records, name) };
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOTFOUND') return { found: false, reason: 'not registered in the SML (NXDOMAIN)' };
		if (code === 'ENODATA') return { found: false, reason: 'no NAPTR record in the SML' };
		throw new Error(`DNS lookup of ${name} failed: ${code ?? (error as Error).message}`);
	}
}
