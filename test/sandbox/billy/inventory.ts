/**
 * Every document of a Billy dataset folder with the reason the Billy Trigger must not emit it (drafts, voided,
 * approved before "export since"), for the headless export's report.
 */
import { isCreditNoteType, type BillyInvoice } from '../../../nodes/Billy/api';
import { toEpochMs } from '../../../nodes/shared/n8n/poll-cursor';
import { readResource } from '../emulator';

export interface BillyInventoryEntry {
	id: string;
	number: string;
	kind: 'invoice' | 'creditNote';
	skipReason?: string;
}

export function billyInventory(datasetDir: string, exportSince?: string): BillyInventoryEntry[] {
	const since = exportSince ? toEpochMs(exportSince) : undefined;
	return readResource<BillyInvoice[]>(datasetDir, 'invoices', []).map((invoice) => {
		const entry: BillyInventoryEntry = {
			id: invoice.id,
			number: invoice.invoiceNo ?? '',
			kind: isCreditNoteType(invoice.type) ? 'creditNote' : 'invoice',
		};
		if (invoice.state === 'draft') entry.skipReason = 'draft';
		else if (invoice.state === 'voided') entry.skipReason = 'voided';
		else if (since !== undefined && invoice.approvedTime && toEpochMs(invoice.approvedTime) < since)
			entry.skipReason = `before activation (${exportSince})`;
		return entry;
	});
}
