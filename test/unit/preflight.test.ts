import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { preflight, preflightComputedTotals } from '../../nodes/shared/einvoice/preflight';
import { loadCanonicalFixtures } from '../fixtures/canonical';
import { generateMutations } from '../conformance/peppol-mutations';
import { computeTotals } from '../../nodes/shared/einvoice/totals';
import * as codes from '../../nodes/shared/einvoice/codes';
import {
	isValidAbn,
	isValidBeEnterpriseNumber,
	isValidGln,
	isValidNoOrgNumber,
	isValidSeOrgNumber,
} from '../../nodes/shared/einvoice/preflight-identifiers';
import type { Finding } from '../../nodes/shared/einvoice/findings';
import type { Invoice } from '../../nodes/shared/einvoice/model';
import { danishInvoice } from './preflight-fixture';

function check(change: (invoice: Invoice) => void = () => {}): Finding[] {
	const invoice = danishInvoice();
	change(invoice);
	return preflight(invoice, { format: 'peppol-bis3' });
}

function fatalIds(change: (invoice: Invoice) => void): string[] {
	return [
		...new Set(
			check(change)
				.filter((f) => f.flag === 'fatal')
				.map((f) => f.id),
		),
	].sort();
}

function assertFatal(change: (invoice: Invoice) => void, ...expected: string[]): Finding[] {
	const findings = check(change);
	const ids = new Set(findings.filter((f) => f.flag === 'fatal').map((f) => f.id));
	for (const id of expected) assert.ok(ids.has(id), `expected ${id}, got ${[...ids].join(', ') || 'nothing'}`);
	return findings;
}

describe('preflight: a valid invoice', () => {
	it('has no findings', () => {
		assert.deepEqual(check(), []);
	});
	it('has no findings as a credit note either', () => {
		assert.deepEqual(
			check((inv) => {
				inv.kind = 'creditNote';
				inv.precedingInvoices = [{ number: 'INV-1000', issueDate: '2026-10-01' }];
			}),
			[],
		);
	});
	it('accepts given totals that match the computed ones', () => {
		assert.deepEqual(
			check((inv) => {
				inv.totals = computeTotals(inv);
			}),
			[],
		);
	});
	it('every finding names a path, an official or EXPORT- id and a flag', () => {
		const findings = check((inv) => {
			inv.currency = 'XXY';
			inv.seller.endpoint = undefined;
			inv.lines[0].vat.rate = '0';
		});
		assert.ok(findings.length >= 3);
		for (const f of findings) {
			assert.match(f.id, /^(BR-|UBL-|PEPPOL-|DK-R-|EXPORT-)/);
			assert.ok(f.flag === 'fatal' || f.flag === 'warning');
			assert.equal(typeof f.path, 'string');
			assert.ok(f.message.length > 10);
		}
	});
});

describe('preflight: mandatory terms (BR-01…BR-65)', () => {
	it('BR-02 number, BR-03 issue date, BR-05 currency', () => {
		assertFatal((inv) => (inv.number = ' '), 'BR-02');
		assertFatal((inv) => (inv.issueDate = ''), 'BR-03');
		assertFatal((inv) => (inv.currency = ''), 'BR-05');
	});
	it('BR-06/BR-07 names, BR-09/BR-11 countries', () => {
		assertFatal((inv) => (inv.seller.name = ''), 'BR-06');
		assertFatal((inv) => (inv.buyer.name = ''), 'BR-07');
		assertFatal((inv) => (inv.seller.address.country = ''), 'BR-09');
		assertFatal((inv) => (inv.buyer.address.country = ''), 'BR-11');
	});
	it('BR-16 at least one line', () => {
		assertFatal((inv) => (inv.lines = []), 'BR-16');
	});
	it('BR-21…BR-27 line terms', () => {
		assertFatal((inv) => (inv.lines[0].id = ''), 'BR-21');
		assertFatal((inv) => (inv.lines[0].unitCode = ''), 'BR-23');
		assertFatal((inv) => (inv.lines[0].item.name = ''), 'BR-25');
		assertFatal((inv) => (inv.lines[0].price.amount = '-1'), 'BR-27');
		assertFatal(
			(inv) =>
				(inv.lines[0].price = {
					amount: '90',
					grossAmount: '-100',
					discount: '-190',
				}),
			'BR-28',
		);
	});
	it('BR-17 / UBL-SR-19 payee name', () => {
		assertFatal((inv) => (inv.payee = { name: '' }), 'BR-17');
		assertFatal((inv) => (inv.payee = { name: 'Nordlys ApS' }), 'UBL-SR-19');
		assert.deepEqual(
			fatalIds((inv) => (inv.payee = { name: 'Factoring A/S' })),
			[],
		);
	});
	it('BR-18/19/56 tax representative', () => {
		const ids = fatalIds(
			(inv) =>
				(inv.taxRepresentative = {
					name: '',
					vatId: '',
					address: undefined as never,
				}),
		);
		for (const id of ['BR-18', 'BR-19', 'BR-56']) assert.ok(ids.includes(id), id);
	});
	it('BR-29/BR-30 period order, BR-CO-19/20 empty periods', () => {
		assertFatal(
			(inv) =>
				(inv.invoicingPeriod = {
					startDate: '2026-10-31',
					endDate: '2026-10-01',
				}),
			'BR-29',
		);
		assertFatal(
			(inv) =>
				(inv.lines[0].period = {
					startDate: '2026-10-31',
					endDate: '2026-10-01',
				}),
			'BR-30',
		);
		assertFatal((inv) => (inv.invoicingPeriod = {}), 'BR-CO-19');
		assertFatal((inv) => (inv.lines[0].period = {}), 'BR-CO-20');
	});
	it('BR-31/BR-33 document allowance amount and reason', () => {
		assertFatal(
			(inv) => (inv.allowanceCharges = [{ isCharge: false, vat: { category: 'S', rate: '25' } }]),
			'BR-31',
			'BR-33',
			'BR-CO-21',
		);
		assertFatal((inv) => (inv.allowanceCharges = [{ isCharge: true, amount: '10', reason: 'Freight' }]), 'BR-37');
	});
	it('BR-41…BR-44 line allowances and charges', () => {
		assertFatal((inv) => (inv.lines[0].allowanceCharges = [{ isCharge: false, amount: '5' }]), 'BR-42', 'BR-CO-23');
		assertFatal((inv) => (inv.lines[0].allowanceCharges = [{ isCharge: true, reason: 'Fee' }]), 'BR-43');
	});
	it('BR-49/BR-61 payment means, PEPPOL-EN16931-R061 mandate', () => {
		assertFatal((inv) => (inv.paymentMeans![0].code = ''), 'BR-49');
		assertFatal((inv) => (inv.paymentMeans = [{ code: '30' }]), 'BR-61');
		assertFatal((inv) => (inv.paymentMeans = [{ code: '59', directDebit: {} }]), 'PEPPOL-EN16931-R061');
	});
	it('BR-52 attachment id, UBL-DT-06/07 embedded document', () => {
		assertFatal(
			(inv) => (inv.attachments = [{ id: '', contentBase64: 'JVBERi0=' }]),
			'BR-52',
			'UBL-DT-06',
			'UBL-DT-07',
		);
	});
	it('EXPORT-BASE64: attachment content must be base64', () => {
		const pdf = { id: 'a', mimeCode: 'application/pdf', fileName: 'a.pdf' };
		assertFatal((inv) => (inv.attachments = [{ ...pdf, contentBase64: 'JVBERi0%%' }]), 'EXPORT-BASE64');
		assert.deepEqual(
			fatalIds((inv) => (inv.attachments = [{ ...pdf, contentBase64: 'JVBE\nRi0x' }])),
			[],
		);
	});
	it('BR-53 tax currency without BT-111', () => {
		assertFatal((inv) => (inv.taxCurrency = { code: 'EUR' }), 'BR-53');
		assert.deepEqual(
			fatalIds((inv) => (inv.taxCurrency = { code: 'EUR', exchangeRate: '0.134' })),
			[],
		);
	});
	it('BR-54 attributes, BR-55 preceding invoice, BR-64/65 item schemes', () => {
		assertFatal((inv) => (inv.lines[0].item.attributes = [{ name: 'Colour', value: '' }]), 'BR-54');
		assertFatal((inv) => (inv.precedingInvoices = [{ number: '', issueDate: '2026-10-01' }]), 'BR-55', 'UBL-SR-07');
		// A reference with neither number nor date is not written at all.
		assert.deepEqual(
			fatalIds((inv) => (inv.precedingInvoices = [{ number: '' }])),
			[],
		);
		assertFatal((inv) => (inv.lines[0].item.standardId = { id: '5790000000000' }), 'BR-64');
		assertFatal((inv) => (inv.lines[0].item.classifications = [{ code: '4321', listId: '' }]), 'BR-65');
	});
	it('BR-62 endpoint scheme and BR-CO-26 seller identification', () => {
		assertFatal((inv) => (inv.seller.endpoint = { scheme: '', id: '12345674' }), 'BR-62');
		assertFatal((inv) => {
			inv.seller.vatId = undefined;
			inv.seller.legalId = undefined;
		}, 'BR-CO-26');
	});
});

describe('preflight: arithmetic (BR-CO-10…17, R120, R040)', () => {
	it('PEPPOL-EN16931-R120: a given line net amount that disagrees with quantity × price', () => {
		const findings = assertFatal((inv) => (inv.lines[0].netAmount = '201.00'), 'PEPPOL-EN16931-R120');
		assert.equal(findings.find((f) => f.id === 'PEPPOL-EN16931-R120')!.path, 'lines[0].netAmount');
		assert.deepEqual(
			fatalIds((inv) => (inv.lines[0].netAmount = '200.02')),
			[],
		);
	});
	it('BR-CO-10/13/14/15/16 on given totals', () => {
		const wrong =
			(field: 'lineNetTotal' | 'taxExclusive' | 'vatTotal' | 'taxInclusive' | 'payable', value: string) =>
			(inv: Invoice) => {
				inv.totals = { ...computeTotals(inv), [field]: value };
			};
		assertFatal(wrong('lineNetTotal', '1400.01'), 'BR-CO-10', 'BR-CO-13');
		assertFatal(wrong('taxExclusive', '1400.01'), 'BR-CO-13', 'BR-CO-15');
		assertFatal(wrong('vatTotal', '350.01'), 'BR-CO-14', 'BR-CO-15');
		assertFatal(wrong('taxInclusive', '1750.01'), 'BR-CO-15', 'BR-CO-16');
		assertFatal(wrong('payable', '1750.01'), 'BR-CO-16');
	});
	it('BR-CO-11/12 document allowance and charge totals', () => {
		assertFatal((inv) => {
			inv.allowanceCharges = [
				{
					isCharge: false,
					amount: '10',
					reason: 'Discount',
					vat: { category: 'S', rate: '25' },
				},
			];
			inv.totals = { ...computeTotals(inv), allowanceTotal: '11.00' };
		}, 'BR-CO-11');
		assertFatal((inv) => {
			inv.allowanceCharges = [
				{
					isCharge: true,
					amount: '10',
					reason: 'Freight',
					vat: { category: 'S', rate: '25' },
				},
			];
			const totals = computeTotals(inv);
			delete totals.chargeTotal;
			inv.totals = totals;
		}, 'BR-CO-12');
	});
	it('BR-CO-17 / BR-S-09 VAT per category, within ±1', () => {
		assertFatal(
			(inv) => {
				const totals = computeTotals(inv);
				totals.vatBreakdown[0].taxAmount = '352.00';
				totals.vatTotal = '352.00';
				totals.taxInclusive = totals.payable = '1752.00';
				inv.totals = totals;
			},
			'BR-CO-17',
			'BR-S-09',
		);
		assert.deepEqual(
			fatalIds((inv) => {
				const totals = computeTotals(inv);
				totals.vatBreakdown[0].taxAmount = '350.99';
				totals.vatTotal = '350.99';
				totals.taxInclusive = totals.payable = '1750.99';
				inv.totals = totals;
			}),
			[],
		);
	});
	it('BR-S-08 taxable amount per rate', () => {
		assertFatal((inv) => {
			const totals = computeTotals(inv);
			totals.vatBreakdown[0].taxableAmount = '1500.00';
			inv.totals = totals;
		}, 'BR-S-08');
	});
	it('PEPPOL-EN16931-R040/R041/R042 allowance base and percentage', () => {
		const ac = {
			isCharge: false,
			reason: 'Discount',
			vat: { category: 'S' as const, rate: '25' },
		};
		assertFatal(
			(inv) => (inv.allowanceCharges = [{ ...ac, amount: '10', baseAmount: '1400', percent: '1' }]),
			'PEPPOL-EN16931-R040',
		);
		assertFatal((inv) => (inv.allowanceCharges = [{ ...ac, amount: '14', percent: '1' }]), 'PEPPOL-EN16931-R041');
		assertFatal((inv) => (inv.allowanceCharges = [{ ...ac, amount: '14', baseAmount: '1400' }]), 'PEPPOL-EN16931-R042');
		assert.deepEqual(
			fatalIds((inv) => (inv.allowanceCharges = [{ ...ac, baseAmount: '1400', percent: '1' }])),
			[],
		);
	});
	it('BR-DEC: amounts with more than 2 decimals', () => {
		assertFatal((inv) => (inv.lines[0].netAmount = '200.001'), 'BR-DEC-23', 'UBL-DT-01');
		assertFatal(
			(inv) =>
				(inv.allowanceCharges = [
					{
						isCharge: true,
						amount: '1.005',
						reason: 'Fee',
						vat: { category: 'S', rate: '25' },
					},
				]),
			'BR-DEC-05',
		);
		assertFatal((inv) => (inv.totals = { ...computeTotals(inv), payable: '1750.001' }), 'BR-DEC-18');
		// The writer drops trailing zeros beyond 2 decimals, so 1750.000 is written 1750.00.
		assert.deepEqual(
			fatalIds((inv) => (inv.totals = { ...computeTotals(inv), payable: '1750.000' })),
			[],
		);
	});
	it('accepts numbers where the model expects decimal strings, as the writer does', () => {
		assert.deepEqual(
			fatalIds((inv) => {
				inv.lines[0].quantity = 2 as unknown as string;
				inv.lines[0].price.amount = 100 as unknown as string;
				inv.lines[0].vat.rate = 25 as unknown as string;
			}),
			[],
		);
		assertFatal((inv) => (inv.lines[0].netAmount = 200.001 as unknown as string), 'BR-DEC-23');
	});
	it('a leading plus sign is a decimal (xs:decimal allows it)', () => {
		assert.deepEqual(
			fatalIds((inv) => (inv.roundingAmount = '+0.10')),
			[],
		);
	});
	it('malformed decimals become findings, never exceptions', () => {
		for (const bad of ['abc', '1,5', '', '12.3.4', 'NaN', {} as never, [] as never]) {
			const findings = check((inv) => {
				inv.lines[0].quantity = bad as string;
				inv.lines[1].price.amount = bad as string;
				inv.prepaidAmount = bad as string;
			});
			assert.ok(
				findings.some((f) => f.flag === 'fatal'),
				`no fatal finding for ${JSON.stringify(bad)}`,
			);
		}
		const findings = check((inv) => (inv.lines[0].quantity = '1,5'));
		assert.deepEqual(findings[0], {
			id: 'EXPORT-DECIMAL',
			flag: 'fatal',
			message: 'lines[0].quantity is not a decimal number: "1,5"',
			path: 'lines[0].quantity',
		});
		// Without a line net amount the writer can write no totals: pre-flight says what the validator will.
		const ids = new Set(findings.map((f) => f.id));
		for (const id of ['BR-24', 'BR-CO-15', 'BR-CO-18', 'BR-S-01', 'PEPPOL-EN16931-R053']) assert.ok(ids.has(id), id);
	});
	it('survives structurally broken input', () => {
		for (const broken of [{}, { lines: 'x' }, { seller: null, buyer: 5, lines: [null] }, { lines: [{}] }]) {
			const findings = preflight(broken as unknown as Invoice, {
				format: 'peppol-bis3',
			});
			assert.ok(findings.some((f) => f.flag === 'fatal'));
		}
		assert.equal(preflight(null as unknown as Invoice, { format: 'peppol-bis3' })[0].id, 'EXPORT-INVOICE');
	});
	it('EXPORT-BOOKED-TOTALS: the document must agree with the books', () => {
		assertFatal((inv) => (inv.booked = { vatTotal: '400.00' }), 'EXPORT-BOOKED-TOTALS');
		assert.deepEqual(
			fatalIds((inv) => (inv.booked = { vatTotal: '350.00', payable: '1750.00' })),
			[],
		);
		// A rounding to whole kroner is absorbed into BT-114.
		assert.deepEqual(
			fatalIds((inv) => (inv.booked = { payable: '1750.40' })),
			[],
		);
	});
});

describe('preflight: VAT categories', () => {
	it('BR-S-05 standard rate above zero, BR-Z-05 zero rate zero', () => {
		assertFatal((inv) => (inv.lines[0].vat.rate = '0'), 'BR-S-05');
		assertFatal((inv) => (inv.lines[0].vat = { category: 'Z', rate: '5' }), 'BR-Z-05');
	});
	it('BR-E-10 exemption reason; valid E invoice passes', () => {
		assertFatal((inv) => (inv.lines[0].vat = { category: 'E', rate: '0' }), 'BR-E-10');
		assert.deepEqual(
			fatalIds(
				(inv) =>
					(inv.lines[0].vat = {
						category: 'E',
						rate: '0',
						exemptionReasonCode: 'VATEX-EU-132-1I',
					}),
			),
			[],
		);
	});
	it('BR-AE-02 reverse charge needs the buyer VAT or legal id', () => {
		assertFatal((inv) => {
			for (const line of inv.lines)
				line.vat = {
					category: 'AE',
					rate: '0',
					exemptionReasonCode: 'VATEX-EU-AE',
				};
			inv.buyer.vatId = undefined;
			inv.buyer.legalId = undefined;
		}, 'BR-AE-02');
	});
	it('BR-IC-02/11/12 intra-community supply', () => {
		assertFatal(
			(inv) => {
				for (const line of inv.lines)
					line.vat = {
						category: 'K',
						rate: '0',
						exemptionReasonCode: 'VATEX-EU-IC',
					};
				inv.buyer.vatId = undefined;
			},
			'BR-IC-02',
			'BR-IC-11',
			'BR-IC-12',
		);
		assert.deepEqual(
			fatalIds((inv) => {
				for (const line of inv.lines)
					line.vat = {
						category: 'K',
						rate: '0',
						exemptionReasonCode: 'VATEX-EU-IC',
					};
				inv.buyer.address.country = 'SE';
				inv.buyer.vatId = 'SE556000016701';
				inv.delivery = { date: '2026-11-01', address: { country: 'SE' } };
			}),
			[],
		);
	});
	it('BR-O-02 not subject to VAT forbids VAT ids; BR-O-10 reason; BR-O-11 no other categories', () => {
		assertFatal(
			(inv) => (inv.lines[0].vat = { category: 'O', exemptionReason: 'Not subject to VAT' }),
			'BR-O-02',
			'BR-O-11',
			'BR-O-12',
		);
		const outsideScope = (inv: Invoice) => {
			for (const line of inv.lines) line.vat = { category: 'O', rate: '0' };
			inv.seller.vatId = inv.buyer.vatId = undefined;
		};
		assertFatal(outsideScope, 'BR-O-10');
		// The writer never writes a rate for O, so a given rate is no problem (BR-O-05).
		assert.deepEqual(
			fatalIds((inv) => {
				outsideScope(inv);
				for (const line of inv.lines) line.vat.exemptionReason = 'Outside the scope of VAT';
			}),
			[],
		);
	});
	it('BR-S-10 / BR-Z-10 exemption reasons forbidden; PEPPOL P0104… VATEX category', () => {
		assertFatal((inv) => (inv.lines[0].vat.exemptionReason = 'Exempt'), 'BR-S-10');
		assertFatal((inv) => {
			for (const line of inv.lines)
				line.vat = {
					category: 'E',
					rate: '0',
					exemptionReasonCode: 'VATEX-EU-G',
				};
		}, 'PEPPOL-EN16931-P0104');
	});
	it('BR-Z-01: exactly one zero rated breakdown', () => {
		assertFatal((inv) => {
			inv.lines[0].vat = { category: 'Z', rate: '0' };
			inv.lines[1].vat = { category: 'Z' };
		}, 'BR-Z-01');
	});
	it('BR-CL-17/18 unknown categories', () => {
		assertFatal((inv) => (inv.lines[0].vat = { category: 'X' as never, rate: '25' }), 'BR-CL-18');
	});
});

describe('preflight: code lists (BR-CL-*)', () => {
	it('currency, country, unit, payment means, reason codes, VATEX, MIME, EAS', () => {
		assertFatal((inv) => (inv.currency = 'EUX'), 'BR-CL-04', 'BR-CL-03', 'PEPPOL-EN16931-CL007');
		assertFatal((inv) => (inv.buyer.address.country = 'XX'), 'BR-CL-14');
		assertFatal((inv) => (inv.lines[0].unitCode = 'PCS'), 'BR-CL-23');
		assertFatal((inv) => (inv.paymentMeans![0].code = '99'), 'BR-CL-16');
		assertFatal(
			(inv) =>
				(inv.allowanceCharges = [
					{
						isCharge: false,
						amount: '5',
						reasonCode: '999',
						vat: { category: 'S', rate: '25' },
					},
				]),
			'BR-CL-19',
			'PEPPOL-EN16931-CL002',
		);
		assertFatal(
			(inv) =>
				(inv.allowanceCharges = [
					{
						isCharge: true,
						amount: '5',
						reasonCode: 'QQQ',
						vat: { category: 'S', rate: '25' },
					},
				]),
			'BR-CL-20',
			'PEPPOL-EN16931-CL003',
		);
		assertFatal((inv) => {
			for (const line of inv.lines)
				line.vat = {
					category: 'E',
					rate: '0',
					exemptionReasonCode: 'VATEX-EU-999',
				};
		}, 'BR-CL-22');
		assertFatal(
			(inv) =>
				(inv.attachments = [
					{
						id: 'a',
						contentBase64: 'AA==',
						mimeCode: 'application/zip',
						fileName: 'a.zip',
					},
				]),
			'BR-CL-24',
		);
		assertFatal((inv) => (inv.buyer.endpoint = { scheme: '0037', id: '123' }), 'PEPPOL-EN16931-CL008');
		assertFatal((inv) => (inv.buyer.endpoint = { scheme: '9999', id: '123' }), 'BR-CL-25', 'PEPPOL-EN16931-CL008');
		assertFatal((inv) => (inv.typeCode = '999'), 'BR-CL-01', 'PEPPOL-EN16931-P0100');
		assertFatal((inv) => (inv.typeCode = '326'), 'PEPPOL-EN16931-P0112');
	});
	it('code lists are extracted from the official rules', () => {
		assert.ok(codes.ISO4217.has('DKK') && codes.ISO4217.has('EUR'));
		assert.ok(
			codes.UNECE_REC20_REC21.has('C62') && codes.UNECE_REC20_REC21.has('HUR') && codes.UNECE_REC20_REC21.size > 2000,
		);
		assert.ok(codes.EAS_PEPPOL.has('0184') && codes.EAS_PEPPOL.has('0088') && codes.EAS_PEPPOL.has('0198'));
		assert.ok(codes.VATEX.has('VATEX-EU-AE') && codes.UNCL5189.has('95') && codes.UNCL7161.has('FC'));
		assert.ok(codes.PEPPOL_CREDIT_NOTE_TYPES.has('381') && !codes.PEPPOL_INVOICE_TYPES.has('381'));
	});
});

describe('preflight: PEPPOL rules', () => {
	it('R003 buyer reference or order reference', () => {
		assertFatal((inv) => (inv.buyerReference = undefined), 'PEPPOL-EN16931-R003');
		assert.deepEqual(
			fatalIds((inv) => {
				inv.buyerReference = undefined;
				inv.orderReference = 'PO-1';
			}),
			[],
		);
	});
	it('R010/R020 endpoints, R002 notes, R005 tax currency', () => {
		assertFatal((inv) => (inv.buyer.endpoint = undefined), 'PEPPOL-EN16931-R010');
		assertFatal((inv) => (inv.seller.endpoint = undefined), 'PEPPOL-EN16931-R020');
		assertFatal((inv) => (inv.notes = [{ text: 'a' }, { text: 'b' }]), 'PEPPOL-EN16931-R002');
		assertFatal((inv) => (inv.taxCurrency = { code: 'DKK', exchangeRate: '1' }), 'PEPPOL-EN16931-R005');
	});
	it('R110/R111 line period within the invoice period; R121/R130 base quantity', () => {
		assertFatal(
			(inv) => {
				inv.invoicingPeriod = {
					startDate: '2026-10-01',
					endDate: '2026-10-31',
				};
				inv.lines[0].period = {
					startDate: '2026-09-30',
					endDate: '2026-11-01',
				};
			},
			'PEPPOL-EN16931-R110',
			'PEPPOL-EN16931-R111',
		);
		assertFatal((inv) => (inv.lines[0].price.baseQuantity = '0'), 'PEPPOL-EN16931-R121');
		assertFatal((inv) => (inv.lines[0].price.baseQuantityUnitCode = 'HUR'), 'PEPPOL-EN16931-R130');
	});
	it('R046 gross price minus discount equals the net price', () => {
		assertFatal(
			(inv) =>
				(inv.lines[0].price = {
					amount: '100.00',
					grossAmount: '120',
					discount: '10',
				}),
			'PEPPOL-EN16931-R046',
		);
		assert.deepEqual(
			fatalIds(
				(inv) =>
					(inv.lines[0].price = {
						amount: '100.00',
						grossAmount: '120',
						discount: '20',
					}),
			),
			[],
		);
	});
	it('F001 dates', () => {
		assertFatal((inv) => (inv.issueDate = '2026-02-30'), 'PEPPOL-EN16931-F001');
		assertFatal((inv) => (inv.dueDate = '16.11.2026'), 'PEPPOL-EN16931-F001');
	});
	it('PEPPOL-COMMON identifier formats and check digits', () => {
		assertFatal((inv) => (inv.buyer.endpoint = { scheme: '0088', id: '5798000000002' }), 'PEPPOL-COMMON-R040');
		assertFatal((inv) => (inv.seller.legalId = { id: '1234567', scheme: '0184' }), 'PEPPOL-COMMON-R042');
		assertFatal((inv) => (inv.buyer.endpoint = { scheme: '0198', id: '12345678' }), 'PEPPOL-COMMON-R053');
		assertFatal((inv) => (inv.buyer.endpoint = { scheme: '0192', id: '123456789' }), 'PEPPOL-COMMON-R041');
		assertFatal((inv) => (inv.buyer.identifiers = [{ id: '5560000168', scheme: '0007' }]), 'PEPPOL-COMMON-R049');
		assert.deepEqual(
			fatalIds((inv) => (inv.buyer.endpoint = { scheme: '0192', id: '974760673' })),
			[],
		);
	});
	it('UBL-SR-47 equal payment means codes, UBL-SR-44 one payment id', () => {
		assertFatal(
			(inv) =>
				inv.paymentMeans!.push({
					code: '31',
					creditTransfer: { accountId: '1234', serviceProviderId: '1234' },
				}),
			'UBL-SR-47',
		);
		assertFatal(
			(inv) =>
				inv.paymentMeans!.push({
					code: '58',
					paymentId: 'OTHER',
					creditTransfer: { accountId: 'DK5000400440116243' },
				}),
			'UBL-SR-44',
		);
	});
});

describe('preflight: DK rules', () => {
	it('DK-R-002 / DK-R-014 seller CVR', () => {
		assertFatal((inv) => (inv.seller.legalId = undefined), 'DK-R-002');
		assertFatal((inv) => (inv.seller.legalId = { id: '12345674', scheme: '0198' }), 'DK-R-014');
	});
	it('DK-R-005…011 payment means between Danish parties', () => {
		assertFatal((inv) => (inv.paymentMeans = [{ code: '30', creditTransfer: { accountId: '12345678' } }]), 'DK-R-005');
		assertFatal((inv) => (inv.paymentMeans = [{ code: '31', creditTransfer: { accountId: '12345678' } }]), 'DK-R-006');
		assertFatal((inv) => (inv.paymentMeans = [{ code: '49', directDebit: { mandateId: 'M1' } }]), 'DK-R-007');
		assertFatal(
			(inv) =>
				(inv.paymentMeans = [
					{
						code: '93',
						giro: { cardType: '71', paymentId: '123', creditorId: '12345678' },
					},
				]),
			'DK-R-011',
		);
		assertFatal(
			(inv) =>
				(inv.paymentMeans = [
					{
						code: '93',
						giro: {
							cardType: '71',
							paymentId: '000000001234567',
							creditorId: '1234567',
						},
					},
				]),
			'DK-R-010',
		);
		assert.deepEqual(
			fatalIds(
				(inv) =>
					(inv.paymentMeans = [
						{
							code: '93',
							giro: {
								cardType: '71',
								paymentId: '000000001234567',
								creditorId: '12345678',
							},
						},
					]),
			),
			[],
		);
		// Not for a foreign buyer.
		assert.deepEqual(
			fatalIds((inv) => {
				inv.buyer.address.country = 'SE';
				inv.buyer.vatId = 'SE556000016701';
				inv.buyer.legalId = undefined;
				inv.paymentMeans = [{ code: '30', creditTransfer: { accountId: '12345678' } }];
			}),
			[],
		);
	});
	it('DK-R-016 negative credit note, DK-R-017 buyer CVR scheme, DK-R-013 identifier schemes', () => {
		assertFatal((inv) => {
			inv.kind = 'creditNote';
			inv.lines[0].quantity = '-20';
		}, 'DK-R-016');
		assertFatal((inv) => (inv.buyer.legalId = { id: '87654321', scheme: '0088' }), 'DK-R-017');
		assertFatal((inv) => (inv.buyer.identifiers = [{ id: 'K-1' }]), 'DK-R-013');
	});
	it('DK-R-003 UNSPSC version, DK-R-004 non-VAT taxes', () => {
		assertFatal(
			(inv) => (inv.lines[0].item.classifications = [{ code: '43211503', listId: 'TST', listVersionId: '13' }]),
			'DK-R-003',
		);
		assertFatal(
			(inv) =>
				(inv.allowanceCharges = [
					{
						isCharge: true,
						amount: '5',
						reasonCode: 'ZZZ',
						reason: 'Tax',
						vat: { category: 'S', rate: '25' },
					},
				]),
			'DK-R-004',
		);
		assert.deepEqual(
			fatalIds(
				(inv) =>
					(inv.allowanceCharges = [
						{
							isCharge: true,
							amount: '5',
							reasonCode: 'ZZZ',
							reason: '0010',
							vat: { category: 'S', rate: '25' },
						},
					]),
			),
			[],
		);
	});
});

describe('preflight: Swedish and Norwegian sellers', () => {
	const swedish = (inv: Invoice) => {
		inv.seller = {
			...inv.seller,
			vatId: 'SE556036079301',
			legalId: { id: '5560360793', scheme: '0007' },
			endpoint: { scheme: '0007', id: '5560360793' },
			address: { ...inv.seller.address, country: 'SE' },
		};
	};
	it('SE-R-001/006/013/005', () => {
		assert.deepEqual(fatalIds(swedish), []);
		assertFatal((inv) => (swedish(inv), (inv.seller.vatId = 'SE5560360793')), 'SE-R-001');
		assertFatal((inv) => (swedish(inv), (inv.lines[0].vat.rate = '20')), 'SE-R-006');
		assertFatal((inv) => (swedish(inv), (inv.seller.legalId = { id: '5560360794', scheme: '0007' })), 'SE-R-013');
		assertFatal((inv) => (swedish(inv), (inv.seller.taxRegistrationId = 'F-skatt')), 'SE-R-005');
	});
	it('NO-R-001 VAT number format, NO-R-002 warning', () => {
		const norwegian = (vatId: string) => (inv: Invoice) => {
			inv.seller = { ...inv.seller, vatId, legalId: undefined, address: { ...inv.seller.address, country: 'NO' } };
		};
		assertFatal(norwegian('NO923609016'), 'NO-R-001');
		const findings = check(norwegian('NO923609016MVA'));
		assert.ok(!findings.some((f) => f.flag === 'fatal'));
		assert.ok(findings.some((f) => f.id === 'NO-R-002' && f.flag === 'warning'));
	});
});

describe('preflight: Dutch sellers', () => {
	const dutch = (inv: Invoice) => {
		inv.seller = {
			...inv.seller,
			vatId: 'NL123456789B01',
			legalId: { id: '12345678', scheme: '0106' },
			endpoint: { scheme: '0106', id: '12345678' },
			address: { line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country: 'NL' },
		};
	};
	it('NL-R-002/003/007/008', () => {
		assert.deepEqual(fatalIds(dutch), []);
		assertFatal((inv) => (dutch(inv), delete inv.seller.address.postalCode), 'NL-R-002');
		assertFatal((inv) => (dutch(inv), (inv.seller.legalId = { id: '12345678', scheme: '0184' })), 'NL-R-003');
		assertFatal((inv) => (dutch(inv), (inv.paymentMeans = [])), 'NL-R-007');
		assertFatal((inv) => {
			dutch(inv);
			inv.buyer = { ...inv.buyer, legalId: undefined, address: { ...inv.buyer.address, country: 'NL' } };
			inv.paymentMeans![0].code = '42';
		}, 'NL-R-008');
	});
});

describe('preflight: identifier check digits', () => {
	it('GLN, NO org, BE enterprise, SE org, ABN', () => {
		assert.ok(isValidGln('5798000000001') && !isValidGln('5798000000002') && !isValidGln('57980000000A1'));
		assert.ok(isValidNoOrgNumber('974760673') && !isValidNoOrgNumber('974760674'));
		assert.ok(isValidBeEnterpriseNumber('0403170701') && !isValidBeEnterpriseNumber('0403170702'));
		assert.ok(isValidSeOrgNumber('5560000167') && !isValidSeOrgNumber('5560000168'));
		assert.ok(isValidAbn('51824753556') && !isValidAbn('51824753557'));
	});
});

describe('preflight: formats', () => {
	it('dispatches on the format and rejects unknown ones', () => {
		const invoice = danishInvoice();
		invoice.buyerReference = undefined;
		assert.ok(preflight(invoice, { format: 'peppol-bis3' }).some((f) => f.id === 'PEPPOL-EN16931-R003'));
		assert.ok(!preflight(invoice, { format: 'oioubl21' }).some((f) => f.id === 'PEPPOL-EN16931-R003'));
		assert.equal(preflight(invoice, { format: 'xrechnung' as never })[0].id, 'EXPORT-FORMAT');
	});
});

describe('preflight: its own totals equal computeTotals', () => {
	it('on every canonical fixture and every mutation where it computes them', () => {
		const fixtures = loadCanonicalFixtures();
		const invoices = [...fixtures.map((f) => f.invoice), ...generateMutations(fixtures).map((m) => m.invoice)];
		let compared = 0;
		for (const invoice of invoices) {
			const own = preflightComputedTotals(invoice);
			if (!own) continue;
			assert.deepEqual(own, computeTotals(invoice), `invoice ${invoice.number}`);
			compared++;
		}
		assert.ok(compared >= 300, `compared only ${compared}`);
	});
});

describe('preflight: never throws, never falls back to its catch-all', () => {
	it('on 3000 invoices with a random field replaced by a value of the wrong shape', () => {
		let seed = 20261121;
		const random = () => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed / 2147483648;
		};
		const oddValues: unknown[] = [null, '', '  ', 'abc', '1,5', -1, 0, 1e20, NaN, {}, [], [null], true, { id: 5 }, '+'];
		const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
			if (value === null || typeof value !== 'object') return [prefix];
			const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
			return [prefix, ...keys.flatMap((k) => paths((value as Record<string, unknown>)[k], [...prefix, k]))];
		};
		const fixtures = loadCanonicalFixtures().filter((f) => f.invoice.lines.length < 100);
		for (let run = 0; run < 3000; run++) {
			const invoice = JSON.parse(JSON.stringify(fixtures[run % fixtures.length].invoice)) as Invoice;
			const all = paths(invoice).filter((p) => p.length > 0);
			const target = all[Math.floor(random() * all.length)];
			const odd = oddValues[Math.floor(random() * oddValues.length)];
			let parent = invoice as unknown as Record<string | number, unknown>;
			for (const key of target.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
			parent[target[target.length - 1]] = odd;
			const findings = preflight(invoice, { format: 'peppol-bis3' });
			assert.ok(Array.isArray(findings));
			const crash = findings.find((f) => f.id === 'EXPORT-PREFLIGHT');
			assert.equal(crash, undefined, `${target.join('.')} = ${JSON.stringify(odd)}: ${crash?.message}`);
		}
	});
});
