import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

// Work in progress: the conversion lands in the next commit.
export class InvoiceToUbl implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Invoice to UBL',
		name: 'invoiceToUbl',
		icon: 'file:invoiceToUbl.svg',
		group: ['transform'],
		version: 1,
		description: 'Convert canonical invoices to PEPPOL BIS 3 or OIOUBL 2.1 UBL documents',
		defaults: { name: 'Invoice to UBL' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
