import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UBL_NAMESPACES, writePeppolBis3 } from '../../nodes/shared/ubl/peppol-bis3';
import { UblReadError, readUbl } from '../../nodes/shared/ubl/read';
import { writeOioubl21 } from '../../nodes/shared/ubl/oioubl21';
import { readOioubl21 } from '../../nodes/shared/ubl/read-oioubl21';
import { loadCanonicalFixtures } from '../fixtures/canonical';

const fixtures = loadCanonicalFixtures();
const fixture = (prefix: string) => structuredClone(fixtures.find((f) => f.name.startsWith(prefix))!.invoice);

const minimal = (root = 'Invoice', namespace: string = UBL_NAMESPACES.invoice, body = '') =>
	`<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${namespace}" xmlns:cbc="${UBL_NAMESPACES.cbc}" xmlns:cac="${UBL_NAMESPACES.cac}"><cbc:ID>1</cbc:ID>${body}</${root}>`;

describe('UBL reader', () => {
	it('reads what the writer wrote: the canonical invoice, plus BT-131 per line and the totals', () => {
		for (const name of ['01-', '24-', '37-', '38-', '41-']) {
			const invoice = fixture(name);
			const { totals, lines, ...header } = readUbl(writePeppolBis3(invoice));
			const { lines: expectedLines, ...expectedHeader } = invoice;
			assert.deepEqual(header, expectedHeader, name);
			assert.ok(totals && totals.payable, name);
			assert.equal(lines.length, expectedLines.length);
			lines.forEach((line, i) => {
				const expected = expectedLines[i];
				const { netAmount, price, quantity, ...rest } = line;
				const { price: expectedPrice, quantity: expectedQuantity, ...expectedRest } = expected;
				assert.deepEqual(rest, expectedRest, `${name} line ${i + 1}`);
				assert.equal(Number(quantity), Number(expectedQuantity));
				assert.equal(Number(price.amount), Number(expectedPrice.amount));
				assert.match(netAmount ?? '', /^-?\d+\.\d{2}$/);
			});
		}
	});

	it('refuses a DOCTYPE with entity declarations (XXE, billion laughs)', () => {
		const xxe = `<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${minimal()
			.replace('<cbc:ID>1</cbc:ID>', '<cbc:ID>&xxe;</cbc:ID>')
			.replace(/^<\?xml[^>]*>/, '')}`;
		assert.throws(
			() => readUbl(xxe),
			(e: Error) => e instanceof UblReadError && /entit/i.test(e.message),
		);
		const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>${minimal().replace(/^<\?xml[^>]*>/, '')}`;
		assert.throws(() => readUbl(laughs), /entity expansion is not allowed/);
	});

	it('does not expand unknown entity references, and decodes the predefined ones and character references', () => {
		const xml = minimal(
			'Invoice',
			UBL_NAMESPACES.invoice,
			'<cbc:Note>A &amp; B &lt;C&gt; &quot;&apos; &#248;&#xE6; &#x1F600;</cbc:Note>',
		);
		assert.deepEqual(readUbl(xml).notes, [{ text: 'A & B <C> "\' øæ 😀' }]);
	});

	it('gives clear errors for input that is not a UBL invoice', () => {
		assert.throws(() => readUbl(''), /input is empty/);
		assert.throws(
			() => readUbl('{"kind":"invoice"}'),
			(e: Error) => e instanceof UblReadError && /well-formed|root/.test(e.message),
		);
		assert.throws(() => readUbl('<Invoice><cbc:ID>1</Invoice>'), /Not well-formed XML \(line 1/);
		assert.throws(
			() => readUbl(minimal('Order', 'urn:oasis:names:specification:ubl:schema:xsd:Order-2')),
			/root element is <Order> in namespace urn:oasis:names:specification:ubl:schema:xsd:Order-2/,
		);
		assert.throws(() => readUbl('<Invoice><ID>1</ID></Invoice>'), /root element is <Invoice> without a namespace/);
		assert.throws(() => readUbl(minimal('Invoice', UBL_NAMESPACES.creditNote)), /Not a UBL 2.1 Invoice or CreditNote/);
	});

	it('accepts any namespace prefix', () => {
		const xml = writePeppolBis3(fixture('01-'))
			.replace('<Invoice xmlns=', '<ubl:Invoice xmlns:ubl=')
			.replace('</Invoice>', '</ubl:Invoice>')
			.replace(/cbc:/g, 'b:')
			.replace('xmlns:b=', 'xmlns:b=')
			.replace(/cac:/g, 'a:');
		assert.deepEqual(readUbl(xml), readUbl(writePeppolBis3(fixture('01-'))));
	});

	it('hands OIOUBL documents (CustomizationID OIOUBL-*) to the OIOUBL reader', () => {
		const xml = writeOioubl21(fixture('01-'));
		assert.deepEqual(readUbl(xml), readOioubl21(xml));
		assert.equal(readUbl(xml).buyer.endpoint?.id, fixture('01-').buyer.endpoint?.id);
	});

	it('reads Danish FIK/giro payment ids back into the giro model', () => {
		for (const name of ['25-', '26-', '27-', '28-', '29-']) {
			assert.deepEqual(readUbl(writePeppolBis3(fixture(name))).paymentMeans, fixture(name).paymentMeans, name);
		}
	});

	it('normalises numbers the way the writer formats them', () => {
		const body =
			'<cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode><cac:InvoiceLine><cbc:ID>1</cbc:ID>' +
			'<cbc:InvoicedQuantity unitCode="C62">2.000</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="DKK">20</cbc:LineExtensionAmount>' +
			'<cac:Item><cbc:Name>x</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25.00</cbc:Percent></cac:ClassifiedTaxCategory></cac:Item>' +
			'<cac:Price><cbc:PriceAmount currencyID="DKK">10.0000</cbc:PriceAmount></cac:Price></cac:InvoiceLine>';
		const line = readUbl(minimal('Invoice', UBL_NAMESPACES.invoice, body)).lines[0];
		assert.equal(line.quantity, '2');
		assert.equal(line.netAmount, '20.00');
		assert.equal(line.vat.rate, '25');
		assert.equal(line.price.amount, '10');
	});

	it('carries the breakdown exemption reason to the lines of that category', () => {
		const invoice = fixture('13-'); // E line with only a VATEX code on the line
		const read = readUbl(writePeppolBis3(invoice));
		assert.equal(read.lines[1].vat.exemptionReasonCode, 'VATEX-EU-132-1D');
		assert.equal(read.lines[0].vat.exemptionReasonCode, undefined);
	});

	it('reads a credit note', () => {
		const read = readUbl(writePeppolBis3(fixture('02-')));
		assert.equal(read.kind, 'creditNote');
		assert.equal(read.typeCode, undefined);
		assert.equal(read.lines.length, 2);
		assert.equal(read.lines[0].quantity, '10');
		assert.deepEqual(read.precedingInvoices, [{ number: '2026-1001', issueDate: '2026-11-02' }]);
	});
});
