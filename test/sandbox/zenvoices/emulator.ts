/**
 * Zenvoices emulator: ABP token login, the public API's administration ("company") list with paging, inbox upload
 * and inbox list. Errors use the ABP envelope. The upload endpoint is our best reading of an undocumented API
 * (see nodes/Zenvoices/client.ts); the emulator enforces exactly that shape.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';

import {
	listen,
	readBody,
	readDatasetInfo,
	readResource,
	sendJson,
	type Emulator,
	type EmulatorOptions,
} from '../emulator';

export interface ZenvoicesUser {
	userNameOrEmailAddress: string;
	password: string;
	twoFactor?: boolean;
}

export interface Administration {
	id: number;
	code: string;
	name: string;
	[key: string]: unknown;
}

export interface InboxDocument {
	id: number;
	administrationId: number;
	externalId: string;
	fileName: string;
	contentType: string;
	content: Buffer;
	destination: string;
	senderName: string;
	subject: string;
	receivedTime: string;
	importStatus: number;
	authorizationStatus: number;
}

export interface ZenvoicesEmulator extends Emulator {
	tenancyName: string;
	administrations: Administration[];
	inbox: InboxDocument[];
	/** Make every issued access token invalid (as if a day had passed). */
	expireTokens(): void;
	/** Answer the next `count` API requests with HTTP `status`. */
	failNext(count: number, status?: number): void;
	tokensIssued: number;
}

const abpOk = (result: unknown) => ({
	result,
	targetUrl: null,
	success: true,
	error: null,
	unAuthorizedRequest: false,
	__abp: true,
});

function abpError(
	res: http.ServerResponse,
	status: number,
	message: string,
	details?: string,
	validationErrors?: { message: string; members: string[] }[],
): void {
	sendJson(res, status, {
		result: null,
		targetUrl: null,
		success: false,
		error: { code: 0, message, details: details ?? null, validationErrors: validationErrors ?? null },
		unAuthorizedRequest: status === 401,
		__abp: true,
	});
}

function pageArgs(body: Record<string, unknown>): { skip: number; max: number } | string {
	const max = body.maxResultCount === undefined ? 50 : Number(body.maxResultCount);
	const skip = body.skipCount === undefined ? 0 : Number(body.skipCount);
	if (!Number.isInteger(max) || max < 1 || max > 250) return 'maxResultCount must be between 1 and 250';
	if (!Number.isInteger(skip) || skip < 0) return 'skipCount must be 0 or more';
	return { skip, max };
}

export async function createZenvoicesEmulator(
	datasetDir: string,
	options: EmulatorOptions = {},
): Promise<ZenvoicesEmulator> {
	const info = readDatasetInfo(datasetDir);
	const settings = (info.settings ?? {}) as { users?: ZenvoicesUser[]; tokenLifetimeSeconds?: number };
	const users = settings.users ?? [];
	const administrations = readResource<Administration[]>(datasetDir, 'administrations', []);
	const inbox: InboxDocument[] = [];
	const tokens = new Map<string, { user: string; expiresAt: number }>();
	const failures: number[] = [];
	const requests: Record<string, number> = {};
	let nextInboxId = 5001;
	const state = { tokensIssued: 0 };

	const emulator = await listen(
		async (req, res) => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			const label = `${req.method} ${url.pathname}`;
			requests[label] = (requests[label] ?? 0) + 1;
			const raw = await readBody(req);
			let body: Record<string, unknown> = {};
			if (raw.length) {
				if (!String(req.headers['content-type'] ?? '').includes('application/json'))
					return abpError(res, 415, 'Only application/json content is supported');
				try {
					body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
				} catch {
					return abpError(res, 400, 'Your request is not valid!', 'The request body is not valid JSON');
				}
			}

			if (req.method === 'POST' && url.pathname === '/api/TokenAuth/TokenLogin') {
				const user = users.find(
					(u) => u.userNameOrEmailAddress.toLowerCase() === String(body.userNameOrEmailAddress ?? '').toLowerCase(),
				);
				if (String(body.tenancyName ?? '').toLowerCase() !== info.account.toLowerCase())
					return abpError(
						res,
						500,
						'Login failed!',
						`There is no tenant defined with name ${String(body.tenancyName ?? '')}`,
					);
				if (!user || user.password !== body.password)
					return abpError(res, 500, 'Login failed!', 'Invalid user name or password');
				if (user.twoFactor)
					return sendJson(
						res,
						200,
						abpOk({
							accessToken: null,
							encryptedAccessToken: null,
							expireInSeconds: 0,
							requiresTwoFactorVerification: true,
							twoFactorAuthProviders: ['Email'],
							userId: 7,
						}),
					);
				const accessToken = randomBytes(24).toString('base64url');
				const lifetime = settings.tokenLifetimeSeconds ?? 86400;
				tokens.set(accessToken, { user: user.userNameOrEmailAddress, expiresAt: Date.now() + lifetime * 1000 });
				state.tokensIssued++;
				return sendJson(
					res,
					200,
					abpOk({
						accessToken,
						encryptedAccessToken: `enc-${accessToken}`,
						expireInSeconds: lifetime,
						refreshToken: randomBytes(24).toString('base64url'),
						refreshTokenExpireInSeconds: 31536000,
						requiresTwoFactorVerification: false,
						twoFactorAuthProviders: null,
						loginVerificationCode: null,
						userId: 6,
					}),
				);
			}

			if (!url.pathname.startsWith('/public-api/v1/')) return abpError(res, 404, 'Not found');
			const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
			const session = auth ? tokens.get(auth[1]) : undefined;
			if (!session || session.expiresAt < Date.now())
				return abpError(res, 401, 'Current user did not login to the application!');
			const failure = failures.shift();
			if (failure) return abpError(res, failure, 'An internal error occurred during your request!');

			if (req.method === 'POST' && url.pathname === '/public-api/v1/administration/list') {
				const page = pageArgs(body);
				if (typeof page === 'string')
					return abpError(res, 400, 'Your request is not valid!', page, [
						{ message: page, members: ['maxResultCount'] },
					]);
				const sorted = [...administrations].sort((a, b) =>
					body.sorting === 'name' ? a.name.localeCompare(b.name) : a.id - b.id,
				);
				return sendJson(res, 200, { items: sorted.slice(page.skip, page.skip + page.max), totalCount: sorted.length });
			}

			if (req.method === 'POST' && url.pathname === '/public-api/v1/inbox/list') {
				const page = pageArgs(body);
				if (typeof page === 'string') return abpError(res, 400, 'Your request is not valid!', page);
				const filtered = inbox.filter(
					(d) => body.administrationId === undefined || d.administrationId === Number(body.administrationId),
				);
				const items = filtered
					.slice(page.skip, page.skip + page.max)
					.map(({ content, ...rest }) => ({ ...rest, size: content.length }));
				return sendJson(res, 200, { items, totalCount: filtered.length });
			}

			if (req.method === 'POST' && url.pathname === '/public-api/v1/inbox/upload') {
				const problems: { message: string; members: string[] }[] = [];
				const administration = administrations.find((a) => a.id === Number(body.administrationId));
				if (!administration)
					problems.push({ message: 'The administration does not exist', members: ['administrationId'] });
				const fileName = typeof body.fileName === 'string' ? body.fileName : '';
				if (!/\.(xml|pdf)$/i.test(fileName))
					problems.push({ message: 'fileName must end in .xml or .pdf', members: ['fileName'] });
				const contentText = typeof body.content === 'string' ? body.content : '';
				const content = Buffer.from(contentText, 'base64');
				if (!contentText || content.toString('base64') !== contentText.replace(/\s+/g, ''))
					problems.push({ message: 'content must be base64', members: ['content'] });
				if (typeof body.externalId !== 'string' || !body.externalId)
					problems.push({ message: 'externalId is required', members: ['externalId'] });
				if (problems.length)
					return abpError(res, 400, 'Your request is not valid!', problems.map((p) => p.message).join('; '), problems);
				const duplicate = inbox.find(
					(d) => d.administrationId === administration!.id && d.externalId === body.externalId,
				);
				if (duplicate)
					return abpError(
						res,
						409,
						'A document with this external id already exists',
						`Inbox document ${duplicate.id}`,
					);
				const document: InboxDocument = {
					id: nextInboxId++,
					administrationId: administration!.id,
					externalId: body.externalId as string,
					fileName,
					contentType: /\.pdf$/i.test(fileName) ? 'application/pdf' : 'application/xml',
					content,
					destination: String(administration!.inboxEmailAddress ?? ''),
					senderName: session.user,
					subject: typeof body.subject === 'string' ? body.subject : fileName,
					receivedTime: new Date().toISOString(),
					importStatus: 0,
					authorizationStatus: 0,
				};
				inbox.push(document);
				return sendJson(res, 200, {
					id: document.id,
					administrationId: document.administrationId,
					externalId: document.externalId,
				});
			}
			return abpError(res, 404, `There is no action ${label}`);
		},
		requests,
		options,
	);
	return {
		...emulator,
		tenancyName: info.account,
		administrations,
		inbox,
		expireTokens: () => tokens.clear(),
		failNext: (count, status = 503) => {
			for (let i = 0; i < count; i++) failures.push(status);
		},
		get tokensIssued() {
			return state.tokensIssued;
		},
	};
}
