/** Shared set-up of the Dinero e2e tests: a workflow with the Dinero Trigger, credentials for the emulator. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { createDineroEmulator, type DineroEmulator } from '../sandbox/dinero/emulator';
import { generateDineroDataset, writeDataset, type GenerateOptions } from '../sandbox/dinero/generate';
import { nodeType, repoRoot, type WorkflowJson } from './harness';

export const shippedDataset = path.join(repoRoot, 'test', 'fixtures', 'dinero');

/** A private copy of a dataset (tests change documents) or a freshly generated one. */
export function datasetCopy(source = shippedDataset, settings?: IDataObject): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'dinero-dataset-'));
	cpSync(source, dir, { recursive: true });
	if (settings) patchSettings(dir, settings);
	return dir;
}

export function generatedDataset(options: GenerateOptions, settings?: IDataObject): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'dinero-generated-'));
	writeDataset(dir, generateDineroDataset(options));
	if (settings) patchSettings(dir, settings);
	return dir;
}

function patchSettings(dir: string, settings: IDataObject): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const fs = require('node:fs') as typeof import('node:fs');
	const file = path.join(dir, 'dataset.json');
	const info = JSON.parse(fs.readFileSync(file, 'utf8')) as IDataObject;
	info.settings = { ...(info.settings as IDataObject), ...settings };
	fs.writeFileSync(file, JSON.stringify(info, null, '\t'));
}

export async function startDinero(dir: string): Promise<DineroEmulator> {
	return await createDineroEmulator(dir);
}

export function dineroCredentials(
	emulator: DineroEmulator,
	extra: ICredentialDataDecryptedObject = {},
): Record<string, ICredentialDataDecryptedObject> {
	return {
		dineroApi: {
			environment: 'sandbox',
			baseUrl: emulator.url,
			clientId: emulator.settings.clientId,
			clientSecret: emulator.settings.clientSecret,
			apiKey: emulator.settings.apiKey,
			organizationId: emulator.organizationId,
			requestsPerMinute: emulator.settings.rateLimitPerMinute,
			...extra,
		},
	};
}

export const seller = {
	name: 'Nordlys Værktøj ApS',
	cvr: '30005309',
	street: 'Industrivej 21',
	postalCode: '7100',
	city: 'Vejle',
	country: 'DK',
	paymentMethod: 'iban',
	iban: 'DK5000400440116243',
	bic: 'DABADKKK',
};

/** A workflow with only the Dinero Trigger. */
export function triggerWorkflow(parameters: IDataObject = {}): WorkflowJson {
	return {
		name: 'Dinero trigger test',
		nodes: [
			{
				id: 'trigger',
				name: 'Dinero Trigger',
				type: nodeType('dineroTrigger'),
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					authentication: 'dineroApi',
					events: ['newInvoice', 'newCreditNote'],
					sellerDetails: seller,
					...parameters,
				},
				credentials: { dineroApi: { id: 'dinero-cred', name: 'Dinero sandbox' } },
			},
		],
		connections: {},
	};
}
