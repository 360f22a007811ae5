/**
 * Reads a canonical invoice that comes from outside our mappers (an n8n expression, a spreadsheet row turned into
 * JSON, a Code node) and checks its shape before any arithmetic or writing happens, so that bad input gives one
 * clear message listing what is wrong, never a JS crash deep inside the writer.
 *
 * This is a shape check, not a business-rule check: a missing buyer name or a wrong VAT combination is for
 * `preflight` (official rule ids). Numbers given for decimals are accepted and turned into decimal strings.
 */
import { dec } from './decimal';
import type { Invoice } from './model';

export class InvoiceInputError extends Error {
	constructor(readonly problems: string[]) {
		super(
			problems.length === 1
				? `Invalid invoice: ${problems[0]}`
				: `Invalid invoice (${problems.length} problems): ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? '; …' : ''}`,
		);
		this.name = 'InvoiceInputError';
	}
}

const VAT_CATEGORIES = new Set(['S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M']);
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

class Checker {
	problems: string[] = [];

	problem(path: string, text: string): void {
		this.problems.push(`${path} ${text}`);
	}

	object(parent: Json, key: string, path: string, required: boolean): Json | undefined {
		const value = parent[key];
		if (value === undefined || value === null) {
			if (required) this.problem(path, 'is missing');
			return undefined;
		}
		if (!isObject(value)) {
			this.problem(path, `must be an object, got ${describe(value)}`);
			return undefined;
		}
		return value;
	}

	array(parent: Json, key: string, path: string, required: boolean): unknown[] | undefined {
		const value = parent[key];
		if (value === undefined || value === null) {
			if (required) this.problem(path, 'is missing');
			return undefined;
		}
		if (!Array.isArray(value)) {
			this.problem(path, `must be a list, got ${describe(value)}`);
			return undefined;
		}
		return value;
	}

	/** A text field; numbers are accepted and turned into text (ids from spreadsheets). */
	text(parent: Json, key: string, path: string, required: boolean): void {
		const value = parent[key];
		if (value === undefined || value === null || value === '') {
			if (required) this.problem(path, 'is missing');
			if (value === null) delete parent[key];
			return;
		}
		if (typeof value === 'number' && Number.isFinite(value)) parent[key] = String(value);
		else if (typeof value !== 'string') this.problem(path, `must be text, got ${describe(value)}`);
	}

	date(parent: Json, key: string, path: string, required: boolean): void {
		const value = parent[key];
		if (value === undefined || value === null || value === '') {
			if (required) this.problem(path, 'is missing');
			return;
		}
		if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) parent[key] = value.slice(0, 10);
		const text = parent[key];
		if (typeof text !== 'string' || !ISO_DATE.test(text))
			this.problem(path, `must be a date YYYY-MM-DD, got ${describe(value)}`);
	}

	/** A decimal: a decimal string or a finite number (normalised to a string). Never NaN, never a float in the model. */
	decimal(parent: Json, key: string, path: string, required: boolean): void {
		const value = parent[key];
		if (value === undefined || value === null || value === '') {
			if (required) this.problem(path, 'is missing');
			else delete parent[key]; // an optional amount given as null or '' is absent, not zero
			return;
		}
		try {
			const parsed = dec(value, path);
			if (typeof value === 'number') parent[key] = parsed.toFixed();
		} catch {
			this.problem(path, `is not a decimal number: ${describe(value)}`);
		}
	}
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'number') return String(value);
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function checkAddress(c: Checker, parent: Json, key: string, path: string, required: boolean): void {
	const address = c.object(parent, key, path, required);
	if (!address) return;
	for (const field of ['line1', 'line2', 'line3', 'city', 'postalCode', 'countrySubdivision'])
		c.text(address, field, `${path}.${field}`, false);
	c.text(address, 'country', `${path}.country`, true);
	if (typeof address.country === 'string' && !/^[A-Z]{2}$/.test(address.country)) {
		c.problem(`${path}.country`, `must be an ISO 3166-1 alpha-2 code such as DK, got ${describe(address.country)}`);
	}
}

function checkParty(c: Checker, parent: Json, key: 'seller' | 'buyer', path: string): void {
	const party = c.object(parent, key, path, true);
	if (!party) return;
	c.text(party, 'name', `${path}.name`, false);
	c.text(party, 'vatId', `${path}.vatId`, false);
	for (const idKey of ['legalId']) {
		const id = c.object(party, idKey, `${path}.${idKey}`, false);
		if (id) c.text(id, 'id', `${path}.${idKey}.id`, true);
	}
	const endpoint = c.object(party, 'endpoint', `${path}.endpoint`, false);
	if (endpoint) {
		c.text(endpoint, 'scheme', `${path}.endpoint.scheme`, true);
		c.text(endpoint, 'id', `${path}.endpoint.id`, true);
	}
	checkAddress(c, party, 'address', `${path}.address`, false);
	c.object(party, 'contact', `${path}.contact`, false);
}

function checkVat(c: Checker, parent: Json, key: string, path: string, required: boolean): void {
	const vat = c.object(parent, key, path, required);
	if (!vat) return;
	if (typeof vat.category !== 'string' || !VAT_CATEGORIES.has(vat.category)) {
		c.problem(`${path}.category`, `must be one of S, Z, E, AE, K, G, O, L, M, got ${describe(vat.category)}`);
	}
	c.decimal(vat, 'rate', `${path}.rate`, false);
}

function checkAllowanceCharges(c: Checker, parent: Json, path: string, documentLevel: boolean): void {
	const list = c.array(parent, 'allowanceCharges', path, false);
	list?.forEach((entry, i) => {
		const where = `${path}[${i}]`;
		if (!isObject(entry)) return c.problem(where, `must be an object, got ${describe(entry)}`);
		if (typeof entry.isCharge !== 'boolean')
			c.problem(`${where}.isCharge`, 'must be true (charge) or false (allowance)');
		c.decimal(entry, 'amount', `${where}.amount`, false);
		c.decimal(entry, 'baseAmount', `${where}.baseAmount`, false);
		c.decimal(entry, 'percent', `${where}.percent`, false);
		const hasAmount = entry.amount !== undefined && entry.amount !== '';
		if (!hasAmount && (entry.baseAmount === undefined || entry.percent === undefined)) {
			c.problem(where, 'needs an amount, or a base amount and a percentage');
		}
		if (documentLevel) checkVat(c, entry, 'vat', `${where}.vat`, true);
	});
}

/**
 * Check and normalise an invoice given as an object or a JSON string. Returns a deep copy; throws
 * `InvoiceInputError` listing every problem found.
 */
export function readInvoiceInput(value: unknown): Invoice {
	let raw = value;
	if (typeof raw === 'string') {
		const text = raw.trim();
		if (!text) throw new InvoiceInputError(['the invoice is empty']);
		try {
			raw = JSON.parse(text);
		} catch (error) {
			throw new InvoiceInputError([`the invoice is not valid JSON (${(error as Error).message})`]);
		}
	}
	if (!isObject(raw)) throw new InvoiceInputError([`the invoice must be an object, got ${describe(raw)}`]);
	let invoice: typeof raw;
	try {
		invoice = structuredClone(raw);
	} catch (error) {
		// structuredClone recurses: JSON nested thousands of levels deep overflows the stack.
		throw new InvoiceInputError([
			`the invoice cannot be read (${error instanceof RangeError ? 'nested too deeply' : (error as Error).message})`,
		]);
	}
	const c = new Checker();

	if (invoice.kind === undefined && (invoice.typeCode === '381' || invoice.typeCode === 381))
		invoice.kind = 'creditNote';
	if (invoice.kind === undefined) invoice.kind = 'invoice';
	if (invoice.kind !== 'invoice' && invoice.kind !== 'creditNote')
		c.problem('kind', `must be "invoice" or "creditNote", got ${describe(invoice.kind)}`);
	c.text(invoice, 'typeCode', 'typeCode', false);
	c.text(invoice, 'number', 'number', true);
	c.date(invoice, 'issueDate', 'issueDate', true);
	c.date(invoice, 'dueDate', 'dueDate', false);
	c.date(invoice, 'taxPointDate', 'taxPointDate', false);
	c.text(invoice, 'currency', 'currency', true);
	if (typeof invoice.currency === 'string' && !/^[A-Z]{3}$/.test(invoice.currency)) {
		c.problem('currency', `must be an ISO 4217 code such as DKK, got ${describe(invoice.currency)}`);
	}
	for (const key of [
		'buyerReference',
		'orderReference',
		'salesOrderReference',
		'contractReference',
		'projectReference',
		'paymentTerms',
		'accountingCost',
	]) {
		c.text(invoice, key, key, false);
	}
	checkParty(c, invoice, 'seller', 'seller');
	checkParty(c, invoice, 'buyer', 'buyer');

	const lines = c.array(invoice, 'lines', 'lines', true);
	if (lines && lines.length === 0) c.problem('lines', 'must contain at least one line');
	lines?.forEach((line, i) => {
		const where = `lines[${i}]`;
		if (!isObject(line)) return c.problem(where, `must be an object, got ${describe(line)}`);
		if (line.id === undefined || line.id === null || line.id === '') line.id = String(i + 1);
		c.text(line, 'id', `${where}.id`, true);
		c.decimal(line, 'quantity', `${where}.quantity`, true);
		c.text(line, 'unitCode', `${where}.unitCode`, false);
		if (line.unitCode === undefined) line.unitCode = 'C62';
		c.decimal(line, 'netAmount', `${where}.netAmount`, false);
		const price = c.object(line, 'price', `${where}.price`, true);
		if (price) {
			c.decimal(price, 'amount', `${where}.price.amount`, true);
			c.decimal(price, 'baseQuantity', `${where}.price.baseQuantity`, false);
			c.decimal(price, 'discount', `${where}.price.discount`, false);
			c.decimal(price, 'grossAmount', `${where}.price.grossAmount`, false);
		}
		checkVat(c, line, 'vat', `${where}.vat`, true);
		const item = c.object(line, 'item', `${where}.item`, true);
		if (item) c.text(item, 'name', `${where}.item.name`, false);
		checkAllowanceCharges(c, line, `${where}.allowanceCharges`, false);
	});

	checkAllowanceCharges(c, invoice, 'allowanceCharges', true);
	c.decimal(invoice, 'prepaidAmount', 'prepaidAmount', false);
	c.decimal(invoice, 'roundingAmount', 'roundingAmount', false);
	const taxCurrency = c.object(invoice, 'taxCurrency', 'taxCurrency', false);
	if (taxCurrency) {
		c.text(taxCurrency, 'code', 'taxCurrency.code', true);
		c.decimal(taxCurrency, 'exchangeRate', 'taxCurrency.exchangeRate', false);
		c.decimal(taxCurrency, 'vatTotal', 'taxCurrency.vatTotal', false);
	}
	const booked = c.object(invoice, 'booked', 'booked', false);
	if (booked) {
		for (const key of ['vatTotal', 'taxInclusive', 'payable']) c.decimal(booked, key, `booked.${key}`, false);
		c.array(booked, 'vatByCategory', 'booked.vatByCategory', false)?.forEach((row, i) => {
			if (!isObject(row)) return c.problem(`booked.vatByCategory[${i}]`, 'must be an object');
			c.decimal(row, 'taxAmount', `booked.vatByCategory[${i}].taxAmount`, true);
			c.decimal(row, 'rate', `booked.vatByCategory[${i}].rate`, false);
		});
	}
	for (const key of ['notes', 'precedingInvoices', 'paymentMeans', 'attachments']) c.array(invoice, key, key, false);
	c.array(invoice, 'precedingInvoices', 'precedingInvoices', false)?.forEach((entry, i) => {
		if (!isObject(entry)) return c.problem(`precedingInvoices[${i}]`, 'must be an object');
		c.text(entry, 'number', `precedingInvoices[${i}].number`, true);
		c.date(entry, 'issueDate', `precedingInvoices[${i}].issueDate`, false);
	});
	c.array(invoice, 'paymentMeans', 'paymentMeans', false)?.forEach((entry, i) => {
		if (!isObject(entry)) return c.problem(`paymentMeans[${i}]`, 'must be an object');
		c.text(entry, 'code', `paymentMeans[${i}].code`, true);
	});
	// Totals are always computed (ARCHITECTURE: never copied blindly); what the source booked goes in `booked`.
	delete invoice.totals;

	if (c.problems.length) throw new InvoiceInputError(c.problems);
	return invoice as unknown as Invoice;
}
