/**
 * SMP (service metadata publisher) documents: the ServiceGroup that lists a participant's document types and the
 * (Signed)ServiceMetadata that names the access point for one of them. Parsed with fast-xml-parser with entity
 * expansion off; namespace prefixes are dropped so PEPPOL SMP 1.x and OASIS BDXR documents read the same way.
 */
import { X509Certificate } from 'node:crypto';

import { XMLParser } from 'fast-xml-parser';

import { type ParticipantId, participantUri } from './identifiers';

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@_',
	removeNSPrefix: true,
	processEntities: false,
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: true,
	isArray: (name) => ['ServiceMetadataReference', 'Process', 'Endpoint'].includes(name),
});

/** The five predefined XML entities and character references; nothing else is expanded. */
function unescapeXml(text: string): string {
	return text
		.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
		.replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&amp;/g, '&');
}

type Node = Record<string, unknown>;

function text(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return unescapeXml(value);
	if (typeof value === 'object' && '#text' in (value as Node)) return unescapeXml(String((value as Node)['#text']));
	return String(value);
}

function attr(value: unknown, name: string): string | undefined {
	if (value && typeof value === 'object') {
		const v = (value as Node)[`@_${name}`];
		return v === undefined ? undefined : unescapeXml(String(v));
	}
	return undefined;
}

function parse(xml: string): Node {
	if (/<!DOCTYPE/i.test(xml)) throw new Error('SMP response has a DOCTYPE; refusing to parse it');
	try {
		return parser.parse(xml) as Node;
	} catch (error) {
		throw new Error(`SMP response is not well-formed XML (${(error as Error).message.slice(0, 200)})`);
	}
}

/** Percent-encode an identifier for an SMP path (`:` → `%3A`, `#` → `%23`, …). */
export function encodeSmpPathSegment(value: string): string {
	return encodeURIComponent(value);
}

export function serviceGroupUrl(smpUrl: string, id: ParticipantId): string {
	return `${smpUrl.replace(/\/+$/, '')}/${encodeSmpPathSegment(participantUri(id))}`;
}

export function serviceMetadataUrl(smpUrl: string, id: ParticipantId, documentTypeId: string): string {
	return `${serviceGroupUrl(smpUrl, id)}/services/${encodeSmpPathSegment(documentTypeId)}`;
}

export interface ServiceGroup {
	participantId?: string;
	/** Document type ids (with their scheme, e.g. `busdox-docid-qns::urn:…`) and the metadata URL the SMP gives. */
	references: { documentTypeId: string; href: string }[];
}

/** Parse a ServiceGroup; the document type id is taken from the reference URL's last path segment. */
export function parseServiceGroup(xml: string): ServiceGroup {
	const doc = parse(xml);
	const group = doc.ServiceGroup as Node | undefined;
	if (!group) throw new Error('not an SMP ServiceGroup document');
	const participant = group.ParticipantIdentifier;
	const collection = (group.ServiceMetadataReferenceCollection ?? {}) as Node;
	const refs = (collection.ServiceMetadataReference ?? []) as Node[];
	const references = refs
		.map((ref) => attr(ref, 'href'))
		.filter((href): href is string => !!href)
		.map((href) => {
			const marker = href.toLowerCase().lastIndexOf('/services/');
			const encoded = marker >= 0 ? href.slice(marker + '/services/'.length) : '';
			let documentTypeId = '';
			try {
				documentTypeId = decodeURIComponent(encoded.split(/[?#]/)[0]);
			} catch {
				documentTypeId = encoded;
			}
			return { documentTypeId, href };
		});
	const scheme = attr(participant, 'scheme');
	const value = text(participant);
	return { participantId: value ? (scheme ? `${scheme}::${value}` : value) : undefined, references };
}

export interface CertificateInfo {
	subject: string;
	issuer: string;
	serialNumber: string;
	notBefore: string;
	notAfter: string;
	/** Whether `now` lies inside the certificate's validity period. */
	validNow: boolean;
}

export interface SmpEndpoint {
	processId?: string;
	transportProfile?: string;
	url?: string;
	activationDate?: string;
	expirationDate?: string;
	certificate?: CertificateInfo;
	certificateError?: string;
	description?: string;
	technicalContactUrl?: string;
}

export type ServiceMetadata =
	{ kind: 'metadata'; documentTypeId?: string; endpoints: SmpEndpoint[] } | { kind: 'redirect'; href: string };

/** Read the X.509 certificate an SMP publishes (base64 DER, sometimes PEM-wrapped). */
export function parseCertificate(base64OrPem: string, now = new Date()): CertificateInfo {
	const body = base64OrPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
	const cert = new X509Certificate(Buffer.from(body, 'base64'));
	const notBefore = new Date(cert.validFrom);
	const notAfter = new Date(cert.validTo);
	return {
		subject: cert.subject.replace(/\n/g, ', '),
		issuer: cert.issuer.replace(/\n/g, ', '),
		serialNumber: cert.serialNumber,
		notBefore: notBefore.toISOString(),
		notAfter: notAfter.toISOString(),
		validNow: now >= notBefore && now <= notAfter,
	};
}

/** Parse a SignedServiceMetadata / ServiceMetadata document (or its Redirect). */
export function parseServiceMetadata(xml: string, now = new Date()): ServiceMetadata {
	const doc = parse(xml);
	const metadata = ((doc.SignedServiceMetadata as Node | undefined)?.ServiceMetadata ?? doc.ServiceMetadata) as
		Node | undefined;
	if (!metadata) throw new Error('not an SMP ServiceMetadata document');
	const redirect = metadata.Redirect as Node | undefined;
	if (redirect) {
		const href = attr(redirect, 'href');
		if (!href) throw new Error('SMP Redirect without href');
		return { kind: 'redirect', href };
	}
	const info = (metadata.ServiceInformation ?? {}) as Node;
	const documentType = info.DocumentIdentifier;
	const documentTypeId = text(documentType);
	const scheme = attr(documentType, 'scheme');
	const endpoints: SmpEndpoint[] = [];
	for (const process of ((info.ProcessList as Node | undefined)?.Process ?? []) as Node[]) {
		const processId = text(process.ProcessIdentifier);
		for (const endpoint of ((process.ServiceEndpointList as Node | undefined)?.Endpoint ?? []) as Node[]) {
			const reference = endpoint.EndpointReference as Node | undefined;
			const entry: SmpEndpoint = {
				processId,
				transportProfile: attr(endpoint, 'transportProfile'),
				url: text(reference?.Address) ?? text(endpoint.EndpointURI),
				activationDate: text(endpoint.ServiceActivationDate),
				expirationDate: text(endpoint.ServiceExpirationDate),
				description: text(endpoint.ServiceDescription),
				technicalContactUrl: text(endpoint.TechnicalContactUrl),
			};
			const certificate = text(endpoint.Certificate);
			if (certificate) {
				try {
					entry.certificate = parseCertificate(certificate, now);
				} catch (error) {
					entry.certificateError = `certificate could not be read: ${(error as Error).message}`;
				}
			}
			endpoints.push(entry);
		}
	}
	return {
		kind: 'metadata',
		documentTypeId: documentTypeId && scheme ? `${scheme}::${documentTypeId}` : documentTypeId,
		endpoints,
	};
}
