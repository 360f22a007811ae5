import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * One AS2 trading partnership (RFC 4130): our AS2 id, key and certificate; the partner's AS2 id, URL and certificate;
 * the algorithms agreed. "Test credential" checks the keys and certificates and, when asked, sends a test message
 * and expects a positive MDN.
 */
export class As2Api implements ICredentialType {
	name = 'as2Api';

	displayName = 'AS2 Partner API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-einvoice-export';

	icon = {
		light: 'file:../nodes/HubBrokerNetwork/hubBrokerNetwork.svg',
		dark: 'file:../nodes/HubBrokerNetwork/hubBrokerNetwork.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Our AS2 ID',
			name: 'as2From',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'MYCOMPANY-AS2',
			description: 'Sent as AS2-From; the partner knows us by it',
		},
		{
			displayName: 'Our Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 5 },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY----- …',
			description: 'PEM (PKCS#1 or PKCS#8) RSA key that signs our messages',
		},
		{
			displayName: 'Private Key Passphrase',
			name: 'privateKeyPassphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for an encrypted private key',
		},
		{
			displayName: 'Our Certificate',
			name: 'certificate',
			type: 'string',
			typeOptions: { rows: 5 },
			default: '',
			required: true,
			placeholder: '-----BEGIN CERTIFICATE----- …',
			description: 'PEM certificate of our key; the partner verifies our signatures with it',
		},
		{
			displayName: 'Partner AS2 ID',
			name: 'as2To',
			type: 'string',
			default: '',
			required: true,
			description: 'Sent as AS2-To',
		},
		{
			displayName: 'Partner URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://as2.partner.example/as2/receive',
		},
		{
			displayName: 'Partner Certificate',
			name: 'partnerCertificate',
			type: 'string',
			typeOptions: { rows: 5 },
			default: '',
			required: true,
			placeholder: '-----BEGIN CERTIFICATE----- …',
			description: "We encrypt to it and verify the partner's MDN signature with it",
		},
		{
			displayName: 'Signing',
			name: 'signing',
			type: 'options',
			options: [
				{ name: 'SHA-256', value: 'sha256' },
				{ name: 'SHA-384', value: 'sha384' },
				{ name: 'SHA-512', value: 'sha512' },
				{ name: 'None', value: 'none' },
			],
			default: 'sha256',
		},
		{
			displayName: 'Encryption',
			name: 'encryption',
			type: 'options',
			options: [
				{ name: 'AES-128-CBC', value: 'aes128-cbc' },
				{ name: 'AES-192-CBC', value: 'aes192-cbc' },
				{ name: 'AES-256-CBC', value: 'aes256-cbc' },
				{ name: 'None', value: 'none' },
			],
			default: 'aes256-cbc',
		},
		{
			displayName: 'Key Transport',
			name: 'keyTransport',
			type: 'options',
			options: [
				{ name: 'RSA PKCS#1 v1.5', value: 'rsa-pkcs1', description: 'What most AS2 products expect' },
				{ name: 'RSA-OAEP (SHA-256)', value: 'rsa-oaep', description: 'For receivers that only take OAEP' },
			],
			default: 'rsa-pkcs1',
			displayOptions: { hide: { encryption: ['none'] } },
		},
		{
			displayName: 'Compress',
			name: 'compress',
			type: 'boolean',
			default: false,
			description: 'Whether to compress the payload (RFC 5402, zlib) before signing; the partner must support AS2 1.1',
		},
		{
			displayName: 'Transfer Encoding',
			name: 'transferEncoding',
			type: 'options',
			options: [
				{ name: 'Base64', value: 'base64', description: 'Safe with every S/MIME stack' },
				{ name: 'Binary', value: 'binary', description: 'The bytes as they are (classic AS2)' },
			],
			default: 'base64',
		},
		{
			displayName: 'MDN',
			name: 'mdn',
			type: 'options',
			options: [
				{ name: 'Signed (Synchronous)', value: 'signed', description: 'Ask for a signed receipt and verify it' },
				{ name: 'Unsigned (Synchronous)', value: 'unsigned' },
				{ name: 'None', value: 'none', description: 'No receipt: HTTP 2xx counts as delivered' },
			],
			default: 'signed',
		},
		{
			displayName: 'HTTP Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'Basic Auth', value: 'basic' },
			],
			default: 'none',
			description: 'Some AS2 endpoints also want HTTP basic auth',
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
			displayName: 'Test Sends a Message',
			name: 'testSendsMessage',
			type: 'boolean',
			default: false,
			description:
				'Whether "Test credential" sends a small test message and expects a positive MDN; otherwise it checks keys, certificates and settings only',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (credentials.authType !== 'basic') return requestOptions;
		const token = Buffer.from(`${String(credentials.user ?? '')}:${String(credentials.password ?? '')}`).toString(
			'base64',
		);
		return { ...requestOptions, headers: { ...(requestOptions.headers ?? {}), Authorization: `Basic ${token}` } };
	}
}
