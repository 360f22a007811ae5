/**
 * A selection of document numbers as people type it: `1001, 1005-1010; 1020`. Pure; no n8n imports.
 */

export interface NumberSelection {
	/** Whether the document number (digits, as the source shows it) is selected. */
	has(number: string | number | null | undefined): boolean;
	/** The selection as given, normalised: `1001, 1005-1010`. */
	text: string;
}

/** Parse a selection; throws an Error naming the first part that is neither a number nor a range. */
export function parseNumberSelection(input: string): NumberSelection {
	const parts = input
		.split(/[\s,;]+/)
		.map((part) => part.trim())
		.filter(Boolean);
	const singles = new Set<string>();
	const ranges: [bigint, bigint][] = [];
	for (const part of parts) {
		const range = /^(\d{1,30})-(\d{1,30})$/.exec(part);
		if (range) {
			const [from, to] = [BigInt(range[1]), BigInt(range[2])];
			ranges.push(from <= to ? [from, to] : [to, from]);
		} else if (/^\d{1,30}$/.test(part)) singles.add(BigInt(part).toString());
		else throw new Error(`"${part}" is not a document number or a range like 1005-1010`);
	}
	return {
		text: parts.join(', '),
		has(number) {
			const digits = String(number ?? '').trim();
			if (!/^\d{1,30}$/.test(digits)) return false;
			const value = BigInt(digits);
			return singles.has(value.toString()) || ranges.some(([from, to]) => value >= from && value <= to);
		},
	};
}
