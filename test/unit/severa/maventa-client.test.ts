import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import {
	invoiceUuid,
	invoiceZip,
	maventaEia,
	maventaErrorMessage,
	multipartBody,
	parseReceiver,
	safeBaseName,
} from '../../../nodes/Maventa/client';
import { severaErrorMessage, statusPatch } from '../../../nodes/Severa/client';
import { multipartBoundary, parseMultipart } from '../../sandbox/maventa/multipart';
import { STATUS_PATCH_PATH } from '../../sandbox/severa/emulator';

describe('Maventa client helpers', () => {
	it('derives a stable RFC 4122 v5 uuid per idempotency key', () => {
		const a = invoiceUuid('severa:acme:guid-1:invoice:1001:abc');
		assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		assert.equal(invoiceUuid('severa:acme:guid-1:invoice:1001:abc'), a);
		assert.notEqual(invoiceUuid('severa:acme:guid-1:invoice:1001:abd'), a);
	});

	it('builds a multipart body that a strict parser reads back, repeating array fields', () => {
		const xml = Buffer.from('<Invoice>ä</Invoice>');
		const { body, contentType } = multipartBody(
			{ uuid: 'u', 'route_order[]': ['EINVOICE', 'EMAIL'], recipient_email: undefined, sender_comment: 'Kiitos!' },
			[{ name: 'file', fileName: 'inv 1.xml', contentType: 'text/xml', data: xml }],
			'----b-1',
		);
		const parts = parseMultipart(body, multipartBoundary(contentType)!);
		assert.deepEqual(
			parts.map((p) => [p.name, p.fileName, p.data.toString('utf8')]),
			[
				['uuid', undefined, 'u'],
				['route_order[]', undefined, 'EINVOICE'],
				['route_order[]', undefined, 'EMAIL'],
				['sender_comment', undefined, 'Kiitos!'],
				['file', 'inv 1.xml', '<Invoice>ä</Invoice>'],
			],
		);
	});

	it('zips XML and PDF under one base name, byte-identical on a retry', () => {
		const zip = invoiceZip('invoice-1001', Buffer.from('<x/>'), Buffer.from('%PDF-1.4'));
		assert.deepEqual(Object.keys(unzipSync(new Uint8Array(zip))).sort(), ['invoice-1001.pdf', 'invoice-1001.xml']);
		assert.ok(zip.equals(invoiceZip('invoice-1001', Buffer.from('<x/>'), Buffer.from('%PDF-1.4'))));
	});

	it('writes recipient addresses the way Maventa reads them', () => {
		assert.equal(maventaEia({ scheme: '0216', id: '003701120389' }), '003701120389');
		assert.equal(maventaEia({ scheme: '0088', id: '5790000435975' }), '0088:5790000435975');
		assert.deepEqual(parseReceiver('iso6523-actorid-upis::0184:29947651'), { scheme: '0184', id: '29947651' });
		assert.deepEqual(parseReceiver({ scheme: '0088', id: '5790000435975' }), { scheme: '0088', id: '5790000435975' });
		assert.equal(parseReceiver(''), undefined);
		assert.equal(safeBaseName('Invoice 26141 (final).xml'), 'Invoice_26141_final');
	});

	it('reads the error shapes of both services', () => {
		assert.equal(
			maventaErrorMessage({
				statusCode: 422,
				headers: {},
				body: { code: 'invalid_file', message: 'Not XML', details: ['line 1'] },
			}),
			'Not XML (line 1) [invalid_file]',
		);
		assert.equal(
			severaErrorMessage({
				statusCode: 400,
				headers: {},
				body: { error: { httpStatusCode: 400, type: 'InvalidParameter', details: [{ message: 'Bad status' }] } },
			}),
			'Bad status (InvalidParameter)',
		);
		assert.equal(severaErrorMessage({ statusCode: 500, headers: {}, body: 'oops' }), undefined);
	});

	it('keeps the status patch in the one form the emulator enforces', () => {
		assert.deepEqual(statusPatch('g-1'), [{ op: 'replace', path: STATUS_PATCH_PATH, value: { guid: 'g-1' } }]);
	});
});
