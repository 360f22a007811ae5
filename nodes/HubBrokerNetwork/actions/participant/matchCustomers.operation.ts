import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { DocumentFormat } from '../../../shared/einvoice/findings';
import { runPerItem } from '../../../shared/n8n/items';
import { type CustomerIdentifiers, matchCustomer } from '../../../shared/network';
import { lookupForExecution } from '../network.settings';

const show = { resource: ['participant'], operation: ['matchCustomers'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Each input item is a customer: a canonical buyer, an item with <code>invoice.buyer</code>, or a contact from Dinero, Billy or Severa. Identifiers are found automatically; set fields below to override. <code>match.suggestedRule</code> is a customer rule: store it in a Data Table or feed it to Route → Resolve.',
		name: 'matchNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Identifier Fields',
		name: 'identifierFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Country (ISO 2)', name: 'country', type: 'string', default: '' },
			{ displayName: 'Customer ID', name: 'customerId', type: 'string', default: '' },
			{ displayName: 'EAN / GLN', name: 'gln', type: 'string', default: '' },
			{
				displayName: 'Endpoint (Scheme:ID)',
				name: 'endpoint',
				type: 'string',
				default: '',
				placeholder: '0088:5798000000001',
			},
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Registration Number (CVR)', name: 'registrationNumber', type: 'string', default: '' },
			{ displayName: 'VAT ID', name: 'vatId', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Preferred Format',
		name: 'preferredFormat',
		type: 'options',
		options: [
			{ name: 'PEPPOL BIS 3', value: 'peppol-bis3' },
			{ name: 'OIOUBL 2.1', value: 'oioubl21' },
		],
		default: 'peppol-bis3',
		description: 'Format suggested when the receiver takes both',
		displayOptions: { show },
	},
	{
		displayName: 'Destination for Matched Customers',
		name: 'matchDestination',
		type: 'string',
		default: 'maventa',
		description: 'Destination put in the suggested export rule, e.g. maventa (a PEPPOL access point)',
		displayOptions: { show },
	},
];

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '') || undefined;

/** Read identifiers from the common shapes: canonical Party, `invoice.buyer`, Dinero/Billy/Severa contacts. */
export function customerFromJson(json: IDataObject): CustomerIdentifiers {
	const invoice = json.invoice as IDataObject | undefined;
	const party = ((invoice?.buyer as IDataObject) ?? (json.buyer as IDataObject) ?? json) as IDataObject;
	const source = json.source as IDataObject | undefined;
	const address = party.address as IDataObject | undefined;
	const endpoint = party.endpoint as IDataObject | undefined;
	const legal = party.legalId as IDataObject | undefined;
	const pick = (...keys: string[]) => {
		for (const key of keys) {
			const value = text(party[key]) ?? text(json[key]);
			if (value) return value;
		}
		return undefined;
	};
	return {
		customerId: text(source?.customerId) ?? pick('customerId', 'contactGuid', 'ContactGuid', 'id', 'guid'),
		name: text(source?.customerName) ?? pick('name', 'Name', 'customerName'),
		country: text(address?.country) ?? pick('countryId', 'CountryKey', 'countryCode', 'country'),
		endpoint:
			endpoint?.scheme && endpoint?.id ? { scheme: String(endpoint.scheme), id: String(endpoint.id) } : undefined,
		gln: pick('gln', 'ean', 'eanNumber', 'EanNumber', 'glnNumber'),
		registrationNumber:
			(legal?.id ? String(legal.id) : undefined) ??
			pick('registrationNumber', 'registrationNo', 'cvr', 'cvrNumber', 'companyNumber', 'businessId'),
		vatId: pick('vatId', 'vatNumber', 'VatNumber', 'vatNo', 'vatNumberText'),
		seNumber: pick('seNumber', 'SeNumber'),
		pNumber: pick('pNumber', 'PNumber'),
		identifiers: Array.isArray(party.identifiers)
			? (party.identifiers as IDataObject[]).map((i) => ({ scheme: text(i.scheme), id: String(i.id ?? '') }))
			: undefined,
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const lookup = lookupForExecution(this);
	return await runPerItem(
		this,
		async (item, itemIndex) => {
			const overrides = this.getNodeParameter('identifierFields', itemIndex, {}) as IDataObject;
			const customer = customerFromJson(item.json);
			for (const key of ['customerId', 'name', 'country', 'gln', 'registrationNumber', 'vatId'] as const) {
				const value = text(overrides[key]);
				if (value) customer[key] = value;
			}
			const endpoint = text(overrides.endpoint);
			if (endpoint) {
				const [scheme, ...rest] = endpoint.split(':');
				customer.endpoint = { scheme, id: rest.join(':') };
			}
			const match = await matchCustomer(lookup, customer, {
				preferredFormat: this.getNodeParameter('preferredFormat', itemIndex) as DocumentFormat,
				destination: this.getNodeParameter('matchDestination', itemIndex) as string,
			});
			return { json: { ...item.json, match: match as unknown as IDataObject }, binary: item.binary };
		},
		{ system: 'PEPPOL network' },
	);
}
