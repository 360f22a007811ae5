/**
 * The shared poll cursor inside a real n8n PollContext: static data persisted (as JSON) between polls, paging with
 * equal timestamps across page and budget boundaries, manual mode leaving the cursor alone, a failing poll not moving it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { pollTrigger, registerCredentialType, registerNodeType, runWorkflow, type WorkflowJson } from './harness';
import { ProbeApi, ProbeTrigger, type ProbeDocument } from './support/probe-nodes';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server';

describe('poll cursor in a real PollContext', () => {
	let server: ScriptedServer;
	let documents: ProbeDocument[] = [];
	let failNext = false;
	const credentials = () => ({ probeApi: { token: 't', apiKey: 'k', baseUrl: server.url } });
	const workflow = (parameters: IDataObject = {}): WorkflowJson => ({
		name: 'poll',
		nodes: [
			{
				id: '1',
				name: 'Probe Trigger',
				type: 'test.probeTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { baseUrl: server.url, ...parameters },
				credentials: { probeApi: { id: 'c1', name: 'Probe' } },
			},
		],
		connections: {},
	});

	before(async () => {
		registerNodeType('test.probeTrigger', new ProbeTrigger());
		registerCredentialType(new ProbeApi());
		server = await startScriptedServer();
		// `changedSince` is inclusive and pages of `pageSize` are sorted by (updatedAt, id), like the sandboxes.
		server.fallback = (req, res) => {
			if (failNext) {
				failNext = false;
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: 'bad filter' }));
				return;
			}
			const since = Date.parse(req.url.searchParams.get('changedSince') ?? '1970-01-01T00:00:00Z');
			const page = Number(req.url.searchParams.get('page'));
			const size = Number(req.url.searchParams.get('pageSize'));
			const matching = documents
				.filter((d) => Date.parse(d.updatedAt) >= since)
				.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id.localeCompare(b.id));
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(matching.slice((page - 1) * size, page * size)));
		};
	});
	after(async () => await server.close());

	const emitted = (items: { json: IDataObject }[][] | null) => (items ? items[0].map((i) => String(i.json.id)) : []);

	it('emits each document once across polls, pages, budgets and restarts', async () => {
		const t = '2026-03-01T12:00:00.000Z';
		documents = [
			{ id: 'a', updatedAt: '2026-03-01T11:00:00Z' },
			{ id: 'b', updatedAt: t },
			{ id: 'c', updatedAt: t },
			{ id: 'd', updatedAt: t },
		];
		const params = { exportSince: '2026-03-01T00:00:00Z', budget: 2 };
		let state: IDataObject | undefined;
		let poll = await pollTrigger(workflow(params), 'Probe Trigger', state, 'trigger', { credentials: credentials() });
		assert.equal(poll.error, undefined);
		assert.deepEqual(emitted(poll.items), ['a', 'b']);
		state = poll.staticData;
		assert.ok((state['node:Probe Trigger'] as IDataObject).pollCursor, 'cursor stored under the node static data');

		poll = await pollTrigger(workflow(params), 'Probe Trigger', state, 'trigger', { credentials: credentials() });
		assert.deepEqual(emitted(poll.items), ['c', 'd']);
		state = poll.staticData;

		poll = await pollTrigger(workflow(params), 'Probe Trigger', state, 'trigger', { credentials: credentials() });
		assert.equal(poll.items, null, 'nothing new');
		state = poll.staticData;

		documents.push({ id: 'e', updatedAt: t }, { id: 'b', updatedAt: '2026-03-01T13:00:00Z' });
		poll = await pollTrigger(workflow(params), 'Probe Trigger', state, 'trigger', { credentials: credentials() });
		assert.deepEqual(emitted(poll.items), ['e', 'b']);
	});

	it('manual mode shows the latest documents and leaves the cursor alone', async () => {
		documents = [
			{ id: 'x', updatedAt: '2026-03-01T11:00:00Z' },
			{ id: 'y', updatedAt: '2026-03-02T11:00:00Z' },
			{ id: 'z', updatedAt: '2026-03-03T11:00:00Z' },
		];
		const start = {
			'node:Probe Trigger': {
				pollCursor: { v: 1, since: '2026-03-02T11:00:00.000Z', seen: { y: Date.parse('2026-03-02T11:00:00Z') } },
			},
		};
		const poll = await pollTrigger(workflow(), 'Probe Trigger', start, 'manual', { credentials: credentials() });
		assert.deepEqual(emitted(poll.items), ['z', 'y']);
		assert.deepEqual(poll.staticData, start);
		const active = await pollTrigger(workflow(), 'Probe Trigger', poll.staticData, 'trigger', {
			credentials: credentials(),
		});
		assert.deepEqual(emitted(active.items), ['z']);
	});

	it('stops paging when the poll budget is spent and leaves the rest for the next poll', async () => {
		documents = Array.from({ length: 5 }, (_, i) => ({ id: `p${i}`, updatedAt: `2026-03-06T10:00:0${i}Z` }));
		const start = { 'node:Probe Trigger': { pollCursor: { v: 1, since: '2026-03-06T00:00:00.000Z', seen: {} } } };
		let state: IDataObject = start;
		const seen: string[] = [];
		let polls = 0;
		for (; polls < 10; polls++) {
			const poll = await pollTrigger(workflow(), 'Probe Trigger', state, 'trigger', {
				credentials: credentials(),
				pollBudgetMs: 0,
			});
			assert.equal(poll.error, undefined);
			if (!poll.items) break;
			// One page per poll; the inclusive query repeats the boundary document, which the cursor drops.
			assert.ok(poll.items[0].length <= 2);
			seen.push(...emitted(poll.items));
			state = poll.staticData;
		}
		assert.deepEqual(seen, ['p0', 'p1', 'p2', 'p3', 'p4'], 'in order, nothing lost or repeated');
		assert.ok(polls >= 3, `a budget of one page per poll needs several polls, took ${polls}`);
	});

	it('runs as the start of a workflow in the editor (manual mode: poll() called by the engine)', async () => {
		documents = [
			{ id: 'm1', updatedAt: '2026-03-07T10:00:00Z' },
			{ id: 'm2', updatedAt: '2026-03-08T10:00:00Z' },
		];
		const flow = workflow();
		flow.nodes.push({
			id: '2',
			name: 'Next',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [200, 0],
			parameters: {},
		});
		flow.connections = { 'Probe Trigger': { main: [[{ node: 'Next', type: 'main', index: 0 }]] } };
		const result = await runWorkflow(flow, { credentials: credentials() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			result.output('Next').map((i) => i.json.id),
			['m2', 'm1'],
		);
		const nodeData = (result.staticData['node:Probe Trigger'] ?? {}) as IDataObject;
		assert.equal(nodeData.pollCursor, undefined, 'manual runs leave the cursor alone');
	});

	it('a failing poll does not move the cursor', async () => {
		documents = [{ id: 'q', updatedAt: '2026-03-05T10:00:00Z' }];
		const start = { 'node:Probe Trigger': { pollCursor: { v: 1, since: '2026-03-04T00:00:00.000Z', seen: {} } } };
		failNext = true;
		const failed = await pollTrigger(workflow(), 'Probe Trigger', start, 'trigger', { credentials: credentials() });
		assert.match(String(failed.error?.message), /Probe: bad filter \[HTTP 400\]/);
		assert.deepEqual(failed.staticData, start);
		const retried = await pollTrigger(workflow(), 'Probe Trigger', failed.staticData, 'trigger', {
			credentials: credentials(),
		});
		assert.deepEqual(emitted(retried.items), ['q']);
	});
});
