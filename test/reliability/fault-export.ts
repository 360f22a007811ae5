/**
 * An export under faults, in the real n8n engine: `<System> Trigger` (manual run, every document) → Invoice to UBL →
 * HubBroker Network "Send over HTTP" to the HTTP receiver; the source emulator and the receiver share one seeded
 * fault profile (faults.ts). Afterwards every document of the dataset is accounted for by comparing the receiver's
 * records (by the document number in the XML and the idempotency key) with the dataset's inventory and the output
 * items: delivered (how many times), reported failed (the error item naming it), skipped (draft, deleted), or lost.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { nodeType, runWorkflow, type RunResult, type WorkflowJson } from '../e2e/harness';
import { readDatasetInfo } from '../sandbox/emulator';
import { Faults, type FaultProfile } from '../sandbox/faults';
import { createHttpReceiver, type HttpReceiver } from '../sandbox/http-receiver/receiver';
import { startSandbox } from '../sandbox/index';
import { SYSTEMS } from '../tools/export';

export interface DocumentOutcome {
	id: string;
	number: string;
	kind: string;
	/** Receiver records of this document. */
	deliveries: number;
	/** Where it went (receiver path of each record). */
	where: string[];
	/** Output items that report an error for it, with the message. */
	errors: string[];
	/** Output items that report it delivered (or already delivered). */
	reportedDelivered: number;
	skipReason?: string;
}

export interface FaultExportResult {
	system: string;
	documents: DocumentOutcome[];
	faults: Record<string, number>;
	requests: number;
	wallMs: number;
	runError?: string;
}

export interface Summary {
	documents: number;
	delivered: number;
	failedReported: number;
	lost: number;
	duplicates: number;
	skipped: number;
}

export function summarize(outcomes: DocumentOutcome[]): Summary {
	const exportable = outcomes.filter((o) => !o.skipReason);
	return {
		documents: exportable.length,
		delivered: exportable.filter((o) => o.deliveries >= 1).length,
		failedReported: exportable.filter((o) => o.deliveries === 0 && o.errors.length > 0).length,
		lost: exportable.filter((o) => o.deliveries === 0 && o.errors.length === 0).length,
		duplicates: exportable.filter((o) => o.deliveries > 1).length,
		skipped: outcomes.length - exportable.length,
	};
}

function exportWorkflow(
	system: string,
	parameters: IDataObject,
	credentialType: string,
	trigger: string,
): WorkflowJson {
	return {
		name: `${system} export under faults`,
		nodes: [
			{
				id: 'source',
				name: 'Source',
				type: nodeType(trigger),
				typeVersion: 1,
				position: [0, 0],
				parameters: parameters as never,
				credentials: { [credentialType]: { id: 'source-credential', name: 'Source' } },
			},
			...convertAndDeliverNodes(system),
		],
		connections: {
			Source: { main: [[{ node: 'Invoice to UBL', type: 'main', index: 0 }]] },
			'Invoice to UBL': { main: [[{ node: 'Deliver', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** The half both fault runs share: Invoice to UBL → HTTP delivery to the receiver, failures kept as items. */
export function convertAndDeliverNodes(system: string): WorkflowJson['nodes'] {
	return [
		{
			id: 'ubl',
			name: 'Invoice to UBL',
			type: nodeType('invoiceToUbl'),
			typeVersion: 1,
			position: [300, 0],
			parameters: {
				invoiceSource: 'field',
				invoiceField: 'invoice',
				format: 'peppol-bis3',
				onInvalid: 'fail',
				options: {},
			} as never,
			onError: 'continueRegularOutput',
		},
		{
			id: 'send',
			name: 'Deliver',
			type: nodeType('hubBrokerNetwork'),
			typeVersion: 1,
			position: [600, 0],
			parameters: {
				resource: 'delivery',
				operation: 'sendHttp',
				method: 'POST',
				url: `/inbound/${system}/{fileName}`,
				httpOptions: { duplicateStatusCodes: '409', remoteIdField: 'id' },
			} as never,
			credentials: { httpGatewayApi: { id: 'gateway', name: 'Gateway' } },
			continueOnFail: true,
		},
	];
}

function pairedIndex(item: INodeExecutionData): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'number' ? paired : paired?.item;
}

/** The source item an output item descends from (error items carry only `json.error`). */
function sourceOf(result: RunResult, item: INodeExecutionData): IDataObject | undefined {
	if (item.json.source) return item.json.source as IDataObject;
	const ubl = result.output('Invoice to UBL')[pairedIndex(item) ?? -1];
	if (ubl?.json.source) return ubl.json.source as IDataObject;
	const src = ubl ? result.output('Source')[pairedIndex(ubl) ?? -1] : undefined;
	return src?.json.source as IDataObject | undefined;
}

export function documentNumberOf(xml: string): string | undefined {
	return /<cbc:ID>([^<]*)<\/cbc:ID>/.exec(xml)?.[1];
}

/** Run one export of `datasetDir` under `profile` (undefined: no faults). */
export async function runFaultedExport(
	datasetDir: string,
	profile: FaultProfile | undefined,
): Promise<FaultExportResult> {
	const info = readDatasetInfo(datasetDir);
	const adapter = SYSTEMS[info.system];
	if (!adapter) throw new Error(`no export adapter for ${info.system}`);
	const sourceFaults = new Faults(profile);
	const receiverFaults = new Faults(profile ? { ...profile, seed: profile.seed + 1 } : undefined);
	const emulator = await startSandbox(datasetDir, { faults: sourceFaults });
	const receiver: HttpReceiver = await createHttpReceiver({ conflictOnRepeat: true, faults: receiverFaults });
	const started = Date.now();
	let result: RunResult;
	try {
		result = await runWorkflow(
			exportWorkflow(info.system, adapter.parameters(info), adapter.credentialType, adapter.trigger),
			{
				credentials: {
					'source-credential': adapter.credentials(emulator, info),
					gateway: { baseUrl: receiver.url, authType: 'none' },
				},
			},
		);
	} finally {
		await emulator.close();
		await receiver.close();
	}
	const wallMs = Date.now() - started;

	const inventory = adapter.inventory(datasetDir, info);
	const byNumber = new Map<string, DocumentOutcome>();
	const byId = new Map<string, DocumentOutcome>();
	const documents: DocumentOutcome[] = inventory.map((entry) => {
		const outcome: DocumentOutcome = {
			id: entry.id,
			number: entry.number,
			kind: entry.kind,
			deliveries: 0,
			where: [],
			errors: [],
			reportedDelivered: 0,
			...(entry.skipReason ? { skipReason: entry.skipReason } : {}),
		};
		if (entry.number) byNumber.set(entry.number, outcome);
		byId.set(entry.id, outcome);
		return outcome;
	});
	const unknown: DocumentOutcome = {
		id: '?',
		number: '?',
		kind: '?',
		deliveries: 0,
		where: [],
		errors: [],
		reportedDelivered: 0,
	};
	for (const record of receiver.received) {
		const number = documentNumberOf(record.body.toString('utf8')) ?? '?';
		const outcome = byNumber.get(number) ?? unknown;
		outcome.deliveries++;
		outcome.where.push(`${receiver.url}${record.path}`);
	}
	for (const item of result.output('Deliver')) {
		const source = sourceOf(result, item);
		const outcome = (source && (byId.get(String(source.id)) ?? byNumber.get(String(source.number)))) || unknown;
		const delivery = item.json.delivery as IDataObject | undefined;
		if (item.json.error !== undefined) outcome.errors.push(String(item.json.error));
		else if (delivery && (delivery.status === 'delivered' || delivery.status === 'alreadyDelivered'))
			outcome.reportedDelivered++;
		else outcome.errors.push(`not delivered: ${JSON.stringify(delivery ?? item.json).slice(0, 200)}`);
	}
	if (unknown.deliveries || unknown.errors.length || unknown.reportedDelivered) documents.push(unknown);
	const requests =
		Object.values(emulator.requests).reduce((a, b) => a + b, 0) +
		Object.values(receiver.requests).reduce((a, b) => a + b, 0);
	const faults: Record<string, number> = {};
	for (const [k, v] of [...Object.entries(sourceFaults.counts()), ...Object.entries(receiverFaults.counts())])
		faults[k] = (faults[k] ?? 0) + v;
	return { system: info.system, documents, faults, requests, wallMs, runError: result.error?.message };
}
