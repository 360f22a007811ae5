/**
 * Captures every line written to stdout/stderr or through console while a test runs, with n8n logging at debug
 * level, so a test can scan all of it for secrets. Import it before the harness (it sets N8N_LOG_LEVEL first).
 */
process.env.N8N_LOG_LEVEL = 'debug';

export const captured: string[] = [];

const stdout = process.stdout.write.bind(process.stdout);
const stderr = process.stderr.write.bind(process.stderr);
/** Runs being captured now: several may overlap (parallel runs), so this counts instead of toggling. */
let active = 0;

function hook(original: typeof process.stdout.write) {
	return ((chunk: unknown, ...rest: unknown[]) => {
		if (active > 0) {
			captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
			return true; // swallowed while capturing: debug logs would drown the test report
		}
		return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
	}) as typeof process.stdout.write;
}
process.stdout.write = hook(stdout);
process.stderr.write = hook(stderr);

/** Run `fn` with output captured (console.* writes through process.stdout/stderr, so it is included). */
export async function capturing<T>(fn: () => Promise<T>): Promise<T> {
	active++;
	try {
		return await fn();
	} finally {
		active--;
	}
}
