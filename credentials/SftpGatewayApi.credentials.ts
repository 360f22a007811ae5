import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * An SFTP gateway (e.g. a HubBroker or VANS inbox). The server's host key is pinned by its SHA-256 fingerprint:
 * an unknown or changed key refuses the connection. Tested by the HubBroker Network node (connect and list).
 */
export class SftpGatewayApi implements ICredentialType {
	name = 'sftpGatewayApi';

	displayName = 'SFTP Gateway';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-einvoice-export';

	icon = {
		light: 'file:../nodes/HubBrokerNetwork/hubBrokerNetwork.svg',
		dark: 'file:../nodes/HubBrokerNetwork/hubBrokerNetwork.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'sftp.gateway.example',
		},
		{ displayName: 'Port', name: 'port', type: 'number', default: 22 },
		{ displayName: 'Username', name: 'username', type: 'string', default: '', required: true },
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			options: [
				{ name: 'Password', value: 'password' },
				{ name: 'Private Key', value: 'privateKey' },
			],
			default: 'privateKey',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----',
			description: 'OpenSSH or PEM private key',
			displayOptions: { show: { authMethod: ['privateKey'] } },
		},
		{
			displayName: 'Passphrase',
			name: 'passphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Passphrase of the private key, if it has one',
			displayOptions: { show: { authMethod: ['privateKey'] } },
		},
		{
			displayName: 'Host Key Fingerprint (SHA-256)',
			name: 'hostKeyFingerprint',
			// A fingerprint is public and must stay readable so users can compare it with the operator's.
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing
			type: 'string',
			default: '',
			required: true,
			placeholder: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
			description:
				'The server\'s host key fingerprint as "ssh-keygen -lf" prints it (several may be separated by commas). Get it from the gateway operator, not from the connection itself.',
		},
	];
}
