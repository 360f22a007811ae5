/**
 * Generator of Dinero datasets in the sandbox layout (`dataset.json`, `contacts.json`, `invoices.json`,
 * `creditnotes.json`, `accounts.json`, `vatTypes.json`), in Dinero's own PascalCase JSON shapes.
 *
 * Deterministic for a seed. The first documents cover every scenario the mapper must handle (discounts, mixed VAT,
 * reverse charge, intra-EU goods, export, foreign currency, rounding traps, text lines, negative lines, EAN customers,
 * persons, a 300-line invoice, credit notes, drafts, deleted drafts, paid invoices); the rest cycle through the
 * common ones, so `--count 10000` gives a benchmark dataset with the same variety.
 *
 * Booked amounts follow our reading of Dinero's arithmetic [I]: line total = round(qty × price × (1 − discount%), 2),
 * line VAT = round(line total × rate, 2), document VAT = sum of line VAT (see nodes/Dinero/client.ts).
 *
 * CLI: node build/test/sandbox/dinero/generate.js --out <dir> [--count 48] [--seed 1] [--org 184512]
 */
import { gs1CheckDigit, hasValidCvrModulus, hasValidGs1CheckDigit } from '../../../nodes/shared/einvoice/check-digits';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Big from 'big.js';

import { stringifyDineroJson } from '../../../nodes/Dinero/json';

/** Int64.MaxValue: the number Dinero gives every draft. Written as a bare JSON number, exactly like the API. */
export const DRAFT_NUMBER = '9223372036854775807';

export interface GenerateOptions {
	/** Number of documents (invoices + credit notes, drafts and deleted ones included). */
	count: number;
	seed?: number;
	/** Organisation id (Dinero "firmaID"). */
	organizationId?: string;
	/** First document date (YYYY-MM-DD). */
	startDate?: string;
}

export interface GeneratedDataset {
	dataset: Record<string, unknown>;
	contacts: Record<string, unknown>[];
	invoices: Record<string, unknown>[];
	creditnotes: Record<string, unknown>[];
	accounts: Record<string, unknown>[];
	vatTypes: Record<string, unknown>[];
}

// ---------------------------------------------------------------------------------------------------------------
// Check digits

/** Danish CVR: 8 digits not starting with 0, modulus 11. */
export function isValidCvr(cvr: string): boolean {
	return /^[1-9]/.test(cvr) && hasValidCvrModulus(cvr);
}

/** A 13-digit GLN with its GS1 check digit. */
export function isValidGln(gln: string): boolean {
	return /^\d{13}$/.test(gln) && hasValidGs1CheckDigit(gln);
}

const glnCheckDigit = gs1CheckDigit;

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

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

class Random {
	private next: () => number;
	constructor(seed: number) {
		this.next = mulberry32(seed);
	}
	float(): number {
		return this.next();
	}
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}
	pick<T>(list: readonly T[]): T {
		return list[Math.floor(this.next() * list.length)];
	}
	digits(n: number): string {
		let s = '';
		for (let i = 0; i < n; i++) s += String(this.int(0, 9));
		return s;
	}
	guid(): string {
		const hex = () => this.int(0, 15).toString(16);
		const part = (n: number) => Array.from({ length: n }, hex).join('');
		return `${part(8)}-${part(4)}-4${part(3)}-${'89ab'[this.int(0, 3)]}${part(3)}-${part(12)}`;
	}
	cvr(): string {
		for (;;) {
			const first7 = String(this.int(1, 9)) + this.digits(6);
			const weights = [2, 7, 6, 5, 4, 3, 2];
			const s = weights.reduce((acc, w, i) => acc + w * Number(first7[i]), 0);
			const check = (11 - (s % 11)) % 11;
			if (check < 10) return first7 + String(check);
		}
	}
	gln(prefix: string): string {
		const first12 = prefix + this.digits(12 - prefix.length);
		return first12 + String(glnCheckDigit(first12));
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Chart of accounts and VAT types (Dinero's standard chart, our reading of its VAT codes [I])

export const ACCOUNTS = [
	{ AccountNumber: 1000, Name: 'Salg af varer/ydelser m/moms', VatCode: 'U25', Category: 'Revenue', IsHidden: false },
	{ AccountNumber: 1010, Name: 'Salg af varer/ydelser u/moms', VatCode: 'UMF', Category: 'Revenue', IsHidden: false },
	{ AccountNumber: 1100, Name: 'Salg af varer til EU', VatCode: 'UEUV', Category: 'Revenue', IsHidden: false },
	{ AccountNumber: 1110, Name: 'Salg af ydelser til EU', VatCode: 'UEUY', Category: 'Revenue', IsHidden: false },
	{
		AccountNumber: 1200,
		Name: 'Salg af varer/ydelser uden for EU',
		VatCode: 'UEXP',
		Category: 'Revenue',
		IsHidden: false,
	},
	{ AccountNumber: 1300, Name: 'Fragt og gebyrer', VatCode: 'U25', Category: 'Revenue', IsHidden: false },
];

export const VAT_TYPES = [
	{ VatCode: 'U25', Name: 'Salgsmoms 25%', VatRate: 0.25 },
	{ VatCode: 'UMF', Name: 'Momsfritaget salg', VatRate: 0 },
	{ VatCode: 'UEUV', Name: 'Salg af varer til andre EU-lande', VatRate: 0 },
	{ VatCode: 'UEUY', Name: 'Salg af ydelser til andre EU-lande (omvendt betalingspligt)', VatRate: 0 },
	{ VatCode: 'UEXP', Name: 'Eksport uden for EU', VatRate: 0 },
	{ VatCode: 'I25', Name: 'Købsmoms 25%', VatRate: 0.25 },
	{ VatCode: 'none', Name: 'Ingen moms', VatRate: 0 },
];

const RATE_BY_ACCOUNT = new Map(
	ACCOUNTS.map((a) => [a.AccountNumber, new Big(VAT_TYPES.find((v) => v.VatCode === a.VatCode)!.VatRate)]),
);

// ---------------------------------------------------------------------------------------------------------------
// Contacts

type ContactKind = 'dk' | 'dkEan' | 'person' | 'eu' | 'export';

interface ContactSeed {
	kind: ContactKind;
	name: string;
	street: string;
	zip: string;
	city: string;
	country: string;
	vat?: string;
	att?: string;
}

const DANISH_COMPANIES: ContactSeed[] = [
	{ kind: 'dk', name: 'Ærø Tømrerfirma ApS', street: 'Søndergade 12', zip: '5970', city: 'Ærøskøbing', country: 'DK' },
	{
		kind: 'dk',
		name: 'Søborg Rørservice A/S',
		street: 'Søborg Hovedgade 101',
		zip: '2860',
		city: 'Søborg',
		country: 'DK',
	},
	{ kind: 'dk', name: 'Åbenrå Økologi I/S', street: 'Storegade 7', zip: '6200', city: 'Aabenraa', country: 'DK' },
	{
		kind: 'dk',
		name: 'Brødrene Ødegaard ApS',
		street: 'Fælledvej 3, 2. th.',
		zip: '8000',
		city: 'Aarhus C',
		country: 'DK',
	},
	{ kind: 'dk', name: 'Kærgård Fiskeri & Røgeri', street: 'Havnen 1', zip: '9850', city: 'Hirtshals', country: 'DK' },
	{
		kind: 'dk',
		name: 'Møllers Cykelværksted',
		street: 'Nørrebrogade 44',
		zip: '2200',
		city: 'København N',
		country: 'DK',
	},
	{
		kind: 'dk',
		name: 'Grønnegårdens Blomster ApS',
		street: 'Østergade 9',
		zip: '4000',
		city: 'Roskilde',
		country: 'DK',
	},
	{
		kind: 'dk',
		name: 'Fyns Lås & Nøgleservice',
		street: 'Vestergade 88',
		zip: '5000',
		city: 'Odense C',
		country: 'DK',
	},
];

const EAN_CUSTOMERS: ContactSeed[] = [
	{
		kind: 'dkEan',
		name: 'Hørsholm Kommune',
		street: 'Ådalsparkvej 2',
		zip: '2970',
		city: 'Hørsholm',
		country: 'DK',
		att: 'Økonomiafdelingen, Lene Bæk',
	},
	{
		kind: 'dkEan',
		name: 'Region Sjælland',
		street: 'Alléen 15',
		zip: '4180',
		city: 'Sorø',
		country: 'DK',
		att: 'Jørgen Skårup',
	},
	{
		kind: 'dkEan',
		name: 'Næstved Gymnasium',
		street: 'Nygårdsvej 43',
		zip: '4700',
		city: 'Næstved',
		country: 'DK',
		att: 'Søren Ås',
	},
];

const PERSONS: ContactSeed[] = [
	{ kind: 'person', name: 'Søren Kierkegård', street: 'Nytorv 2', zip: '1450', city: 'København K', country: 'DK' },
	{ kind: 'person', name: 'Åse Ørsted Jæger', street: 'Skovbrynet 14', zip: '8600', city: 'Silkeborg', country: 'DK' },
];

const EU_COMPANIES: ContactSeed[] = [
	{
		kind: 'eu',
		name: 'Müller Maschinenbau GmbH',
		street: 'Königstraße 5',
		zip: '24937',
		city: 'Flensburg',
		country: 'DE',
		vat: 'DE811907980',
	},
	{
		kind: 'eu',
		name: 'Åkesson Trä AB',
		street: 'Storgatan 1',
		zip: '21122',
		city: 'Malmö',
		country: 'SE',
		vat: 'SE556036079301',
	},
	{
		kind: 'eu',
		name: 'Van der Berg Logistiek B.V.',
		street: 'Havenstraat 10',
		zip: '3011',
		city: 'Rotterdam',
		country: 'NL',
		vat: 'NL004495445B01',
	},
];

const EXPORT_COMPANIES: ContactSeed[] = [
	{
		kind: 'export',
		name: 'Fjordkraft Bergen AS',
		street: 'Strandkaien 2',
		zip: '5013',
		city: 'Bergen',
		country: 'NO',
		vat: 'NO923609016MVA',
	},
	{
		kind: 'export',
		name: 'Northwind Traders Inc.',
		street: '500 Market Street',
		zip: '94105',
		city: 'San Francisco',
		country: 'US',
	},
];

function contactRecord(rnd: Random, seed: ContactSeed, createdAt: string): Record<string, unknown> {
	const isPerson = seed.kind === 'person';
	const cvr = seed.kind === 'dk' || seed.kind === 'dkEan' ? rnd.cvr() : undefined;
	const email = isPerson
		? `${seed.name
				.split(' ')[0]
				.toLowerCase()
				.replace(/[^a-z]/g, '')}@example.dk`
		: `faktura@${seed.name
				.toLowerCase()
				.replace(/[^a-z]/g, '')
				.slice(0, 16)}.example`;
	return {
		ContactGuid: rnd.guid(),
		ExternalReference: null,
		Name: seed.name,
		Street: seed.street,
		ZipCode: seed.zip,
		City: seed.city,
		CountryKey: seed.country,
		Phone: isPerson ? `+45 ${rnd.digits(8)}` : `+45 ${rnd.digits(8)}`,
		Email: email,
		Webpage: null,
		AttPerson: seed.att ?? '',
		// The CVR is stored without prefix for some contacts and with "DK" for others [I]: the mapper normalises.
		VatNumber: cvr ? (rnd.float() < 0.3 ? `DK${cvr}` : cvr) : (seed.vat ?? null),
		EanNumber: seed.kind === 'dkEan' ? rnd.gln('579') : seed.country === 'US' ? rnd.gln('0614') : null,
		SeNumber: null,
		PNumber: null,
		IsPerson: isPerson,
		IsMember: false,
		MemberNumber: null,
		UseCvr: !!cvr,
		CompanyTypeKey: isPerson ? null : 'ApS',
		PaymentConditionType: 'Netto',
		PaymentConditionNumberOfDays: seed.kind === 'dkEan' ? 30 : 14,
		IsDebitor: true,
		IsCreditor: false,
		CreatedAt: createdAt,
		UpdatedAt: createdAt,
		DeletedAt: null,
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Documents

type Scenario =
	| 'standard'
	| 'discount'
	| 'mixedVat'
	| 'reverseCharge'
	| 'euGoods'
	| 'export'
	| 'foreignCurrency'
	| 'roundingTrap'
	| 'textLines'
	| 'negativeLine'
	| 'ean'
	| 'person'
	| 'large'
	| 'paid'
	| 'draft'
	| 'deleted'
	| 'creditNote'
	| 'creditNoteDraft';

/** Every scenario once, first; then the common ones in rotation. */
const FIRST: Scenario[] = [
	'standard',
	'discount',
	'mixedVat',
	'reverseCharge',
	'euGoods',
	'export',
	'foreignCurrency',
	'roundingTrap',
	'textLines',
	'negativeLine',
	'ean',
	'person',
	'large',
	'paid',
	'draft',
	'deleted',
	'creditNote',
	'creditNoteDraft',
];
const ROTATION: Scenario[] = [
	'standard',
	'discount',
	'standard',
	'mixedVat',
	'ean',
	'paid',
	'standard',
	'reverseCharge',
	'creditNote',
	'roundingTrap',
	'foreignCurrency',
	'standard',
	'textLines',
	'draft',
	'export',
	'discount',
	'euGoods',
	'person',
	'negativeLine',
	'deleted',
];

const UNITS = [
	'parts',
	'hours',
	'km',
	'day',
	'kilogram',
	'litre',
	'metre',
	'box',
	'set',
	'month',
	'squareMetre',
	'tonne',
];
const PRODUCTS = [
	'Konsulentbistand',
	'Tømrerarbejde',
	'Rørføring, kobber 15 mm',
	'Kørsel',
	'Økologiske æbler',
	'Smøreolie',
	'Kabel, 3×1,5 mm²',
	'Emballage',
	'Værktøjssæt',
	'Serviceaftale',
	'Gulvbelægning',
	'Grus',
];

interface LineSpec {
	text?: string;
	description?: string;
	quantity?: string;
	price?: string;
	discount?: string;
	account?: number;
	unit?: string;
}

function productLine(spec: LineSpec): Record<string, unknown> {
	if (spec.text !== undefined) {
		return {
			ProductGuid: null,
			Description: spec.text,
			Comments: '',
			Quantity: 0,
			Unit: 'parts',
			AccountNumber: 1000,
			AccountName: ACCOUNTS[0].Name,
			BaseAmountValue: 0,
			BaseAmountValueInclVat: 0,
			Discount: 0,
			TotalAmount: 0,
			TotalAmountInclVat: 0,
			LineType: 'Text',
		};
	}
	const account = spec.account ?? 1000;
	const rate = RATE_BY_ACCOUNT.get(account)!;
	const quantity = new Big(spec.quantity ?? '1');
	const price = new Big(spec.price ?? '100');
	const discount = new Big(spec.discount ?? '0');
	const total = quantity
		.times(price)
		.times(new Big(1).minus(discount.div(100)))
		.round(2, 1);
	const vat = total.times(rate).round(2, 1);
	return {
		ProductGuid: null,
		Description: spec.description ?? 'Vare',
		Comments: '',
		Quantity: Number(quantity.toString()),
		Unit: spec.unit ?? 'parts',
		AccountNumber: account,
		AccountName: ACCOUNTS.find((a) => a.AccountNumber === account)!.Name,
		BaseAmountValue: Number(price.toString()),
		BaseAmountValueInclVat: Number(price.times(rate.plus(1)).round(4, 1).toString()),
		Discount: Number(discount.toString()),
		TotalAmount: Number(total.toString()),
		TotalAmountInclVat: Number(total.plus(vat).toString()),
		LineType: 'Product',
	};
}

function addDays(date: string, days: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

function timestamp(date: string, seconds: number, millis: number): string {
	const h = Math.floor(seconds / 3600) % 24;
	const m = Math.floor(seconds / 60) % 60;
	const s = seconds % 60;
	const pad = (n: number, w = 2) => String(n).padStart(w, '0');
	// Dinero writes timestamps without a zone and with a varying number of fraction digits.
	const fraction = millis % 10 === 0 ? String(millis / 10).padStart(2, '0') : pad(millis, 3);
	return `${date}T${pad(h)}:${pad(m)}:${pad(s)}.${fraction}`;
}

interface DocumentDraft {
	scenario: Scenario;
	contact: Record<string, unknown>;
	currency: string;
	lines: LineSpec[];
	comment?: string;
	externalReference?: string;
}

function randomLines(rnd: Random, n: number, account: number, withDiscount = false): LineSpec[] {
	return Array.from({ length: n }, () => {
		const i = rnd.int(0, PRODUCTS.length - 1);
		return {
			description: PRODUCTS[i],
			unit: UNITS[i],
			quantity: rnd.pick(['1', '2', '3', '5', '7.5', '10', '0.25', '12']),
			price: `${rnd.int(5, 4999)}.${rnd.pick(['00', '50', '95', '99', '25', '10'])}`,
			discount: withDiscount ? rnd.pick(['10', '12.5', '15', '5', '33.33']) : undefined,
			account,
		};
	});
}

function totalsOf(lines: Record<string, unknown>[]): Record<string, number> {
	let excl = new Big(0);
	let vat = new Big(0);
	let vatable = new Big(0);
	let nonVatable = new Big(0);
	for (const l of lines) {
		if (l.LineType !== 'Product') continue;
		const total = new Big(l.TotalAmount as number);
		const lineVat = new Big(l.TotalAmountInclVat as number).minus(total);
		excl = excl.plus(total);
		vat = vat.plus(lineVat);
		if (RATE_BY_ACCOUNT.get(l.AccountNumber as number)!.gt(0)) vatable = vatable.plus(total);
		else nonVatable = nonVatable.plus(total);
	}
	return {
		TotalExclVat: Number(excl.toString()),
		TotalVatableAmount: Number(vatable.toString()),
		TotalNonVatableAmount: Number(nonVatable.toString()),
		TotalVat: Number(vat.toString()),
		TotalInclVat: Number(excl.plus(vat).toString()),
	};
}

const RATES_TO_DKK: Record<string, string> = { DKK: '1', EUR: '7.4604', SEK: '0.6521', USD: '6.8915', NOK: '0.6410' };

/** Generate a dataset in memory. */
export function generateDineroDataset(options: GenerateOptions): GeneratedDataset {
	const rnd = new Random(options.seed ?? 1);
	const org = options.organizationId ?? '184512';
	const start = options.startDate ?? '2026-01-05';

	const contactsBy: Record<ContactKind, Record<string, unknown>[]> = {
		dk: [],
		dkEan: [],
		person: [],
		eu: [],
		export: [],
	};
	const contacts: Record<string, unknown>[] = [];
	for (const seed of [...DANISH_COMPANIES, ...EAN_CUSTOMERS, ...PERSONS, ...EU_COMPANIES, ...EXPORT_COMPANIES]) {
		const record = contactRecord(rnd, seed, `2025-12-0${1 + (contacts.length % 9)}T09:00:00.1`);
		contacts.push(record);
		contactsBy[seed.kind].push(record);
	}

	const invoices: Record<string, unknown>[] = [];
	const creditnotes: Record<string, unknown>[] = [];
	const booked: Record<string, unknown>[] = [];
	let nextNumber = 1001;
	let clock = 8 * 3600;
	let day = 0;
	let lastUpdatedAt = '';

	for (let i = 0; i < options.count; i++) {
		const scenario = i < FIRST.length ? FIRST[i] : ROTATION[(i - FIRST.length) % ROTATION.length];
		if (i % 4 === 0) day++;
		const date = addDays(start, day % 330);
		clock += rnd.int(30, 900);
		// Every 6th document shares the previous document's UpdatedAt (Dinero timestamps collide in batch bookings).
		const shareTimestamp = i % 6 === 5;
		if (!shareTimestamp) clock += 1;
		const createdAt = timestamp(date, clock % 86400, rnd.int(0, 999));
		const updatedAt =
			shareTimestamp && lastUpdatedAt ? lastUpdatedAt : timestamp(date, (clock + 2) % 86400, rnd.int(0, 999));
		lastUpdatedAt = updatedAt;

		if ((scenario === 'creditNote' || scenario === 'creditNoteDraft') && booked.length > 0) {
			const original = booked[Math.floor(rnd.float() * booked.length)];
			const originalLines = (original.ProductLines as Record<string, unknown>[]).filter(
				(l) => l.LineType === 'Product',
			);
			const partial = rnd.float() < 0.5 && originalLines.length > 0;
			const lines = partial
				? [productLine({ ...lineSpecOf(originalLines[0]), quantity: '1' })]
				: originalLines.map((l) => ({ ...l }));
			const isDraft = scenario === 'creditNoteDraft';
			const note = documentRecord({
				rnd,
				kind: 'creditNote',
				number: isDraft ? DRAFT_NUMBER : String(nextNumber++),
				status: isDraft ? 'Draft' : 'Booked',
				contact: contacts.find((c) => c.ContactGuid === original.ContactGuid)!,
				currency: String(original.Currency),
				date,
				createdAt,
				updatedAt,
				lines,
				comment: partial ? 'Kreditering af én enhed' : 'Fuld kreditering',
				creditNoteFor: String(original.Guid),
			});
			creditnotes.push(note);
			continue;
		}

		const draft = draftFor(
			rnd,
			scenario === 'creditNote' || scenario === 'creditNoteDraft' ? 'standard' : scenario,
			contactsBy,
		);
		const isDraft = scenario === 'draft' || scenario === 'deleted';
		const lines = draft.lines.map(productLine);
		const record = documentRecord({
			rnd,
			kind: 'invoice',
			number: isDraft ? DRAFT_NUMBER : String(nextNumber++),
			status: isDraft ? 'Draft' : scenario === 'paid' ? 'Paid' : i % 3 === 0 ? 'Overdue' : 'Booked',
			contact: draft.contact,
			currency: draft.currency,
			date,
			createdAt,
			updatedAt: scenario === 'paid' ? timestamp(addDays(date, 9), 36000, 250) : updatedAt,
			lines,
			comment: draft.comment,
			externalReference: draft.externalReference,
			deletedAt: scenario === 'deleted' ? timestamp(addDays(date, 1), 40000, 120) : null,
		});
		invoices.push(record);
		if (!isDraft) booked.push(record);
	}

	const dataset = {
		system: 'dinero',
		account: org,
		seller: {
			name: 'Nordlys Værktøj ApS',
			cvr: '30005309',
			street: 'Industrivej 21',
			postalCode: '7100',
			city: 'Vejle',
			country: 'DK',
			contactName: 'Bogholderiet',
			email: 'faktura@nordlysvaerktoej.example',
			phone: '+45 75 00 00 00',
			paymentMethod: 'iban',
			iban: 'DK5000400440116243',
			bic: 'DABADKKK',
		},
		settings: {
			clientId: 'sandbox-client',
			clientSecret: 'sandbox-secret',
			apiKey: 'sandbox-api-key',
			organizationName: 'Nordlys Værktøj ApS',
		},
	};
	return { dataset, contacts, invoices, creditnotes, accounts: ACCOUNTS, vatTypes: VAT_TYPES };
}

function lineSpecOf(line: Record<string, unknown>): LineSpec {
	return {
		description: String(line.Description),
		unit: String(line.Unit),
		quantity: String(line.Quantity),
		price: String(line.BaseAmountValue),
		discount: String(line.Discount),
		account: Number(line.AccountNumber),
	};
}

function draftFor(rnd: Random, scenario: Scenario, by: Record<ContactKind, Record<string, unknown>[]>): DocumentDraft {
	const dk = () => rnd.pick(by.dk);
	switch (scenario) {
		case 'discount':
			return {
				scenario,
				contact: dk(),
				currency: 'DKK',
				lines: randomLines(rnd, rnd.int(2, 5), 1000, true),
				externalReference: `PO-${rnd.digits(5)}`,
			};
		case 'mixedVat':
			return {
				scenario,
				contact: dk(),
				currency: 'DKK',
				lines: [
					...randomLines(rnd, 2, 1000),
					{
						description: 'Kursusafgift (momsfri undervisning)',
						unit: 'session',
						quantity: '1',
						price: '2500.00',
						account: 1010,
					},
					...randomLines(rnd, 1, 1300),
				],
			};
		case 'reverseCharge':
			return {
				scenario,
				contact: rnd.pick(by.eu),
				currency: 'EUR',
				lines: [
					{
						description: 'Konsulentbistand, implementering',
						unit: 'hours',
						quantity: String(rnd.int(3, 40)),
						price: '125.00',
						account: 1110,
					},
				],
			};
		case 'euGoods':
			return { scenario, contact: rnd.pick(by.eu), currency: 'EUR', lines: randomLines(rnd, rnd.int(1, 4), 1100) };
		case 'export':
			return {
				scenario,
				contact: rnd.pick(by.export),
				currency: rnd.pick(['USD', 'NOK', 'DKK']),
				lines: randomLines(rnd, rnd.int(1, 3), 1200),
			};
		case 'foreignCurrency':
			return {
				scenario,
				contact: dk(),
				currency: rnd.pick(['EUR', 'SEK']),
				lines: randomLines(rnd, rnd.int(1, 3), 1000),
			};
		case 'roundingTrap':
			// Per-line VAT rounding: 0.125 × 25% = 0.03125 → 0.03 on every line, while the category total rounds up.
			return {
				scenario,
				contact: dk(),
				currency: 'DKK',
				lines: [
					...Array.from({ length: 24 }, (_, k) => ({
						description: `Skrue M${4 + (k % 6)}`,
						unit: 'parts',
						quantity: '1',
						price: '0.125',
						account: 1000,
					})),
					{ description: 'Møtrik', unit: 'parts', quantity: '3', price: '0.3333', account: 1000 },
					{ description: 'Skive', unit: 'parts', quantity: '7', price: '1.995', discount: '33.33', account: 1000 },
				],
			};
		case 'textLines':
			return {
				scenario,
				contact: dk(),
				currency: 'DKK',
				comment: 'Tak for handlen – betaling venligst med fakturanummer som reference.',
				lines: [
					{ text: 'Levering uge 12: værksted i Vejle' },
					...randomLines(rnd, 2, 1000),
					{ text: 'Husk: reklamation senest 14 dage efter modtagelse' },
				],
			};
		case 'negativeLine':
			return {
				scenario,
				contact: dk(),
				currency: 'DKK',
				lines: [
					...randomLines(rnd, 2, 1000),
					{ description: 'Returneret emballage', unit: 'parts', quantity: '-4', price: '12.50', account: 1000 },
				],
			};
		case 'ean':
			return {
				scenario,
				contact: rnd.pick(by.dkEan),
				currency: 'DKK',
				lines: randomLines(rnd, rnd.int(1, 6), 1000, rnd.float() < 0.3),
				externalReference: `Ordre ${rnd.digits(6)}`,
			};
		case 'person':
			return { scenario, contact: rnd.pick(by.person), currency: 'DKK', lines: randomLines(rnd, rnd.int(1, 3), 1000) };
		case 'large':
			return {
				scenario,
				contact: rnd.pick(by.dkEan),
				currency: 'DKK',
				lines: randomLines(rnd, 300, 1000, false).map((l, k) => (k % 10 === 3 ? { ...l, discount: '10' } : l)),
			};
		default:
			return { scenario, contact: dk(), currency: 'DKK', lines: randomLines(rnd, rnd.int(1, 5), 1000) };
	}
}

interface DocumentArgs {
	rnd: Random;
	kind: 'invoice' | 'creditNote';
	number: string;
	status: string;
	contact: Record<string, unknown>;
	currency: string;
	date: string;
	createdAt: string;
	updatedAt: string;
	lines: Record<string, unknown>[];
	comment?: string;
	externalReference?: string;
	creditNoteFor?: string;
	deletedAt?: string | null;
}

function documentRecord(a: DocumentArgs): Record<string, unknown> {
	const totals = totalsOf(a.lines);
	const rate = new Big(RATES_TO_DKK[a.currency] ?? '1');
	const days = Number(a.contact.PaymentConditionNumberOfDays ?? 14);
	const record: Record<string, unknown> = {
		Guid: a.rnd.guid(),
		// Kept as a string here and written as a bare JSON number by `writeDataset` (drafts exceed 2^53).
		Number: a.number,
		Status: a.status,
		PaymentStatus: a.status,
		PaymentDate: addDays(a.date, days),
		PaymentConditionType: 'Netto',
		PaymentConditionNumberOfDays: days,
		ContactGuid: a.contact.ContactGuid,
		ContactName: a.contact.Name,
		Date: a.date,
		Currency: a.currency,
		Language: a.contact.CountryKey === 'DK' ? 'da-DK' : 'en-GB',
		ExternalReference: a.externalReference ?? null,
		Description: a.kind === 'creditNote' ? 'Kreditnota' : 'Faktura',
		Comment: a.comment ?? '',
		Address: [a.contact.Name, a.contact.Street, `${a.contact.ZipCode} ${a.contact.City}`].join('\n'),
		ShowLinesInclVat: false,
		...totals,
		TotalExclVatInDkk: Number(new Big(totals.TotalExclVat).times(rate).round(2, 1).toString()),
		TotalInclVatInDkk: Number(new Big(totals.TotalInclVat).times(rate).round(2, 1).toString()),
		TotalLines: [
			{ Type: 'SubTotal', TotalAmount: totals.TotalExclVat, Position: 0, Label: 'Subtotal' },
			{ Type: 'Vat', TotalAmount: totals.TotalVat, Position: 1, Label: 'Moms' },
			{ Type: 'Total', TotalAmount: totals.TotalInclVat, Position: 2, Label: 'Total' },
		],
		MailOutStatus: a.status === 'Draft' ? 'NotSent' : 'Sent',
		TimeStamp: String(8766398 + Math.floor(a.rnd.float() * 1e6)).padStart(16, '0'),
		CreatedAt: a.createdAt,
		UpdatedAt: a.updatedAt,
		DeletedAt: a.deletedAt ?? null,
		ProductLines: a.lines,
	};
	if (a.kind === 'creditNote') record.CreditNoteFor = a.creditNoteFor;
	return record;
}

/** Write a dataset folder. */
export function writeDataset(dir: string, data: GeneratedDataset): void {
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'dataset.json'), `${JSON.stringify(data.dataset, null, '\t')}\n`);
	for (const name of ['contacts', 'invoices', 'creditnotes', 'accounts', 'vatTypes'] as const) {
		writeFileSync(path.join(dir, `${name}.json`), `${stringifyDineroJson(data[name], '\t')}\n`);
	}
}

if (require.main === module) {
	const args = process.argv.slice(2);
	const arg = (name: string) => {
		const i = args.indexOf(`--${name}`);
		return i >= 0 ? args[i + 1] : undefined;
	};
	const out = arg('out');
	if (!out) {
		console.error('usage: generate.js --out <dir> [--count 48] [--seed 1] [--org 184512]');
		process.exit(2);
	}
	const data = generateDineroDataset({
		count: Number(arg('count') ?? 48),
		seed: Number(arg('seed') ?? 1),
		organizationId: arg('org'),
	});
	writeDataset(out, data);
	console.log(`wrote ${data.invoices.length} invoices and ${data.creditnotes.length} credit notes to ${out}`);
}
