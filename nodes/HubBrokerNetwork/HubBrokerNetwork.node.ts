import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import * as sendAs2 from './actions/delivery/sendAs2.operation';
import * as sendHttp from './actions/delivery/sendHttp.operation';
import * as sendSftp from './actions/delivery/sendSftp.operation';
import { networkSettings } from './actions/network.settings';
import * as lookup from './actions/participant/lookup.operation';
import * as matchCustomers from './actions/participant/matchCustomers.operation';
import * as resolve from './actions/route/resolve.operation';
import { as2ApiTest } from './methods/as2CredentialTest';
import { sftpGatewayApiTest } from './methods/credentialTest';

const operations: Record<string, Record<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>>> = {
	participant: { lookup: lookup.execute, matchCustomers: matchCustomers.execute },
	route: { resolve: resolve.execute },
	delivery: { sendSftp: sendSftp.execute, sendHttp: sendHttp.execute, sendAs2: sendAs2.execute },
};

export class HubBrokerNetwork implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubBroker Network',
		name: 'hubBrokerNetwork',
		icon: { light: 'file:hubBrokerNetwork.svg', dark: 'file:hubBrokerNetwork.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["resource"] + ": " + $parameter["operation"] }}',
		description:
			'Look up PEPPOL/NemHandel participants, resolve per-customer export rules and deliver to SFTP/HTTP/AS2 gateways',
		defaults: { name: 'HubBroker Network' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter["resource"] === "route" ? [{ "type": "main", "displayName": "Activated" }, { "type": "main", "displayName": "Not Activated" }] : [{ "type": "main" }] }}`,
		credentials: [
			{
				name: 'sftpGatewayApi',
				required: true,
				testedBy: 'sftpGatewayApiTest',
				displayOptions: { show: { resource: ['delivery'], operation: ['sendSftp'] } },
			},
			{
				name: 'httpGatewayApi',
				required: true,
				displayOptions: { show: { resource: ['delivery'], operation: ['sendHttp'] } },
			},
			{
				name: 'as2Api',
				required: true,
				testedBy: 'as2ApiTest',
				displayOptions: { show: { resource: ['delivery'], operation: ['sendAs2'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Participant',
						value: 'participant',
						description: 'Who receives e-invoices on the PEPPOL/NemHandel network',
					},
					{ name: 'Route', value: 'route', description: 'Per-customer export rules' },
					{ name: 'Delivery', value: 'delivery', description: 'Send documents to a gateway' },
				],
				default: 'participant',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['participant'] } },
				options: [
					{
						name: 'Lookup',
						value: 'lookup',
						action: 'Look up a participant',
						description: 'SML + SMP lookup: registered?, document types, access point, certificate',
					},
					{
						name: 'Match Customers',
						value: 'matchCustomers',
						action: 'Match customers on the network',
						description: "Try each customer's identifiers and suggest an export rule",
					},
				],
				default: 'lookup',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['route'] } },
				options: [
					{
						name: 'Resolve',
						value: 'resolve',
						action: 'Resolve the export route',
						description: 'Merge defaults and customer rules; activated and not activated leave on separate outputs',
					},
				],
				default: 'resolve',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['delivery'] } },
				options: [
					{
						name: 'Send via SFTP',
						value: 'sendSftp',
						action: 'Send a document via SFTP',
						description: 'Atomic upload with a pinned host key',
					},
					{
						name: 'Send via HTTP',
						value: 'sendHttp',
						action: 'Send a document via HTTP',
						description: 'POST or PUT the document',
					},
					{
						name: 'Send via AS2',
						value: 'sendAs2',
						action: 'Send a document via AS2',
						description: 'Signed, encrypted AS2 message with a verified MDN receipt (e.g. EDIFACT to a VAN)',
					},
				],
				default: 'sendSftp',
			},
			...networkSettings,
			...lookup.description,
			...matchCustomers.description,
			...resolve.description,
			...sendSftp.description,
			...sendHttp.description,
			...sendAs2.description,
		],
	};

	methods = { credentialTest: { sftpGatewayApiTest, as2ApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const run = operations[resource]?.[operation];
		if (!run) throw new NodeOperationError(this.getNode(), `Unknown operation ${resource}/${operation}`);
		return await run.call(this);
	}
}
