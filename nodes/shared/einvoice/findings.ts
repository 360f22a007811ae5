/** A pre-flight or validation finding, carrying the official rule id where one exists. */
export interface Finding {
	/** Official rule id (`BR-CO-15`, `PEPPOL-EN16931-R010`, `DK-R-002`, `F-INV133`, …) or our own `EXPORT-…` id. */
	id: string;
	flag: 'fatal' | 'warning';
	message: string;
	/** Where in the canonical invoice, e.g. `lines[3].vat.rate`. */
	path?: string;
}

/** Output formats the package writes. */
export type DocumentFormat = 'peppol-bis3' | 'oioubl21' | 'edifact-d96a';

export function hasFatal(findings: Finding[]): boolean {
	return findings.some((f) => f.flag === 'fatal');
}
