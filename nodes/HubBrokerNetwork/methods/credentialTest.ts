import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { SftpGateway } from '../../shared/delivery/sftp';

/** "Test credential" for the SFTP gateway: connect (host key pinned) and list the start directory. */
export async function sftpGatewayApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let gateway: SftpGateway | undefined;
	try {
		gateway = await SftpGateway.connect({
			host: String(data.host ?? ''),
			port: Number(data.port ?? 22),
			username: String(data.username ?? ''),
			password: data.authMethod === 'password' ? String(data.password ?? '') : undefined,
			privateKey: data.authMethod !== 'password' ? String(data.privateKey ?? '') : undefined,
			passphrase: data.authMethod !== 'password' ? String(data.passphrase ?? '') || undefined : undefined,
			hostKeyFingerprint: String(data.hostKeyFingerprint ?? ''),
			readyTimeoutMs: 10000,
		});
		const names = await gateway.list('.');
		return {
			status: 'OK',
			message: `Connected; host key ${gateway.hostKey} matches; ${names.length} entries in the start folder`,
		};
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	} finally {
		await gateway?.end();
	}
}
