/**
 * Decimal arithmetic for money, quantities and rates (big.js; never JS floats).
 *
 * The canonical model stores decimals as strings. `dec()` parses strictly so that a malformed
 * amount from an API is reported, not turned into NaN or silently rounded.
 */
import Big from 'big.js';

export type Decimal = Big;

// Half away from zero: the commercial rounding EN 16931 and its schematron expect.
const ROUND_HALF_UP = 1;

const DECIMAL_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Thrown when a value is not a decimal number; `field` names where it came from. */
export class InvalidDecimalError extends Error {
	constructor(
		readonly field: string,
		readonly value: unknown,
	) {
		super(`${field} is not a decimal number: ${describe(value)}`);
		this.name = 'InvalidDecimalError';
	}
}

function describe(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	return typeof value === 'object' ? (JSON.stringify(value)?.slice(0, 40) ?? String(value)) : String(value);
}

/**
 * Parse a decimal. Accepts decimal strings, safe finite numbers (e.g. from a user's JSON) and Big.
 * Numbers are converted through their shortest string form, which is what the user wrote.
 */
export function dec(value: unknown, field = 'value'): Big {
	if (value instanceof Big) return value;
	if (typeof value === 'string') {
		const trimmed = value.trim();
		// big.js rejects a leading "+" that xs:decimal (and so UBL) allows, e.g. PayableRoundingAmount "+0.10".
		if (trimmed.length > 0 && trimmed.length <= 64 && DECIMAL_PATTERN.test(trimmed))
			return new Big(trimmed.charCodeAt(0) === 43 /* + */ ? trimmed.slice(1) : trimmed);
	} else if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 1e15) {
		return new Big(value);
	}
	throw new InvalidDecimalError(field, value);
}

/** True when `value` parses as a decimal. */
export function isDecimal(value: unknown): boolean {
	try {
		dec(value);
		return true;
	} catch {
		return false;
	}
}

export const ZERO = new Big(0);
export const HUNDRED = new Big(100);

/** Round to `dp` decimals, half away from zero. */
export function round(value: Big, dp = 2): Big {
	return value.round(dp, ROUND_HALF_UP);
}

/** Round to 2 decimals and format with exactly 2 decimals ("12.50"), as EN 16931 amounts are written. */
export function money(value: Big): string {
	return value.toFixed(2, ROUND_HALF_UP);
}

/**
 * Format a decimal without exponent and without trailing zeros beyond `minDp` ("1.50" → "1.5" with minDp 0,
 * "3" → "3.00" with minDp 2). Unit prices and quantities keep their precision this way.
 */
export function plain(value: Big, minDp = 0): string {
	const text = value.toFixed();
	const dot = text.indexOf('.');
	if (dot < 0) return minDp > 0 ? `${text}.${'0'.repeat(minDp)}` : text;
	let end = text.length;
	while (end > dot + 1 + minDp && text.charCodeAt(end - 1) === 48 /* 0 */) end--;
	if (end === dot + 1) end = dot; // no fraction left
	const out = text.slice(0, end);
	const fraction = end > dot ? end - dot - 1 : 0;
	return fraction < minDp ? `${out}${fraction === 0 ? '.' : ''}${'0'.repeat(minDp - fraction)}` : out;
}

/** Number of digits after the decimal point as written (for "max 2 decimals" rules). */
export function decimalPlaces(value: string): number {
	const dot = value.indexOf('.');
	return dot < 0 ? 0 : value.length - dot - 1;
}

/** Sum of decimals. */
export function sum(values: Iterable<Big>): Big {
	let total = ZERO;
	for (const v of values) total = total.plus(v);
	return total;
}
