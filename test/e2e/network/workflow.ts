/** Small builders for the workflows the network/delivery e2e tests run in the real engine. */
import type { IConnections, INode, INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from '../harness';

export const HUBBROKER = 'n8n-nodes-einvoice-export.hubBrokerNetwork';
export const ZENVOICES = 'n8n-nodes-einvoice-export.zenvoicesExport';
export const INVOICE_TO_UBL = 'n8n-nodes-einvoice-export.invoiceToUbl';

export interface Step {
	name: string;
	type: string;
	parameters: INodeParameters;
	credentials?: INode['credentials'];
	continueOnFail?: boolean;
	/** Which output of the previous step feeds this one (default 0). */
	fromOutput?: number;
	/** Name of the step this one follows (default: the previous step). */
	after?: string;
}

/** Manual Trigger followed by the steps, each connected to the previous one (or to `after`). */
export function chain(name: string, steps: Step[]): WorkflowJson {
	const nodes: INode[] = [
		{
			id: 'start',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	];
	const connections: IConnections = {};
	let previous = 'Start';
	steps.forEach((step, index) => {
		nodes.push({
			id: `n${index}`,
			name: step.name,
			type: step.type,
			typeVersion: 1,
			position: [200 * (index + 1), 0],
			parameters: step.parameters,
			credentials: step.credentials,
			...(step.continueOnFail ? { continueOnFail: true } : {}),
		});
		const from = step.after ?? previous;
		const output = step.fromOutput ?? 0;
		connections[from] ??= { main: [] };
		const main = connections[from].main;
		while (main.length <= output) main.push([]);
		main[output]!.push({ node: step.name, type: 'main', index: 0 });
		previous = step.name;
	});
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

export const credentialRef = (type: string) => ({ [type]: { id: `${type}-1`, name: type } });
