/**
 * Generator of Billy datasets in Billy's own JSON shapes (the layout `test/sandbox/billy/emulator.ts` reads).
 *
 *   node build/test/sandbox/billy/generate.js --out <dir> [--count 10000] [--seed 7] [--no-showcase]
 *
 * The showcase documents (always first unless `--no-showcase`) cover the cases a Billy export must get right:
 * mixed VAT, reverse charge, intra-EU goods, export, exemptions, tax-inclusive lines with rounding traps, cash and
 * percent discounts, text lines, units, a foreign currency, credit notes, drafts, voided documents, a 300-line
 * invoice, an EAN (public sector) buyer, a contact whose city is only a `cityId`, and a private person.
 * The rest are random but realistic. Booked amounts follow Billy's arithmetic as `nodes/Billy/api.ts` states it.
 */
import { gs1CheckDigit, hasValidCvrModulus } from '../../../nodes/shared/einvoice/check-digits';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Big from 'big.js';
import { dec, round } from '../../../nodes/shared/einvoice/decimal';
import type {
	BillyCity,
	BillyContact,
	BillyContactPerson,
	BillyInvoice,
	BillyInvoiceLine,
	BillyOrganization,
	BillyTaxRate,
} from '../../../nodes/Billy/api';

export interface BillyDataset {
	dataset: { system: 'billy'; account: string; seller?: Record<string, unknown>; settings?: Record<string, unknown> };
	organization: BillyOrganization;
	contacts: BillyContact[];
	contactPersons: BillyContactPerson[];
	invoices: BillyInvoice[];
	taxRates: BillyTaxRate[];
	cities: BillyCity[];
}

export interface GenerateOptions {
	/** Number of documents (invoices + credit notes, drafts and voided included). */
	count: number;
	seed?: number;
	/** Include the hand-picked showcase documents first (default true). */
	showcase?: boolean;
	/** First approval time; documents follow every few minutes (default 2026-01-05T08:00:00). */
	start?: string;
}

// ---------- deterministic randomness ----------
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

class Rng {
	private readonly next: () => number;
	constructor(seed: number) {
		this.next = mulberry32(seed);
	}
	float(): number {
		return this.next();
	}
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}
	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	digits(n: number): string {
		let s = '';
		for (let i = 0; i < n; i++) s += String(this.int(0, 9));
		return s;
	}
	id(): string {
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
		let s = '';
		for (let i = 0; i < 22; i++) s += alphabet[Math.floor(this.next() * 64)];
		return s;
	}
}

// ---------- identifiers with valid check digits ----------
/** Danish CVR: 8 digits, weights 2 7 6 5 4 3 2 1, sum divisible by 11. */
export function cvrFrom(rng: Rng): string {
	for (;;) {
		const body = String(rng.int(1, 9)) + rng.digits(6);
		const weights = [2, 7, 6, 5, 4, 3, 2];
		const sum = weights.reduce((s, w, i) => s + w * Number(body[i]), 0);
		const check = (11 - (sum % 11)) % 11;
		if (check < 10) return body + String(check);
	}
}

export function isValidCvr(cvr: string): boolean {
	return /^[1-9]/.test(cvr) && hasValidCvrModulus(cvr);
}

const gs1Check = (body: string): string => String(gs1CheckDigit(body));

export function glnFrom(rng: Rng): string {
	const body = '579' + rng.digits(9);
	return body + gs1Check(body);
}

export function isValidGln(gln: string): boolean {
	return /^\d{13}$/.test(gln) && gs1Check(gln.slice(0, 12)) === gln[12];
}

/** Norwegian organisation number: 9 digits, mod 11 with weights 3 2 7 6 5 4 3 2. */
function norwegianOrgNo(rng: Rng): string {
	for (;;) {
		const body = String(rng.int(8, 9)) + rng.digits(7);
		const weights = [3, 2, 7, 6, 5, 4, 3, 2];
		const rest = weights.reduce((s, w, i) => s + w * Number(body[i]), 0) % 11;
		const check = rest === 0 ? 0 : 11 - rest;
		if (check < 10) return body + String(check);
	}
}

/** Swedish organisation number: 10 digits with a Luhn check digit. */
function swedishOrgNo(rng: Rng): string {
	const body = '55' + rng.digits(7);
	let sum = 0;
	for (let i = 0; i < 9; i++) {
		let d = Number(body[i]) * (i % 2 === 0 ? 2 : 1);
		if (d > 9) d -= 9;
		sum += d;
	}
	return body + String((10 - (sum % 10)) % 10);
}

// ---------- Billy arithmetic [I] (as nodes/Billy/api.ts states it) ----------
interface Booked {
	net: Big;
	tax: Big;
}

export function bookLine(line: BillyInvoiceLine, rate: Big, taxMode: 'incl' | 'excl'): Booked {
	const base = round(dec(line.quantity).times(dec(line.unitPrice)));
	let after = base;
	if (line.discountMode === 'cash' && line.discountValue) after = base.minus(dec(line.discountValue));
	if (line.discountMode === 'percent' && line.discountValue)
		after = round(base.times(dec(100).minus(dec(line.discountValue))).div(100));
	if (taxMode === 'incl') {
		const net = round(after.div(rate.plus(1)));
		return { net, tax: after.minus(net) };
	}
	return { net: after, tax: round(after.times(rate)) };
}

const num = (value: Big): number => Number(value.toFixed());

// ---------- reference data ----------
const CITIES: BillyCity[] = [
	{ id: 'dk_aalborg', name: 'Aalborg', county: 'Nordjylland', stateId: null, countryId: 'DK' },
	{ id: 'dk_aarhus', name: 'Aarhus C', county: 'Midtjylland', stateId: null, countryId: 'DK' },
	{ id: 'dk_odense', name: 'Odense C', county: 'Syddanmark', stateId: null, countryId: 'DK' },
	{ id: 'dk_koebenhavn', name: 'København K', county: 'Hovedstaden', stateId: null, countryId: 'DK' },
];

function taxRates(rng: Rng): BillyTaxRate[] {
	const rate = (
		name: string,
		abbreviation: string,
		value: number,
		description: string,
		sales = true,
	): BillyTaxRate => ({
		id: rng.id(),
		name,
		abbreviation,
		description,
		rate: value,
		isActive: true,
		appliesToSales: sales,
		appliesToPurchases: !sales,
	});
	return [
		rate('Salgsmoms', 'S25', 0.25, 'Moms af salg i Danmark, 25 %'),
		rate('Momsfritaget salg', 'MF', 0, 'Salg fritaget for moms, momslovens § 13'),
		rate('EU-salg af ydelser', 'EUY', 0, 'Salg af ydelser til virksomheder i andre EU-lande, omvendt betalingspligt'),
		rate('EU-salg af varer', 'EUV', 0, 'Salg af varer til momsregistrerede virksomheder i andre EU-lande'),
		rate('Salg uden for EU', 'EKS', 0, 'Eksport af varer og ydelser til lande uden for EU'),
		rate('Købsmoms', 'K25', 0.25, 'Moms af køb', false),
	];
}

const PRODUCTS: { name: string; price: number; unit: string; decimals?: number }[] = [
	{ name: 'Konsulentbistand', price: 950, unit: 'hours' },
	{ name: 'Tømrerarbejde', price: 545.5, unit: 'hours' },
	{ name: 'Kørsel', price: 3.79, unit: 'km' },
	{ name: 'Hosting, månedligt abonnement', price: 249, unit: 'months' },
	{ name: 'Gulvbrædder, egetræ', price: 389.95, unit: 'm2' },
	{ name: 'Skruer, rustfri (pakke à 200)', price: 89.5, unit: 'packages' },
	{ name: 'Rådgivning, bæredygtighed', price: 1125, unit: 'hours' },
	{ name: 'Lærredsprint A2', price: 149.99, unit: 'pieces' },
	{ name: 'Kaffebønner, økologiske', price: 164.8, unit: 'kg' },
	{ name: 'Printerpapir A4', price: 0.3125, unit: 'pieces', decimals: 4 },
	{ name: 'Dagsleje af lift', price: 1799, unit: 'days' },
	{ name: 'Grafisk design', price: 725, unit: 'hours' },
	{ name: 'Servicebesøg', price: 695, unit: 'pieces' },
	{ name: 'Rengøring, kontor', price: 412.5, unit: 'hours' },
];

const COMPANY_NAMES = [
	'Ærø Tømrerfirma ApS',
	'Østerbro Kaffebar I/S',
	'Blåbær Design A/S',
	'Søndergaard & Søn ApS',
	'Frøslev Maskinstation',
	'Møllehøj Ejendomme ApS',
	'Grønnegården Økologi A/S',
	'Kløvermarken Rengøring ApS',
	'Hvidovre Bådeværft A/S',
	'Åbyhøj Revision ApS',
	'Nørrebro Cykler ApS',
	'Lærkevej Tandklinik',
];
const STREETS = [
	'Ørstedsgade 12',
	'Åboulevarden 3, 2. tv',
	'Søndre Ringvej 47',
	'Havnegade 9',
	'Bøgevej 21',
	'Kærvej 5',
];
const TOWNS: [string, string][] = [
	['8000', 'Aarhus C'],
	['5000', 'Odense C'],
	['2100', 'København Ø'],
	['9000', 'Aalborg'],
	['6700', 'Esbjerg'],
	['4000', 'Roskilde'],
	['7100', 'Vejle'],
];
const PERSON_NAMES = ['Søren Ørsted', 'Åse Kjærgaard', 'Jørgen Lüttichau', 'Mette Frølund', 'Bjørn Aagaard'];

interface Customers {
	dk: BillyContact[];
	ean: BillyContact;
	cityTrap: BillyContact;
	person: BillyContact;
	de: BillyContact;
	se: BillyContact;
	no: BillyContact;
	gb: BillyContact;
}

function buildContacts(
	rng: Rng,
	orgId: string,
): { customers: Customers; contacts: BillyContact[]; persons: BillyContactPerson[] } {
	const contacts: BillyContact[] = [];
	const persons: BillyContactPerson[] = [];
	const base = (over: Partial<BillyContact> & Pick<BillyContact, 'name'>): BillyContact => {
		const contact: BillyContact = {
			id: rng.id(),
			organizationId: orgId,
			type: 'company',
			createdTime: '2025-11-0' + String(rng.int(1, 9)) + 'T09:' + String(rng.int(10, 59)) + ':00',
			countryId: 'DK',
			street: rng.pick(STREETS),
			cityId: null,
			cityText: null,
			stateId: null,
			stateText: null,
			zipcodeId: null,
			zipcodeText: null,
			contactNo: String(contacts.length + 1),
			phone: '+45 ' + rng.digits(8),
			currencyId: 'DKK',
			registrationNo: '',
			ean: '',
			localeId: 'da_DK',
			isCustomer: true,
			isSupplier: false,
			isArchived: false,
			isSalesTaxExempt: false,
			paymentTermsMode: null,
			paymentTermsDays: null,
			...over,
		};
		if (contact.zipcodeText === null && contact.countryId === 'DK' && !over.cityId) {
			const [zip, town] = rng.pick(TOWNS);
			contact.zipcodeText = zip;
			contact.cityText = town;
		}
		contacts.push(contact);
		const first = rng.pick(PERSON_NAMES);
		persons.push({
			id: rng.id(),
			contactId: contact.id,
			isPrimary: true,
			name: contact.type === 'person' ? contact.name : first,
			email: `${contact.type === 'person' ? 'privat' : 'faktura'}.${contact.contactNo}@example.dk`,
		});
		if (rng.chance(0.4)) {
			persons.push({
				id: rng.id(),
				contactId: contact.id,
				isPrimary: false,
				name: rng.pick(PERSON_NAMES),
				email: `indkoeb.${contact.contactNo}@example.dk`,
			});
		}
		return contact;
	};
	const dk = COMPANY_NAMES.map((name) => base({ name, registrationNo: cvrFrom(rng) }));
	const ean = base({ name: 'Frederiksværk Kommune, Teknik og Miljø', registrationNo: cvrFrom(rng), ean: glnFrom(rng) });
	const cityTrap = base({
		name: 'Limfjordens Vinduespudsning ApS',
		registrationNo: cvrFrom(rng),
		street: 'Vesterbro 44',
		cityId: 'dk_aalborg',
		cityText: '',
		zipcodeId: null,
		zipcodeText: '9000',
	});
	const person = base({
		name: 'Åse Kjærgaard',
		type: 'person',
		registrationNo: '',
		street: 'Fasanvej 3',
		zipcodeText: '2000',
		cityText: 'Frederiksberg',
	});
	const de = base({
		name: 'Müller Maschinenbau GmbH',
		countryId: 'DE',
		street: 'Industriestraße 17',
		zipcodeText: '24937',
		cityText: 'Flensburg',
		vatNo: 'DE' + String(rng.int(1, 9)) + rng.digits(8),
		currencyId: 'EUR',
		localeId: 'de_DE',
	});
	const seOrg = swedishOrgNo(rng);
	const se = base({
		name: 'Nordiska Åkeri AB',
		countryId: 'SE',
		street: 'Storgatan 8',
		zipcodeText: '211 22',
		cityText: 'Malmö',
		registrationNo: seOrg,
		vatNo: `SE${seOrg}01`,
		currencyId: 'SEK',
	});
	const noOrg = norwegianOrgNo(rng);
	const no = base({
		name: 'Fjordbåt Utleie AS',
		countryId: 'NO',
		street: 'Bryggen 14',
		zipcodeText: '5003',
		cityText: 'Bergen',
		registrationNo: noOrg,
		vatNo: `NO${noOrg}MVA`,
		currencyId: 'NOK',
	});
	const gb = base({
		name: 'Thames Yacht Supplies Ltd',
		countryId: 'GB',
		street: '12 Riverside Walk',
		zipcodeText: 'SE1 9PP',
		cityText: 'London',
		vatNo: 'GB' + rng.digits(9),
		currencyId: 'GBP',
	});
	return { customers: { dk, ean, cityTrap, person, de, se, no, gb }, contacts, persons };
}

// ---------- documents ----------
interface Ctx {
	rng: Rng;
	orgId: string;
	rates: Record<'s25' | 'exempt' | 'euServices' | 'euGoods' | 'export', BillyTaxRate>;
	ratesById: Map<string, BillyTaxRate>;
	invoices: BillyInvoice[];
	clock: Date;
	nextNo: number;
}

interface LineSpec {
	description: string;
	quantity: number;
	unitPrice: number;
	unit?: string;
	rate?: BillyTaxRate | null;
	discountMode?: 'cash' | 'percent';
	discountValue?: number;
	discountText?: string;
	text?: boolean;
}

interface DocSpec {
	contact: BillyContact;
	lines: LineSpec[];
	type?: 'invoice' | 'creditNote';
	state?: 'draft' | 'approved' | 'voided';
	taxMode?: 'incl' | 'excl';
	currencyId?: string;
	exchangeRate?: number;
	credits?: BillyInvoice;
	isPaid?: boolean;
	orderNo?: string;
	contactMessage?: string;
	attContactPersonId?: string | null;
	/** Same approval time as the previous document (equal timestamps). */
	sameTimeAsPrevious?: boolean;
}

function isoTime(d: Date): string {
	return d.toISOString().slice(0, 19);
}

function addDays(date: string, days: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

function makeDocument(ctx: Ctx, spec: DocSpec): BillyInvoice {
	const { rng } = ctx;
	if (!spec.sameTimeAsPrevious) ctx.clock = new Date(ctx.clock.getTime() + rng.int(3, 240) * 60_000);
	const approvedTime = isoTime(ctx.clock);
	const createdTime = isoTime(new Date(ctx.clock.getTime() - rng.int(5, 600) * 60_000));
	const entryDate = approvedTime.slice(0, 10);
	const state = spec.state ?? 'approved';
	const taxMode = spec.taxMode ?? 'excl';
	const id = rng.id();
	let amount = dec(0);
	let tax = dec(0);
	const lines: BillyInvoiceLine[] = spec.lines.map((l, i) => {
		const line: BillyInvoiceLine = {
			id: rng.id(),
			invoiceId: id,
			productId: l.text ? null : rng.id(),
			description: l.description,
			quantity: l.text ? 0 : l.quantity,
			unitPrice: l.text ? 0 : l.unitPrice,
			amount: 0,
			tax: 0,
			taxRateId: l.text ? null : l.rate === undefined ? ctx.rates.s25.id : (l.rate?.id ?? null),
			discountText: l.discountText ?? null,
			discountMode: l.discountMode ?? null,
			discountValue: l.discountValue ?? null,
			priority: i + 1,
			unit: l.text ? null : (l.unit ?? 'pieces'),
		};
		if (!l.text) {
			const rateObj = line.taxRateId ? ctx.ratesById.get(line.taxRateId) : undefined;
			const booked = bookLine(line, rateObj ? dec(rateObj.rate) : dec(0), taxMode);
			line.amount = num(booked.net);
			line.tax = num(booked.tax);
			amount = amount.plus(booked.net);
			tax = tax.plus(booked.tax);
		}
		return line;
	});
	const gross = amount.plus(tax);
	const invoiceNo = state === 'draft' ? null : String(ctx.nextNo++);
	const isPaid = state === 'approved' && !!spec.isPaid;
	const doc: BillyInvoice = {
		id,
		organizationId: ctx.orgId,
		type: spec.type ?? 'invoice',
		createdTime,
		approvedTime: state === 'draft' ? null : approvedTime,
		contactId: spec.contact.id,
		attContactPersonId: spec.attContactPersonId ?? null,
		entryDate,
		paymentTermsMode: 'net',
		paymentTermsDays: 14,
		dueDate: addDays(entryDate, 14),
		state,
		sentState: state === 'approved' ? rng.pick(['sent', 'opened', 'viewed'] as const) : 'unsent',
		invoiceNo,
		taxMode,
		amount: num(amount),
		tax: num(tax),
		grossAmount: num(gross),
		currencyId: spec.currencyId ?? 'DKK',
		exchangeRate: spec.exchangeRate ?? 1,
		balance: isPaid || state !== 'approved' ? 0 : num(gross),
		isPaid,
		creditedInvoiceId: spec.credits?.id ?? null,
		contactMessage: spec.contactMessage ?? '',
		lineDescription: lines.find((l) => l.productId)?.description ?? '',
		recurringInvoiceId: null,
		downloadUrl: null,
		orderNo: spec.orderNo ?? null,
		externalId: null,
		lines,
	};
	ctx.invoices.push(doc);
	return doc;
}

function randomLines(ctx: Ctx, count: number, rate: BillyTaxRate | null): LineSpec[] {
	const { rng } = ctx;
	return Array.from({ length: count }, () => {
		const p = rng.pick(PRODUCTS);
		const quantity = p.unit === 'hours' ? rng.int(1, 30) / 2 : p.unit === 'km' ? rng.int(12, 480) : rng.int(1, 12);
		const line: LineSpec = {
			description: p.name,
			quantity: p.decimals ? rng.int(1, 12) * 500 : quantity,
			unitPrice: p.price,
			unit: p.unit,
			rate,
		};
		if (rng.chance(0.12)) {
			line.discountMode = 'percent';
			line.discountValue = rng.pick([5, 10, 12.5, 15]);
			line.discountText = 'Rabat';
		}
		return line;
	});
}

function showcase(ctx: Ctx, c: Customers): void {
	const { rates } = ctx;
	const [a, b, d, e, f] = c.dk;
	// 1. A plain invoice, 25 % VAT, excl.
	const plain = makeDocument(ctx, {
		contact: a,
		lines: [{ description: 'Konsulentbistand, oktober', quantity: 7.5, unitPrice: 950, unit: 'hours' }],
		orderNo: 'PO-2026-0117',
	});
	// 2. Mixed VAT: standard and exempt on one invoice, with a text line.
	makeDocument(ctx, {
		contact: b,
		lines: [
			{ description: 'Ydelser leveret i uge 2', quantity: 0, unitPrice: 0, text: true },
			{ description: 'Rengøring, kontor', quantity: 12, unitPrice: 412.5, unit: 'hours' },
			{
				description: 'Undervisning i hygiejne (momsfri)',
				quantity: 1,
				unitPrice: 2400,
				unit: 'pieces',
				rate: rates.exempt,
			},
			{ description: 'Bemærk: betaling senest på forfaldsdatoen', quantity: 0, unitPrice: 0, text: true },
		],
	});
	// 3. Tax-inclusive rounding trap: 3 × 99.95 gross.
	const incl = makeDocument(ctx, {
		contact: d,
		taxMode: 'incl',
		lines: [
			{ description: 'Lærredsprint A3', quantity: 1, unitPrice: 99.95 },
			{ description: 'Lærredsprint A3, mat', quantity: 1, unitPrice: 99.95 },
			{ description: 'Lærredsprint A3, blank', quantity: 1, unitPrice: 99.95 },
		],
	});
	// 4. Tax-inclusive with percent and cash discounts and odd quantities.
	makeDocument(ctx, {
		contact: e,
		taxMode: 'incl',
		lines: [
			{
				description: 'Kaffebønner, økologiske',
				quantity: 3.333,
				unitPrice: 164.8,
				unit: 'kg',
				discountMode: 'percent',
				discountValue: 7.5,
				discountText: 'Mængderabat',
			},
			{
				description: 'Kaffemaskine, service',
				quantity: 1,
				unitPrice: 1249,
				discountMode: 'cash',
				discountValue: 100,
				discountText: 'Kampagnerabat',
			},
			{ description: 'Kopper, stentøj', quantity: 6, unitPrice: 59.99 },
		],
	});
	// 5. Excl with cash discount and percent discount; price with 4 decimals.
	makeDocument(ctx, {
		contact: f,
		lines: [
			{
				description: 'Printerpapir A4',
				quantity: 2500,
				unitPrice: 0.3125,
				discountMode: 'percent',
				discountValue: 12.5,
				discountText: 'Aftalerabat',
			},
			{
				description: 'Servicebesøg',
				quantity: 1,
				unitPrice: 695,
				discountMode: 'cash',
				discountValue: 95.5,
				discountText: 'Rabat',
			},
			{ description: 'Kørsel', quantity: 37, unitPrice: 3.79, unit: 'km' },
		],
	});
	// 6. Reverse charge: EU services to Germany, in EUR with an exchange rate.
	makeDocument(ctx, {
		contact: c.de,
		currencyId: 'EUR',
		exchangeRate: 7.4603,
		lines: [
			{
				description: 'Softwareudvikling, sprint 14',
				quantity: 62,
				unitPrice: 118.5,
				unit: 'hours',
				rate: rates.euServices,
			},
			{ description: 'Rejseomkostninger', quantity: 1, unitPrice: 312.4, rate: rates.euServices },
		],
	});
	// 7. Intra-EU goods to Sweden, in SEK.
	makeDocument(ctx, {
		contact: c.se,
		currencyId: 'SEK',
		exchangeRate: 0.6512,
		lines: [
			{ description: 'Gulvbrædder, egetræ', quantity: 84.5, unitPrice: 520, unit: 'm2', rate: rates.euGoods },
			{
				description: 'Skruer, rustfri (pakke à 200)',
				quantity: 20,
				unitPrice: 119,
				unit: 'packages',
				rate: rates.euGoods,
			},
		],
	});
	// 8. Export to Norway (outside the EU), NOK.
	makeDocument(ctx, {
		contact: c.no,
		currencyId: 'NOK',
		exchangeRate: 0.6389,
		lines: [{ description: 'Bådmotor, renoveret', quantity: 1, unitPrice: 48500, rate: rates.export }],
	});
	// 9. Export to the UK, GBP, with a discount.
	makeDocument(ctx, {
		contact: c.gb,
		currencyId: 'GBP',
		exchangeRate: 8.6921,
		lines: [
			{
				description: 'Teak deck panels',
				quantity: 14,
				unitPrice: 289.9,
				unit: 'm2',
				rate: rates.export,
				discountMode: 'percent',
				discountValue: 10,
			},
		],
	});
	// 10. Public sector buyer with EAN; order number as buyer reference.
	const eanInvoice = makeDocument(ctx, {
		contact: c.ean,
		orderNo: 'EAN-REF 4471',
		lines: [
			{ description: 'Vedligehold af legeplads', quantity: 16, unitPrice: 545.5, unit: 'hours' },
			{ description: 'Sand til sandkasse', quantity: 2.4, unitPrice: 385, unit: 'tonnes' },
		],
	});
	// 11. City only as cityId (city trap).
	makeDocument(ctx, {
		contact: c.cityTrap,
		lines: [{ description: 'Vinduespudsning: Alt ude', quantity: 1, unitPrice: 300 }],
	});
	// 12. A private person (no PEPPOL identifiers).
	makeDocument(ctx, {
		contact: c.person,
		taxMode: 'incl',
		lines: [{ description: 'Cykelreparation', quantity: 1, unitPrice: 649 }],
	});
	// 13. Full credit note for the plain invoice; partial credit note for the tax-inclusive one.
	makeDocument(ctx, {
		contact: a,
		type: 'creditNote',
		credits: plain,
		lines: [{ description: 'Kreditering: Konsulentbistand, oktober', quantity: 7.5, unitPrice: 950, unit: 'hours' }],
	});
	makeDocument(ctx, {
		contact: d,
		type: 'creditNote',
		taxMode: 'incl',
		credits: incl,
		lines: [{ description: 'Kreditering: Lærredsprint A3, mat (fejltryk)', quantity: 1, unitPrice: 99.95 }],
	});
	// 14. Draft and voided: never exported.
	makeDocument(ctx, {
		contact: a,
		state: 'draft',
		lines: [{ description: 'Kladde: tilbud på tagrenovering', quantity: 1, unitPrice: 85000 }],
	});
	makeDocument(ctx, {
		contact: b,
		state: 'voided',
		lines: [{ description: 'Fejlfaktureret rengøring', quantity: 4, unitPrice: 412.5, unit: 'hours' }],
	});
	// 15. A 300-line invoice.
	makeDocument(ctx, { contact: c.dk[5], lines: randomLines(ctx, 300, rates.s25) });
	// 16. A negative (deduction) line on an invoice, and a paid invoice.
	makeDocument(ctx, {
		contact: c.dk[6],
		isPaid: true,
		lines: [
			{ description: 'Havearbejde, september', quantity: 22, unitPrice: 445, unit: 'hours' },
			{ description: 'Fradrag: forudbetalt depositum', quantity: -1, unitPrice: 2500 },
		],
	});
	// 17. Equal approval times (three documents in the same second), and a credit note on the EAN invoice.
	makeDocument(ctx, { contact: c.dk[7], lines: randomLines(ctx, 2, rates.s25) });
	makeDocument(ctx, { contact: c.dk[8], lines: randomLines(ctx, 3, rates.s25), sameTimeAsPrevious: true });
	makeDocument(ctx, {
		contact: c.ean,
		type: 'creditNote',
		credits: eanInvoice,
		sameTimeAsPrevious: true,
		lines: [{ description: 'Kreditering: Sand til sandkasse', quantity: 0.4, unitPrice: 385, unit: 'tonnes' }],
	});
	// 18. Tax-inclusive invoice with many small gross prices (per-line VAT rounding drifts from per-category).
	makeDocument(ctx, {
		contact: c.dk[9],
		taxMode: 'incl',
		lines: Array.from({ length: 9 }, (_, i) => ({
			description: `Sandwich nr. ${i + 1}`,
			quantity: 1,
			unitPrice: Number((38.45 + i * 0.1).toFixed(2)),
		})),
	});
	// 19. A zero-VAT-only invoice with no tax rate on the lines (exempt).
	makeDocument(ctx, {
		contact: c.dk[10],
		lines: [{ description: 'Kursusgebyr (momsfrit)', quantity: 3, unitPrice: 1450, rate: null }],
	});
}

export function generateBillyDataset(options: GenerateOptions): BillyDataset {
	const rng = new Rng(options.seed ?? 7);
	const orgId = rng.id();
	const rateList = taxRates(rng);
	const [s25, exempt, euServices, euGoods, exportRate] = rateList;
	const organization: BillyOrganization = {
		id: orgId,
		name: 'Søholm Håndværk & Design ApS',
		street: 'Ågade 14, 1. sal',
		zipcode: '8000',
		city: 'Aarhus C',
		countryId: 'DK',
		phone: '+45 86 12 34 56',
		email: 'bogholderi@soeholm-haandvaerk.dk',
		registrationNo: '25313763',
		baseCurrencyId: 'DKK',
		hasVat: true,
		localeId: 'da_DK',
		invoiceNoMode: 'sequential',
		nextInvoiceNo: 0,
		paymentTermsMode: 'net',
		paymentTermsDays: 14,
		defaultSalesTaxRulesetId: rng.id(),
	};
	const { customers, contacts, persons } = buildContacts(rng, orgId);
	const ctx: Ctx = {
		rng,
		orgId,
		rates: { s25, exempt, euServices, euGoods, export: exportRate },
		ratesById: new Map(rateList.map((r) => [r.id, r])),
		invoices: [],
		clock: new Date(`${options.start ?? '2026-01-05T08:00:00'}Z`),
		nextNo: 1001,
	};
	if (options.showcase !== false) showcase(ctx, customers);
	const dkCustomers = [...customers.dk, customers.ean, customers.cityTrap];
	while (ctx.invoices.length < options.count) {
		const roll = rng.float();
		const contact = rng.chance(0.08) ? customers.person : rng.pick(dkCustomers);
		if (roll < 0.06) {
			const approved = ctx.invoices.filter((i) => i.state === 'approved' && i.type === 'invoice');
			const original = approved.length ? rng.pick(approved) : undefined;
			if (original) {
				const firstLine = original.lines!.find((l) => l.productId)!;
				makeDocument(ctx, {
					contact: contacts.find((c) => c.id === original.contactId)!,
					type: 'creditNote',
					taxMode: original.taxMode,
					credits: original,
					lines: [
						{
							description: `Kreditering: ${firstLine.description}`,
							quantity: 1,
							unitPrice: Number(firstLine.unitPrice),
							unit: firstLine.unit ?? undefined,
						},
					],
				});
				continue;
			}
		}
		const state = roll > 0.97 ? 'draft' : roll > 0.95 ? 'voided' : 'approved';
		makeDocument(ctx, {
			contact,
			state,
			taxMode: contact.type === 'person' || rng.chance(0.15) ? 'incl' : 'excl',
			isPaid: rng.chance(0.4),
			lines: randomLines(ctx, rng.int(1, 6), rng.chance(0.05) ? exempt : s25),
			sameTimeAsPrevious: rng.chance(0.05),
		});
	}
	const invoices = ctx.invoices.slice(0, Math.max(options.count, 0));
	return {
		dataset: {
			system: 'billy',
			account: orgId,
			// What Billy's API cannot supply and a user enters as node parameters [I: no bank account on /organization].
			settings: {
				paymentMeans: { iban: 'DK5000400440116243', bic: 'DABADKKK', fikCreditorId: '85382743', fikCardType: '71' },
			},
		},
		organization,
		contacts,
		contactPersons: persons,
		invoices,
		taxRates: rateList,
		cities: CITIES,
	};
}

export function writeBillyDataset(dir: string, data: BillyDataset): void {
	mkdirSync(dir, { recursive: true });
	const write = (name: string, value: unknown) =>
		writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(value, null, '\t')}\n`);
	write('dataset', data.dataset);
	write('organization', data.organization);
	write('contacts', data.contacts);
	write('contactPersons', data.contactPersons);
	write('invoices', data.invoices);
	write('taxRates', data.taxRates);
	write('cities', data.cities);
}

if (require.main === module) {
	const args = process.argv.slice(2);
	const arg = (name: string) => {
		const i = args.indexOf(`--${name}`);
		return i >= 0 ? args[i + 1] : undefined;
	};
	const out = arg('out');
	if (!out) {
		console.error('usage: generate --out <dir> [--count N] [--seed S] [--no-showcase]');
		process.exit(2);
	}
	const data = generateBillyDataset({
		count: Number(arg('count') ?? 48),
		seed: Number(arg('seed') ?? 7),
		showcase: !args.includes('--no-showcase'),
	});
	writeBillyDataset(out, data);
	console.log(`wrote ${data.invoices.length} Billy documents to ${out}`);
}
