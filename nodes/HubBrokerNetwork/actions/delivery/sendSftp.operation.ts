import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { HostKeyError, SftpGateway, type SftpSettings } from '../../../shared/delivery/sftp';
import { runPerItem } from '../../../shared/n8n/items';
import { renderRemotePath } from '../../../shared/routing';
import { type DeliveryRecord, readDocument, skippedByRoute, templateValues } from '../../../shared/delivery/record';

const show = { resource: ['delivery'], operation: ['sendSftp'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Remote Directory',
		name: 'directory',
		type: 'string',
		default: '={{ $json.route?.destinationSettings?.directory ?? "outbound/{customerId}" }}',
		description:
			'Folder on the server. Placeholders: {customerId}, {customerName}, {number}, {kind}, {format}, {issueDate}, {year}, {system}, {account}, {companyCode}. Created when missing.',
		displayOptions: { show },
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '={{ $json.route?.destinationSettings?.fileName ?? "{fileName}" }}',
		description: "Same placeholders, plus {fileName} (the document's own name) and {idempotencyKey}",
		displayOptions: { show },
	},
	{
		displayName: 'Binary Property',
		name: 'binaryProperty',
		type: 'string',
		default: 'document',
		displayOptions: { show },
	},
	{
		displayName: 'Overwrite',
		name: 'overwrite',
		type: 'boolean',
		default: false,
		description:
			'Whether to replace a file of the same name with different content. Off: that is an error; the same content counts as delivered already.',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const credentials = await this.getCredentials('sftpGatewayApi');
	const settings: SftpSettings = {
		host: String(credentials.host ?? ''),
		port: Number(credentials.port ?? 22),
		username: String(credentials.username ?? ''),
		password: credentials.authMethod === 'password' ? String(credentials.password ?? '') : undefined,
		privateKey: credentials.authMethod !== 'password' ? String(credentials.privateKey ?? '') : undefined,
		passphrase: credentials.authMethod !== 'password' ? String(credentials.passphrase ?? '') || undefined : undefined,
		hostKeyFingerprint: String(credentials.hostKeyFingerprint ?? ''),
	};
	// One connection for the whole batch, opened on the first document; a refused connection fails every item the same way.
	let connection: Promise<SftpGateway> | undefined;
	const connect = () => (connection ??= SftpGateway.connect(settings));
	try {
		return await runPerItem(this, async (item, itemIndex) => {
			const skipped = skippedByRoute(item, 'sftp');
			if (skipped) return skipped;
			const document = await readDocument(
				this,
				item,
				itemIndex,
				this.getNodeParameter('binaryProperty', itemIndex) as string,
			);
			const values = templateValues(item.json, document.fileName);
			let target;
			try {
				target = renderRemotePath(
					this.getNodeParameter('directory', itemIndex) as string,
					this.getNodeParameter('fileName', itemIndex) as string,
					values,
				);
			} catch (error) {
				throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex });
			}
			let gateway: SftpGateway;
			try {
				gateway = await connect();
			} catch (error) {
				const message = (error as Error).message;
				throw new NodeOperationError(this.getNode(), message, {
					itemIndex,
					description:
						error instanceof HostKeyError
							? 'Delivery stopped: the SFTP server is not the one pinned in the credential.'
							: undefined,
				});
			}
			const result = await gateway.upload({
				directory: target.directory,
				fileName: target.fileName,
				content: document.content,
				idempotencyKey: String(values.idempotencyKey),
				overwrite: this.getNodeParameter('overwrite', itemIndex) as boolean,
			});
			const delivery: DeliveryRecord = {
				channel: 'sftp',
				status: result.status,
				remoteId: result.path,
				idempotencyKey: String(values.idempotencyKey),
				attempts: 1,
				at: new Date().toISOString(),
				message:
					result.status === 'alreadyDelivered'
						? `${result.path} is already on ${settings.host} with the same content`
						: `${result.status === 'overwritten' ? 'replaced' : 'uploaded'} ${result.path} (${result.bytes} bytes)`,
				bytes: result.bytes,
				sha256: result.sha256,
			};
			return { json: { ...item.json, delivery } as IDataObject, binary: item.binary };
		});
	} finally {
		if (connection) await connection.then((g) => g.end()).catch(() => undefined);
	}
}
