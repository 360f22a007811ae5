/**
 * The dashboard template in a real n8n 2.41 (the sandbox stack) over 250 generated ledger rows: the login
 * (Basic Auth), pages of 100 rows newest first with Newer / Older links, the counters, the filters as Data Table
 * conditions, the CSV download of the filtered view and the XML link, in headless Chromium at 1440×900.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DASHBOARD_LOGIN, startStack, type Stack } from '../tools/stack';
import { dashboardTemplate } from '../tools/templates';
import { ledgerRow } from './dashboard-rows';
import { artifacts, waitFor, withPage } from './support';

type Page = import('playwright-core').Page;
type Row = Record<string, any>;

const ROWS = 250;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const authorization = basic(DASHBOARD_LOGIN.user, DASHBOARD_LOGIN.password);

/** The Number column of the shown rows (the number, without the kind under it). */
const numbers = async (page: Page) =>
	(await page.locator('tbody tr td:nth-child(5)').allInnerTexts()).map((t) => t.split('\n')[0].trim());

describe('Dashboard template: login, pages, filters, CSV', { timeout: 600_000 }, () => {
	let stack: Stack;
	let userFolder: string;
	let url: string;
	const generated = Array.from({ length: ROWS }, (_, i) => ledgerRow(i));
	/** Newest first, as the page lists them. */
	const newestFirst = (rows: Row[]) => [...rows].sort((a, b) => String(b.time).localeCompare(String(a.time)));

	before(async () => {
		userFolder = mkdtempSync(path.join(tmpdir(), 'einvoice-dashboard-'));
		stack = await startStack({ userFolder });
		await stack.tables.insert(stack.ledgerTable, generated);
		url = `${stack.n8n.url}/webhook/einvoice-dashboard`;
		// n8n registers an activated workflow's webhook a moment after the activation call returns (longer under load).
		const authorization = basic(DASHBOARD_LOGIN.user, DASHBOARD_LOGIN.password);
		await waitFor(
			'the dashboard webhook to be registered',
			async () => (await fetch(url, { headers: { authorization } })).status === 200,
			60_000,
			500,
		);
	});

	after(async () => {
		await stack?.stop();
		rmSync(userFolder, { recursive: true, force: true });
	});

	it('the template filters in the Data Table read, not in JavaScript, and reads one page', () => {
		const node = dashboardTemplate().nodes.find((n) => n.name === 'Ledger Page')!;
		const p = node.parameters as Row;
		assert.equal(p.returnAll, false);
		assert.deepEqual(
			(p.filters.conditions as Row[]).map((c) => /\? '(\w+)'/.exec(c.keyName)?.[1]),
			['status', 'customerName', 'time', 'time'],
		);
		const hook = dashboardTemplate().nodes.find((n) => n.name === 'Dashboard Page')!;
		assert.equal(hook.parameters.authentication, 'basicAuth');
		assert.ok(hook.credentials?.httpBasicAuth);
	});

	it('refuses a request without the login or with a wrong one (401), and shows no ledger data then', async () => {
		for (const headers of <Record<string, string>[]>[
			{},
			{ authorization: basic(DASHBOARD_LOGIN.user, 'wrong') },
			{ authorization: basic('someone', DASHBOARD_LOGIN.password) },
		]) {
			for (const query of ['', '?format=csv', '?xml=1']) {
				const response = await fetch(`${url}${query}`, { headers });
				const body = await response.text();
				// n8n 2.41 answers 401 to both; 403 would do as well.
				assert.ok([401, 403].includes(response.status), `${response.status} for ${JSON.stringify(headers)} ${query}`);
				assert.doesNotMatch(body, /Nordlys|Møllers|InvoiceLine|<table/);
			}
		}
		const ok = await fetch(url, { headers: { authorization } });
		assert.equal(ok.status, 200);
		assert.match(await ok.text(), /E-invoice dashboard/);
	});

	it('lists 100 rows a page, newest first, with Newer / Older links and the counters of the whole ledger', async () => {
		const all = newestFirst(generated);
		await withPage(async (page) => {
			await page.goto(url);
			const header = await page.locator('header').innerText();
			const count = (status: string) => generated.filter((r) => r.status === status).length;
			assert.match(header, new RegExp(`${ROWS} documents`));
			for (const status of ['exported', 'failed', 'pending'])
				assert.match(header, new RegExp(`${count(status)} ${status}`));
			assert.deepEqual(
				await numbers(page),
				all.slice(0, 100).map((r) => r.number),
			);
			assert.equal(await page.locator('a[rel=prev]').count(), 0, 'no Newer link on the first page');
			const overflow = Number(
				await page.evaluate(
					'(() => { const m = document.querySelector("main"); return m.scrollWidth - m.clientWidth; })()',
				),
			);
			assert.ok(overflow <= 0, `the table is ${overflow} px wider than a 1440 px window`);
			mkdirSync(artifacts, { recursive: true });
			await page.screenshot({ path: path.join(artifacts, 'dashboard-paged.png') });

			await Promise.all([page.waitForURL(/page=2/), page.click('a[rel=next]')]);
			assert.deepEqual(
				await numbers(page),
				all.slice(100, 200).map((r) => r.number),
			);
			await Promise.all([page.waitForURL(/page=3/), page.click('a[rel=next]')]);
			assert.deepEqual(
				await numbers(page),
				all.slice(200).map((r) => r.number),
			);
			assert.equal(await page.locator('a[rel=next]').count(), 0, 'no Older link on the last page');
			assert.match(await page.locator('.pager').innerText(), /Rows 201–250 \(last page\)/);
			await Promise.all([page.waitForURL(/page=2/), page.click('a[rel=prev]')]);
			assert.equal((await numbers(page))[0], all[100].number);
		});
	});

	it('filters by status, customer and dates, keeps the filters across pages, and downloads the view as CSV', async () => {
		await withPage(async (page) => {
			await page.goto(url);
			await page.selectOption('select[name=status]', 'exported');
			await page.fill('input[name=customer]', 'nordlys');
			await Promise.all([page.waitForURL(/customer=/), page.click('button[type=submit]')]);
			const wanted = newestFirst(
				generated.filter((r) => r.status === 'exported' && /nordlys/i.test(String(r.customerName))),
			);
			assert.ok(wanted.length > 0 && wanted.length < 100);
			assert.deepEqual(
				await numbers(page),
				wanted.map((r) => r.number),
			);
			await page.screenshot({ path: path.join(artifacts, 'dashboard-filtered.png') });

			// The CSV link carries the same filters and lists every row of the view.
			const href = await page.locator('a.csv').getAttribute('href');
			assert.match(String(href), /format=csv/);
			const csv = await fetch(new URL(String(href).replace(/&amp;/g, '&'), page.url()), {
				headers: { authorization },
			});
			assert.equal(csv.status, 200);
			assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
			assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="einvoice-ledger-/);
			const lines = (await csv.text())
				.replace(/^\uFEFF/, '')
				.trimEnd()
				.split('\r\n');
			assert.match(lines[0], /^time,source,kind,sender,receiver/);
			assert.deepEqual(
				lines.slice(1).map((l) => l.split(',')[6]),
				wanted.map((r) => r.number),
			);

			// Dates: 2 January 2026 to 3 January 2026 (UTC), both days whole; more than a page, so paging keeps them.
			await page.goto(`${url}?from=2026-01-02&to=2026-01-03`);
			const inDates = newestFirst(
				generated.filter((r) => String(r.time) >= '2026-01-02' && String(r.time) < '2026-01-04'),
			);
			assert.equal(inDates.length, 48);
			assert.deepEqual(
				await numbers(page),
				inDates.map((r) => r.number),
			);
			await page.goto(`${url}?status=failed`);
			const failed = newestFirst(generated.filter((r) => r.status === 'failed'));
			assert.deepEqual(
				await numbers(page),
				failed.map((r) => r.number),
			);
			await page.goto(`${url}?customer=nobody-by-this-name`);
			assert.match(await page.locator('tbody').innerText(), /No documents match/);
		});
	});

	it('links each exported row to its stored XML', async () => {
		const stored = (await stack.tables.rows(stack.ledgerTable)) as Row[];
		await withPage(async (page) => {
			await page.goto(`${url}?status=exported`);
			const href = String(await page.locator('tbody tr').first().locator('a').getAttribute('href'));
			const id = /^\?xml=(\d+)$/.exec(href)?.[1];
			const row = stored.find((r) => String(r.id) === id)!;
			assert.equal(row.number, newestFirst(generated.filter((r) => r.status === 'exported'))[0].number);
			const response = await fetch(`${url}${href}`, { headers: { authorization } });
			assert.equal(response.status, 200);
			assert.match(response.headers.get('content-type') ?? '', /application\/xml/);
			assert.equal(await response.text(), row.xml);
			assert.equal((await fetch(`${url}?xml=999999`, { headers: { authorization } })).status, 404);
		});
	});
});
