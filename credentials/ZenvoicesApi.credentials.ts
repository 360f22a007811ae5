import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import {
	parseTokenLogin,
	TOKEN_LOGIN_PATH,
	tokenLoginBody,
	TwoFactorError,
	zenvoicesBaseUrl,
} from '../nodes/Zenvoices/client';

/**
 * Zenvoices API user (username + password + organisation code). The access token comes from TokenLogin and is kept
 * in a hidden expirable field: n8n fetches a new one when it is empty or when Zenvoices answers 401.
 * Users with two-factor authentication cannot log in from an API client and are refused with an explanation.
 */
export class ZenvoicesApi implements ICredentialType {
	name = 'zenvoicesApi';

	displayName = 'Zenvoices API';

	documentationUrl = 'https://www.zenvoices.com/blog/public-api-docs/';

	icon = {
		light: 'file:../nodes/Zenvoices/zenvoices.svg',
		dark: 'file:../nodes/Zenvoices/zenvoices.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Username or Email',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'A dedicated API user without two-factor authentication, with the "API" permissions',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Organisation Code',
			name: 'organisationCode',
			type: 'string',
			default: '',
			required: true,
			description: 'The organisation code you log in with (the "tenancy name" of the API)',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'https://app.zenvoices.com' },
				{ name: 'Sandbox (Emulator)', value: 'sandbox', description: "This package's local Zenvoices emulator" },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: 'production',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8795',
			displayOptions: { show: { environment: ['sandbox', 'custom'] } },
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
		// A login is safe to repeat: 429, 5xx and a dropped connection get a few more tries before the error stands.
		for (let attempt = 1; ; attempt++) {
			let response: { statusCode: number; body: unknown } | undefined;
			try {
				response = (await this.helpers.httpRequest({
					method: 'POST',
					url: `${zenvoicesBaseUrl(credentials)}${TOKEN_LOGIN_PATH}`,
					body: tokenLoginBody(credentials),
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				})) as { statusCode: number; body: unknown };
			} catch (error) {
				if (attempt >= 4) throw error;
			}
			if (response) {
				const transient = response.statusCode === 429 || response.statusCode >= 500;
				try {
					if (!transient || attempt >= 4) {
						const user = String(credentials.username ?? '');
						return { accessToken: parseTokenLogin(response.statusCode, response.body, user).accessToken };
					}
				} catch (error) {
					// A 2xx without a token is a proxy page or an answer cut off on the way: worth another try.
					if (response.statusCode >= 400 || error instanceof TwoFactorError || attempt >= 4) throw error;
				}
			}
			await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
		}
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.environment === "production" || !$credentials.environment ? "https://app.zenvoices.com" : String($credentials.baseUrl).replace(/\\/+$/, "") }}',
			url: '/public-api/v1/administration/list',
			method: 'POST',
			body: { maxResultCount: 1, skipCount: 0 },
		},
	};
}
