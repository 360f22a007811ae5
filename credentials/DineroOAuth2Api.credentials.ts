import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Dinero through Visma Connect: OAuth2 authorization code flow (the flow Dinero requires for public integrations).
 * Register a "Web application" in the Visma Developer Portal; its client id starts with `isv_`. The token belongs to
 * the user and can reach several organisations, so the organisation id is part of the credential.
 */
export class DineroOAuth2Api implements ICredentialType {
	name = 'dineroOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Dinero (Visma Connect) OAuth2 API';

	documentationUrl = 'https://developer.dinero.dk/documentation/authorization';

	icon = { light: 'file:../nodes/Dinero/dinero.svg', dark: 'file:../nodes/Dinero/dinero.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'api.dinero.dk with Visma Connect' },
				{
					name: 'Sandbox (Emulator)',
					value: 'sandbox',
					description: 'The package’s Dinero emulator, which also plays Visma Connect',
				},
				{
					name: 'Custom Base URL',
					value: 'custom',
					description: 'Another API host (e.g. a proxy); Visma Connect for tokens',
				},
			],
			default: 'production',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:4010',
			displayOptions: { show: { environment: ['sandbox', 'custom'] } },
		},
		{
			displayName: 'Organization ID',
			name: 'organizationId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '184512',
			description: 'The number after app.dinero.dk/ in your browser when you are logged in to the organisation',
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 100,
			description:
				'Dinero allows 100 requests per minute per organisation. Lower it when other integrations share the quota.',
		},
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default:
				'={{$self["environment"] === "sandbox" ? $self["baseUrl"].replace(/\\/+$/, "") + "/connect/authorize" : "https://connect.visma.com/connect/authorize"}}',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default:
				'={{$self["environment"] === "sandbox" ? $self["baseUrl"].replace(/\\/+$/, "") + "/connect/token" : "https://connect.visma.com/connect/token"}}',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'dineropublicapi:read dineropublicapi:write offline_access',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'ui_locales=da-DK',
		},
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.environment === "production" ? "https://api.dinero.dk" : $credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/organizations',
		},
	};
}
