import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { type FetchText, ParticipantLookup, SML_ZONES } from '../../shared/network';

/** SML zone and DNS resolver settings, shown for the Participant operations. */
export const networkSettings: INodeProperties[] = [
	{
		displayName: 'SML Zone',
		name: 'smlZone',
		type: 'options',
		options: [
			{ name: 'Production', value: 'production', description: SML_ZONES.production },
			{ name: 'Test', value: 'test', description: SML_ZONES.test },
			{ name: 'Custom', value: 'custom' },
		],
		default: 'production',
		displayOptions: { show: { resource: ['participant'] } },
	},
	{
		displayName: 'Custom SML Zone',
		name: 'customZone',
		type: 'string',
		default: '',
		placeholder: 'participant.sml.example.org',
		displayOptions: { show: { resource: ['participant'], smlZone: ['custom'] } },
	},
	{
		displayName: 'DNS Resolver',
		name: 'dnsResolver',
		type: 'options',
		options: [
			{ name: 'System', value: 'system', description: "The machine's resolvers" },
			{ name: 'Custom', value: 'custom', description: 'A DNS server by host:port' },
		],
		default: 'system',
		displayOptions: { show: { resource: ['participant'] } },
	},
	{
		displayName: 'DNS Server',
		name: 'dnsServer',
		type: 'string',
		default: '',
		placeholder: '1.1.1.1:53',
		description: 'Host or host:port of the DNS server to ask',
		displayOptions: { show: { resource: ['participant'], dnsResolver: ['custom'] } },
	},
];

/** SMP documents are public: a plain GET that returns status and body (404 is an answer, not an error). */
function smpFetch(ctx: IExecuteFunctions): FetchText {
	return async (url) => {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			headers: { Accept: 'application/xml, text/xml' },
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 15000,
		})) as { statusCode: number; body: unknown };
		const body = Buffer.isBuffer(response.body) ? response.body.toString('utf8') : String(response.body ?? '');
		return { status: response.statusCode, body };
	};
}

/** One lookup service (and so one cache) per execution. */
export function lookupForExecution(ctx: IExecuteFunctions, options: IDataObject = {}): ParticipantLookup {
	const zoneSetting = ctx.getNodeParameter('smlZone', 0, 'production') as string;
	const zone =
		zoneSetting === 'custom'
			? (ctx.getNodeParameter('customZone', 0, '') as string)
			: (SML_ZONES[zoneSetting as keyof typeof SML_ZONES] ?? SML_ZONES.production);
	const resolver = ctx.getNodeParameter('dnsResolver', 0, 'system') as string;
	const server = resolver === 'custom' ? (ctx.getNodeParameter('dnsServer', 0, '') as string) : undefined;
	return new ParticipantLookup({
		zone,
		dns: { server },
		fetchText: smpFetch(ctx),
		skipValidation: options.skipValidation === true,
	});
}
