/**
 * Export rules: adaptor-level defaults plus a per-customer rule give each document its route
 * (activated?, format, destination and its settings, sender/receiver overrides). Pure; no n8n.
 */
import type { DocumentFormat } from '../einvoice/findings';
import type { Contact, Endpoint, Invoice } from '../einvoice/model';

/** Overrides of the seller side (BG-4), e.g. a fixed endpoint or contact for all documents. */
export interface SenderOverrides {
	name?: string;
	endpoint?: Endpoint;
	contact?: Contact;
	vatId?: string;
}

/** Overrides of the buyer side (BG-7) and buyer references. */
export interface ReceiverOverrides {
	name?: string;
	endpoint?: Endpoint;
	contact?: Contact;
	/** BT-10. Filled only when the source has none, unless `buyerReferenceMode` is `always`. */
	buyerReference?: string;
	buyerReferenceMode?: 'ifMissing' | 'always';
	/** BT-13, filled only when the source has none. */
	orderReference?: string;
}

export interface AdaptorDefaults {
	/** The one switch: false deactivates the adaptor for every customer. Default true. */
	enabled?: boolean;
	/** `all`: every customer unless its rule says otherwise; `listed`: only customers with an activated rule. */
	activate: 'all' | 'listed';
	format: DocumentFormat;
	destination: string;
	destinationSettings?: Record<string, unknown>;
	sender?: SenderOverrides;
	receiver?: ReceiverOverrides;
	/** Only documents issued on or after this date (YYYY-MM-DD) are exported. */
	activeFrom?: string;
}

export interface CustomerRule {
	customerId?: string;
	/** true activates (needed under `listed`), false deactivates; absent follows the defaults. */
	activated?: boolean;
	format?: DocumentFormat;
	destination?: string;
	/** Merged over the default settings key by key. */
	destinationSettings?: Record<string, unknown>;
	sender?: SenderOverrides;
	receiver?: ReceiverOverrides;
	activeFrom?: string;
}

export interface Route {
	activated: boolean;
	reason?: string;
	format: DocumentFormat;
	destination: string;
	destinationSettings: Record<string, unknown>;
	sender?: SenderOverrides;
	receiver?: ReceiverOverrides;
	/** Where the route came from: the customer's rule or the defaults alone. */
	rule: 'customer' | 'default';
	activeFrom?: string;
}

/** What the resolver reads from an item (a subset of the item contract). */
export interface RoutableItem {
	invoice?: Invoice;
	source?: { customerId?: string; customerName?: string; number?: string; updatedAt?: string };
}

export const FORMATS: DocumentFormat[] = ['peppol-bis3', 'oioubl21', 'edifact-d96a'];

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

/** Drop keys whose value is undefined/null/'' so an empty field in a rule does not erase a default. */
function compactObject<T extends object>(value: T | undefined): Partial<T> | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) {
		if (isBlank(v)) continue;
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			const inner = compactObject(v as object);
			if (inner && Object.keys(inner).length) out[k] = inner;
		} else out[k] = v;
	}
	return Object.keys(out).length ? (out as Partial<T>) : undefined;
}

function mergeParty<T extends SenderOverrides | ReceiverOverrides>(base?: T, over?: T): T | undefined {
	const a = compactObject(base) ?? {};
	const b = compactObject(over) ?? {};
	const merged = { ...a, ...b } as Record<string, unknown>;
	if ((a as SenderOverrides).contact || (b as SenderOverrides).contact)
		merged.contact = { ...(a as SenderOverrides).contact, ...(b as SenderOverrides).contact };
	return Object.keys(merged).length ? (merged as T) : undefined;
}

/** The date a document counts from for activation: its issue date (the day it was approved/booked). */
export function documentDate(item: RoutableItem): string | undefined {
	return item.invoice?.issueDate ?? item.source?.updatedAt?.slice(0, 10);
}

/** Check a rule's shape and return readable problems (bad format, bad dates, …). */
export function ruleProblems(rule: CustomerRule | AdaptorDefaults, label: string): string[] {
	const problems: string[] = [];
	if (rule.format !== undefined && !FORMATS.includes(rule.format))
		problems.push(`${label}: format "${rule.format}" is not one of ${FORMATS.join(', ')}`);
	if (rule.activeFrom !== undefined && rule.activeFrom !== '' && !/^\d{4}-\d{2}-\d{2}/.test(rule.activeFrom))
		problems.push(`${label}: activeFrom "${rule.activeFrom}" is not a date (YYYY-MM-DD)`);
	return problems;
}

/**
 * Merge defaults and the customer's rule into the item's route. The customer's fields win; settings and
 * sender/receiver overrides merge field by field. Throws on malformed rules so the item fails with a clear message.
 */
export function resolveRoute(
	defaults: AdaptorDefaults,
	customerRule: CustomerRule | undefined,
	item: RoutableItem,
): Route {
	const problems = [
		...ruleProblems(defaults, 'defaults'),
		...(customerRule ? ruleProblems(customerRule, 'customer rule') : []),
	];
	if (problems.length) throw new Error(problems.join('; '));
	const rule = customerRule ?? {};
	const route: Route = {
		activated: true,
		format: rule.format ?? defaults.format,
		destination: isBlank(rule.destination) ? defaults.destination : (rule.destination as string),
		destinationSettings: { ...compactObject(defaults.destinationSettings), ...compactObject(rule.destinationSettings) },
		rule: customerRule ? 'customer' : 'default',
	};
	const sender = mergeParty(defaults.sender, rule.sender);
	const receiver = mergeParty(defaults.receiver, rule.receiver);
	if (sender) route.sender = sender;
	if (receiver) route.receiver = receiver;
	const activeFrom = (isBlank(rule.activeFrom) ? defaults.activeFrom : rule.activeFrom) || undefined;
	if (activeFrom) route.activeFrom = activeFrom;

	const deactivate = (reason: string) => ({ ...route, activated: false, reason });
	if (defaults.enabled === false) return deactivate('export is switched off for all customers');
	if (rule.activated === false) return deactivate('customer is deactivated');
	if (defaults.activate === 'listed' && rule.activated !== true)
		return deactivate(customerRule ? 'customer rule does not activate the customer' : 'customer is not listed');
	if (activeFrom) {
		const date = documentDate(item);
		if (date && date < activeFrom.slice(0, 10))
			return deactivate(`before activation (${date} is before ${activeFrom.slice(0, 10)})`);
	}
	if (isBlank(route.destination)) return deactivate('no destination is set');
	return route;
}

/** Find a customer's rule in a list by customer id (string compare, so 42 and "42" match). */
export function findCustomerRule(
	rules: CustomerRule[],
	customerId: string | number | undefined,
): CustomerRule | undefined {
	if (customerId === undefined || customerId === null || customerId === '') return undefined;
	return rules.find((r) => r.customerId !== undefined && String(r.customerId) === String(customerId));
}

/** Apply a route's sender/receiver overrides to the canonical invoice (returns a new invoice). */
export function applyOverrides(invoice: Invoice, route: Pick<Route, 'sender' | 'receiver'>): Invoice {
	const out: Invoice = { ...invoice, seller: { ...invoice.seller }, buyer: { ...invoice.buyer } };
	const { sender, receiver } = route;
	if (sender) {
		if (sender.name) out.seller.name = sender.name;
		if (sender.endpoint) out.seller.endpoint = { ...sender.endpoint };
		if (sender.vatId) out.seller.vatId = sender.vatId;
		if (sender.contact) out.seller.contact = { ...out.seller.contact, ...sender.contact };
	}
	if (receiver) {
		if (receiver.name) out.buyer.name = receiver.name;
		if (receiver.endpoint) out.buyer.endpoint = { ...receiver.endpoint };
		if (receiver.contact) out.buyer.contact = { ...out.buyer.contact, ...receiver.contact };
		if (receiver.buyerReference && (receiver.buyerReferenceMode === 'always' || isBlank(out.buyerReference)))
			out.buyerReference = receiver.buyerReference;
		if (receiver.orderReference && isBlank(out.orderReference)) out.orderReference = receiver.orderReference;
	}
	return out;
}

const truthy = (v: unknown) =>
	v === true || v === 1 || (typeof v === 'string' && /^(true|yes|ja|1|on)$/i.test(v.trim()));
const falsy = (v: unknown) =>
	v === false || v === 0 || (typeof v === 'string' && /^(false|no|nej|0|off)$/i.test(v.trim()));

function endpointFrom(value: unknown): Endpoint | undefined {
	if (value && typeof value === 'object' && 'scheme' in value && 'id' in value) {
		const e = value as Endpoint;
		return e.scheme && e.id ? { scheme: String(e.scheme), id: String(e.id) } : undefined;
	}
	if (typeof value === 'string' && value.trim()) {
		const match = /^(?:iso6523-actorid-upis::)?(\d{4}):(.+)$/i.exec(value.trim());
		if (!match) throw new Error(`endpoint "${value}" is not <scheme>:<id>, e.g. 0184:12345674`);
		return { scheme: match[1], id: match[2] };
	}
	return undefined;
}

const SETTING_COLUMNS = ['companyCode', 'directory', 'fileName', 'url', 'path', 'email'];

/**
 * Read a customer rule from a structured object or from a flat row (a Data Table row or a spreadsheet line):
 * `customerId, activated, format, destination, activeFrom, companyCode, directory, fileName, url,
 * receiverEndpoint ("0184:…"), senderEndpoint, buyerReference, destinationSettings (object or JSON text)`.
 */
export function normaliseCustomerRule(raw: unknown): CustomerRule | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const row = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
	if (typeof row !== 'object' || Array.isArray(row)) throw new Error('a customer rule must be an object');
	const rule: CustomerRule = {};
	if (!isBlank(row.customerId)) rule.customerId = String(row.customerId);
	if (truthy(row.activated)) rule.activated = true;
	else if (falsy(row.activated)) rule.activated = false;
	if (!isBlank(row.format)) rule.format = String(row.format) as DocumentFormat;
	if (!isBlank(row.destination)) rule.destination = String(row.destination);
	if (!isBlank(row.activeFrom)) rule.activeFrom = String(row.activeFrom).slice(0, 10);
	let settings: Record<string, unknown> = {};
	if (typeof row.destinationSettings === 'string' && row.destinationSettings.trim())
		settings = JSON.parse(row.destinationSettings) as Record<string, unknown>;
	else if (row.destinationSettings && typeof row.destinationSettings === 'object')
		settings = { ...(row.destinationSettings as object) };
	for (const column of SETTING_COLUMNS) if (!isBlank(row[column])) settings[column] = row[column];
	if (Object.keys(settings).length) rule.destinationSettings = settings;
	const sender = { ...((row.sender as SenderOverrides) ?? {}) };
	const senderEndpoint = endpointFrom(row.senderEndpoint);
	if (senderEndpoint) sender.endpoint = senderEndpoint;
	if (Object.keys(sender).length) rule.sender = sender;
	const receiver = { ...((row.receiver as ReceiverOverrides) ?? {}) };
	const receiverEndpoint = endpointFrom(row.receiverEndpoint);
	if (receiverEndpoint) receiver.endpoint = receiverEndpoint;
	if (!isBlank(row.buyerReference)) receiver.buyerReference = String(row.buyerReference);
	if (Object.keys(receiver).length) rule.receiver = receiver;
	return rule;
}
