import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTotals, reconcile } from '../../nodes/shared/einvoice/totals';
import type { Invoice } from '../../nodes/shared/einvoice/model';

const base: Invoice = {
	kind: 'invoice',
	number: 'T-1',
	issueDate: '2026-11-01',
	currency: 'DKK',
	seller: { name: 'Sælger ApS', address: { country: 'DK' } },
	buyer: { name: 'Køber A/S', address: { country: 'DK' } },
	lines: [
		{
			id: '1',
			quantity: '3',
			unitCode: 'C62',
			price: { amount: '33.333' },
			vat: { category: 'S', rate: '25' },
			item: { name: 'A' },
		},
		{
			id: '2',
			quantity: '1',
			unitCode: 'C62',
			price: { amount: '10' },
			vat: { category: 'Z', rate: '0' },
			item: { name: 'B' },
		},
	],
};

test('line nets round to 2 decimals and VAT per category follows BR-CO-17', () => {
	const t = computeTotals(base);
	assert.equal(t.lineNetTotal, '110.00');
	assert.deepEqual(
		t.vatBreakdown.map((v) => [v.category, v.rate, v.taxableAmount, v.taxAmount]),
		[
			['S', '25', '100.00', '25.00'],
			['Z', '0', '10.00', '0.00'],
		],
	);
	assert.equal(t.payable, '135.00');
});

test('document allowance with percent and a charge go into their category', () => {
	const t = computeTotals({
		...base,
		allowanceCharges: [
			{ isCharge: false, baseAmount: '100', percent: '10', reason: 'Rabat', vat: { category: 'S', rate: '25' } },
			{ isCharge: true, amount: '5', reason: 'Fragt', vat: { category: 'S', rate: '25' } },
		],
	});
	assert.equal(t.allowanceTotal, '10.00');
	assert.equal(t.chargeTotal, '5.00');
	assert.equal(t.taxExclusive, '105.00');
	assert.equal(t.vatTotal, '23.75');
	assert.equal(t.payable, '128.75');
});

test('reconcile puts a whole-krone rounding into BT-114 and rejects a real difference', () => {
	const r = reconcile({ ...base, lines: [base.lines[0]], booked: { payable: '125.00' } });
	assert.equal(r.totals?.payable, '125.00');
	const r2 = reconcile({
		...base,
		lines: [{ ...base.lines[0], price: { amount: '33.35' } }],
		booked: { payable: '125.00' },
	});
	assert.equal(r2.roundingAmount, '-0.06');
	assert.equal(r2.totals?.payable, '125.00');
	assert.throws(
		() => reconcile({ ...base, booked: { payable: '200.00' } }),
		/computed payable amount 135.00 differs from booked total 200.00/,
	);
});
