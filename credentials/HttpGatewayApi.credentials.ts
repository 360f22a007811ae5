import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** An HTTP(S) gateway that accepts documents by POST or PUT, with a header token or basic auth. */
export class HttpGatewayApi implements ICredentialType {
	name = 'httpGatewayApi';

	displayName = 'HTTP Gateway API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-einvoice-export';

	icon = {
		light: 'file:../nodes/HubBrokerNetwork/hubBrokerNetwork.svg',
		dark: 'file:../nodes/HubBrokerNetwork/hubBrokerNetwork.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://gateway.example/api',
			description: 'Relative URLs in the node are joined to this',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'Header', value: 'header', description: 'A header with a token, e.g. Authorization: Bearer …' },
				{ name: 'Basic Auth', value: 'basic' },
				{ name: 'None', value: 'none' },
			],
			default: 'header',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'Authorization',
			displayOptions: { show: { authType: ['header'] } },
		},
		{
			displayName: 'Header Value',
			name: 'headerValue',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'Bearer …',
			displayOptions: { show: { authType: ['header'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Test Path',
			name: 'testPath',
			type: 'string',
			default: '/',
			description:
				'Path requested with GET by "Test credential" (e.g. a health or status endpoint); it must answer 2xx',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		if (credentials.authType === 'header' && credentials.headerName)
			headers[String(credentials.headerName)] = String(credentials.headerValue ?? '');
		if (credentials.authType === 'basic')
			headers.Authorization = `Basic ${Buffer.from(`${String(credentials.user ?? '')}:${String(credentials.password ?? '')}`).toString('base64')}`;
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: { baseURL: '={{ $credentials.baseUrl }}', url: '={{ $credentials.testPath || "/" }}', method: 'GET' },
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'The gateway refused the credentials (401)' } },
			{ type: 'responseCode', properties: { value: 403, message: 'The gateway refused the credentials (403)' } },
		],
	};
}
