/**
 * Runs an operation once per input item, the way every action node of this package behaves:
 * - each output item gets `pairedItem` pointing at its input item (unless the operation set one);
 * - an error on one item never stops the others when the node continues on fail: the item goes out with
 *   `json.error` (a message naming the invoice number, the system and the cause) and `json.details` ({ system,
 *   number, kind, itemIndex, httpCode?, description? }), its binary and `pairedItem`. On the regular output it keeps
 *   its input json; with "Continue (using error output)" it carries only error + details, which is what n8n routes to
 *   the error output, where n8n merges the input item's json back in;
 * - otherwise the error is thrown as `NodeApiError` / `NodeOperationError` carrying `itemIndex` and a message that
 *   names the invoice and the system.
 *
 * An operation returns an item, several items, nothing (`null`), or `routeTo(outputIndex, items)` for nodes with
 * more than one output (e.g. "Invoice to UBL"'s Invalid output).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export interface Routed {
	readonly output: number;
	readonly items: INodeExecutionData[];
}

/** Send `items` to output `output` (0-based). */
export function routeTo(output: number, items: INodeExecutionData | INodeExecutionData[]): Routed {
	return { output, items: Array.isArray(items) ? items : [items] };
}

export type ItemResult = INodeExecutionData | INodeExecutionData[] | Routed | Routed[] | null | undefined;

export interface RunOptions {
	/** Number of main outputs of the node (default 1). */
	outputs?: number;
	/** Default system name for errors when the item has no `json.source.system`. */
	system?: string;
	/** What an error about this item should name, when it is not in `json.source` / `json.invoice`. */
	subjectOf?: (item: INodeExecutionData, itemIndex: number) => ItemSubject | undefined;
}

/** What an error about an item should name: its invoice number (or other label) and its system. */
export interface ItemSubject {
	number?: string;
	kind?: string;
	system?: string;
}

/** Read the invoice number, kind and system from our item contract (`json.source`, `json.invoice`). */
export function itemSubject(item: INodeExecutionData | undefined, fallbackSystem?: string): ItemSubject {
	const json = (item?.json ?? {}) as IDataObject;
	const source = (isObject(json.source) ? json.source : {}) as IDataObject;
	const invoice = (isObject(json.invoice) ? json.invoice : {}) as IDataObject;
	const number = firstText(source.number, invoice.number, json.number);
	const kind = firstText(source.kind, invoice.kind);
	const system = firstText(source.system) ?? fallbackSystem;
	return { number, kind, system };
}

function subjectFor(item: INodeExecutionData, itemIndex: number, options: RunOptions): ItemSubject {
	const fromItem = itemSubject(item, options.system);
	if (fromItem.number || !options.subjectOf) return fromItem;
	try {
		return { ...fromItem, ...options.subjectOf(item, itemIndex) };
	} catch {
		return fromItem; // describing the item must never hide the original error
	}
}

/** "Invoice 1001 (Dinero)", "Credit note 7 (Billy)", "Item 3" … */
export function describeSubject(subject: ItemSubject, itemIndex: number): string {
	const noun = subject.kind === 'creditNote' ? 'Credit note' : 'Invoice';
	const what = subject.number ? `${noun} ${subject.number}` : `Item ${itemIndex + 1}`;
	return subject.system ? `${what} (${subject.system})` : what;
}

export async function runPerItem(
	ctx: IExecuteFunctions,
	operation: (item: INodeExecutionData, itemIndex: number) => Promise<ItemResult> | ItemResult,
	options: RunOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const outputs: INodeExecutionData[][] = Array.from({ length: Math.max(1, options.outputs ?? 1) }, () => []);

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		const paired: IPairedItemData = { item: itemIndex };
		try {
			const result = await operation(item, itemIndex);
			for (const { output, items: produced } of normalise(result)) {
				if (output < 0 || output >= outputs.length) throw new Error(`Output ${output} does not exist on this node`);
				for (const out of produced)
					outputs[output].push(out.pairedItem === undefined ? { ...out, pairedItem: paired } : out);
			}
		} catch (caught) {
			const subject = subjectFor(item, itemIndex, options);
			const error = toNodeError(ctx, caught, itemIndex, describeSubject(subject, itemIndex));
			if (!ctx.continueOnFail()) throw error;
			const details: IDataObject = { itemIndex };
			if (subject.system) details.system = subject.system;
			if (subject.number) details.number = subject.number;
			if (subject.kind) details.kind = subject.kind;
			if (error instanceof NodeApiError && error.httpCode) details.httpCode = error.httpCode;
			if (error.description) details.description = error.description;
			// On the error output only `error`/`details` may be set (n8n routes by that shape and merges the paired
			// input json back in); on the regular output the item keeps its own json so later nodes (a ledger row)
			// still see `source`, `invoice` …. Never `item.error`: the engine would replace the json with the message.
			const errorItem: INodeExecutionData =
				ctx.getNode().onError === 'continueErrorOutput'
					? { json: { error: error.message, details }, pairedItem: paired }
					: { json: { ...item.json, error: error.message, details }, pairedItem: paired };
			if (item.binary) errorItem.binary = item.binary;
			outputs[0].push(errorItem);
		}
	}
	return outputs;
}

/**
 * Turn anything thrown into an n8n error with `itemIndex`, whose message starts with the subject
 * ("Invoice 1001 (Dinero): …") unless it already names it.
 */
export function toNodeError(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	caught: unknown,
	itemIndex: number,
	subject: string,
): NodeApiError | NodeOperationError {
	if (caught instanceof NodeApiError || caught instanceof NodeOperationError) {
		// A copy per item: the caught error may be shared by several items (one cached login or lookup that failed),
		// and each item's error must name its own document and index.
		const copy = Object.assign(Object.create(Object.getPrototypeOf(caught) as object) as typeof caught, caught);
		copy.message = caught.message.startsWith(subject) ? caught.message : `${subject}: ${caught.message}`;
		copy.stack = caught.stack;
		copy.context = { ...caught.context, itemIndex: caught.context.itemIndex ?? itemIndex };
		return copy;
	}
	const cause = caught instanceof Error ? caught : new Error(String(caught));
	return new NodeOperationError(ctx.getNode(), cause, { itemIndex, message: `${subject}: ${cause.message}` });
}

function normalise(result: ItemResult): Routed[] {
	if (result === null || result === undefined) return [];
	if (Array.isArray(result)) {
		if (result.length === 0) return [];
		if (isRouted(result[0])) return result as Routed[];
		return [{ output: 0, items: result as INodeExecutionData[] }];
	}
	if (isRouted(result)) return [result];
	return [{ output: 0, items: [result] }];
}

function isRouted(value: unknown): value is Routed {
	return (
		isObject(value) &&
		typeof (value as { output?: unknown }).output === 'number' &&
		Array.isArray((value as { items?: unknown }).items)
	);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

function firstText(...values: unknown[]): string | undefined {
	for (const value of values) {
		if (typeof value === 'string' && value.trim()) return value.trim();
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	}
	return undefined;
}
