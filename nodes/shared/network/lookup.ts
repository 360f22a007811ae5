/**
 * Participant lookup: SML (DNS U-NAPTR) → SMP ServiceGroup → service metadata of the document types we send.
 * HTTP is injected (`fetchText`) so the n8n node can route it through the package's one request helper.
 */
import type { Resolver } from 'node:dns/promises';

import { classifyDocumentType, type KnownDocumentType, KNOWN_DOCUMENT_TYPES } from './doctypes';
import {
	type IdentifierProblem,
	type ParticipantId,
	parseParticipant,
	participantKey,
	participantUri,
	validateParticipant,
} from './identifiers';
import {
	type CertificateInfo,
	parseServiceGroup,
	parseServiceMetadata,
	serviceGroupUrl,
	serviceMetadataUrl,
	type SmpEndpoint,
} from './smp';
import { type DnsSettings, lookupNaptr, makeResolver, participantDnsNameOf, SML_ZONES } from './sml';

export interface HttpTextResponse {
	status: number;
	body: string;
}

/** GET a URL and return status and body without throwing on 4xx/5xx. */
export type FetchText = (url: string) => Promise<HttpTextResponse>;

export const defaultFetchText: FetchText = async (url) => {
	const response = await fetch(url, { headers: { accept: 'application/xml, text/xml' }, redirect: 'follow' });
	return { status: response.status, body: await response.text() };
};

export interface LookupOptions {
	/** SML zone; production when absent. */
	zone?: string;
	dns?: DnsSettings;
	fetchText?: FetchText;
	/** Skip the check-digit test and look up whatever was given. */
	skipValidation?: boolean;
	/** Document types whose metadata is fetched (default: all four we know). */
	documentTypes?: KnownDocumentType[];
	now?: () => Date;
}

export interface DocumentTypeEndpoint {
	documentType: KnownDocumentType;
	documentTypeId: string;
	processId?: string;
	transportProfile?: string;
	url?: string;
	activationDate?: string;
	expirationDate?: string;
	certificate?: CertificateInfo;
	certificateError?: string;
}

export interface LookupResult {
	participantId: string;
	scheme: string;
	value: string;
	registered: boolean;
	/** Why it is not registered, or why it could not be used. */
	reason?: string;
	problems: IdentifierProblem[];
	dnsName?: string;
	smpUrl?: string;
	/** Which of our document types it receives. */
	receives: Record<KnownDocumentType, boolean>;
	/** Every document type id its ServiceGroup lists (also the ones we do not send). */
	documentTypeIds: string[];
	endpoints: DocumentTypeEndpoint[];
	/** Access point of the first document type we send (invoice first). */
	accessPoint?: { url?: string; transportProfile?: string; certificate?: CertificateInfo };
	/** Served from this execution's cache. */
	cached: boolean;
	ms: number;
}

const noneReceived = (): Record<KnownDocumentType, boolean> => ({
	bis3Invoice: false,
	bis3CreditNote: false,
	oioublInvoice: false,
	oioublCreditNote: false,
});

/**
 * A lookup service with an in-execution cache: a batch asks DNS and the SMP once per participant id
 * (keys are case-insensitive, like the ids themselves). Create one per execution; nothing outlives it.
 */
export class ParticipantLookup {
	private readonly cache = new Map<string, Promise<LookupResult>>();
	private readonly resolver: Resolver;
	private readonly zone: string;
	private readonly fetchText: FetchText;
	/** Counters for tests and benchmarks. */
	readonly stats = { dnsQueries: 0, httpRequests: 0, cacheHits: 0 };

	constructor(private readonly options: LookupOptions = {}) {
		this.zone = options.zone?.trim() || SML_ZONES.production;
		this.resolver = makeResolver(options.dns);
		this.fetchText = options.fetchText ?? defaultFetchText;
	}

	async lookup(input: string | ParticipantId, scheme?: string): Promise<LookupResult> {
		const id = parseParticipant(input, scheme);
		const key = participantKey(id).toLowerCase();
		const hit = this.cache.get(key);
		if (hit) {
			this.stats.cacheHits++;
			const started = Date.now();
			const result = await hit;
			return { ...result, cached: true, ms: Date.now() - started };
		}
		const pending = this.lookupUncached(id);
		this.cache.set(key, pending);
		// A failed lookup (DNS timeout, SMP down) is not remembered, so a retry in the same execution asks again.
		pending.catch(() => this.cache.delete(key));
		return pending;
	}

	private async get(url: string): Promise<HttpTextResponse> {
		this.stats.httpRequests++;
		return this.fetchText(url);
	}

	/** A failed lookup names the participant: a batch error must say which customer's lookup failed. */
	private async lookupUncached(id: ParticipantId): Promise<LookupResult> {
		try {
			return await this.resolve(id);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			throw new Error(`PEPPOL lookup of ${participantUri(id)} failed: ${message}`);
		}
	}

	private async resolve(id: ParticipantId): Promise<LookupResult> {
		const started = Date.now();
		const problems = validateParticipant(id);
		const result: LookupResult = {
			participantId: participantUri(id),
			scheme: id.scheme,
			value: id.value,
			registered: false,
			problems,
			receives: noneReceived(),
			documentTypeIds: [],
			endpoints: [],
			cached: false,
			ms: 0,
		};
		const done = () => ({ ...result, ms: Date.now() - started });
		if (!this.options.skipValidation && problems.some((p) => p.level === 'error')) {
			result.reason = `invalid identifier: ${problems.map((p) => p.message).join('; ')}`;
			return done();
		}
		result.dnsName = participantDnsNameOf(id, this.zone);
		this.stats.dnsQueries++;
		const naptr = await lookupNaptr(this.resolver, result.dnsName);
		if (!naptr.found) {
			result.reason = naptr.reason;
			return done();
		}
		if (!naptr.smpUrl) {
			result.reason = 'the SML record has no usable Meta:SMP NAPTR entry';
			return done();
		}
		result.smpUrl = naptr.smpUrl;

		const groupUrl = serviceGroupUrl(naptr.smpUrl, id);
		const groupResponse = await this.get(groupUrl);
		if (groupResponse.status === 404) {
			result.reason = 'listed in the SML but unknown to its SMP (404)';
			return done();
		}
		if (groupResponse.status !== 200)
			throw new Error(`SMP ${groupUrl} answered HTTP ${groupResponse.status}: ${groupResponse.body.slice(0, 200)}`);
		const group = parseServiceGroup(groupResponse.body);
		result.registered = true;
		result.documentTypeIds = group.references.map((r) => r.documentTypeId);

		const wanted = new Set(this.options.documentTypes ?? KNOWN_DOCUMENT_TYPES);
		const now = this.options.now?.() ?? new Date();
		for (const reference of group.references) {
			const documentType = classifyDocumentType(reference.documentTypeId);
			if (!documentType || !wanted.has(documentType)) continue;
			const endpoints = await this.fetchMetadata(metadataUrlOf(naptr.smpUrl, id, reference), now);
			if (endpoints.length === 0) continue;
			result.receives[documentType] = true;
			for (const endpoint of endpoints)
				result.endpoints.push({ documentType, documentTypeId: reference.documentTypeId, ...endpoint });
		}
		const first = KNOWN_DOCUMENT_TYPES.map((t) => result.endpoints.find((e) => e.documentType === t)).find(Boolean);
		if (first)
			result.accessPoint = { url: first.url, transportProfile: first.transportProfile, certificate: first.certificate };
		if (!Object.values(result.receives).some(Boolean))
			result.reason = 'registered, but for none of the invoice/credit note document types we send';
		return done();
	}

	private async fetchMetadata(href: string, now: Date, redirects = 0): Promise<SmpEndpoint[]> {
		const response = await this.get(href);
		if (response.status === 404) return [];
		if (response.status !== 200) throw new Error(`SMP ${href} answered HTTP ${response.status}`);
		const metadata = parseServiceMetadata(response.body, now);
		if (metadata.kind === 'redirect') {
			if (redirects >= 1) throw new Error(`SMP ${href} redirects more than once`);
			return this.fetchMetadata(metadata.href, now, redirects + 1);
		}
		return metadata.endpoints;
	}
}

/**
 * The metadata URL of a ServiceGroup reference. A reference on the SMP's own host is taken as written (the SMP's own
 * spelling of the encoded ids); one that points elsewhere is rebuilt on the SMP found in the SML, so a hostile or
 * misconfigured ServiceGroup cannot send the lookup to an arbitrary host. (A signed Redirect may still name another SMP.)
 */
function metadataUrlOf(smpUrl: string, id: ParticipantId, reference: { documentTypeId: string; href: string }): string {
	try {
		if (new URL(reference.href).origin === new URL(smpUrl).origin) return reference.href;
	} catch {
		// not an absolute URL: rebuilt below
	}
	return serviceMetadataUrl(smpUrl, id, reference.documentTypeId);
}

/** One-off lookup (no shared cache). */
export async function lookupParticipant(
	input: string | ParticipantId,
	options: LookupOptions = {},
): Promise<LookupResult> {
	return new ParticipantLookup(options).lookup(input);
}
