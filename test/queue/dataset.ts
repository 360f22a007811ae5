/**
 * A generated Billy dataset with exactly N exportable (approved) documents, for the queue run and bench:e2e.
 * Drafts and voided documents stay in between (the trigger must skip them); the list is cut after the N-th approved
 * document, so credit notes keep the earlier invoices they credit.
 */
import { generateBillyDataset, writeBillyDataset, type BillyDataset } from '../sandbox/billy/generate';

export function billyDatasetWithExportable(dir: string, exportable: number, seed: number): BillyDataset {
	for (let count = Math.ceil(exportable * 1.1) + 10; ; count *= 2) {
		const data = generateBillyDataset({ count, seed, showcase: false });
		let approved = 0;
		const cut = data.invoices.findIndex((i) => i.state === 'approved' && ++approved === exportable);
		if (cut < 0) continue;
		data.invoices = data.invoices.slice(0, cut + 1);
		// Every document is in scope (the sandbox templates export "since 2000").
		if (data.dataset.settings) delete data.dataset.settings.exportSince;
		writeBillyDataset(dir, data);
		return data;
	}
}

/** The document number (BT-1) of a UBL invoice or credit note as the receiver got it. */
export function documentNumberOf(xml: string): string | undefined {
	return /<cbc:ID>([^<]*)<\/cbc:ID>/.exec(xml)?.[1];
}
