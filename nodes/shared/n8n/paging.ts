/**
 * Paging helpers shared by the clients. They know nothing about HTTP: the caller fetches one page (through
 * `apiRequest`) and says what it got. A callback sees every page and can stop early (poll budgets, "limit" options).
 *
 * - `pageByNumber`: `?page=N&pageSize=M`, pages counted from 0 or 1; stops on a short or empty page, on `hasMore:
 *   false`, when `total` items were seen, after `maxPages`, after `maxItems`, or when `onPage` returns `false`.
 * - `pageByToken`: a next-page token from the body or a header (`NextPageToken`); stops when there is none.
 */

export interface Page<T> {
	items: T[];
	/** The service says whether more pages exist (overrides the short-page rule). */
	hasMore?: boolean;
	/** Total number of items across all pages, when the service reports it. */
	total?: number;
}

export interface TokenPage<T> {
	items: T[];
	/** Token of the next page; empty/undefined means this was the last page. */
	nextToken?: string | null;
}

/** Return `false` to stop after this page (its items are kept). */
export type OnPage<T> = (items: T[], pageIndex: number) => boolean | void | Promise<boolean | void>;

export interface PagingOptions<T> {
	/** Stop after this many pages (a safety net against endless paging; default 10 000). */
	maxPages?: number;
	/** Stop once this many items are collected; the result is cut to this length. */
	maxItems?: number;
	onPage?: OnPage<T>;
}

export interface NumberPagingOptions<T> extends PagingOptions<T> {
	/** Number of the first page: 0 or 1 (default 1). */
	firstPage?: 0 | 1;
	pageSize: number;
}

export interface PagingResult<T> {
	items: T[];
	pages: number;
	/** True when paging stopped before the last page (maxPages, maxItems or onPage). */
	stoppedEarly: boolean;
}

const DEFAULT_MAX_PAGES = 10_000;

/** Page-number paging. `fetchPage(page, pageSize)` gets one page. */
export async function pageByNumber<T>(
	fetchPage: (page: number, pageSize: number) => Promise<Page<T> | T[]>,
	options: NumberPagingOptions<T>,
): Promise<PagingResult<T>> {
	if (!(options.pageSize > 0)) throw new Error('pageSize must be a positive number');
	const first = options.firstPage ?? 1;
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	const items: T[] = [];
	let pages = 0;
	for (let page = first; ; page++) {
		const raw = await fetchPage(page, options.pageSize);
		const result: Page<T> = Array.isArray(raw) ? { items: raw } : raw;
		pages++;
		items.push(...result.items);
		const proceed = (await options.onPage?.(result.items, pages - 1)) !== false;
		const last =
			result.items.length === 0 ||
			(result.hasMore !== undefined ? !result.hasMore : result.items.length < options.pageSize) ||
			(result.total !== undefined && (page - first + 1) * options.pageSize >= result.total);
		if (options.maxItems !== undefined && items.length >= options.maxItems) {
			return { items: items.slice(0, options.maxItems), pages, stoppedEarly: !last || items.length > options.maxItems };
		}
		if (last) return { items, pages, stoppedEarly: false };
		if (!proceed || pages >= maxPages) return { items, pages, stoppedEarly: true };
	}
}

/** Token paging. `fetchPage(token)` gets one page; the first call has no token. */
export async function pageByToken<T>(
	fetchPage: (token: string | undefined) => Promise<TokenPage<T>>,
	options: PagingOptions<T> = {},
): Promise<PagingResult<T>> {
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	const items: T[] = [];
	const seenTokens = new Set<string>();
	let token: string | undefined;
	let pages = 0;
	for (;;) {
		const result = await fetchPage(token);
		pages++;
		items.push(...result.items);
		const proceed = (await options.onPage?.(result.items, pages - 1)) !== false;
		const next = result.nextToken ?? undefined;
		// A repeated token would loop forever: treat it as the end.
		const last = !next || seenTokens.has(next);
		if (options.maxItems !== undefined && items.length >= options.maxItems) {
			return { items: items.slice(0, options.maxItems), pages, stoppedEarly: !last || items.length > options.maxItems };
		}
		if (last) return { items, pages, stoppedEarly: false };
		if (!proceed || pages >= maxPages) return { items, pages, stoppedEarly: true };
		seenTokens.add(next);
		token = next;
	}
}

/** Read a next-page token from response headers, case-insensitively (e.g. Severa's `NextPageToken`). */
export function nextTokenFromHeaders(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted) continue;
		const text = Array.isArray(value) ? value[0] : value;
		return typeof text === 'string' && text.trim() ? text.trim() : undefined;
	}
	return undefined;
}
