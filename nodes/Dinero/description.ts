/** Node parameters shared by the Dinero Trigger and the Dinero node. */
import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeCredentialDescription,
	INodeListSearchResult,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DineroClient, type DineroCredentialType } from './client';
import { sellerProblems } from './mapper';
import type { DineroSellerDetails } from './types';

export const credentials: INodeCredentialDescription[] = [
	{ name: 'dineroApi', required: true, displayOptions: { show: { authentication: ['dineroApi'] } } },
	{ name: 'dineroOAuth2Api', required: true, displayOptions: { show: { authentication: ['dineroOAuth2Api'] } } },
];

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Personal API Key', value: 'dineroApi' },
		{ name: 'OAuth2 (Visma Connect)', value: 'dineroOAuth2Api' },
	],
	default: 'dineroApi',
};

/** A customer picked from a list (search by name) or given by its contact guid. */
export function customerLocator(name: string, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchCustomers', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 345af4c6-2d1a-4c7e-9a4b-0c1d2e3f4a5b',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^[0-9a-fA-F-]{36}$', errorMessage: 'A Dinero contact ID is a GUID' },
					},
				],
			},
		],
	};
}

export const sellerDetailsProperty: INodeProperties = {
	displayName: 'Seller Details',
	name: 'sellerDetails',
	type: 'collection',
	placeholder: 'Add Seller Detail',
	default: {},
	description:
		'Your own company as it must appear on the e-invoice. Dinero’s API has no endpoint for it. Name, CVR number, street, postal code, city and a payment method are required.',
	options: [
		{ displayName: 'Additional Street', name: 'additionalStreet', type: 'string', default: '' },
		{
			displayName: 'Bank Account No.',
			name: 'bankAccountNo',
			type: 'string',
			default: '',
			displayOptions: { show: { paymentMethod: ['bank'] } },
		},
		{
			displayName: 'Bank Reg. No.',
			name: 'bankRegNo',
			type: 'string',
			default: '',
			displayOptions: { show: { paymentMethod: ['bank'] } },
		},
		{ displayName: 'BIC', name: 'bic', type: 'string', default: '', placeholder: 'DABADKKK' },
		{ displayName: 'City', name: 'city', type: 'string', default: '' },
		{ displayName: 'Contact Name', name: 'contactName', type: 'string', default: '' },
		{ displayName: 'Country', name: 'country', type: 'string', default: 'DK', description: 'ISO 3166-1 alpha-2 code' },
		{ displayName: 'CVR Number', name: 'cvr', type: 'string', default: '', placeholder: '12345674' },
		{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
		{
			displayName: 'FIK Card Type',
			name: 'fikCardType',
			type: 'options',
			options: [
				{ name: '+71 (With Payment ID)', value: '71' },
				{ name: '+73 (Without Payment ID)', value: '73' },
				{ name: '+75 (With Payment ID and Message)', value: '75' },
			],
			default: '71',
		},
		{ displayName: 'FIK Creditor Number', name: 'fikCreditorId', type: 'string', default: '', description: '8 digits' },
		{
			displayName: 'GLN (EAN)',
			name: 'gln',
			type: 'string',
			default: '',
			description: 'Your own GLN, when receivers should address you by it instead of your CVR number',
		},
		{ displayName: 'IBAN', name: 'iban', type: 'string', default: '' },
		{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		{
			displayName: 'Payment Method',
			name: 'paymentMethod',
			type: 'options',
			options: [
				{ name: 'Bank Transfer (IBAN)', value: 'iban' },
				{ name: 'Bank Transfer (Reg. No. and Account No.)', value: 'bank' },
				{ name: 'FIK (Indbetalingskort)', value: 'fik' },
				{ name: 'None', value: 'none' },
			],
			default: 'iban',
		},
		{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
		{ displayName: 'Postal Code', name: 'postalCode', type: 'string', default: '' },
		{ displayName: 'Street', name: 'street', type: 'string', default: '' },
		{
			displayName: 'VAT ID',
			name: 'vatId',
			type: 'string',
			default: '',
			description: 'Default: DK followed by the CVR number',
		},
	],
};

export const outputProperty: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{
			name: 'Canonical Invoice',
			value: 'canonical',
			description: 'EN 16931 invoice in JSON.invoice, ready for Invoice to UBL',
		},
		{
			name: 'Raw Dinero Document',
			value: 'raw',
			description: 'The document as Dinero returns it, in the dinero field of the item',
		},
	],
	default: 'canonical',
};

/** Seller details from the node, checked when canonical output needs them. */
export function readSellerDetails(
	ctx: IExecuteFunctions | IPollFunctions,
	itemIndex = 0,
	required = true,
): DineroSellerDetails | undefined {
	const raw = (ctx.getNodeParameter('sellerDetails', itemIndex, {}) ?? {}) as Partial<DineroSellerDetails>;
	const seller = Object.fromEntries(
		Object.entries(raw).filter(([, v]) => v !== '' && v !== undefined),
	) as unknown as DineroSellerDetails;
	if (!required) return seller;
	const problems = sellerProblems(seller);
	if (problems.length) {
		throw new NodeOperationError(ctx.getNode(), `Seller Details are incomplete: ${problems.join('; ')}`, {
			description:
				'Dinero’s API has no data about your own company. Fill in Seller Details on this node (Add Seller Detail).',
			itemIndex,
		});
	}
	return seller;
}

export async function clientFor(
	ctx: IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions,
): Promise<DineroClient> {
	const credentialType = ctx.getNodeParameter('authentication', 0, 'dineroApi') as DineroCredentialType;
	return await DineroClient.create(ctx, credentialType);
}

/** List search: customers (debitors) by name, CVR or EAN. */
export async function searchCustomers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = await clientFor(this);
	const { items } = await client.listContacts({ maxItems: 1000 });
	const needle = (filter ?? '').trim().toLowerCase();
	const results = items
		.filter((c) => !c.DeletedAt)
		.filter(
			(c) =>
				!needle ||
				[c.Name, c.VatNumber, c.EanNumber, c.Email].some((v) =>
					String(v ?? '')
						.toLowerCase()
						.includes(needle),
				),
		)
		.slice(0, 200)
		.map((c) => ({
			name: c.VatNumber ? `${String(c.Name)} (${String(c.VatNumber)})` : String(c.Name),
			value: c.ContactGuid,
		}));
	return { results };
}

/** The value of a customer resource locator, or '' when none was picked. */
export function locatorValue(value: unknown): string {
	if (value && typeof value === 'object') return String((value as { value?: unknown }).value ?? '').trim();
	return String(value ?? '').trim();
}
