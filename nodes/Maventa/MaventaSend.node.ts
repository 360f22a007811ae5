import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { runPerItem } from '../shared/n8n/items';
import { MaventaClient, type MaventaRoute } from './client';
import { getStatusItem, lookupItems, sendItem, type SendSettings } from './operations';

const ROUTES = [
	{ name: 'E-Invoice', value: 'EINVOICE' },
	{ name: 'E-Mail', value: 'EMAIL' },
	{ name: 'Print', value: 'PRINT' },
];

export class MaventaSend implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Maventa Send',
		name: 'maventaSend',
		icon: { light: 'file:maventa.svg', dark: 'file:maventa.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ {send: "Send invoice", getStatus: "Get status", lookupReceiver: "Lookup receiver"}[$parameter["operation"]] }}',
		description: 'Send e-invoices through Maventa / AutoInvoice (PEPPOL, Finnish operators, e-mail, print)',
		defaults: { name: 'Maventa Send' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'maventaApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Send Invoice',
						value: 'send',
						action: 'Send an invoice',
						description: 'Upload the UBL document (and the original PDF) to Maventa',
					},
					{
						name: 'Get Status',
						value: 'getStatus',
						action: 'Get the delivery status of an invoice',
						description: 'PENDING, DELIVERED or FAILED, with the actions history',
					},
					{
						name: 'Lookup Receiver',
						value: 'lookupReceiver',
						action: 'Look up a receiver',
						description: 'Find a receiver in PEPPOL and the operator networks',
					},
				],
				default: 'send',
			},
			{
				displayName:
					'Items whose document failed pre-flight (json.document.valid = false) are refused. Turn on "Settings → On Error → Continue (using error output)" to route failures, e.g. to set the status after error.',
				name: 'sendNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['send'] } },
			},
			{
				displayName: 'Document Field',
				name: 'documentProperty',
				type: 'string',
				default: 'document',
				description: 'Binary field holding the UBL XML (Invoice to UBL writes it to "document")',
				displayOptions: { show: { operation: ['send'] } },
			},
			{
				displayName: 'Send Original PDF',
				name: 'sendOriginalPdf',
				type: 'boolean',
				default: false,
				description:
					'Whether to send the original invoice PDF with the invoice data, as a ZIP of the XML and the PDF with the same base name',
				displayOptions: { show: { operation: ['send'] } },
			},
			{
				displayName: 'PDF Field',
				name: 'pdfProperty',
				type: 'string',
				default: 'pdf',
				displayOptions: { show: { operation: ['send'], sendOriginalPdf: [true] } },
			},
			{
				displayName: 'Send by E-Mail When No E-Invoice Address',
				name: 'sendByEmail',
				type: 'boolean',
				default: false,
				description:
					"Whether to give Maventa the customer's e-mail address (the invoice's buyer contact), used when the customer cannot receive e-invoices",
				displayOptions: { show: { operation: ['send'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { operation: ['send'] } },
				options: [
					{ displayName: 'Comment to Recipient', name: 'senderComment', type: 'string', default: '' },
					{
						displayName: 'Disabled Routes',
						name: 'disabledRoutes',
						type: 'multiOptions',
						options: ROUTES,
						default: [],
					},
					{
						displayName: 'Format',
						name: 'format',
						type: 'string',
						default: '',
						placeholder: 'e.g. PEPPOLBIS30',
						description: 'Maventa detects the format when empty',
					},
					{
						displayName: 'Recipient E-Invoice Address',
						name: 'recipientEia',
						type: 'string',
						default: '',
						placeholder: 'e.g. 0088:5790000435975 or 003712345678',
						description: "Overrides the item's route receiver and the invoice's buyer endpoint",
					},
					{
						displayName: 'Recipient E-Mail',
						name: 'recipientEmail',
						type: 'string',
						default: '',
						placeholder: 'e.g. invoices@customer.com',
					},
					{
						displayName: 'Recipient Operator',
						name: 'recipientOperator',
						type: 'string',
						default: '',
						placeholder: 'e.g. 003721291126',
					},
					{
						displayName: 'Route Order',
						name: 'routeOrder',
						type: 'multiOptions',
						options: ROUTES,
						default: [],
						description: 'Routes to try, in this order',
					},
				],
			},
			{
				displayName: 'Maventa Invoice ID',
				name: 'invoiceId',
				type: 'string',
				default: '={{ $json.delivery.remoteId }}',
				required: true,
				displayOptions: { show: { operation: ['getStatus'] } },
			},
			{
				displayName: 'Include Actions History',
				name: 'includeActions',
				type: 'boolean',
				default: true,
				displayOptions: { show: { operation: ['getStatus'] } },
			},
			{
				displayName: 'Networks',
				name: 'networks',
				type: 'multiOptions',
				options: [
					{ name: 'PEPPOL', value: 'PEPPOL' },
					{ name: 'Maventa (Internal)', value: 'INTERNAL' },
					{ name: 'Other Operators (External)', value: 'EXTERNAL' },
				],
				default: ['PEPPOL', 'INTERNAL', 'EXTERNAL'],
				displayOptions: { show: { operation: ['lookupReceiver'] } },
			},
			{
				displayName: 'E-Invoice Address',
				name: 'eia',
				type: 'string',
				default: '',
				placeholder: 'e.g. 0088:5790000435975',
				displayOptions: { show: { operation: ['lookupReceiver'] } },
			},
			{
				displayName: 'Business ID',
				name: 'bid',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2734419-6 or 29947651',
				displayOptions: { show: { operation: ['lookupReceiver'] } },
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['lookupReceiver'] } },
			},
			{
				displayName: 'Countries',
				name: 'countries',
				type: 'string',
				default: '',
				placeholder: 'e.g. FI,DK',
				description: 'Comma-separated ISO country codes',
				displayOptions: { show: { operation: ['lookupReceiver'] } },
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const client = await MaventaClient.create(this);
		return runPerItem(
			this,
			async (item, i) => {
				if (operation === 'send') {
					const options = this.getNodeParameter('options', i, {}) as IDataObject;
					const settings: SendSettings = {
						documentProperty: this.getNodeParameter('documentProperty', i, 'document') as string,
						sendOriginalPdf: this.getNodeParameter('sendOriginalPdf', i, false) as boolean,
						pdfProperty: this.getNodeParameter('pdfProperty', i, 'pdf') as string,
						sendByEmail: this.getNodeParameter('sendByEmail', i, false) as boolean,
						recipientEia: (options.recipientEia as string) || undefined,
						recipientOperator: (options.recipientOperator as string) || undefined,
						recipientEmail: (options.recipientEmail as string) || undefined,
						routeOrder: (options.routeOrder as MaventaRoute[]) ?? [],
						disabledRoutes: (options.disabledRoutes as MaventaRoute[]) ?? [],
						senderComment: (options.senderComment as string) || undefined,
						format: (options.format as string) || undefined,
					};
					return await sendItem(this, client, item, i, settings);
				}
				if (operation === 'getStatus') {
					const id = String(this.getNodeParameter('invoiceId', i, '') ?? '').trim();
					const includeActions = this.getNodeParameter('includeActions', i, true) as boolean;
					return await getStatusItem(this, client, item, i, id, includeActions);
				}
				return await lookupItems(this, client, i, {
					networks: this.getNodeParameter('networks', i, []) as string[],
					eia: this.getNodeParameter('eia', i, '') as string,
					bid: this.getNodeParameter('bid', i, '') as string,
					name: this.getNodeParameter('name', i, '') as string,
					countries: String(this.getNodeParameter('countries', i, '') ?? '')
						.split(',')
						.map((c) => c.trim().toUpperCase())
						.filter(Boolean),
				});
			},
			{ system: 'Maventa' },
		);
	}
}
