/** Every numbered document of the Severa fixture dataset, mapped and written as PEPPOL BIS 3, judged by the official validator. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { mapSeveraInvoice } from '../../nodes/Severa/mapper';
import type {
	SeveraBankAccount,
	SeveraCustomer,
	SeveraInvoice,
	SeveraInvoiceRow,
	SeveraOrganizationDetails,
} from '../../nodes/Severa/types';
import { writeUbl } from '../../nodes/shared/ubl/write';
import { fatalIds, repoRoot, validateDocuments } from '../support/validator';

const dir = path.join(repoRoot, 'test', 'fixtures', 'severa');
const load = <T>(name: string): T => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as T;

describe('Severa fixtures as PEPPOL BIS 3', () => {
	it('are all valid for the official validator (0 fatal), invoices and credit notes, EUR and DKK', async () => {
		const invoices = load<SeveraInvoice[]>('invoices');
		const rows = load<SeveraInvoiceRow[]>('invoicerows');
		const customers = load<SeveraCustomer[]>('customers');
		const organization = load<SeveraOrganizationDetails>('organizationdetails');
		const bankAccounts = load<SeveraBankAccount[]>('bankaccounts');
		const documents: Record<string, string> = {};
		for (const invoice of invoices.filter((i) => i.number !== null)) {
			const canonical = mapSeveraInvoice({
				invoice,
				rows: rows.filter((r) => r.invoiceGuid === invoice.guid),
				customer: customers.find((c) => c.guid === invoice.billingCustomer?.guid),
				organization,
				bankAccounts,
			});
			documents[`severa-${invoice.number}.xml`] = writeUbl(canonical, { format: 'peppol-bis3' });
		}
		assert.equal(Object.keys(documents).length, 32);
		assert.ok(Object.values(documents).some((xml) => xml.includes('<CreditNote')));
		assert.ok(Object.values(documents).some((xml) => xml.includes('currencyID="DKK"')));
		const results = await validateDocuments(documents);
		const failures = Object.entries(results)
			.filter(([, result]) => fatalIds(result).length > 0)
			.map(([name, result]) => `${name}: ${fatalIds(result).join(', ')}`);
		assert.deepEqual(failures, []);
	});
});
