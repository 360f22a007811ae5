#!/usr/bin/env node
// Runs the compiled test suites with Node's built-in runner.
// Usage: node scripts/test.js [fast | slow | suite ...]
// Suites are the folders under build/test (unit, conformance, e2e, …). "fast" runs the suites that need no n8n server,
// "slow" the ones that start real n8n servers (templates, reliability, queue); no argument runs fast, then slow.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'build', 'test');
const fastOrder = ['unit', 'conformance', 'e2e', 'hostile', 'sandbox'];
const slowOrder = ['templates', 'reliability', 'queue'];
const present = fs.existsSync(root)
	? fs.readdirSync(root).filter((d) => d !== 'bench' && fs.statSync(path.join(root, d)).isDirectory())
	: [];
const fast = [...fastOrder, ...present.filter((d) => !fastOrder.includes(d) && !slowOrder.includes(d))];
const slow = slowOrder;

const requested = process.argv.slice(2);
const suites = requested.length
	? requested.flatMap((name) => (name === 'fast' ? fast : name === 'slow' ? slow : [name]))
	: [...fast, ...slow];

function testFiles(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return testFiles(full);
		return entry.name.endsWith('.test.js') ? [full] : [];
	});
}

let failed = false;
for (const suite of suites) {
	const files = testFiles(path.join(root, suite)).sort();
	if (files.length === 0) continue;
	const started = Date.now();
	console.log(`\n=== ${suite} (${files.length} files) ===`);
	const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
		stdio: 'inherit',
		env: { ...process.env, FORCE_COLOR: '0' },
	});
	console.log(`=== ${suite}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
	if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
