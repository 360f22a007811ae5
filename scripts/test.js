#!/usr/bin/env node
// Runs the compiled test suites with Node's built-in runner. Usage: node scripts/test.js [suite ...]
// Suites are the folders under build/test (unit, conformance, e2e, …); default: all of them in that order.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'build', 'test');
const order = ['unit', 'conformance', 'e2e', 'hostile', 'templates', 'sandbox'];
const requested = process.argv.slice(2);
const suites = requested.length
	? requested
	: [...order, ...fs.readdirSync(root).filter((d) => !order.includes(d) && d !== 'bench' && fs.statSync(path.join(root, d)).isDirectory())];

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
	console.log(`\n=== ${suite} (${files.length} files) ===`);
	const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
		stdio: 'inherit',
		env: { ...process.env, FORCE_COLOR: '0' },
	});
	if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
