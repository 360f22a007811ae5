/**
 * EDIFACT interchange settings of one item: partner GLNs (node options, the item's route, the invoice) and the next
 * interchange control reference, counted per sender→recipient pair in the workflow's global static data so that a
 * reference is never used twice (n8n saves static data after production executions).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { partyGln, withPartyGlns, type InvoicOptions } from '../shared/edifact/invoic-d96a';
import { nextControlReference, type ControlReferenceState } from '../shared/edifact/syntax';
import type { Invoice } from '../shared/einvoice/model';

export interface EdifactSettings {
	/** Our GLN, used for the seller and the interchange sender when the invoice has none. */
	senderGln?: string;
	/** The partner's GLN (interchange recipient); default the route's receiver, then the buyer's GLN. */
	recipientGln?: string;
	test?: boolean;
	newlineAfterSegment?: boolean;
}

/** Where the counters live in the workflow's global static data. */
export const CONTROL_REFERENCE_KEY = 'edifactControlReferences';

/** A GLN from a participant id such as `0088:5790000000012`, `iso6523-actorid-upis::0088:…` or bare 13 digits. */
export function glnOf(value: unknown): string | undefined {
	if (typeof value === 'object' && value !== null) {
		const record = value as IDataObject;
		if (record.scheme === '0088' && typeof record.id === 'string') return record.id.trim();
		// A route's receiver/sender: { endpoint: { scheme, id } } or { participantId } or { id }.
		return glnOf(record.endpoint ?? record.participantId ?? record.id ?? record.identifier);
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (/^\d{13}$/.test(text)) return text;
	const match = /(?:^|[:\s])0088:(\d{13})$/.exec(text);
	return match ? match[1] : undefined;
}

export function interchangeSettings(
	ctx: IExecuteFunctions,
	input: Invoice,
	route: unknown,
	settings: EdifactSettings,
): { invoice: Invoice; options: InvoicOptions } {
	const routed = typeof route === 'object' && route !== null ? (route as IDataObject) : {};
	const ourGln = settings.senderGln?.trim() || glnOf(routed.sender);
	const theirGln = settings.recipientGln?.trim() || glnOf(routed.receiver);
	const invoice = withPartyGlns(input, {
		seller: ourGln,
		buyer: glnOf(routed.receiver) ?? settings.recipientGln?.trim(),
	});
	const sender = ourGln || partyGln(invoice.seller);
	const recipient = theirGln || partyGln(invoice.buyer);
	const options: InvoicOptions = {
		controlReference: '',
		test: settings.test === true,
		newlineAfterSegment: settings.newlineAfterSegment === true,
	};
	if (sender) options.sender = { id: sender };
	if (recipient) options.recipient = { id: recipient };
	// Without both parties the pre-flight fails the document; no reference is spent on it.
	if (sender && recipient) {
		const staticData = ctx.getWorkflowStaticData('global');
		const next = nextControlReference(
			staticData[CONTROL_REFERENCE_KEY] as ControlReferenceState | undefined,
			sender,
			recipient,
		);
		staticData[CONTROL_REFERENCE_KEY] = next.state as unknown as IDataObject;
		options.controlReference = next.reference;
	} else {
		options.controlReference = '0';
	}
	return { invoice, options };
}
