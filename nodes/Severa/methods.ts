/** List searches shared by the Severa nodes (status and customer pickers). */
import type { ILoadOptionsFunctions, INodeListSearchResult, INodeProperties } from 'n8n-workflow';
import { SeveraClient } from './client';

function flags(status: { isSent?: boolean; isPaid?: boolean; isReadOnly?: boolean; isActive?: boolean }): string {
	const list = [
		status.isSent && 'sent',
		status.isPaid && 'paid',
		status.isReadOnly && 'read-only',
		status.isActive === false && 'inactive',
	];
	const text = list.filter(Boolean).join(', ');
	return text ? ` (${text})` : '';
}

export async function searchInvoiceStatuses(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const client = await SeveraClient.create(this);
	const statuses = await client.listStatuses();
	const needle = (filter ?? '').toLowerCase();
	return {
		results: statuses
			.filter((s) => !needle || s.name.toLowerCase().includes(needle))
			.map((s) => ({ name: `${s.name}${flags(s)}`, value: s.guid })),
	};
}

export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await SeveraClient.create(this);
	const needle = (filter ?? '').toLowerCase();
	const customers = await client.listCustomers({ maxItems: needle ? 2000 : 200 });
	void paginationToken;
	return {
		results: customers
			.filter((c) => !needle || c.name.toLowerCase().includes(needle) || String(c.number ?? '').includes(needle))
			.slice(0, 200)
			.map((c) => ({ name: c.number ? `${c.name} (${c.number})` : c.name, value: c.guid })),
	};
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A resource locator picking an invoice status from `/v1/invoicestatuses`, or by its GUID. */
export function statusLocator(
	name: string,
	displayName: string,
	description: string,
	required = true,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchInvoiceStatuses', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 0f7c2b8e-3a41-4d2b-9c5e-7a1b2c3d4e5f',
				validation: [{ type: 'regex', properties: { regex: `^${GUID}$`, errorMessage: 'Not a Severa GUID' } }],
			},
		],
	};
}
