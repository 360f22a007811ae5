import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { runPerItem, routeTo } from '../shared/n8n/items';
import { DOCUMENT_FORMATS } from '../shared/ubl/document';
import { convertItem, invoiceSubject, type InvalidMode } from './convert';

// Shown as the node's outputs: one, or "Valid" + "Invalid" when invalid documents get their own output.
const configuredOutputs = (parameters: { onInvalid?: string }) =>
	parameters.onInvalid === 'output'
		? [
				{ type: 'main', displayName: 'Valid' },
				{ type: 'main', displayName: 'Invalid' },
			]
		: [{ type: 'main' }];

export class InvoiceToUbl implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Invoice to UBL',
		name: 'invoiceToUbl',
		icon: { light: 'file:invoiceToUbl.svg', dark: 'file:invoiceToUbl.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["format"] === "oioubl21" ? "OIOUBL 2.1" : $parameter["format"] === "edifact-d96a" ? "EDIFACT INVOIC" : "PEPPOL BIS 3" }}',
		description:
			'Turn canonical invoices and credit notes into PEPPOL BIS 3, OIOUBL 2.1 or EDIFACT INVOIC (EANCOM) documents',
		defaults: { name: 'Invoice to UBL' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		properties: [
			{
				displayName: 'Invoice Source',
				name: 'invoiceSource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Input Item Field',
						value: 'field',
						description: 'The canonical invoice is in a field of each input item (e.g. from a Dinero or Billy node)',
					},
					{
						name: 'JSON',
						value: 'json',
						description: 'Give the canonical invoice as JSON or an expression (e.g. built from a spreadsheet row)',
					},
				],
				default: 'field',
			},
			{
				displayName: 'Invoice Field',
				name: 'invoiceField',
				type: 'string',
				default: 'invoice',
				placeholder: 'invoice',
				description: 'Name of the field that holds the canonical invoice; dots reach nested fields',
				displayOptions: { show: { invoiceSource: ['field'] } },
			},
			{
				displayName: 'Invoice (JSON)',
				name: 'invoiceJson',
				type: 'json',
				default: '',
				required: true,
				description: 'The canonical invoice (kind, number, issueDate, currency, seller, buyer, lines …)',
				displayOptions: { show: { invoiceSource: ['json'] } },
			},
			{
				displayName: 'Format',
				name: 'format',
				type: 'options',
				options: Object.values(DOCUMENT_FORMATS).map((format) => ({
					name: format.label,
					value: format.id,
					description: format.description,
				})),
				default: 'peppol-bis3',
				description:
					"Document format. An item that carries a route (from HubBroker Network) uses the route's format instead, unless turned off in the options.",
			},
			{
				displayName: 'On Invalid Document',
				name: 'onInvalid',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Fail the Item',
						value: 'fail',
						description:
							'Stop with an error naming every fatal finding (or an error item when the node continues on fail)',
					},
					{
						name: 'Send to "Invalid" Output',
						value: 'output',
						description: 'Valid documents leave by the first output, invalid ones by a second output',
					},
					{
						name: 'Pass With Findings',
						value: 'pass',
						description: 'Output every document, marked valid or not, with its findings',
					},
				],
				default: 'fail',
				description:
					'What to do when pre-flight checks find a fatal problem (a rule the official validator would fail)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Attach Original PDF',
						name: 'attachPdf',
						type: 'boolean',
						default: true,
						description: 'Whether to embed the PDF of the input item in the document (AdditionalDocumentReference)',
					},
					{
						displayName: 'Document Binary Property',
						name: 'binaryProperty',
						type: 'string',
						default: 'document',
						description: 'Binary property to put the XML document in',
					},
					{
						displayName: 'EDIFACT Newline After Segment',
						name: 'edifactNewline',
						type: 'boolean',
						default: false,
						description:
							"Whether to end each EDIFACT segment with a line break after the terminator (') for readability; some VANs want one unbroken line",
					},
					{
						displayName: 'EDIFACT Recipient GLN',
						name: 'edifactRecipientGln',
						type: 'string',
						default: '',
						placeholder: '5790000000012',
						description:
							"Interchange recipient (UNB) and, when the invoice has none, the buyer's GLN. Default: the route's receiver (0088:…), then the buyer's GLN.",
					},
					{
						displayName: 'EDIFACT Sender GLN',
						name: 'edifactSenderGln',
						type: 'string',
						default: '',
						placeholder: '5790000000012',
						description:
							"Our GLN: the interchange sender (UNB) and the supplier (NAD+SU) when the invoice carries none. Default: the seller's GLN.",
					},
					{
						displayName: 'EDIFACT Test Indicator',
						name: 'edifactTest',
						type: 'boolean',
						default: false,
						description:
							'Whether to mark the interchange as a test (UNB test indicator 1): the partner must not book it',
					},
					{
						displayName: 'File Name',
						name: 'fileName',
						type: 'string',
						default: '{number}.xml',
						description:
							'File name of the document. Placeholders: {number}, {kind}, {format}, {customer}, {issueDate}, {system}, {sourceId}.',
					},
					{
						displayName: 'OIOUBL Profile',
						name: 'oioublProfile',
						type: 'options',
						options: [
							{
								name: 'NES Profile 5 — Billing (Default)',
								value: 'urn:www.nesubl.eu:profiles:profile5:ver2.0',
								description: 'Invoices and credit notes without an order; what most NemHandel receivers expect',
							},
							{
								name: 'Procurement-BilSim-1.0 — Simple Billing',
								value: 'Procurement-BilSim-1.0',
								description: 'OIOUBL simple billing profile',
							},
							{
								name: 'Procurement-OrdSimR-BilSim-1.0 — Order Then Billing',
								value: 'Procurement-OrdSimR-BilSim-1.0',
								description: 'Billing after an order: the invoice must carry the order reference',
							},
							{
								name: 'NES Profile 7 — Simple Procurement',
								value: 'urn:www.nesubl.eu:profiles:profile7:ver2.0',
								description: 'Order, then invoice: the invoice must carry the order reference',
							},
						],
						default: 'urn:www.nesubl.eu:profiles:profile5:ver2.0',
						description:
							'OIOUBL only: the profile (cbc:ProfileID) the receiver has registered for. Pre-flight checks what the profile demands (e.g. an order reference).',
					},
					{
						displayName: 'PDF Binary Property',
						name: 'pdfProperty',
						type: 'string',
						default: 'pdf',
						description: 'Binary property that holds the original PDF (nothing is attached when the item has none)',
					},
					{
						displayName: 'Use Route Format',
						name: 'useRouteFormat',
						type: 'boolean',
						default: true,
						description: "Whether the format of the item's route overrides the Format above",
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const onInvalid = this.getNodeParameter('onInvalid', 0) as InvalidMode;
		const outputs = onInvalid === 'output' ? 2 : 1;
		return await runPerItem(
			this,
			async (item, itemIndex) => {
				const source = this.getNodeParameter('invoiceSource', itemIndex) as 'field' | 'json';
				const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
				const result = await convertItem(this, item, itemIndex, {
					invoice:
						source === 'json'
							? { from: 'value', value: this.getNodeParameter('invoiceJson', itemIndex) }
							: { from: 'field', field: this.getNodeParameter('invoiceField', itemIndex, 'invoice') as string },
					format: this.getNodeParameter('format', itemIndex) as string,
					useRouteFormat: options.useRouteFormat !== false,
					onInvalid,
					attachPdf: options.attachPdf !== false,
					pdfProperty: (options.pdfProperty as string) || 'pdf',
					fileName: (options.fileName as string) || '{number}.xml',
					binaryProperty: (options.binaryProperty as string) || 'document',
					oioublProfileId: (options.oioublProfile as string) || undefined,
					edifact: {
						senderGln: options.edifactSenderGln as string | undefined,
						recipientGln: options.edifactRecipientGln as string | undefined,
						test: options.edifactTest === true,
						newlineAfterSegment: options.edifactNewline === true,
					},
				});
				if (result.valid || onInvalid !== 'output') return result.item;
				return routeTo(1, result.item);
			},
			{
				outputs,
				// An invoice given as JSON is not on the item: name it from the parameter in errors.
				subjectOf: (_item, itemIndex) =>
					this.getNodeParameter('invoiceSource', itemIndex) === 'json'
						? invoiceSubject(this.getNodeParameter('invoiceJson', itemIndex))
						: undefined,
			},
		);
	}
}
