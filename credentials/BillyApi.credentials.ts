import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Billy access token (Settings → Access tokens in Billy). One token belongs to one organisation and does not
 * expire. Sent as the `X-Access-Token` header.
 */
export class BillyApi implements ICredentialType {
	name = 'billyApi';

	displayName = 'Billy API';

	documentationUrl = 'https://www.billy.dk/api/';

	icon = 'file:../nodes/Billy/billy.svg' as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Create it in Billy under Settings → Access tokens. It gives access to one organisation.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'https://api.billysbilling.com/v2' },
				{ name: 'Sandbox (Emulator)', value: 'sandbox', description: "This package's local Billy emulator" },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: 'production',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8790',
			placeholder: 'https://api.billysbilling.com',
			description: 'Root of the API; /v2 is added when missing',
			displayOptions: { show: { environment: ['sandbox', 'custom'] } },
		},
		{
			displayName: 'Max Requests per Minute',
			name: 'maxRequestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 120,
			description: 'Throttle for this token (Billy publishes no limit; 0 means no throttle)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-Access-Token': '={{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.environment === "production" ? "https://api.billysbilling.com/v2" : String($credentials.baseUrl).replace(/\\/+$/, "").replace(/\\/v2$/, "") + "/v2" }}',
			url: '/organization',
			method: 'GET',
		},
	};
}
