import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	applyNaptrRegexp,
	classifyDocumentType,
	DOCUMENT_TYPE_IDS,
	parseServiceGroup,
	parseServiceMetadata,
	base32,
	candidatesFor,
	matchCustomer,
	ParticipantLookup,
	participantDnsName,
	smpUrlFromNaptr,
} from '../../nodes/shared/network';
import { normaliseCustomerRule } from '../../nodes/shared/routing';
import { type NetworkSandbox, startNetworkSandbox } from '../sandbox/servers/network-sandbox';

describe('SML host names', () => {
	it('matches the SML specification test vectors', () => {
		const zone = 'acc.edelivery.tech.ec.europa.eu';
		assert.equal(
			participantDnsName('0088', '1234567890123', zone),
			`sjsyvccmqyjxk3weuapffq4x3umcrf4qryherj4vovhmonh7gccq.iso6523-actorid-upis.${zone}`,
		);
		const lower = participantDnsName('0088', '123abc', zone);
		assert.equal(lower, `y7dzfxaf3d4cjz4kcgrxtec6twvcga4ky7zwa5boif6mswd4tdrq.iso6523-actorid-upis.${zone}`);
		assert.equal(participantDnsName('0088', '123ABC', zone), lower);
		assert.equal(
			participantDnsName('0010', '5798000000001', zone),
			`xukhfqabqziki3ykvr2fhr4snfa3pf5vpq6k4tonv3lmvsy5arvq.iso6523-actorid-upis.${zone}`,
		);
	});

	it('encodes base32 per RFC 4648 without padding', () => {
		// RFC 4648 §10 vectors, lower-cased and unpadded.
		const cases: [string, string][] = [
			['', ''],
			['f', 'my'],
			['fo', 'mzxq'],
			['foo', 'mzxw6'],
			['foob', 'mzxw6yq'],
			['fooba', 'mzxw6ytb'],
			['foobar', 'mzxw6ytboi'],
		];
		for (const [input, expected] of cases) assert.equal(base32(Buffer.from(input)), expected);
	});

	it('reads the SMP URL from U-NAPTR records', () => {
		assert.equal(applyNaptrRegexp('!^.*$!https://smp.example.com/!', 'abc.zone'), 'https://smp.example.com/');
		assert.equal(applyNaptrRegexp('!^(.*)\\.zone$!https://\\1.smp!', 'abc.zone'), 'https://abc.smp');
		const url = smpUrlFromNaptr(
			[
				{
					flags: 'U',
					service: 'Meta:SMP',
					regexp: '!^.*$!https://second.example!',
					replacement: '',
					order: 100,
					preference: 20,
				},
				{
					flags: 'U',
					service: 'Meta:Other',
					regexp: '!^.*$!https://other.example!',
					replacement: '',
					order: 1,
					preference: 1,
				},
				{
					flags: 'u',
					service: 'meta:smp',
					regexp: '!^.*$!https://first.example/!',
					replacement: '',
					order: 100,
					preference: 10,
				},
			],
			'x.zone',
		);
		assert.equal(url, 'https://first.example');
	});
});

describe('SMP documents', () => {
	it('reads a Redirect, an OASIS BDXR ServiceGroup, and refuses a DOCTYPE', () => {
		const redirect = parseServiceMetadata(
			'<SignedServiceMetadata xmlns="http://busdox.org/serviceMetadata/publishing/1.0/"><ServiceMetadata>' +
				'<Redirect href="https://other-smp.example/iso6523-actorid-upis%3A%3A0184%3A31000548/services/x?a=1&amp;b=2">' +
				'<CertificateUID>CN=x</CertificateUID></Redirect></ServiceMetadata></SignedServiceMetadata>',
		);
		assert.deepEqual(redirect, {
			kind: 'redirect',
			href: 'https://other-smp.example/iso6523-actorid-upis%3A%3A0184%3A31000548/services/x?a=1&b=2',
		});
		const group = parseServiceGroup(
			'<smp:ServiceGroup xmlns:smp="http://docs.oasis-open.org/bdxr/ns/SMP/2016/05"><smp:ParticipantIdentifier scheme="iso6523-actorid-upis">0088:5798000000001</smp:ParticipantIdentifier>' +
				'<smp:ServiceMetadataReferenceCollection><smp:ServiceMetadataReference href="https://smp.example/iso6523-actorid-upis%3A%3A0088%3A5798000000001/services/busdox-docid-qns%3A%3Aurn%3Aoasis%3Anames%3Aspecification%3Aubl%3Aschema%3Axsd%3AInvoice-2%3A%3AInvoice%23%23OIOUBL-2.1%3A%3A2.1"/>' +
				'</smp:ServiceMetadataReferenceCollection></smp:ServiceGroup>',
		);
		assert.equal(group.participantId, 'iso6523-actorid-upis::0088:5798000000001');
		assert.deepEqual(
			group.references.map((r) => classifyDocumentType(r.documentTypeId)),
			['oioublInvoice'],
		);
		assert.throws(
			() => parseServiceGroup('<!DOCTYPE x [<!ENTITY a "b">]><ServiceGroup>&a;</ServiceGroup>'),
			/has a DOCTYPE; refusing to parse it/,
		);
	});

	it('classifies document type ids case-insensitively and by customization prefix', () => {
		assert.equal(classifyDocumentType(DOCUMENT_TYPE_IDS.bis3CreditNote.toUpperCase()), 'bis3CreditNote');
		assert.equal(
			classifyDocumentType(
				'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1',
			),
			'bis3Invoice',
		);
		assert.equal(
			classifyDocumentType('busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:Order-2::Order##x::2.1'),
			undefined,
		);
	});
});

describe('candidates for a customer', () => {
	it('tries endpoint, GLN, CVR, DK VAT in that order and drops malformed ids', () => {
		const list = candidatesFor({
			endpoint: { scheme: '0184', id: '31000548' },
			gln: '5798000000001',
			registrationNumber: '31000548',
			vatId: 'DK 31 00 05 48',
			country: 'DK',
		});
		assert.deepEqual(
			list.map((c) => `${c.scheme}:${c.value}`),
			['0184:31000548', '0088:5798000000001', '0198:DK31000548'],
		);
		assert.deepEqual(candidatesFor({ gln: '5798000000002', registrationNumber: '12345678', country: 'DK' }), []);
		// A Dinero contact: VAT number with DK prefix, an SE number and a P-number.
		assert.deepEqual(
			candidatesFor({ vatId: 'DK31002192', seNumber: '31000548', pNumber: '1012345678', country: 'DK' }).map(
				(c) => `${c.scheme}:${c.value}:${c.from}`,
			),
			['0184:31002192:vatId', '0198:DK31002192:vatId', '0198:DK31000548:seNumber', '0096:1012345678:pNumber'],
		);
	});
});

describe('participant lookup against a real DNS server and a local SMP', () => {
	let sandbox: NetworkSandbox;
	before(async () => {
		sandbox = await startNetworkSandbox();
	});
	after(async () => {
		await sandbox?.stop();
	});
	const newLookup = () => new ParticipantLookup({ zone: sandbox.zone, dns: { server: sandbox.dns.server } });

	it('finds a registered 0184 participant with BIS 3 and OIOUBL, its access point and certificate', async () => {
		const lookup = newLookup();
		const result = await lookup.lookup('0184:31000548');
		assert.equal(result.registered, true);
		assert.equal(result.participantId, 'iso6523-actorid-upis::0184:31000548');
		assert.deepEqual(result.receives, {
			bis3Invoice: true,
			bis3CreditNote: true,
			oioublInvoice: true,
			oioublCreditNote: true,
		});
		assert.equal(result.smpUrl, sandbox.smp.url);
		assert.equal(result.accessPoint?.url, 'https://ap.nordlys.example/as4');
		assert.equal(result.accessPoint?.transportProfile, 'peppol-transport-as4-v2_0');
		assert.match(result.accessPoint?.certificate?.subject ?? '', /CN=AP sandbox/);
		assert.equal(result.accessPoint?.certificate?.validNow, true);
		assert.ok(Date.parse(result.accessPoint!.certificate!.notAfter) > Date.now() + 300 * 86400_000);
		assert.equal(result.endpoints.length, 4);
		assert.equal(
			result.endpoints.find((e) => e.documentType === 'oioublInvoice')?.processId,
			'urn:www.nesubl.eu:profiles:profile5:ver2.0',
		);
	});

	it('reports an unregistered participant (NXDOMAIN) without calling the SMP', async () => {
		const lookup = newLookup();
		const result = await lookup.lookup('0184:31002877');
		assert.equal(result.registered, false);
		assert.match(result.reason ?? '', /not registered in the SML/);
		assert.equal(lookup.stats.httpRequests, 0);
	});

	it('reports a participant listed in the SML but unknown to the SMP', async () => {
		const result = await newLookup().lookup('0184:31003288');
		assert.equal(result.registered, false);
		assert.match(result.reason ?? '', /unknown to its SMP \(404\)/);
	});

	it('sees a participant registered for invoices only', async () => {
		const result = await newLookup().lookup({ scheme: '0184', value: '31001781' });
		assert.equal(result.registered, true);
		assert.deepEqual(result.receives, {
			bis3Invoice: true,
			bis3CreditNote: false,
			oioublInvoice: false,
			oioublCreditNote: false,
		});
	});

	it('hashes ids with upper-case letters case-insensitively (DK VAT and a Belgian VAT id)', async () => {
		const lookup = newLookup();
		for (const input of ['0198:DK31002192', '0198:dk31002192', '0198:31002192']) {
			const result = await lookup.lookup(input);
			assert.equal(result.registered, true, input);
			assert.equal(result.value, 'DK31002192');
			assert.deepEqual(result.receives, {
				bis3Invoice: false,
				bis3CreditNote: false,
				oioublInvoice: true,
				oioublCreditNote: true,
			});
		}
		assert.equal(lookup.stats.dnsQueries, 1, 'the three spellings are one participant');
		for (const input of ['9925:BE0659689080', '9925:be0659689080']) {
			const result = await newLookup().lookup(input);
			assert.equal(result.registered, true, input);
			assert.equal(result.receives.bis3Invoice, true);
		}
	});

	it('refuses malformed ids before asking the network', async () => {
		const lookup = newLookup();
		const result = await lookup.lookup('0184:31000549');
		assert.equal(result.registered, false);
		assert.match(result.reason ?? '', /check digit/);
		assert.equal(lookup.stats.dnsQueries, 0);
	});

	it('marks a participant registered for other document types only', async () => {
		const result = await newLookup().lookup('0184:31008905');
		assert.equal(result.registered, true);
		assert.equal(Object.values(result.receives).some(Boolean), false);
		assert.equal(result.documentTypeIds.length, 1);
		assert.match(result.reason ?? '', /none of the invoice/);
	});

	it('flags an expired certificate', async () => {
		const later = new Date(Date.now() + 3 * 365 * 86400_000);
		const lookup = new ParticipantLookup({ zone: sandbox.zone, dns: { server: sandbox.dns.server }, now: () => later });
		const result = await lookup.lookup('0088:5798000000001');
		assert.equal(result.accessPoint?.certificate?.validNow, false);
	});

	it('caches per execution: a batch asks once per id', async () => {
		const lookup = newLookup();
		const first = await lookup.lookup('0184:31000548');
		const requestsAfterFirst = lookup.stats.httpRequests;
		const again = await Promise.all([
			lookup.lookup('0184:31000548'),
			lookup.lookup('iso6523-actorid-upis::0184:31000548'),
		]);
		assert.equal(first.cached, false);
		assert.ok(again.every((r) => r.cached && r.registered));
		assert.equal(lookup.stats.dnsQueries, 1);
		assert.equal(lookup.stats.httpRequests, requestsAfterFirst);
		assert.equal(requestsAfterFirst, 5, 'ServiceGroup + 4 service metadata documents');
	});

	it('matches customers by trying their identifiers in order and suggests a rule', async () => {
		const lookup = newLookup();
		const viaVat = await matchCustomer(lookup, { customerId: 'c1', vatId: 'DK31002192', country: 'DK' });
		assert.equal(viaVat.matched, true);
		assert.deepEqual(
			viaVat.tried.map((t) => [t.participantId, t.registered]),
			[
				['iso6523-actorid-upis::0184:31002192', false],
				['iso6523-actorid-upis::0198:DK31002192', true],
			],
		);
		assert.deepEqual(viaVat.suggestedRule, {
			customerId: 'c1',
			activated: true,
			format: 'oioubl21',
			destination: 'maventa',
			receiverEndpoint: '0198:DK31002192',
			creditNotes: true,
		});
		// The suggestion is a customer rule as Resolve reads it (e.g. after a round trip through a Data Table).
		assert.deepEqual(normaliseCustomerRule(JSON.parse(JSON.stringify(viaVat.suggestedRule))), {
			customerId: 'c1',
			activated: true,
			format: 'oioubl21',
			destination: 'maventa',
			receiver: { endpoint: { scheme: '0198', id: 'DK31002192' } },
		});
		const both = await matchCustomer(
			lookup,
			{ registrationNumber: '31000548', country: 'DK' },
			{ preferredFormat: 'oioubl21' },
		);
		assert.equal(both.suggestedRule?.format, 'oioubl21');
		const gln = await matchCustomer(lookup, { gln: '5798000000001', registrationNumber: '31000548', country: 'DK' });
		assert.equal(gln.matchedFrom, 'gln');
		assert.equal(gln.suggestedRule?.format, 'peppol-bis3');
		const none = await matchCustomer(lookup, { registrationNumber: '31002877', country: 'DK' });
		assert.equal(none.matched, false);
		assert.equal(none.reason, 'not registered on the network');
		const nothing = await matchCustomer(lookup, { name: 'No ids' });
		assert.match(nothing.reason ?? '', /no usable identifier/);
	});
});
