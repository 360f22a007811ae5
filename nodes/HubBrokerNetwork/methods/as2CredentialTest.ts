import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { as2ConfigFrom, checkAs2Config, sendAs2, type As2Post } from '../../shared/delivery/as2';

/**
 * A plain POST for the credential test only: credential tests get no request helper with authentication in n8n,
 * so the test message goes out with the platform's fetch (basic auth added here the way the credential does).
 */
function fetchPost(user?: string, password?: string): As2Post {
	return async (request) => {
		const headers: Record<string, string> = { ...request.headers };
		if (user !== undefined)
			headers.Authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
		const response = await fetch(request.url, {
			method: 'POST',
			headers,
			body: request.body,
			signal: AbortSignal.timeout(30_000),
		});
		return {
			statusCode: response.status,
			headers: Object.fromEntries(response.headers.entries()),
			body: Buffer.from(await response.arrayBuffer()),
		};
	};
}

/** "Test credential" for an AS2 partnership: check keys and certificates; optionally send a test message. */
export async function as2ApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const config = as2ConfigFrom(data);
	const problems = checkAs2Config(config);
	if (problems.length) return { status: 'Error', message: problems.join('; ') };
	if (data.testSendsMessage !== true) {
		return { status: 'OK', message: 'Keys, certificates and settings are consistent (no message sent)' };
	}
	try {
		const result = await sendAs2(
			{
				content: Buffer.from('AS2 connection test from n8n-nodes-einvoice-export\r\n'),
				fileName: 'as2-test.txt',
				contentType: 'text/plain',
			},
			{ ...config, subject: 'AS2 connection test' },
			fetchPost(data.authType === 'basic' ? String(data.user ?? '') : undefined, String(data.password ?? '')),
		);
		return { status: 'OK', message: `Test message ${result.messageId} accepted: ${result.message}` };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
