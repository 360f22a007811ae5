/**
 * Check digits of the identifiers this package meets (GS1 GLN/GTIN, Danish CVR, Norwegian organisation number,
 * Swedish organisation number). One implementation each: pre-flight, participant matching and the dataset
 * generators all use these.
 */

const DIGITS = /^[0-9]+$/;

/** GS1 check digit of a body (GLN, GTIN without its last digit): weights 3,1,3,… from the right. */
export function gs1CheckDigit(body: string): number {
	let sum = 0;
	for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += (body.charCodeAt(i) - 48) * weight;
	return (10 - (sum % 10)) % 10;
}

/** True when the last digit of an all-digit value is its GS1 check digit (any length ≥ 2). */
export function hasValidGs1CheckDigit(value: string): boolean {
	if (!DIGITS.test(value) || value.length < 2) return false;
	return gs1CheckDigit(value.slice(0, -1)) === value.charCodeAt(value.length - 1) - 48;
}

/** Danish CVR modulus 11: 8 digits, weights 2 7 6 5 4 3 2 1, sum divisible by 11. */
export function hasValidCvrModulus(cvr: string): boolean {
	if (!/^[0-9]{8}$/.test(cvr)) return false;
	const weights = [2, 7, 6, 5, 4, 3, 2, 1];
	let sum = 0;
	for (let i = 0; i < 8; i++) sum += (cvr.charCodeAt(i) - 48) * weights[i];
	return sum % 11 === 0;
}

/** Norwegian organisation number (0192): 9 digits, modulus 11 with weights 3 2 7 6 5 4 3 2. */
export function isValidNoOrgNumber(value: string): boolean {
	if (!/^[0-9]{9}$/.test(value) || Number(value) === 0) return false;
	let sum = 0;
	for (let i = value.length - 2, k = 0; i >= 0; i--, k++) sum += (value.charCodeAt(i) - 48) * ((k % 6) + 2);
	return (11 - (sum % 11)) % 11 === value.charCodeAt(8) - 48;
}
