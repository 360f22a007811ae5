/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it receives, parsed
 * with `mailparser`, so template tests can read the notifications n8n's Send Email node sent.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
	from: string;
	to: string[];
	subject: string;
	text: string;
	html: string;
	attachments: { filename?: string; contentType: string; size: number }[];
	raw: string;
}

export interface SmtpSandbox {
	host: string;
	port: number;
	user: string;
	password: string;
	mails: ReceivedMail[];
	close(): Promise<void>;
}

/** Start the server; it accepts plain SMTP with AUTH LOGIN/PLAIN from the one sandbox user. */
export async function startSmtpSandbox(
	options: { port?: number; onMail?: (mail: ReceivedMail) => void } = {},
): Promise<SmtpSandbox> {
	const user = 'sandbox';
	const password = 'sandbox-smtp';
	const mails: ReceivedMail[] = [];
	const server = new SMTPServer({
		secure: false,
		authOptional: true,
		allowInsecureAuth: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onAuth(auth, _session, callback) {
			if (auth.username === user && auth.password === password) callback(null, { user });
			else callback(new Error('Invalid username or password'));
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks);
				simpleParser(raw)
					.then((parsed: ParsedMail) => {
						const mail: ReceivedMail = {
							from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
							to: session.envelope.rcptTo.map((r) => r.address),
							subject: parsed.subject ?? '',
							text: parsed.text ?? '',
							html: typeof parsed.html === 'string' ? parsed.html : '',
							attachments: parsed.attachments.map((a) => ({
								filename: a.filename,
								contentType: a.contentType,
								size: a.size,
							})),
							raw: raw.toString('utf8'),
						};
						mails.push(mail);
						options.onMail?.(mail);
						callback();
					})
					.catch((error: Error) => callback(error));
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.server.address() as AddressInfo;
	return {
		host: '127.0.0.1',
		port,
		user,
		password,
		mails,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
