import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { redactSecrets } from '../nodes/shared/n8n/request';

/** Base URL of the Severa REST API for the credential's environment (also used by the node's client). */
export function severaBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	switch (credentials.environment) {
		case 'production':
			return 'https://api.severa.visma.com/rest-api';
		case 'staging':
			return 'https://api.severa.stag.visma.com/rest-api';
		default:
			return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	}
}

/**
 * Visma Severa client credentials (Settings → Integrations → REST API → Create client credentials).
 *
 * An access token is requested from `POST /v1/token` with the client id, secret and scopes, kept in the hidden
 * `accessToken` field until the API answers 401 (expired), then requested again and the call repeated. Every call
 * carries both `Authorization: Bearer …` and the `Client_Id` header, as Severa requires.
 */
export class SeveraApi implements ICredentialType {
	name = 'severaApi';

	displayName = 'Visma Severa API';

	documentationUrl = 'https://api.severa.visma.com/psapublicrest/swagger/index.html';

	icon = 'file:../nodes/Severa/severa.svg' as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'https://api.severa.visma.com/rest-api' },
				{
					name: 'Staging',
					value: 'staging',
					description: 'https://api.severa.stag.visma.com/rest-api (by arrangement with Visma)',
				},
				{ name: 'Sandbox (Emulator)', value: 'sandbox', description: "This package's local Severa emulator" },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: 'production',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8791',
			placeholder: 'https://api.severa.visma.com/rest-api',
			description: 'Root of the API, without /v1',
			displayOptions: { show: { environment: ['sandbox', 'custom'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Scopes',
			name: 'scopes',
			type: 'string',
			default: 'invoices:read,invoices:write,customers:read,settings:read,organization:read,files:read',
			description:
				'Comma-separated scopes granted to the client in Severa. Reading invoices needs invoices:read, customers:read, settings:read and organization:read; the PDF needs files:read; setting a status needs invoices:write.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const scope = String(credentials.scopes ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean)
			.join(',');
		const response = (await this.helpers
			.httpRequest({
				method: 'POST',
				url: `${severaBaseUrl(credentials)}/v1/token`,
				body: { client_id: credentials.clientId, client_secret: credentials.clientSecret, ...(scope ? { scope } : {}) },
				json: true,
			})
			.catch((error: { response?: { status?: number; data?: unknown }; httpCode?: string; message?: string }) => {
				// Rethrown without the request (its body holds the secret): status and the remote message only.
				// A token endpoint may echo what it was sent: never repeat the secrets.
				throw new Error(
					redactSecrets(`Severa refused the token request${tokenErrorText(error)}`, [credentials.clientSecret]),
				);
			})) as { access_token?: string };
		if (!response?.access_token) throw new Error('Severa did not return an access token');
		return { accessToken: response.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
				Client_Id: '={{$credentials.clientId}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.environment === "production" ? "https://api.severa.visma.com/rest-api" : $credentials.environment === "staging" ? "https://api.severa.stag.visma.com/rest-api" : String($credentials.baseUrl).replace(/\\/+$/, "") }}',
			url: '/heartbeat/authorized',
			method: 'GET',
		},
	};
}

function tokenErrorText(error: { response?: { status?: number; data?: unknown }; message?: string }): string {
	const status = error.response?.status;
	let body = error.response?.data as any;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			body = undefined;
		}
	}
	const remote = body?.error?.details?.[0]?.message ?? body?.error?.type;
	return `${status ? ` [HTTP ${status}]` : ''}${remote ? `: ${String(remote)}` : status ? '' : `: ${error.message ?? 'no response'}`}`;
}
