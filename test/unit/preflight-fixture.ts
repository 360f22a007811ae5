/** A small valid Danish B2B invoice for the pre-flight unit tests (each test mutates a fresh copy). */
import type { Invoice } from '../../nodes/shared/einvoice/model';

export function danishInvoice(): Invoice {
	return {
		kind: 'invoice',
		number: 'INV-1001',
		issueDate: '2026-11-02',
		dueDate: '2026-11-16',
		currency: 'DKK',
		buyerReference: 'PO-77',
		seller: {
			name: 'Nordlys ApS',
			vatId: 'DK12345674',
			legalId: { id: '12345674', scheme: '0184' },
			endpoint: { scheme: '0184', id: '12345674' },
			address: {
				line1: 'Havnegade 1',
				city: 'København K',
				postalCode: '1058',
				country: 'DK',
			},
		},
		buyer: {
			name: 'Kunde A/S',
			vatId: 'DK87654321',
			legalId: { id: '87654321', scheme: '0184' },
			endpoint: { scheme: '0088', id: '5798000000001' },
			address: {
				line1: 'Vestergade 2',
				city: 'Aarhus C',
				postalCode: '8000',
				country: 'DK',
			},
		},
		paymentMeans: [
			{
				code: '58',
				paymentId: 'INV-1001',
				creditTransfer: {
					accountId: 'DK5000400440116243',
					serviceProviderId: 'DABADKKK',
				},
			},
		],
		paymentTerms: 'Net 14 days',
		lines: [
			{
				id: '1',
				quantity: '2',
				unitCode: 'C62',
				price: { amount: '100.00' },
				vat: { category: 'S', rate: '25' },
				item: { name: 'Consulting' },
			},
			{
				id: '2',
				quantity: '1.5',
				unitCode: 'HUR',
				price: { amount: '800.00' },
				vat: { category: 'S', rate: '25' },
				item: { name: 'Support hours' },
			},
		],
	};
}
