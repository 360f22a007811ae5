/**
 * "EDIFACT via AS2" in the real n8n engine: Invoice to UBL writes the EANCOM interchange (format from the item's
 * route), HubBroker Network: Delivery → Send via AS2 delivers it to the OpenSSL AS2 receiver on loopback and keeps the
 * verified MDN and MIC in json.delivery. Also: a wrong partner certificate fails the item with the reason, and the
 * credential test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { as2ApiTest } from '../../../nodes/HubBrokerNetwork/methods/as2CredentialTest';
import type { Invoice } from '../../../nodes/shared/einvoice/model';
import { loadCanonicalFixtures } from '../../fixtures/canonical';
import { makeIdentity, startOpensslPeer, type Identity, type Peer } from '../../support/as2-peers';
import { binaryBuffer, runWorkflow } from '../harness';
import { chain, credentialRef, HUBBROKER, INVOICE_TO_UBL } from './workflow';

const OUR_GLN = '5790000000012';
const PARTNER_GLN = '5790001234560';

function item(name: string): INodeExecutionData {
	const invoice: Invoice = structuredClone(loadCanonicalFixtures().find((f) => f.name === name)!.invoice);
	invoice.lines = invoice.lines.map((line) => ({ ...line, item: { ...line.item, sellersId: `SKU-${line.id}` } }));
	return {
		json: {
			invoice: invoice as unknown as IDataObject,
			source: {
				system: 'dinero',
				account: 'org-1',
				id: `guid-${invoice.number}`,
				number: invoice.number,
				kind: invoice.kind,
				customerId: 'c-77',
			},
			route: {
				activated: true,
				format: 'edifact-d96a',
				destination: 'as2',
				receiver: { endpoint: { scheme: '0088', id: PARTNER_GLN } },
			},
		},
	};
}

const workflow = () =>
	chain('EDIFACT via AS2', [
		{
			name: 'Invoice to UBL',
			type: INVOICE_TO_UBL,
			parameters: { format: 'peppol-bis3', onInvalid: 'fail', options: { edifactSenderGln: OUR_GLN } },
		},
		{
			name: 'Send via AS2',
			type: HUBBROKER,
			credentials: credentialRef('as2Api'),
			continueOnFail: true,
			parameters: { resource: 'delivery', operation: 'sendAs2', binaryProperty: 'document', as2Options: {} },
		},
	]);

describe('EDIFACT via AS2 in the real n8n engine', () => {
	let us: Identity;
	let them: Identity;
	let stranger: Identity;
	let peer: Peer;
	const credentials = (overrides: IDataObject = {}) => ({
		as2Api: {
			as2From: 'N8N-SELLER',
			as2To: 'PARTNER',
			url: peer.url,
			privateKey: us.keyPem,
			certificate: us.certPem,
			partnerCertificate: them.certPem,
			signing: 'sha256',
			encryption: 'aes256-cbc',
			keyTransport: 'rsa-pkcs1',
			compress: false,
			transferEncoding: 'base64',
			mdn: 'signed',
			authType: 'none',
			...overrides,
		},
	});

	before(async () => {
		[us, them, stranger] = await Promise.all([makeIdentity('us'), makeIdentity('them'), makeIdentity('stranger')]);
		peer = await startOpensslPeer({ as2Id: 'PARTNER', identity: them, senderCertPem: us.certPem });
	});
	after(async () => {
		await peer?.close();
	});

	it('writes the interchange and delivers it with a verified, signed MDN', async () => {
		const input = [item('01-invoice-dk-b2b-standard'), item('02-creditnote-dk-b2b')];
		const result = await runWorkflow(workflow(), { input, credentials: credentials(), mode: 'trigger' });
		assert.equal(result.error, undefined, result.error?.message);
		const out = result.output('Send via AS2');
		assert.equal(out.length, 2);
		for (const [index, sent] of out.entries()) {
			assert.equal(sent.json.error, undefined, String(sent.json.error));
			const delivery = sent.json.delivery as IDataObject;
			assert.equal(delivery.channel, 'as2');
			assert.equal(delivery.status, 'delivered', String(delivery.message));
			const mdn = delivery.mdn as IDataObject;
			assert.equal(mdn.verified, true);
			assert.match(String(mdn.disposition), /; processed$/);
			assert.deepEqual(mdn.receivedContentMic, delivery.mic);
			const received = peer.received.find((r) => r.messageId === delivery.remoteId)!;
			assert.equal(received.mic, (delivery.mic as IDataObject).value);
			const document = await binaryBuffer(sent.binary!.document);
			assert.ok(received.payload.equals(document), 'the partner has the interchange byte for byte');
			assert.match(
				received.payload.toString('latin1'),
				new RegExp(`^UNA:\\+\\.\\? 'UNB\\+UNOC:3\\+${OUR_GLN}:14\\+${PARTNER_GLN}:14\\+`),
			);
			assert.equal(received.fileName, `${String((sent.json.source as IDataObject).number)}.edi`);
			assert.equal(received.contentType, 'application/EDIFACT');
			assert.ok(sent.binary?.mdn, 'the MDN is kept as binary');
			assert.deepEqual(sent.pairedItem, { item: index });
		}
		assert.equal(((out[1].json.document as IDataObject).interchange as IDataObject).controlReference, '2');
	});

	it('sends a document under the same Message-ID every time, so a partner that detects duplicates books it once', async () => {
		const again = await runWorkflow(workflow(), {
			input: [item('01-invoice-dk-b2b-standard')],
			credentials: credentials(),
			mode: 'trigger',
		});
		const [repeat] = again.output('Send via AS2');
		const delivery = repeat.json.delivery as IDataObject;
		assert.equal(delivery.status, 'alreadyDelivered', String(delivery.message));
		assert.ok(peer.replays.includes(String(delivery.remoteId)), 'the partner saw the Message-ID before');
		assert.equal(peer.received.filter((r) => r.messageId === delivery.remoteId).length, 1, 'processed once');
	});

	it('fails the item with the reason when the partner certificate is wrong', async () => {
		const result = await runWorkflow(workflow(), {
			input: [item('01-invoice-dk-b2b-standard')],
			credentials: credentials({ partnerCertificate: stranger.certPem }),
		});
		const [failed] = result.output('Send via AS2');
		assert.match(
			String(failed.json.error),
			/AS2 delivery of invoice 2026-1001 to PARTNER failed: The MDN is not signed with the partner's certificate/,
		);
		assert.equal(failed.json.delivery, undefined);
	});

	it('tests the credential: configuration only, then with a test message', async () => {
		const test = (data: IDataObject) =>
			as2ApiTest.call({} as never, { id: 'c', name: 'as2', type: 'as2Api', data } as never);
		const base = credentials().as2Api;
		assert.deepEqual(await test(base), {
			status: 'OK',
			message: 'Keys, certificates and settings are consistent (no message sent)',
		});
		const sent = await test({ ...base, testSendsMessage: true });
		assert.equal(sent.status, 'OK', sent.message);
		assert.match(sent.message, /accepted: Delivered; signed MDN .*processed/);
		const broken = await test({ ...base, certificate: stranger.certPem });
		assert.equal(broken.status, 'Error');
		assert.match(broken.message, /does not belong to our certificate/);
	});
});
