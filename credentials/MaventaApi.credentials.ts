import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { redactSecrets } from '../nodes/shared/n8n/request';

/** Base URL of Maventa AutoXChange for the credential's environment (also used by the node's client). */
export function maventaBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	switch (credentials.environment) {
		case 'production':
			return 'https://ax.maventa.com';
		case 'testing':
			return 'https://ax-stage.maventa.com';
		default:
			return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	}
}

/**
 * Maventa AutoXChange (AutoInvoice) API: OAuth 2 client credentials at `/oauth2/token` with the company UUID as
 * client id, the user API key as client secret and the software vendor's API key. The token (valid 60 minutes) is
 * kept in the hidden `accessToken` field and requested again when Maventa answers 401.
 */
export class MaventaApi implements ICredentialType {
	name = 'maventaApi';

	displayName = 'Maventa API';

	documentationUrl = 'https://documentation.maventa.com/';

	icon = 'file:../nodes/Maventa/maventa.svg' as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'https://ax.maventa.com' },
				{ name: 'Testing', value: 'testing', description: 'https://ax-stage.maventa.com' },
				{ name: 'Sandbox (Emulator)', value: 'sandbox', description: "This package's local Maventa emulator" },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: 'production',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8792',
			placeholder: 'https://ax.maventa.com',
			displayOptions: { show: { environment: ['sandbox', 'custom'] } },
		},
		{
			displayName: 'Company UUID',
			name: 'companyId',
			type: 'string',
			default: '',
			required: true,
			description: 'The company ID in Maventa (Settings → Company settings); sent as client_id',
		},
		{
			displayName: 'User API Key',
			name: 'userApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The API key of a Maventa user of that company (the user's own settings); sent as client_secret",
		},
		{
			displayName: 'Vendor API Key',
			name: 'vendorApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The software vendor's API key (partner account → Company settings → Software API keys)",
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'eui',
			description:
				'Space-separated scopes. "eui" covers sending, status and receiver lookup; a narrower set is "invoice:send lookup company:read".',
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
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: String(credentials.companyId ?? ''),
			client_secret: String(credentials.userApiKey ?? ''),
			vendor_api_key: String(credentials.vendorApiKey ?? ''),
		});
		const scope = String(credentials.scope ?? '').trim();
		if (scope) form.set('scope', scope);
		const response = (await this.helpers
			.httpRequest({
				method: 'POST',
				url: `${maventaBaseUrl(credentials)}/oauth2/token`,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
				body: form.toString(),
				json: true,
			})
			.catch((error: { response?: { status?: number; data?: unknown }; httpCode?: string; message?: string }) => {
				// Rethrown without the request (its body holds the secret): status and the remote message only.
				// A token endpoint may echo what it was sent: never repeat the secrets.
				throw new Error(
					redactSecrets(`Maventa refused the token request${tokenErrorText(error)}`, [
						credentials.userApiKey,
						credentials.vendorApiKey,
					]),
				);
			})) as { access_token?: string };
		if (!response?.access_token) throw new Error('Maventa did not return an access token');
		return { accessToken: response.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.environment === "production" ? "https://ax.maventa.com" : $credentials.environment === "testing" ? "https://ax-stage.maventa.com" : String($credentials.baseUrl).replace(/\\/+$/, "") }}',
			url: '/oauth2/current',
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
	const remote = body?.message ?? body?.error_description ?? body?.error;
	return `${status ? ` [HTTP ${status}]` : ''}${remote ? `: ${String(remote)}` : status ? '' : `: ${error.message ?? 'no response'}`}`;
}
