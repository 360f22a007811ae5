import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { latestDocuments, openCursor, queryFrom, saveCursor, selectNew, toEpochMs } from '../shared/n8n/poll-cursor';
import { isCreditNoteType, POLL_SORT_PROPERTY, type BillyInvoice } from './api';
import { BillyClient, billyTime, type BillyBundle } from './client';
import { customerLocator, locatorId, outputOptionProperties, searchCustomers } from './descriptions';
import { billySource } from './mapper';
import { documentContext, documentItem, outputOptions } from './output';

type BillyEvent = 'invoiceApproved' | 'creditNoteApproved' | 'invoicePaid' | 'anyChange';

const CHANGES_KEY = 'billyChanges';
const START_KEY = 'billyCursorStart';

export class BillyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Billy Trigger',
		name: 'billyTrigger',
		icon: { light: 'file:billy.svg', dark: 'file:billy.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description: 'Starts a workflow when invoices or credit notes are approved (or paid, or changed) in Billy',
		defaults: { name: 'Billy Trigger' },
		polling: true,
		inputs: [],
		outputs: ['main'],
		credentials: [{ name: 'billyApi', required: true }],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'New Approved Invoice', value: 'invoiceApproved' },
					{ name: 'New Approved Credit Note', value: 'creditNoteApproved' },
					{ name: 'Invoice Paid', value: 'invoicePaid', description: 'An approved invoice became paid' },
					{
						name: 'Any Change',
						value: 'anyChange',
						description: 'An approved document was paid, voided, sent or otherwise changed',
					},
				],
				default: ['invoiceApproved', 'creditNoteApproved'],
				required: true,
			},
			{
				displayName: 'Customers',
				name: 'customers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Customer',
				default: {},
				description: 'Only documents for these customers (all customers when empty)',
				options: [{ displayName: 'Customer', name: 'customer', values: [{ ...customerLocator, name: 'id' }] }],
			},
			{
				displayName: 'Minimum Date',
				name: 'minDate',
				type: 'dateTime',
				default: '',
				description: 'Ignore documents whose invoice date is before this date',
			},
			{
				displayName: 'Also Export Documents Since',
				name: 'exportSince',
				type: 'dateTime',
				default: '',
				description:
					'On first activation only documents approved after activation are emitted. Set this to also emit those approved since this date (changing it restarts from it).',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					...outputOptionProperties,
					{
						displayName: 'Max Documents per Poll',
						name: 'maxPerPoll',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 500,
						description: 'Poll budget: the rest follow on the next poll, none is lost',
					},
					{
						displayName: 'Look Back (Seconds)',
						name: 'lookbackSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 120,
						description:
							"Re-read this window before the last document, for approvals that Billy's list shows late; nothing is emitted twice",
					},
					{
						displayName: 'Change Window (Days)',
						name: 'changeWindowDays',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 60,
						description: 'For "Invoice Paid" and "Any Change": how far back (by invoice date) documents are watched',
					},
					{
						displayName: 'Documents in Manual Run',
						name: 'manualCount',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 5,
						description: 'How many of the latest documents a manual run (Fetch Test Event) returns',
					},
				],
			},
		],
	};

	methods = { listSearch: { searchCustomers } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const events = this.getNodeParameter('events', []) as BillyEvent[];
		const customerRows =
			((this.getNodeParameter('customers', {}) as IDataObject).customer as IDataObject[] | undefined) ?? [];
		const customers = new Set(customerRows.map((r) => locatorId(r.id)).filter(Boolean));
		const minDate = dateOnly(this.getNodeParameter('minDate', '') as string);
		const exportSince = (this.getNodeParameter('exportSince', '') as string).trim();
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const output = outputOptions(options);
		const budget = Math.max(1, Number(options.maxPerPoll ?? 500));
		const lookbackMs = Math.max(0, Number(options.lookbackSeconds ?? 120)) * 1000;
		if (!events.length) throw new NodeOperationError(this.getNode(), 'Choose at least one event');

		const wantsKind = (invoice: BillyInvoice) =>
			isCreditNoteType(invoice.type) ? events.includes('creditNoteApproved') : events.includes('invoiceApproved');
		const matches = (invoice: BillyInvoice) =>
			invoice.state === 'approved' &&
			!!invoice.approvedTime &&
			(!customers.size || customers.has(invoice.contactId)) &&
			(!minDate || invoice.entryDate >= minDate);
		const keyOf = (invoice: BillyInvoice) => ({ id: invoice.id, timestamp: invoice.approvedTime! });
		const contactId = customers.size === 1 ? [...customers][0] : undefined;

		const client = await BillyClient.create(this);
		try {
			if (this.getMode() === 'manual') {
				const count = Math.max(1, Number(options.manualCount ?? 5));
				const wanted = (i: BillyInvoice) =>
					matches(i) && (wantsKind(i) || events.includes('invoicePaid') || events.includes('anyChange'));
				let found = 0;
				const bundle = await client.listInvoices(
					{
						state: 'approved',
						contactId,
						minEntryDate: minDate,
						// With "Also export documents since", a manual run shows documents from then on only.
						minApprovedTime: exportSince ? billyTime(new Date(toEpochMs(exportSince)).toISOString()) : undefined,
						sortProperty: POLL_SORT_PROPERTY,
						sortDirection: 'DESC',
					},
					{
						pageSize: Math.min(1000, count + 20),
						onPage: (page) => (found += page.invoices.filter(wanted).length) < count,
					},
				);
				const latest = latestDocuments(bundle.invoices.filter(wanted), keyOf, count);
				return latest.length ? [await toItems(this, client, latest, bundle, output)] : null;
			}

			const staticData = this.getWorkflowStaticData('node');
			const items: INodeExecutionData[] = [];
			// State moves only once every item of this poll is built (a failure leaves it where it was).
			const commits: (() => void)[] = [];

			if (events.includes('invoiceApproved') || events.includes('creditNoteApproved')) {
				const { cursor, isNew: fresh0 } = openCursor(staticData, { exportSince: exportSince || undefined });
				// Never reach back before the cursor's start (activation, or "export since"), even with the look-back.
				const start =
					fresh0 || typeof staticData[START_KEY] !== 'string' ? cursor.since : (staticData[START_KEY] as string);
				const startMs = Date.parse(start);
				const from = billyTime(queryFrom(cursor, lookbackMs));
				const candidates = (bundle: BillyBundle) =>
					bundle.invoices.filter((i) => matches(i) && wantsKind(i) && toEpochMs(i.approvedTime!) >= startMs);
				const sinceMs = Date.parse(cursor.since);
				const isNew = (i: BillyInvoice) => {
					const ms = toEpochMs(i.approvedTime!);
					return ms > sinceMs || cursor.seen[i.id] !== ms;
				};
				let fresh = 0;
				const bundle = await client.listInvoices(
					{
						state: 'approved',
						contactId,
						minEntryDate: minDate,
						minApprovedTime: from,
						sortProperty: POLL_SORT_PROPERTY,
						sortDirection: 'ASC',
					},
					{
						// Stop paging once the budget of new documents is in hand (pages come in approval order).
						onPage: (page) => {
							fresh += candidates(page).filter((i) => isNew(i)).length;
							return fresh < budget;
						},
					},
				);
				const selection = selectNew(cursor, candidates(bundle), keyOf, { limit: budget, lookbackMs });
				items.push(...(await toItems(this, client, selection.documents, bundle, output)));
				commits.push(() => {
					saveCursor(staticData, selection.next);
					staticData[START_KEY] = start;
				});
				if (selection.deferred)
					this.logger.info(
						`Billy Trigger: ${selection.deferred} documents deferred to the next poll (budget ${budget})`,
					);
			}

			if (events.includes('invoicePaid') || events.includes('anyChange')) {
				const changes = await pollChanges.call(this, client, events, matches, options, output);
				items.push(...changes.items);
				commits.push(changes.commit);
			}
			for (const commit of commits) commit();
			return items.length ? [items] : null;
		} catch (error) {
			if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
			throw new NodeOperationError(this.getNode(), error as Error, {
				message: `Billy Trigger: ${(error as Error).message}`,
			});
		}
	}
}

async function toItems(
	ctx: IPollFunctions,
	client: BillyClient,
	documents: BillyInvoice[],
	bundle: BillyBundle,
	output: ReturnType<typeof outputOptions>,
): Promise<INodeExecutionData[]> {
	if (!documents.length) return [];
	const context = await documentContext(
		client,
		{ ...bundle, invoices: documents },
		new Map(bundle.invoices.map((i) => [i.id, i])),
	);
	const items: INodeExecutionData[] = [];
	for (const invoice of documents) items.push(await documentItem(ctx, client, invoice, bundle, context, output, false));
	return items;
}

/**
 * "Invoice paid" and "any change": Billy has no change feed, so the trigger keeps a small fingerprint per approved
 * document inside the watch window (by invoice date) and emits the ones whose state changed. The first poll only
 * records the baseline.
 */
async function pollChanges(
	this: IPollFunctions,
	client: BillyClient,
	events: BillyEvent[],
	matches: (invoice: BillyInvoice) => boolean,
	options: IDataObject,
	output: ReturnType<typeof outputOptions>,
): Promise<{ items: INodeExecutionData[]; commit: () => void }> {
	const staticData = this.getWorkflowStaticData('node');
	const windowDays = Math.max(1, Number(options.changeWindowDays ?? 60));
	const since = new Date(Date.now() - windowDays * 86_400_000).toISOString().slice(0, 10);
	const stored = staticData[CHANGES_KEY] as { since?: string; docs?: Record<string, string> } | undefined;
	const baseline = !stored?.docs;
	const previous = stored?.docs ?? {};
	const bundle = await client.listInvoices({
		state: 'all',
		minEntryDate: since,
		sortProperty: 'entryDate',
		sortDirection: 'ASC',
	});
	const next: Record<string, string> = {};
	const changed: BillyInvoice[] = [];
	for (const invoice of bundle.invoices) {
		if (invoice.state === 'draft' || !invoice.approvedTime) continue;
		const fingerprint = [
			invoice.state,
			invoice.isPaid ? 'paid' : 'open',
			invoice.balance,
			invoice.sentState,
			invoice.amount,
			invoice.tax,
		].join('|');
		next[invoice.id] = fingerprint;
		const before = previous[invoice.id];
		if (baseline || before === fingerprint || !matches({ ...invoice, state: 'approved' })) continue;
		const becamePaid = !!invoice.isPaid && (before === undefined || !before.includes('|paid|'));
		if (events.includes('anyChange') && before !== undefined) changed.push(invoice);
		else if (events.includes('invoicePaid') && becamePaid && !isCreditNoteType(invoice.type)) changed.push(invoice);
	}
	// A voided document has no canonical form: it goes out with its source and the event only.
	const live = changed.filter((i) => i.state === 'approved');
	const mapped = new Map((await toItems(this, client, live, bundle, output)).map((item, i) => [live[i].id, item]));
	const organizationId = changed.length ? (await client.getOrganization()).id : '';
	const items = changed.map((invoice) => {
		const item: INodeExecutionData = mapped.get(invoice.id) ?? {
			json: { source: billySource(invoice, organizationId, bundle.contacts.get(invoice.contactId)) },
		};
		item.json.event = invoice.state === 'voided' ? 'voided' : invoice.isPaid ? 'paid' : 'changed';
		return item;
	});
	return { items, commit: () => (staticData[CHANGES_KEY] = { since, docs: next }) };
}

function dateOnly(value: string): string | undefined {
	const text = (value ?? '').trim();
	if (!text) return undefined;
	return new Date(toEpochMs(text)).toISOString().slice(0, 10);
}
