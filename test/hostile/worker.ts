/** Worker thread: evaluates hostile cases one at a time (cases.ts), so the test can time out a hanging one. */
import { parentPort } from 'node:worker_threads';

import { evaluate, type HostileCase } from './cases';

parentPort!.on('message', (c: HostileCase) => {
	const started = Date.now();
	const outcome = evaluate(c);
	parentPort!.postMessage({ id: c.id, outcome, ms: Date.now() - started });
});
