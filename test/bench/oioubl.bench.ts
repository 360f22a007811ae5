/**
 * OIOUBL 2.1 benchmark: µs per invoice for generation (writer), pre-flight and reading, at 1, 10, 100 and 1000 lines,
 * with the PEPPOL BIS 3 writer on the same invoices for comparison.
 * Run: node build/test/bench/oioubl.bench.js
 */
import { writeOioubl21 } from '../../nodes/shared/ubl/oioubl21';
import { writePeppolBis3 } from '../../nodes/shared/ubl/peppol-bis3';
import { readOioubl21 } from '../../nodes/shared/ubl/read-oioubl21';
import { preflightOioubl } from '../../nodes/shared/einvoice/preflight-oioubl';
import { benchInvoice } from '../fixtures/oioubl/fixtures';

/** µs per call: the fastest of several timed rounds (the machine is shared; the minimum is the least disturbed). */
function measure(run: () => unknown, rounds = 5, roundMs = 150): number {
	for (let i = 0; i < 3; i++) run(); // warm up
	let best = Infinity;
	for (let round = 0; round < rounds; round++) {
		let iterations = 0;
		const start = process.hrtime.bigint();
		let elapsed = 0n;
		do {
			run();
			iterations++;
			elapsed = process.hrtime.bigint() - start;
		} while (elapsed < BigInt(roundMs) * 1_000_000n);
		best = Math.min(best, Number(elapsed) / iterations / 1000);
	}
	return best;
}

const rows: string[] = [];
for (const lines of [1, 10, 100, 1000]) {
	const invoice = benchInvoice(lines);
	const xml = writeOioubl21(invoice);
	const write = measure(() => writeOioubl21(invoice));
	const peppol = measure(() => writePeppolBis3(invoice));
	const preflight = measure(() => preflightOioubl(invoice));
	const read = measure(() => readOioubl21(xml));
	rows.push(
		`${String(lines).padStart(5)} lines  generate ${write.toFixed(0).padStart(8)} µs  (PEPPOL ${peppol.toFixed(0).padStart(7)} µs)  pre-flight ${preflight
			.toFixed(0)
			.padStart(7)} µs  read ${read.toFixed(0).padStart(8)} µs  (${(xml.length / 1024).toFixed(0)} KiB)`,
	);
}
console.log('OIOUBL 2.1 (µs per invoice)');
for (const row of rows) console.log(row);
