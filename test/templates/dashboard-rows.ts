/**
 * Generated ledger rows for the dashboard test and benchmark: five customers, statuses in runs of five (so a status
 * and a customer filter cut different slices), one row an hour from 2026-01-01, an ~4 KB XML on exported rows.
 */
const STATUSES = ['exported', 'exported', 'exported', 'failed', 'pending'];
const CUSTOMERS = ['Møllers Tømrerforretning', 'Aarhus Kommune', 'Nordlys ApS', 'Vejle Vand A/S', 'Fanø Færgefart'];

export function ledgerRow(i: number): Record<string, unknown> {
	const customer = CUSTOMERS[i % CUSTOMERS.length];
	const status = STATUSES[Math.floor(i / 5) % STATUSES.length];
	// Spread over ~200 days, one row every hour, so date filters cut real slices.
	const time = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
	const lines = Array.from(
		{ length: 40 },
		(_, n) =>
			`<cac:InvoiceLine><cbc:ID>${n + 1}</cbc:ID><cbc:InvoicedQuantity>1</cbc:InvoicedQuantity></cac:InvoiceLine>`,
	).join('');
	return {
		key: `bench:1:invoice:${i}`,
		time,
		source: i % 2 ? 'dinero' : 'billy',
		account: '1',
		documentId: String(i),
		kind: i % 7 ? 'invoice' : 'creditNote',
		sender: 'Sandbox Seller ApS',
		receiver: customer,
		receiverEndpoint: `0184:${String(10000000 + (i % 5))}`,
		number: String(100000 + i),
		customerId: `c${i % 5}`,
		customerName: customer,
		customerOrderNo: `PO-${i}`,
		supplierOrderNo: `SO-${i}`,
		format: 'peppol-bis3',
		destination: 'maventa',
		status,
		message: status === 'failed' ? 'HTTP 500 from the gateway' : 'sent',
		remoteId: status === 'exported' ? `remote-${i}` : '',
		fileName: `invoice-${100000 + i}.xml`,
		xml: status === 'exported' ? `<?xml version="1.0"?><Invoice><cbc:ID>${100000 + i}</cbc:ID>${lines}</Invoice>` : '',
		resends: 0,
	};
}
