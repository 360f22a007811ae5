/**
 * Test-only node and credential types that exercise the shared n8n glue (request helper, token helper, paging,
 * poll cursor, per-item runner) inside the real engine. They are registered with the harness by the tests that use
 * them and are not part of the package.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { apiRequest, apiRequestBinary, apiRequestFull, type Service } from '../../../nodes/shared/n8n/request';
import { runPerItem } from '../../../nodes/shared/n8n/items';
import { cachedToken, credentialIdentity, fetchOAuth2Token } from '../../../nodes/shared/n8n/token';
import { pageByNumber } from '../../../nodes/shared/n8n/paging';
import { latestDocuments, openCursor, queryFrom, saveCursor, selectNew } from '../../../nodes/shared/n8n/poll-cursor';

/** Header credential: `Authorization: Bearer <token>` and `X-Api-Key`, from a generic authenticate block. */
export class ProbeApi implements ICredentialType {
	name = 'probeApi';
	displayName = 'Probe API';
	properties = [
		{ displayName: 'Token', name: 'token', type: 'string' as const, typeOptions: { password: true }, default: '' },
		{ displayName: 'API Key', name: 'apiKey', type: 'string' as const, typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string' as const, default: '' },
	];
	authenticate = {
		type: 'generic' as const,
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}', 'X-Api-Key': '={{$credentials.apiKey}}' },
		},
	};
	test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/me' } };
}

/** Credential that obtains its token itself through n8n's preAuthentication (hidden expirable property). */
export class ProbeTokenApi implements ICredentialType {
	name = 'probeTokenApi';
	displayName = 'Probe Token API';
	properties = [
		{ displayName: 'Client ID', name: 'clientId', type: 'string' as const, default: '' },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string' as const,
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string' as const, default: '' },
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden' as const,
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];
	async preAuthentication(
		this: { helpers: { httpRequest: (o: IHttpRequestOptions) => Promise<unknown> } },
		credentials: ICredentialDataDecryptedObject,
	) {
		const token = await fetchOAuth2Token((o) => this.helpers.httpRequest(o), {
			tokenUrl: `${String(credentials.baseUrl)}/token`,
			grantType: 'client_credentials',
			clientId: String(credentials.clientId),
			clientSecret: String(credentials.clientSecret),
		});
		return { accessToken: token.accessToken };
	}
	authenticate = {
		type: 'generic' as const,
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};
}

/** Credential for a client that fetches tokens itself with `cachedToken` (no authenticate block of its own). */
export class ProbeClientApi implements ICredentialType {
	name = 'probeClientApi';
	displayName = 'Probe Client API';
	properties = [
		{ displayName: 'Client ID', name: 'clientId', type: 'string' as const, default: '' },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string' as const,
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string' as const, default: '' },
	];
	authenticate = { type: 'generic' as const, properties: { headers: { 'X-Client': '={{$credentials.clientId}}' } } };
}

function probeService(credentialType: string): Service {
	return {
		system: 'Probe',
		credentialType,
		// The probe API reports errors as {"problem": {"text": "..."}}; anything else falls back to the default extractor.
		errorMessage: ({ body }) => {
			const problem = (body as { problem?: { text?: unknown } } | undefined)?.problem;
			return typeof problem?.text === 'string' ? problem.text : undefined;
		},
		tokenExpiredStatus: credentialType === 'probeTokenApi' ? 401 : false,
	};
}

const description: INodeTypeDescription = {
	displayName: 'HTTP Probe',
	name: 'httpProbe',
	group: ['transform'],
	version: 1,
	description: 'Test node for the shared request helper',
	defaults: { name: 'HTTP Probe' },
	inputs: ['main'],
	outputs: ['main'],
	credentials: [
		{ name: 'probeApi', required: false },
		{ name: 'probeTokenApi', required: false },
		{ name: 'probeClientApi', required: false },
	],
	properties: [
		{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: 'probeApi' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Path', name: 'path', type: 'string', default: '/' },
		{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
		{ displayName: 'Response', name: 'response', type: 'string', default: 'json' },
		{ displayName: 'Subject', name: 'subject', type: 'string', default: '' },
		{ displayName: 'Rate Limit', name: 'rateLimit', type: 'number', default: 0 },
		{ displayName: 'Rate Window', name: 'rateWindowMs', type: 'number', default: 1000 },
		{ displayName: 'Max Attempts', name: 'maxAttempts', type: 'number', default: 4 },
		{ displayName: 'Base Delay', name: 'baseDelayMs', type: 'number', default: 20 },
		{ displayName: 'Max Total Wait', name: 'maxTotalWaitMs', type: 'number', default: 10_000 },
		{ displayName: 'Idempotent', name: 'idempotent', type: 'boolean', default: false },
		{ displayName: 'Timeout', name: 'timeoutMs', type: 'number', default: 0 },
		{ displayName: 'Paged', name: 'paged', type: 'boolean', default: false },
	],
};

export class HttpProbe implements INodeType {
	description = description;

	methods = {
		listSearch: {
			async searchCustomers(
				this: ILoadOptionsFunctions,
				filter?: string,
				paginationToken?: string,
			): Promise<INodeListSearchResult> {
				const baseURL = this.getCurrentNodeParameter('baseUrl') as string;
				const page = paginationToken ? Number(paginationToken) : 1;
				const customers = (await apiRequest.call(this, probeService('probeApi'), {
					baseURL,
					url: '/customers',
					qs: { q: filter ?? '', page },
				})) as Array<{ id: string; name: string }>;
				return {
					results: customers.map((c) => ({ name: c.name, value: c.id })),
					paginationToken: customers.length === 2 ? String(page + 1) : undefined,
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runPerItem(
			this,
			async (_item, i) => {
				const credentialType = this.getNodeParameter('credentialType', i) as string;
				const service = probeService(credentialType);
				const baseURL = this.getNodeParameter('baseUrl', i) as string;
				const url = this.getNodeParameter('path', i) as string;
				const method = this.getNodeParameter('method', i) as IHttpRequestMethods;
				const limit = this.getNodeParameter('rateLimit', i) as number;
				const subject = (this.getNodeParameter('subject', i) as string) || undefined;
				const common = {
					method,
					baseURL,
					url,
					itemIndex: i,
					subject,
					idempotent: (this.getNodeParameter('idempotent', i) as boolean) || undefined,
					timeout: (this.getNodeParameter('timeoutMs', i) as number) || undefined,
					rateLimit:
						limit > 0
							? { key: `probe:${baseURL}`, limit, windowMs: this.getNodeParameter('rateWindowMs', i) as number }
							: undefined,
					retry: {
						maxAttempts: this.getNodeParameter('maxAttempts', i) as number,
						baseDelayMs: this.getNodeParameter('baseDelayMs', i) as number,
						maxTotalWaitMs: this.getNodeParameter('maxTotalWaitMs', i) as number,
					},
				};
				if (credentialType === 'probeClientApi') {
					const credentials = await this.getCredentials('probeClientApi');
					const identity = credentialIdentity(
						'probe',
						credentials.baseUrl,
						credentials.clientId,
						credentialIdentity(credentials.clientSecret),
					);
					const token = cachedToken(identity, () =>
						fetchOAuth2Token((o) => this.helpers.httpRequest(o), {
							tokenUrl: `${String(credentials.baseUrl)}/token`,
							grantType: 'password',
							clientId: String(credentials.clientId),
							clientSecret: String(credentials.clientSecret),
							username: 'probe-user',
							password: 'probe-password',
						}),
					);
					Object.assign(common, { token });
				}
				if (this.getNodeParameter('paged', i) as boolean) {
					const result = await pageByNumber(
						async (page, pageSize) =>
							(await apiRequest.call(this, service, { ...common, qs: { page, pageSize } })) as IDataObject[],
						{ pageSize: 3, firstPage: 0 },
					);
					return { json: { items: result.items as IDataObject[], pages: result.pages } };
				}
				const mode = this.getNodeParameter('response', i) as string;
				if (mode === 'binary') {
					const file = await apiRequestBinary.call(this, service, common);
					const binary = await this.helpers.prepareBinaryData(file.data, file.fileName ?? 'file.bin', file.mimeType);
					return {
						json: { fileName: file.fileName ?? null, mimeType: file.mimeType ?? null },
						binary: { data: binary },
					};
				}
				if (mode === 'full') {
					const full = (await apiRequestFull.call(this, service, common)) as {
						statusCode: number;
						body: IDataObject;
						headers: IDataObject;
					};
					return {
						json: {
							statusCode: full.statusCode,
							body: full.body,
							requestId: String(full.headers['x-request-id'] ?? ''),
						},
					};
				}
				const body = (await apiRequest.call(this, service, common)) as IDataObject;
				return { json: body };
			},
			{ system: 'Probe' },
		);
	}
}

export interface ProbeDocument {
	id: string;
	updatedAt: string;
}

/** Polling trigger over `/documents?changedSince=…` using the shared poll cursor (test-only). */
export class ProbeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe Trigger',
		name: 'probeTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test trigger for the shared poll cursor',
		defaults: { name: 'Probe Trigger' },
		polling: true,
		inputs: [],
		outputs: ['main'],
		credentials: [{ name: 'probeApi', required: true }],
		properties: [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Export Since', name: 'exportSince', type: 'string', default: '' },
			{ displayName: 'Budget', name: 'budget', type: 'number', default: 0 },
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const service = probeService('probeApi');
		const baseURL = this.getNodeParameter('baseUrl') as string;
		const budget = this.getNodeParameter('budget') as number;
		const staticData = this.getWorkflowStaticData('node');
		const keyOf = (doc: ProbeDocument) => ({ id: doc.id, timestamp: doc.updatedAt });
		// Stop paging when the poll budget is spent; safe because the API lists oldest first.
		const deadline = Date.now() + this.getPollBudgetMs() * 0.8;
		const fetchSince = async (since: string) =>
			(
				await pageByNumber(
					async (page, pageSize) =>
						(await apiRequest.call(this, service, {
							baseURL,
							url: '/documents',
							qs: { changedSince: since, page, pageSize },
						})) as ProbeDocument[],
					{ pageSize: 2, firstPage: 1, onPage: () => Date.now() < deadline },
				)
			).items;
		if (this.getMode() === 'manual') {
			const latest = latestDocuments(await fetchSince('1970-01-01T00:00:00.000Z'), keyOf, 2);
			return latest.length ? [latest.map((doc) => ({ json: { ...doc } }))] : null;
		}
		const { cursor } = openCursor(staticData, {
			exportSince: (this.getNodeParameter('exportSince') as string) || undefined,
		});
		const docs = await fetchSince(queryFrom(cursor));
		const { documents, next } = selectNew(cursor, docs, keyOf, { limit: budget > 0 ? budget : undefined });
		const output = documents.map((doc) => ({ json: { ...doc } }));
		saveCursor(staticData, next);
		return output.length ? [output] : null;
	}
}
