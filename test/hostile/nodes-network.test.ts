/**
 * Hostile SMP answers through HubBroker Network → Participant → Lookup in the real n8n engine: the PEPPOL network
 * sandbox (dnsmasq as the SML, a local SMP) registers one participant per case and the SMP answers its ServiceGroup
 * or its ServiceMetadata with a hostile document: external entities and DTDs (XXE), an entity expansion bomb,
 * HTML, truncated XML, JSON, 10 MB of text, deep nesting, `&`/`<` in every text, an unusable certificate, a redirect
 * loop. Every case must end in a clear per-item error naming the participant, or a lookup result that says what it
 * found; no entity or DTD may ever be fetched.
 */
import { capturing } from './capture';

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DOCUMENT_TYPE_IDS } from '../../nodes/shared/network/doctypes';
import { runWorkflow } from '../e2e/harness';
import { chain, HUBBROKER } from '../e2e/network/workflow';
import { Faults } from '../sandbox/faults';
import { type NetworkSandbox, startNetworkSandbox } from '../sandbox/servers/network-sandbox';
import { readSmpParticipants, type SmpParticipant } from '../sandbox/smp/emulator';
import {
	caseVerdict,
	type CaseVerdict,
	chunks,
	entityTrap,
	itemErrorText,
	judgeError,
	PARALLEL_RUNS,
	report,
	withTimeout,
} from './node-support';

interface XmlBody {
	name: string;
	status?: number;
	contentType?: string;
	body: string;
}

const NS =
	'xmlns="http://busdox.org/serviceMetadata/publishing/1.0/" xmlns:ids="http://busdox.org/transport/identifiers/1.0/"';

/** Hostile documents an SMP could answer with (each used for the ServiceGroup and for the ServiceMetadata). */
function hostileXml(trapUrl: string, participant: string): XmlBody[] {
	const group = (inner: string) =>
		`<?xml version="1.0"?><ServiceGroup ${NS}><ids:ParticipantIdentifier scheme="iso6523-actorid-upis">${inner}</ids:ParticipantIdentifier><ServiceMetadataReferenceCollection/></ServiceGroup>`;
	return [
		{
			name: 'xxe-external-entity',
			body: `<?xml version="1.0"?><!DOCTYPE ServiceGroup [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y SYSTEM "${trapUrl}/entity">]>${group('&x;&y;')}`,
		},
		{
			name: 'xxe-parameter-entity-dtd',
			body: `<?xml version="1.0"?><!DOCTYPE ServiceGroup [<!ENTITY % d SYSTEM "${trapUrl}/evil.dtd"> %d;]>${group(participant)}`,
		},
		{
			name: 'external-dtd',
			body: `<?xml version="1.0"?><!DOCTYPE ServiceGroup SYSTEM "${trapUrl}/sg.dtd">${group(participant)}`,
		},
		{
			name: 'entity-expansion-bomb',
			body: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>${group('&lol4;')}`,
		},
		{
			name: 'html-200',
			contentType: 'text/html',
			body: '<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>',
		},
		{ name: 'html-without-doctype', contentType: 'text/html', body: '<html><body>Bad Gateway</body></html>' },
		{ name: 'truncated-xml', body: `<?xml version="1.0"?><ServiceGroup ${NS}><ids:ParticipantIdentifier scheme="iso` },
		{ name: 'empty-200', body: '' },
		{ name: 'json-instead-of-xml', contentType: 'application/json', body: '{"ServiceGroup":{"references":[1,2]}}' },
		{ name: 'wrong-root', body: '<?xml version="1.0"?><Foo><Bar>1</Bar></Foo>' },
		{ name: '10mb-text', body: group('A'.repeat(10 * 1024 * 1024)) },
		{ name: 'deep-nesting', body: `<?xml version="1.0"?>${'<a>'.repeat(50_000)}x${'</a>'.repeat(50_000)}` },
		{ name: 'control-chars', body: group(`${participant}\u0000\u0001\u001b`) },
		{ name: 'amp-lt-escaped', body: group(`${participant} &amp; &lt;b&gt; &#x26;`) },
		{ name: 'amp-lt-raw', body: group(`${participant} & <b `) },
		{
			name: 'reference-without-href',
			body: `<?xml version="1.0"?><ServiceGroup ${NS}><ids:ParticipantIdentifier scheme="iso6523-actorid-upis">${participant}</ids:ParticipantIdentifier><ServiceMetadataReferenceCollection><ServiceMetadataReference/><ServiceMetadataReference href=""/><ServiceMetadataReference href="%%%"/></ServiceMetadataReferenceCollection></ServiceGroup>`,
		},
		{
			// A reference to another host is rebuilt on the SMP the SML named: the trap must not be asked.
			name: 'reference-to-other-host',
			body: `<?xml version="1.0"?><ServiceGroup ${NS}><ids:ParticipantIdentifier scheme="iso6523-actorid-upis">${participant}</ids:ParticipantIdentifier><ServiceMetadataReferenceCollection><ServiceMetadataReference href="${trapUrl}/elsewhere/services/${encodeURIComponent(DOCUMENT_TYPE_IDS.bis3Invoice)}"/></ServiceMetadataReferenceCollection></ServiceGroup>`,
		},
		{ name: 'status-500', status: 500, contentType: 'text/plain', body: 'Internal Server Error' },
		{ name: 'status-403-xml', status: 403, body: '<?xml version="1.0"?><Error>Forbidden</Error>' },
		{ name: 'status-302-no-location', status: 302, contentType: 'text/plain', body: '' },
	];
}

/** Hostile ServiceMetadata only: a redirect loop, a certificate that is not one, a redirect to elsewhere. */
function hostileMetadata(trapUrl: string, selfUrl: string): XmlBody[] {
	const endpoint = (certificate: string) =>
		`<?xml version="1.0"?><SignedServiceMetadata ${NS} xmlns:wsa="http://www.w3.org/2005/08/addressing"><ServiceMetadata><ServiceInformation><ids:DocumentIdentifier scheme="busdox-docid-qns">x</ids:DocumentIdentifier><ProcessList><Process><ids:ProcessIdentifier scheme="cenbii-procid-ubl">p</ids:ProcessIdentifier><ServiceEndpointList><Endpoint transportProfile="peppol-transport-as4-v2_0"><wsa:EndpointReference><wsa:Address>https://ap.example/as4?a=1&amp;b=&lt;2&gt;</wsa:Address></wsa:EndpointReference><Certificate>${certificate}</Certificate><ServiceDescription>&lt;script&gt; &amp; co</ServiceDescription></Endpoint></ServiceEndpointList></Process></ProcessList></ServiceInformation></ServiceMetadata></SignedServiceMetadata>`;
	return [
		{
			name: 'redirect-loop',
			body: `<?xml version="1.0"?><SignedServiceMetadata ${NS}><ServiceMetadata><Redirect href="${selfUrl}"><CertificateUID>x</CertificateUID></Redirect></ServiceMetadata></SignedServiceMetadata>`,
		},
		{ name: 'certificate-garbage', body: endpoint('not base64 at all <>&amp;') },
		{ name: 'certificate-10mb', body: endpoint('QUFB'.repeat(2_600_000)) },
		{
			name: 'redirect-without-href',
			body: `<?xml version="1.0"?><SignedServiceMetadata ${NS}><ServiceMetadata><Redirect/></ServiceMetadata></SignedServiceMetadata>`,
		},
		{
			name: 'redirect-to-html',
			body: `<?xml version="1.0"?><SignedServiceMetadata ${NS}><ServiceMetadata><Redirect href="${trapUrl}/redirected"/></ServiceMetadata></SignedServiceMetadata>`,
		},
	];
}

describe('hostile SMP answers through HubBroker Network participant lookup (real engine)', () => {
	let sandbox: NetworkSandbox;
	let trap: Awaited<ReturnType<typeof entityTrap>>;
	const faults = new Faults();
	const verdicts: CaseVerdict[] = [];
	const cases: { participant: string; mutation: string }[] = [];

	before(async () => {
		trap = await entityTrap();
		// One participant per case (0184 ids with a number range of their own; check digits are skipped).
		const participants: SmpParticipant[] = readSmpParticipants();
		const caseCount = 2 * hostileXml('', '').length + hostileMetadata('', '').length;
		for (let i = 0; i < caseCount; i++)
			participants.push({
				participant: `0184:9${String(i).padStart(7, '0')}`,
				name: `Hostile ${i}`,
				documentTypes: ['bis3Invoice'],
				accessPoint: 'https://ap.example/as4',
			});
		sandbox = await startNetworkSandbox(participants, undefined, { faults });
	});
	after(async () => {
		await sandbox?.stop();
		await trap?.close();
	});

	it('every hostile SMP answer ends in a clear per-item error or a lookup result; nothing fetched', async () => {
		const smp = sandbox.smp.url;
		const invoiceType = encodeURIComponent(DOCUMENT_TYPE_IDS.bis3Invoice);
		let n = 0;
		const add = (where: 'group' | 'metadata', body: XmlBody) => {
			const participant = `0184:9${String(n++).padStart(7, '0')}`;
			const group = `/${encodeURIComponent(`iso6523-actorid-upis::${participant}`)}`;
			const path = where === 'group' ? group : `${group}/services/${invoiceType}`;
			faults.serve({
				match: new RegExp(`^GET ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i'),
				status: body.status ?? 200,
				contentType: body.contentType ?? 'text/xml',
				body: body.body,
			});
			cases.push({ participant, mutation: `${where}:${body.name}` });
		};
		for (const body of hostileXml(trap.url, '')) add('group', body);
		for (const body of hostileXml(trap.url, '')) add('metadata', body);
		const selfIndex = n;
		for (const body of hostileMetadata(
			trap.url,
			`${smp}/${encodeURIComponent(`iso6523-actorid-upis::0184:9${String(selfIndex).padStart(7, '0')}`)}/services/${invoiceType}`,
		))
			add('metadata', body);

		// The healthy control: a participant of the sandbox's own list, answered as a real SMP would.
		cases.push({ participant: '0184:31000548', mutation: 'control:healthy-answer' });
		const runs = await Promise.all(
			chunks(cases, PARALLEL_RUNS).map(async (part) => {
				const result = await capturing(() =>
					withTimeout(
						runWorkflow(
							chain('hostile lookup', [
								{
									name: 'Lookup',
									type: HUBBROKER,
									continueOnFail: true,
									parameters: {
										resource: 'participant',
										operation: 'lookup',
										smlZone: 'custom',
										customZone: sandbox.zone,
										dnsResolver: 'custom',
										dnsServer: sandbox.dns.server,
										scheme: 'fromId',
										participantId: '={{ $json.id }}',
										lookupOptions: { skipValidation: true },
									},
								},
							]),
							{ input: part.map((c) => ({ id: c.participant })) },
						),
					),
				);
				return { result, part };
			}),
		);
		for (const { result, part } of runs) {
			assert.equal(result.error, undefined, result.error?.message);
			const out = result.output('Lookup');
			assert.equal(out.length, part.length, 'one output item per participant: nothing dropped');
			for (const item of out) {
				const c = part[pairedIndex(item)];
				const value = c.participant.split(':')[1];
				const error = itemErrorText(item.json);
				if (error) {
					verdicts.push(caseVerdict('network lookup', c.mutation, judgeError(error, [value]), 'error'));
					continue;
				}
				const participant = (item.json.participant ?? {}) as IDataObject;
				const why =
					typeof participant.registered !== 'boolean'
						? `no lookup result: ${JSON.stringify(item.json).slice(0, 200)}`
						: !participant.registered && !(typeof participant.reason === 'string' && participant.reason.length > 10)
							? 'not registered, without a reason'
							: JSON.stringify(participant).length > 200_000
								? 'a result carrying megabytes of the SMP answer'
								: undefined;
				verdicts.push(caseVerdict('network lookup', c.mutation, why, 'result'));
			}
		}
		const failures = report('HubBroker Network', verdicts);
		assert.ok(verdicts.length >= 40, `at least 40 network cases (got ${verdicts.length})`);
		assert.ok((faults.counts().canned ?? 0) >= cases.length, 'every hostile answer was served');
		// A Redirect to another host is PEPPOL (one SMP may point to another); entities and DTDs are not.
		assert.deepEqual(
			trap.hits.filter((h) => h !== '/redirected'),
			[],
			'no entity or DTD was fetched',
		);
		assert.deepEqual(failures, []);
	});
});

function pairedIndex(item: INodeExecutionData): number {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'object' ? paired.item : Number(paired);
}
