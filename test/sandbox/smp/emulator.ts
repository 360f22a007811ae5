/**
 * A local PEPPOL SMP (SMP 1.x REST binding) serving ServiceGroup and SignedServiceMetadata XML for a set of
 * test participants (`participants.json`). Participant ids match case-insensitively, as PEPPOL's do.
 * The endpoint certificate is a real self-signed X.509 certificate made with openssl at start.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DOCUMENT_TYPE_IDS, type KnownDocumentType } from '../../../nodes/shared/network/doctypes';
import { listen, type Emulator, type EmulatorOptions } from '../emulator';
import participantsJson from './participants.json';

export interface SmpParticipant {
	participant: string;
	name: string;
	documentTypes?: string[];
	accessPoint?: string;
	/** Registered in the SML (DNS) but unknown to this SMP. */
	smlOnly?: boolean;
}

export function readSmpParticipants(): SmpParticipant[] {
	return structuredClone(participantsJson) as SmpParticipant[];
}

/** A self-signed certificate (base64 DER) for `days` days from now, made with the openssl CLI. */
export function makeTestCertificate(commonName: string, days = 365): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'smp-cert-'));
	try {
		const pem = execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-keyout',
				path.join(dir, 'key.pem'),
				'-days',
				String(days),
				'-subj',
				`/C=DK/O=Sandbox AP/CN=${commonName}`,
			],
			{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
		);
		return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const xmlEscape = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function documentTypeId(type: string): string {
	return DOCUMENT_TYPE_IDS[type as KnownDocumentType] ?? type;
}

function splitScheme(id: string): { scheme: string; value: string } {
	const at = id.indexOf('::');
	return { scheme: id.slice(0, at), value: id.slice(at + 2) };
}

export interface SmpEmulator extends Emulator {
	certificate: string;
	participants: SmpParticipant[];
}

export async function createSmpEmulator(
	participants: SmpParticipant[] = readSmpParticipants(),
	options: EmulatorOptions = {},
): Promise<SmpEmulator> {
	const certificate = makeTestCertificate('AP sandbox');
	const requests: Record<string, number> = {};
	const count = (label: string) => (requests[label] = (requests[label] ?? 0) + 1);
	let base = '';
	const find = (uri: string) => {
		const lower = uri.toLowerCase();
		return participants.find((p) => !p.smlOnly && `iso6523-actorid-upis::${p.participant}`.toLowerCase() === lower);
	};
	const emulator = await listen(
		(req, res) => {
			const rawPath = (req.url ?? '/').split('?')[0];
			const segments = rawPath.split('/').filter(Boolean).map(decodeURIComponent);
			const notFound = () => {
				res.writeHead(404, { 'content-type': 'text/plain' });
				res.end('Not found');
			};
			if (req.method !== 'GET') {
				res.writeHead(405);
				res.end();
				return;
			}
			const participant = segments[0] ? find(segments[0]) : undefined;
			if (!participant) {
				count('GET 404');
				return notFound();
			}
			const participantUri = `iso6523-actorid-upis::${participant.participant}`;
			const pid = splitScheme(participantUri);
			if (segments.length === 1) {
				count('GET ServiceGroup');
				const refs = (participant.documentTypes ?? [])
					.map(
						(t) =>
							`<ServiceMetadataReference href="${xmlEscape(`${base}/${encodeURIComponent(participantUri)}/services/${encodeURIComponent(documentTypeId(t))}`)}"/>`,
					)
					.join('');
				res.writeHead(200, { 'content-type': 'text/xml' });
				res.end(
					`<?xml version="1.0" encoding="UTF-8"?><ServiceGroup xmlns="http://busdox.org/serviceMetadata/publishing/1.0/" xmlns:ids="http://busdox.org/transport/identifiers/1.0/">` +
						`<ids:ParticipantIdentifier scheme="${pid.scheme}">${xmlEscape(pid.value)}</ids:ParticipantIdentifier>` +
						`<ServiceMetadataReferenceCollection>${refs}</ServiceMetadataReferenceCollection></ServiceGroup>`,
				);
				return;
			}
			if (segments.length === 3 && segments[1] === 'services') {
				const wanted = segments[2].toLowerCase();
				const type = (participant.documentTypes ?? []).find((t) => documentTypeId(t).toLowerCase() === wanted);
				if (!type) {
					count('GET 404');
					return notFound();
				}
				count('GET ServiceMetadata');
				const doc = splitScheme(documentTypeId(type));
				const oioubl = doc.value.includes('OIOUBL');
				const process = oioubl
					? { scheme: 'nes-procid-ubl', value: 'urn:www.nesubl.eu:profiles:profile5:ver2.0' }
					: { scheme: 'cenbii-procid-ubl', value: 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0' };
				res.writeHead(200, { 'content-type': 'text/xml' });
				res.end(
					`<?xml version="1.0" encoding="UTF-8"?><SignedServiceMetadata xmlns="http://busdox.org/serviceMetadata/publishing/1.0/" xmlns:ids="http://busdox.org/transport/identifiers/1.0/" xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
						`<ServiceMetadata><ServiceInformation>` +
						`<ids:ParticipantIdentifier scheme="${pid.scheme}">${xmlEscape(pid.value)}</ids:ParticipantIdentifier>` +
						`<ids:DocumentIdentifier scheme="${doc.scheme}">${xmlEscape(doc.value)}</ids:DocumentIdentifier>` +
						`<ProcessList><Process><ids:ProcessIdentifier scheme="${process.scheme}">${process.value}</ids:ProcessIdentifier>` +
						`<ServiceEndpointList><Endpoint transportProfile="peppol-transport-as4-v2_0">` +
						`<wsa:EndpointReference><wsa:Address>${xmlEscape(participant.accessPoint ?? '')}</wsa:Address></wsa:EndpointReference>` +
						`<RequireBusinessLevelSignature>false</RequireBusinessLevelSignature>` +
						`<ServiceActivationDate>2024-01-01T00:00:00Z</ServiceActivationDate>` +
						`<Certificate>${certificate}</Certificate>` +
						`<ServiceDescription>${xmlEscape(participant.name)} sandbox access point</ServiceDescription>` +
						`<TechnicalContactUrl>mailto:ap@example.com</TechnicalContactUrl>` +
						`</Endpoint></ServiceEndpointList></Process></ProcessList>` +
						`</ServiceInformation></ServiceMetadata>` +
						`<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/><SignatureValue>c2FuZGJveA==</SignatureValue></Signature>` +
						`</SignedServiceMetadata>`,
				);
				return;
			}
			count('GET 404');
			notFound();
		},
		requests,
		options,
	);
	base = emulator.url;
	return { ...emulator, certificate, participants };
}
