/** Parameter descriptions and list search shared by the Billy Trigger and the Billy node. */
import type { ILoadOptionsFunctions, INodeListSearchResult, INodeProperties } from 'n8n-workflow';
import { BillyClient } from './client';

/** A customer picked from a list (with search), by id, or from a Billy URL. */
export const customerLocator: INodeProperties = {
	displayName: 'Customer',
	name: 'customer',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchCustomers', searchable: true, searchFilterRequired: false },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'EraCis1gQfKClaldW0EJHA',
			validation: [
				{ type: 'regex', properties: { regex: '^[A-Za-z0-9_-]{10,32}$', errorMessage: 'Not a Billy contact ID' } },
			],
		},
	],
};

export const outputOptionProperties: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Canonical Invoice',
				value: 'canonical',
				description: 'The invoice in the EN 16931 model (field "invoice"), ready for Invoice to UBL',
			},
			{
				name: 'Raw Billy Data',
				value: 'raw',
				description: 'The invoice, contact and contact persons as Billy returns them (field "billy")',
			},
		],
		default: 'canonical',
	},
	{
		displayName: 'Download PDF',
		name: 'downloadPdf',
		type: 'boolean',
		default: false,
		description: "Whether to put Billy's PDF of the document into binary property 'pdf'",
	},
	{
		displayName: 'Payment Details',
		name: 'paymentDetails',
		type: 'collection',
		placeholder: 'Add Payment Detail',
		default: {},
		description: "Billy's API does not return the bank account; the invoice carries these payment means",
		options: [
			{ displayName: 'Bank Account Number', name: 'bankAccountNo', type: 'string', default: '' },
			{
				displayName: 'Bank Registration Number',
				name: 'bankRegNo',
				type: 'string',
				default: '',
				description: 'Danish reg. no. (4 digits), with the account number',
			},
			{ displayName: 'BIC', name: 'bic', type: 'string', default: '' },
			{
				displayName: 'FIK Card Type',
				name: 'fikCardType',
				type: 'options',
				options: [
					{ name: '+71', value: '71' },
					{ name: '+73', value: '73' },
					{ name: '+75', value: '75' },
				],
				default: '71',
			},
			{
				displayName: 'FIK Creditor Number',
				name: 'fikCreditorId',
				type: 'string',
				default: '',
				description: '8 digits (kreditornummer)',
			},
			{ displayName: 'IBAN', name: 'iban', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Seller GLN (EAN)',
		name: 'sellerGln',
		type: 'string',
		default: '',
		placeholder: '5790000000000',
		description:
			"The organisation's own location number, used as the seller's electronic address instead of its CVR number",
	},
	{
		displayName: 'VAT Category per Tax Rate',
		name: 'vatCategories',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Tax Rate',
		default: {},
		description:
			'Override how a Billy tax rate maps to an EN 16931 VAT category (zero rates are otherwise recognised by name)',
		options: [
			{
				displayName: 'Tax Rate',
				name: 'rate',
				values: [
					{ displayName: 'Tax Rate ID', name: 'taxRateId', type: 'string', default: '' },
					{
						displayName: 'Category',
						name: 'category',
						type: 'options',
						options: [
							{ name: 'Exempt (E)', value: 'E' },
							{ name: 'Export Outside the EU (G)', value: 'G' },
							{ name: 'Intra-Community Supply (K)', value: 'K' },
							{ name: 'Outside the Scope of VAT (O)', value: 'O' },
							{ name: 'Reverse Charge (AE)', value: 'AE' },
							{ name: 'Standard Rate (S)', value: 'S' },
							{ name: 'Zero Rated (Z)', value: 'Z' },
						],
						default: 'S',
					},
				],
			},
		],
	},
];

/** List search: customers by name. */
export async function searchCustomers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = await BillyClient.create(this);
	const { contacts } = await client.listContacts(
		{ name: filter?.trim() || undefined, isCustomer: true, isArchived: false },
		200,
	);
	return {
		results: contacts.map((c) => ({
			name: c.registrationNo ? `${c.name} (${c.registrationNo})` : c.name,
			value: c.id,
		})),
	};
}

/** The id of a resource locator value, whatever its mode. */
export function locatorId(value: unknown): string {
	if (value && typeof value === 'object' && 'value' in value)
		return String((value as { value: unknown }).value ?? '').trim();
	return typeof value === 'string' ? value.trim() : '';
}
