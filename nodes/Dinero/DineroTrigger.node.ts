import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	latestDocuments,
	openCursor,
	queryFrom,
	saveCursor,
	selectNew,
	type CursorKey,
} from '../shared/n8n/poll-cursor';
import { DINERO, type DineroClient, type DineroDocumentKind } from './client';
import {
	authenticationProperty,
	clientFor,
	credentials,
	customerLocator,
	locatorValue,
	outputProperty,
	readSellerDetails,
	searchCustomers,
	sellerDetailsProperty,
} from './description';
import { DineroItemBuilder, sourceOf, type KindedDocument } from './documents';
import { describeDocument, isBooked, isPaid } from './mapper';

type DineroEvent = 'newInvoice' | 'newCreditNote' | 'invoicePaid' | 'anyChange';

/** Dinero state next to the shared poll cursor in the node's static data. */
interface DineroPollState {
	/** Highest document number already handled, per kind: Dinero numbers in booking order [I], see client.ts. */
	numbers: Partial<Record<DineroDocumentKind, string>>;
	/** Documents emitted by a poll that stopped early, until a poll sees the stream to its end. */
	pending: Record<string, string>;
}

const STATE_KEY = 'dinero';
/** Dinero timestamps have no zone [I]: re-read two hours before the cursor and de-duplicate. */
const LOOKBACK_MS = 2 * 60 * 60 * 1000;
/** Time a poll may spend fetching documents before it stops and resumes next poll. */
const POLL_TIME_BUDGET_MS = 45_000;

function compareNumbers(a: string, b: string): number {
	const x = BigInt(a.replace(/\D/g, '') || '0');
	const y = BigInt(b.replace(/\D/g, '') || '0');
	return x < y ? -1 : x > y ? 1 : 0;
}

export class DineroTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dinero Trigger',
		name: 'dineroTrigger',
		icon: { light: 'file:dinero.svg', dark: 'file:dinero.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts a workflow when invoices or credit notes are booked, paid or changed in Dinero',
		defaults: { name: 'Dinero Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties: [
			authenticationProperty,
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Any Change',
						value: 'anyChange',
						description: 'A booked invoice changed in any way (payment, reminder, …)',
					},
					{ name: 'Invoice Paid', value: 'invoicePaid', description: 'A booked invoice became paid' },
					{ name: 'New Booked Credit Note', value: 'newCreditNote' },
					{ name: 'New Booked Invoice', value: 'newInvoice' },
				],
				default: ['newInvoice', 'newCreditNote'],
				required: true,
				description: 'Drafts and deleted documents never trigger',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Customers',
						name: 'customers',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						default: {},
						placeholder: 'Add Customer',
						options: [
							{
								displayName: 'Customer',
								name: 'customer',
								values: [customerLocator('contact', 'Customer', 'Only documents to this customer')],
							},
						],
					},
					{
						displayName: 'Minimum Date',
						name: 'minimumDate',
						type: 'dateTime',
						default: '',
						description: 'Ignore documents dated before this day',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Also Export Documents Since',
						name: 'exportSince',
						type: 'dateTime',
						default: '',
						description:
							'On first activation only documents booked after activation trigger. Set a date to also export the documents booked and changed since then (changing it later starts over from that date).',
					},
					{
						displayName: 'Download PDF',
						name: 'downloadPdf',
						type: 'boolean',
						default: false,
						description: 'Whether to put Dinero’s PDF into binary property "pdf"',
					},
					{
						displayName: 'Max Documents per Poll',
						name: 'maxPerPoll',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 200,
						description:
							'A poll stops after this many documents (or 45 seconds) and the next poll continues where it stopped',
					},
					{
						displayName: 'Page Size',
						name: 'pageSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 1000 },
						default: 1000,
						description: 'Documents per list request (Dinero allows up to 1000)',
					},
					{
						displayName: 'Test Run Limit',
						name: 'manualLimit',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 5,
						description: 'How many of the latest documents "Fetch Test Event" returns; 0 returns all of them',
					},
				],
			},
			outputProperty,
			{ ...sellerDetailsProperty, displayOptions: { show: { output: ['canonical'] } } },
		],
	};

	methods = { listSearch: { searchCustomers } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const events = this.getNodeParameter('events', []) as DineroEvent[];
		if (events.length === 0) throw new NodeOperationError(this.getNode(), 'Choose at least one event');
		const filters = this.getNodeParameter('filters', {}) as IDataObject;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const output = this.getNodeParameter('output', 'canonical') as 'canonical' | 'raw';
		const seller = readSellerDetails(this, 0, output === 'canonical');
		const customers = new Set(
			(((filters.customers as IDataObject | undefined)?.customer ?? []) as IDataObject[])
				.map((c) => locatorValue(c.contact))
				.filter(Boolean),
		);
		const minimumDate = String(filters.minimumDate ?? '').slice(0, 10);
		const exportSince = String(options.exportSince ?? '').trim();
		const pageSize = Number(options.pageSize ?? DINERO.maxPageSize);
		const kinds: DineroDocumentKind[] = [];
		if (events.some((e) => e !== 'newCreditNote')) kinds.push('invoice');
		if (events.includes('newCreditNote') || events.includes('anyChange')) kinds.push('creditNote');

		const client = await clientFor(this);
		const builder = new DineroItemBuilder(this, client, { output, downloadPdf: options.downloadPdf === true, seller });
		const matchesFilters = ({ document }: KindedDocument) =>
			isBooked(document) &&
			(customers.size === 0 || customers.has(String(document.ContactGuid ?? ''))) &&
			(!minimumDate || String(document.Date ?? '') >= minimumDate);
		const keyOf = ({ kind, document }: KindedDocument): CursorKey => ({
			id: `${kind}:${document.Guid}`,
			timestamp: String(document.UpdatedAt ?? document.CreatedAt ?? ''),
		});

		if (this.getMode() === 'manual') {
			// "Fetch Test Event": the latest few booked documents, the cursor untouched.
			const limit = Number(options.manualLimit ?? 5);
			const found: KindedDocument[] = [];
			for (const kind of kinds) {
				const { items } = await client.listDocuments(kind, {
					statusFilter: [...DINERO.bookedStatuses],
					changesSince: exportSince || undefined,
					sort: DINERO.changesSort,
					sortOrder: 'descending',
					pageSize,
					maxItems: limit > 0 ? Math.max(limit * 4, limit + 20) : undefined,
				});
				if (kind === 'invoice') builder.knowInvoices(items);
				found.push(...items.map((document) => ({ kind, document })));
			}
			const wanted = found
				.filter(matchesFilters)
				.filter(
					({ kind, document }) =>
						kind === 'creditNote' || !events.every((e) => e === 'invoicePaid') || isPaid(document),
				);
			const latest = latestDocuments(wanted, keyOf, limit > 0 ? limit : wanted.length);
			const items = await buildAll(builder, latest, (d) => eventOf(d, events, true));
			return items.length ? [items] : null;
		}

		const staticData = this.getWorkflowStaticData('node');
		const { cursor, isNew } = openCursor(staticData, { exportSince: exportSince || undefined });
		let state = staticData[STATE_KEY] as DineroPollState | undefined;
		if (isNew || !state) {
			state = { numbers: {}, pending: {} };
			if (!exportSince) {
				// First activation: documents booked from now on. Remember the latest number of each kind.
				for (const kind of kinds) state.numbers[kind] = await latestNumber(client, kind);
			}
		}

		const changed: KindedDocument[] = [];
		for (const kind of kinds) {
			const { items } = await client.listDocuments(kind, {
				changesSince: queryFrom(cursor, LOOKBACK_MS),
				statusFilter: [...DINERO.bookedStatuses],
				sort: DINERO.changesSort,
				sortOrder: 'ascending',
				pageSize,
			});
			if (kind === 'invoice') builder.knowInvoices(items);
			changed.push(...items.map((document) => ({ kind, document })));
		}
		if (isNew && !exportSince) {
			// First activation: whatever changed up to now (and in the look-back window) is history, not an event.
			saveCursor(staticData, selectNew(cursor, changed, keyOf, { lookbackMs: LOOKBACK_MS }).next);
			staticData[STATE_KEY] = state as unknown as IDataObject;
			return null;
		}
		const maxPerPoll = Math.max(1, Number(options.maxPerPoll ?? 200));
		let selection = selectNew(cursor, changed, keyOf, { limit: maxPerPoll, lookbackMs: LOOKBACK_MS });

		const started = Date.now();
		const out: INodeExecutionData[] = [];
		let processed = 0;
		const newlyEmitted: Record<string, string> = {};
		const toEmit: { doc: KindedDocument; event: DineroEvent }[] = [];
		for (const doc of selection.documents) {
			const event = matchesFilters(doc) ? eventOf(doc, events, false, state) : undefined;
			toEmit.push(...(event ? [{ doc, event }] : []));
		}
		await builder.prepare(toEmit.map((t) => t.doc));
		for (const doc of selection.documents) {
			if (out.length > 0 && Date.now() - started > POLL_TIME_BUDGET_MS) break;
			const match = toEmit.find((t) => t.doc === doc);
			if (match) {
				try {
					out.push(await buildOne(builder, doc, match.event, true));
				} catch (error) {
					// Dinero failed (after retries): emit what is done, resume at this document next poll.
					if (processed === 0) throw error;
					break;
				}
				if (match.event === 'newInvoice' || match.event === 'newCreditNote')
					newlyEmitted[`${doc.kind}:${doc.document.Guid}`] = String(doc.document.Number);
			}
			processed++;
		}
		const stoppedEarly = processed < selection.documents.length || selection.deferred > 0;
		if (processed < selection.documents.length)
			selection = selectNew(cursor, changed, keyOf, { limit: processed, lookbackMs: LOOKBACK_MS });

		// Move the number marks only when the whole stream of changes was seen; until then remember what was emitted.
		const pending = { ...state.pending, ...newlyEmitted };
		if (stoppedEarly) {
			state = { numbers: state.numbers, pending };
		} else {
			const numbers = { ...state.numbers };
			const seen = [
				...selection.documents
					.filter((d) => isBooked(d.document))
					.map((d) => [d.kind, String(d.document.Number)] as const),
			];
			for (const [key, number] of Object.entries(pending)) seen.push([key.split(':')[0] as DineroDocumentKind, number]);
			for (const [kind, number] of seen)
				if (!numbers[kind] || compareNumbers(number, numbers[kind]!) > 0) numbers[kind] = number;
			state = { numbers, pending: {} };
		}
		saveCursor(staticData, selection.next);
		staticData[STATE_KEY] = state as unknown as IDataObject;
		return out.length ? [out] : null;
	}
}

/** The event a changed document triggers, or undefined. `manual` shows booked documents regardless of numbers. */
function eventOf(
	{ kind, document }: KindedDocument,
	events: DineroEvent[],
	manual: boolean,
	state?: DineroPollState,
): DineroEvent | undefined {
	const isNewDocument = () => {
		if (manual || !state) return true;
		if (state.pending[`${kind}:${document.Guid}`]) return false;
		const mark = state.numbers[kind];
		return !mark || compareNumbers(String(document.Number ?? '0'), mark) > 0;
	};
	if (kind === 'creditNote') {
		if (events.includes('newCreditNote') && isNewDocument()) return 'newCreditNote';
		return events.includes('anyChange') ? 'anyChange' : undefined;
	}
	if (events.includes('newInvoice') && isNewDocument()) return 'newInvoice';
	if (events.includes('invoicePaid') && isPaid(document)) return 'invoicePaid';
	if (events.includes('anyChange')) return 'anyChange';
	return undefined;
}

async function latestNumber(client: DineroClient, kind: DineroDocumentKind): Promise<string> {
	const { items } = await client.listDocuments(kind, {
		statusFilter: [...DINERO.bookedStatuses],
		sort: 'VoucherNumber',
		sortOrder: 'descending',
		pageSize: 1,
		maxItems: 1,
	});
	return items.length ? String(items[0].Number ?? '0') : '0';
}

/** One item; a document that cannot be fetched or mapped becomes an error item (never dropped, never blocking). */
async function buildOne(
	builder: DineroItemBuilder,
	doc: KindedDocument,
	event: DineroEvent | undefined,
	rethrowRemote = false,
): Promise<INodeExecutionData> {
	try {
		const item = await builder.build(doc);
		if (event) item.json.event = event;
		return item;
	} catch (error) {
		if (rethrowRemote && error instanceof NodeApiError) throw error;
		// A document that cannot be mapped goes out with its error: never dropped, never blocking the others.
		return {
			json: {
				source: sourceOf(doc.kind, doc.document, builder.account),
				event: event ?? null,
				error: {
					message: `${describeDocument(doc.kind, doc.document)}: ${(error as Error).message.replace(/^Dinero (draft )?(invoice|credit note) \S+: /, '')}`,
					system: 'Dinero',
				},
			},
		};
	}
}

async function buildAll(
	builder: DineroItemBuilder,
	docs: KindedDocument[],
	eventFor: (d: KindedDocument) => DineroEvent | undefined,
) {
	await builder.prepare(docs);
	const out: INodeExecutionData[] = [];
	for (const doc of docs) out.push(await buildOne(builder, doc, eventFor(doc)));
	return out;
}
