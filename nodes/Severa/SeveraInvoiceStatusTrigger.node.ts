import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { latestDocuments, openCursor, queryFrom, saveCursor, selectNew } from '../shared/n8n/poll-cursor';
import { SENT_STATUS_MESSAGE, SeveraClient, sentStatusHint } from './client';
import { searchCustomers, searchInvoiceStatuses, statusLocator } from './methods';
import { SEVERA_CONCURRENCY, invoiceItem, mapLimit, mappingOptions, readOutputOptions } from './output';
import type { SeveraInvoice } from './types';

/** Start of time for "include invoices already in the status": the cursor then starts before any invoice. */
const FROM_THE_BEGINNING = '2000-01-01T00:00:00Z';

export class SeveraInvoiceStatusTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Severa Invoice Status Trigger',
		name: 'severaInvoiceStatusTrigger',
		icon: { light: 'file:severa.svg', dark: 'file:severa.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '=Invoices in {{$parameter["status"].cachedResultName || "a status"}}',
		description: 'Emits Visma Severa invoices and credit notes that enter the status of invoices to transfer',
		defaults: { name: 'Severa Invoice Status Trigger' },
		polling: true,
		inputs: [],
		outputs: ['main'],
		credentials: [{ name: 'severaApi', required: true }],
		properties: [
			{
				displayName:
					'Each invoice or credit note is emitted once when it enters the status (again only if it changes or re-enters it). Move it to the status after transfer with the Severa Invoice Status node.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			statusLocator(
				'status',
				'Status of Invoices to Transfer',
				'Invoices in this status are transferred. It must not be flagged "Sent" in Severa.',
			),
			{
				displayName: 'Download Original PDF',
				name: 'downloadPdf',
				type: 'boolean',
				default: true,
				description:
					'Whether to put the invoice PDF from Severa into binary.pdf (needs the files:read scope), for "Send original PDF"',
			},
			{
				displayName: 'Include Invoices Already in the Status',
				name: 'includeExisting',
				type: 'boolean',
				default: true,
				description:
					'Whether the first poll after activation also emits invoices that are already in the status; otherwise only invoices that enter it from then on',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Max Invoices per Poll',
						name: 'maxPerPoll',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 100,
						description: 'Further invoices are emitted by the next polls, oldest first',
					},
					{
						displayName: 'Test Fetch Limit',
						name: 'manualLimit',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 3,
						description:
							'How many of the latest invoices in the status "Fetch Test Event" emits (0: all); it never moves the cursor',
					},
					{
						displayName: 'PDF Content',
						name: 'pdfContent',
						type: 'options',
						default: 'All',
						options: [
							{ name: 'Invoice, Attachments and Breakdown', value: 'All' },
							{ name: 'Invoice Only', value: 'InvoiceOnly' },
							{ name: 'Attachments and Breakdown', value: 'AttachmentAndBreakdown' },
						],
					},
					...mappingOptions,
				],
			},
		],
	};

	methods = { listSearch: { searchInvoiceStatuses, searchCustomers } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const statusGuid = this.getNodeParameter('status', '', { extractValue: true }) as string;
		if (!statusGuid) throw new NodeOperationError(this.getNode(), 'Choose the status of invoices to transfer');
		const downloadPdf = this.getNodeParameter('downloadPdf', true) as boolean;
		const includeExisting = this.getNodeParameter('includeExisting', true) as boolean;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const output = readOutputOptions(options, downloadPdf);
		const client = await SeveraClient.create(this);

		// Invoices in a status flagged "Sent" count as sent already; transferring from it would send them twice.
		const status = await client.getStatus(statusGuid);
		if (status.isSent) {
			throw new NodeOperationError(this.getNode(), SENT_STATUS_MESSAGE, { description: sentStatusHint(status) });
		}

		const keyOf = (invoice: SeveraInvoice) => ({ id: invoice.guid, timestamp: invoice.lastUpdatedDateTime });
		const prepare = this.helpers.prepareBinaryData.bind(this.helpers);

		if (this.getMode() === 'manual') {
			// "Fetch test event": the latest invoices in the status; the cursor does not move.
			const invoices = await client.listInvoices({ statusGuids: [statusGuid] });
			const limit = options.manualLimit === undefined ? 3 : Number(options.manualLimit);
			const sample = latestDocuments(invoices, keyOf, limit > 0 ? limit : invoices.length);
			if (!sample.length) {
				throw new NodeOperationError(this.getNode(), `No invoices are in the status "${status.name}" right now`, {
					description: 'Move an invoice to the status in Severa, then fetch the test event again.',
				});
			}
			return [await mapLimit(sample, SEVERA_CONCURRENCY, (invoice) => invoiceItem(client, invoice, output, prepare))];
		}

		const staticData = this.getWorkflowStaticData('node');
		const { cursor } = openCursor(staticData, { exportSince: includeExisting ? FROM_THE_BEGINNING : undefined });
		const invoices = await client.listInvoices({ statusGuids: [statusGuid], changedSince: queryFrom(cursor) });
		const { documents, next } = selectNew(cursor, invoices, keyOf, { limit: (options.maxPerPoll as number) || 100 });
		const items = await mapLimit(documents, SEVERA_CONCURRENCY, (invoice) =>
			invoiceItem(client, invoice, output, prepare),
		);
		// Only after every item is built: a failed poll repeats these invoices instead of losing them.
		saveCursor(staticData, next);
		return items.length ? [items] : null;
	}
}
