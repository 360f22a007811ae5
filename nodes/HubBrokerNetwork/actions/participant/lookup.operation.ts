import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runPerItem } from '../../../shared/n8n/items';
import { parseParticipant } from '../../../shared/network';
import { lookupForExecution } from '../network.settings';

const show = { resource: ['participant'], operation: ['lookup'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Identifier Scheme',
		name: 'scheme',
		type: 'options',
		options: [
			{ name: '0007 – SE Organisation Number', value: '0007' },
			{ name: '0088 – EAN / GLN', value: '0088' },
			{ name: '0096 – DK P-Number', value: '0096' },
			{ name: '0184 – DK CVR', value: '0184' },
			{ name: '0192 – NO Organisation Number', value: '0192' },
			{ name: '0198 – DK VAT / SE', value: '0198' },
			{ name: '0208 – BE Enterprise Number', value: '0208' },
			{ name: '0216 – FI OVT', value: '0216' },
			{ name: 'From the ID (Scheme:Value)', value: 'fromId' },
			{ name: 'Other EAS Code', value: 'other' },
		],
		default: 'fromId',
		displayOptions: { show },
	},
	{
		displayName: 'EAS Code',
		name: 'otherScheme',
		type: 'string',
		default: '',
		placeholder: '9925',
		displayOptions: { show: { ...show, scheme: ['other'] } },
	},
	{
		displayName: 'Participant ID',
		name: 'participantId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '0184:12345674',
		description: 'The identifier, e.g. 0184:12345674, or just the value when a scheme is chosen above',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'lookupOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Skip Check-Digit Validation',
				name: 'skipValidation',
				type: 'boolean',
				default: false,
				description: 'Whether to look up identifiers whose check digit is wrong instead of reporting them as invalid',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const lookup = lookupForExecution(this, this.getNodeParameter('lookupOptions', 0, {}) as IDataObject);
	return await runPerItem(
		this,
		async (item, itemIndex) => {
			const schemeSetting = this.getNodeParameter('scheme', itemIndex) as string;
			const scheme =
				schemeSetting === 'other' ? (this.getNodeParameter('otherScheme', itemIndex) as string) : schemeSetting;
			const raw = String(this.getNodeParameter('participantId', itemIndex) ?? '').trim();
			let id;
			try {
				id = parseParticipant(raw, scheme === 'fromId' ? undefined : scheme);
			} catch (error) {
				throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex });
			}
			const result = await lookup.lookup(id);
			return { json: { ...item.json, participant: result as unknown as IDataObject }, binary: item.binary };
		},
		{ system: 'PEPPOL network' },
	);
}
