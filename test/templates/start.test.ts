/**
 * `npm start` from a clean state (an empty sandbox folder; the runtime installed once per machine): the script
 * brings up the emulators and n8n, the health check answers, the owner can log in, every template and a sandbox
 * credential for every node are there, the Data Tables exist (rules seeded, ledger empty), and Ctrl-C stops it all.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { freePort, owner, repoRoot } from '../n8n/runtime';
import { CREDENTIAL_IDS, EXAMPLE_RULES, templateFiles } from '../tools/stack';
import { LEDGER_TABLE, RULES_TABLE, WORKFLOW_IDS } from '../tools/templates';

type Json = Record<string, any>;

/** Run the `npm start` script (already built) on a port and sandbox folder; `ready` settles once n8n is up. */
function startScript(port: number, dir: string, emulatorBase: number) {
	const child = spawn(
		process.execPath,
		[
			path.join(repoRoot, 'build', 'test', 'tools', 'start.js'),
			'--port',
			String(port),
			'--dir',
			dir,
			'--emulator-ports',
			String(emulatorBase),
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	child.stdout.on('data', (c: Buffer) => (output += c.toString()));
	child.stderr.on('data', (c: Buffer) => (output += c.toString()));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const ready = new Promise<void>((resolve, reject) => {
		const timer = setInterval(() => {
			if (output.includes('n8n is running')) {
				clearInterval(timer);
				resolve();
			} else if (child.exitCode !== null) {
				clearInterval(timer);
				reject(new Error(`npm start exited: ${output}`));
			}
		}, 500);
	});
	return { child, exited, ready, output: () => output };
}

/** Log in as the sandbox owner; the session cookie. */
async function ownerCookie(url: string): Promise<string> {
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'start-test' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	assert.equal(login.status, 200);
	return (login.headers.get('set-cookie') ?? '').split(';')[0];
}

describe('npm start', { timeout: 600_000 }, () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'einvoice-start-'));
	after(() => rmSync(dir, { recursive: true, force: true }));

	it('starts the sandbox from a clean folder, serves a working n8n, and stops everything on Ctrl-C', async () => {
		const port = await freePort();
		const emulatorBase = 20000 + Math.floor(Math.random() * 20000);
		const started = Date.now();
		const run = startScript(port, dir, emulatorBase);
		try {
			await run.ready;
			const seconds = (Date.now() - started) / 1000;
			process.stdout.write(`# npm start (runtime installed, clean sandbox folder) ready in ${seconds.toFixed(1)} s\n`);
			const url = `http://127.0.0.1:${port}`;
			assert.match(run.output(), new RegExp(`${url}`));
			assert.match(run.output(), new RegExp(`${owner.email} / ${owner.password}`));

			assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
			const cookie = await ownerCookie(url);
			const get = async (route: string) => {
				const res = await fetch(`${url}${route}`, { headers: { cookie, 'browser-id': 'start-test' } });
				assert.equal(res.status, 200, route);
				return ((await res.json()) as { data: any }).data;
			};

			const workflows = (await get('/rest/workflows')) as Json[];
			const names = templateFiles().map((f) => (JSON.parse(readFileSync(f, 'utf8')) as Json).name);
			assert.deepEqual(workflows.map((w) => w.name).sort(), [...names].sort());
			// The error workflow (n8n runs only active ones) and the dashboard are published; the others are not.
			assert.deepEqual(
				workflows
					.filter((w) => w.active)
					.map((w) => w.id)
					.sort(),
				[WORKFLOW_IDS.dashboard, WORKFLOW_IDS.errors].sort(),
			);
			const credentials = (await get('/rest/credentials')) as Json[];
			assert.deepEqual(credentials.map((c) => c.id).sort(), Object.values(CREDENTIAL_IDS).sort());

			const project = (await get('/rest/projects/personal')) as Json;
			const tables = (await get(`/rest/projects/${project.id}/data-tables`)) as Json;
			const list = (Array.isArray(tables) ? tables : tables.data) as Json[];
			const rules = list.find((t) => t.name === RULES_TABLE);
			const ledger = list.find((t) => t.name === LEDGER_TABLE);
			assert.ok(rules && ledger);
			const rows = async (id: string) =>
				((await get(`/rest/projects/${project.id}/data-tables/${id}/rows?take=100&skip=0`)) as Json).data as Json[];
			assert.equal((await rows(rules.id)).length, EXAMPLE_RULES.length);
			assert.equal((await rows(ledger.id)).length, 0);

			// The Dinero emulator answers where the Dinero credential points.
			assert.ok((await fetch(`http://127.0.0.1:${emulatorBase}/`)).status < 600);
		} finally {
			run.child.kill('SIGINT');
		}
		assert.equal(await run.exited, 0, run.output().slice(-2000));
		await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'n8n is stopped');
		await assert.rejects(fetch(`http://127.0.0.1:${emulatorBase}/`), 'the emulators are stopped');
	});

	it('starts again on the same folder and points the SFTP and AS2 credentials at the new servers', async () => {
		const port = await freePort();
		const run = startScript(port, dir, 20000 + Math.floor(Math.random() * 20000));
		try {
			await run.ready;
			const url = `http://127.0.0.1:${port}`;
			const cookie = await ownerCookie(url);
			const data = async (id: string) =>
				(
					(await (
						await fetch(`${url}/rest/credentials/${id}?includeData=true`, {
							headers: { cookie, 'browser-id': 'start-test' },
						})
					).json()) as { data: Json }
				).data.data as Json;
			const sftp = /SFTP \S+@127\.0\.0\.1:(\d+)/.exec(run.output());
			const as2 = /AS2 partner \S+ at (\S+)/.exec(run.output());
			assert.ok(sftp && as2, run.output());
			assert.equal(Number((await data(CREDENTIAL_IDS.sftpGatewayApi)).port), Number(sftp[1]));
			assert.equal((await data(CREDENTIAL_IDS.as2Api)).url, as2[1]);
		} finally {
			run.child.kill('SIGINT');
		}
		assert.equal(await run.exited, 0, run.output().slice(-2000));
	});
});
