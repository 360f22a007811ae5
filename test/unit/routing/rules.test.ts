import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Invoice } from '../../../nodes/shared/einvoice/model';
import {
	type AdaptorDefaults,
	applyOverrides,
	findCustomerRule,
	renderRemotePath,
	resolveRoute,
} from '../../../nodes/shared/routing';

const invoice = (overrides: Partial<Invoice> = {}): Invoice => ({
	kind: 'invoice',
	number: '1001',
	issueDate: '2026-03-10',
	currency: 'DKK',
	seller: { name: 'Seller ApS', endpoint: { scheme: '0184', id: '31000548' }, address: { country: 'DK' } },
	buyer: { name: 'Buyer A/S', address: { country: 'DK' }, contact: { name: 'Anna', email: 'anna@buyer.example' } },
	lines: [],
	...overrides,
});

const defaults: AdaptorDefaults = {
	activate: 'all',
	format: 'peppol-bis3',
	destination: 'sftp',
	destinationSettings: { directory: 'out/{customerId}', fileName: '{number}.xml' },
	sender: { contact: { name: 'Accounts', email: 'ar@seller.example' } },
	receiver: { buyerReference: 'n/a' },
};
const item = { invoice: invoice(), source: { customerId: 'c1' } };

describe('resolveRoute', () => {
	it('uses the defaults when the customer has no rule', () => {
		const route = resolveRoute(defaults, undefined, item);
		assert.deepEqual(route, {
			activated: true,
			format: 'peppol-bis3',
			destination: 'sftp',
			destinationSettings: { directory: 'out/{customerId}', fileName: '{number}.xml' },
			sender: { contact: { name: 'Accounts', email: 'ar@seller.example' } },
			receiver: { buyerReference: 'n/a' },
			rule: 'default',
		});
	});

	it('lets the customer override format and destination and merges settings and contacts field by field', () => {
		const route = resolveRoute(
			defaults,
			{
				customerId: 'c1',
				format: 'oioubl21',
				destination: 'zenvoices',
				destinationSettings: { companyCode: 'ACME', fileName: '' },
				sender: { contact: { email: 'c1-desk@seller.example' } },
				receiver: { endpoint: { scheme: '0088', id: '5798000000001' } },
			},
			item,
		);
		assert.equal(route.activated, true);
		assert.equal(route.rule, 'customer');
		assert.equal(route.format, 'oioubl21');
		assert.equal(route.destination, 'zenvoices');
		assert.deepEqual(route.destinationSettings, {
			directory: 'out/{customerId}',
			fileName: '{number}.xml',
			companyCode: 'ACME',
		});
		assert.deepEqual(route.sender, { contact: { name: 'Accounts', email: 'c1-desk@seller.example' } });
		assert.deepEqual(route.receiver, { buyerReference: 'n/a', endpoint: { scheme: '0088', id: '5798000000001' } });
	});

	it('activates every customer under "all" unless the rule deactivates it', () => {
		assert.equal(resolveRoute(defaults, { customerId: 'c1' }, item).activated, true);
		const off = resolveRoute(defaults, { customerId: 'c1', activated: false }, item);
		assert.equal(off.activated, false);
		assert.equal(off.reason, 'customer is deactivated');
	});

	it('activates only listed customers under "listed"', () => {
		const listed: AdaptorDefaults = { ...defaults, activate: 'listed' };
		const none = resolveRoute(listed, undefined, item);
		assert.equal(none.activated, false);
		assert.equal(none.reason, 'customer is not listed');
		assert.equal(
			resolveRoute(listed, { customerId: 'c1' }, item).reason,
			'customer rule does not activate the customer',
		);
		assert.equal(resolveRoute(listed, { customerId: 'c1', activated: true }, item).activated, true);
	});

	it('has one switch that deactivates every customer', () => {
		const route = resolveRoute({ ...defaults, enabled: false }, { customerId: 'c1', activated: true }, item);
		assert.equal(route.activated, false);
		assert.equal(route.reason, 'export is switched off for all customers');
	});

	it('skips documents issued before the activation date', () => {
		const route = resolveRoute(defaults, { customerId: 'c1', activeFrom: '2026-04-01' }, item);
		assert.equal(route.activated, false);
		assert.match(route.reason ?? '', /^before activation/);
		assert.equal(resolveRoute(defaults, { customerId: 'c1', activeFrom: '2026-03-10' }, item).activated, true);
		assert.equal(resolveRoute({ ...defaults, activeFrom: '2026-01-01' }, undefined, item).activated, true);
	});

	it('rejects malformed rules with a readable message', () => {
		assert.throws(
			() => resolveRoute(defaults, { format: 'pdf' as never }, item),
			/format "pdf" is not one of peppol-bis3, oioubl21/,
		);
		assert.throws(() => resolveRoute(defaults, { activeFrom: 'soon' }, item), /activeFrom "soon" is not a date/);
	});

	it('finds a customer rule by id, whatever its type', () => {
		const rules = [{ customerId: '42', format: 'oioubl21' as const }, { customerId: 'x' }];
		assert.equal(findCustomerRule(rules, 42)?.format, 'oioubl21');
		assert.equal(findCustomerRule(rules, undefined), undefined);
		assert.equal(findCustomerRule(rules, '7'), undefined);
	});
});

describe('applyOverrides', () => {
	it('applies sender and receiver overrides without touching the original', () => {
		const original = invoice();
		const route = resolveRoute(
			defaults,
			{ receiver: { endpoint: { scheme: '0088', id: '5798000000001' }, contact: { phone: '12345678' } } },
			item,
		);
		const out = applyOverrides(original, route);
		assert.deepEqual(out.buyer.endpoint, { scheme: '0088', id: '5798000000001' });
		assert.deepEqual(out.buyer.contact, { name: 'Anna', email: 'anna@buyer.example', phone: '12345678' });
		assert.deepEqual(out.seller.contact, { name: 'Accounts', email: 'ar@seller.example' });
		assert.equal(out.buyerReference, 'n/a');
		assert.equal(original.buyer.endpoint, undefined);
		assert.equal(original.buyerReference, undefined);
	});

	it('keeps the source buyer reference unless told to replace it always', () => {
		const withRef = invoice({ buyerReference: 'PO-77' });
		assert.equal(applyOverrides(withRef, { receiver: { buyerReference: 'n/a' } }).buyerReference, 'PO-77');
		assert.equal(
			applyOverrides(withRef, { receiver: { buyerReference: 'X', buyerReferenceMode: 'always' } }).buyerReference,
			'X',
		);
	});
});

describe('remote path templates', () => {
	it('renders per-customer folders with safe segments', () => {
		const out = renderRemotePath('invoices/{customerId}', '{kind}-{number}.xml', {
			customerId: 'Søren/../x',
			kind: 'invoice',
			number: '2026 001',
		});
		assert.deepEqual(out, {
			directory: 'invoices/Soeren_._x',
			fileName: 'invoice-2026_001.xml',
			path: 'invoices/Soeren_._x/invoice-2026_001.xml',
		});
		assert.throws(() => renderRemotePath('{nope}', 'a', {}), /uses \{nope\}/);
	});
});

describe('normaliseCustomerRule', () => {
	it('reads a flat Data Table row', async () => {
		const { normaliseCustomerRule } = await import('../../../nodes/shared/routing');
		assert.deepEqual(
			normaliseCustomerRule({
				customerId: 17,
				activated: 'yes',
				format: 'oioubl21',
				destination: 'zenvoices',
				companyCode: 'NORDLYS',
				activeFrom: '2026-02-01T00:00:00.000Z',
				receiverEndpoint: '0184:31000548',
				buyerReference: '',
				directory: null,
			}),
			{
				customerId: '17',
				activated: true,
				format: 'oioubl21',
				destination: 'zenvoices',
				activeFrom: '2026-02-01',
				destinationSettings: { companyCode: 'NORDLYS' },
				receiver: { endpoint: { scheme: '0184', id: '31000548' } },
			},
		);
		assert.equal(normaliseCustomerRule({ activated: 'nej' })?.activated, false);
		assert.equal(normaliseCustomerRule(''), undefined);
		assert.throws(() => normaliseCustomerRule({ receiverEndpoint: 'CVR 123' }), /not <scheme>:<id>/);
	});
});
