/**
 * `npm start`: the whole package on a laptop, against the sandbox.
 *
 * Installs the pinned n8n runtime when missing, starts the emulators (Dinero, Billy, Severa, Maventa, Zenvoices,
 * an HTTP gateway, an SMTP server, an OpenSSH SFTP server and an OpenSSL AS2 partner), starts n8n on 127.0.0.1 with this package installed as a community package,
 * imports every template with sandbox credentials (first start only), creates the Data Tables, and prints the
 * URL and the login. Ctrl-C stops everything it started. State lives in `.sandbox/` (delete it to start over).
 *
 *   npm start [-- --port 5678] [--dir .sandbox] [--emulator-ports 5711]
 */
import path from 'node:path';

import { repoRoot } from '../n8n/runtime';
import { DASHBOARD_LOGIN, owner, startStack } from './stack';

// Fixed emulator ports (from --emulator-ports, default 5711): the sandbox credentials stored in n8n point at them
// across restarts.
function emulatorPorts(base: number) {
	const names = ['dinero', 'billy', 'severa', 'maventa', 'zenvoices', 'gateway', 'smtp'] as const;
	return Object.fromEntries(names.map((name, i) => [name, base + i])) as Record<(typeof names)[number], number>;
}

function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const port = Number(option(args, 'port') ?? process.env.N8N_PORT ?? 5678);
	const userFolder = path.resolve(option(args, 'dir') ?? path.join(repoRoot, '.sandbox'));
	const started = Date.now();
	const stack = await startStack({
		userFolder,
		port,
		emulatorPorts: emulatorPorts(Number(option(args, 'emulator-ports') ?? 5711)),
		log: (line) => process.stdout.write(`${line}\n`),
	});
	const s = stack.sandbox;
	process.stdout.write(
		[
			'',
			`n8n is running: ${stack.n8n.url}  (ready in ${((Date.now() - started) / 1000).toFixed(0)} s)`,
			`Log in as ${owner.email} / ${owner.password}`,
			'',
			'Sandbox systems (credentials in n8n already point at them):',
			`  Dinero ${s.dinero.url}   Billy ${s.billy.url}   Severa ${s.severa.url}`,
			`  Maventa ${s.maventa.url}   Zenvoices ${s.zenvoices.url}   HTTP gateway ${s.gateway.url}`,
			`  SMTP ${s.smtp.host}:${s.smtp.port} (mails are printed here)`,
			s.sftp
				? `  SFTP ${s.sftp.username}@${s.sftp.host}:${s.sftp.port} (files land in ${s.sftp.root})`
				: '  SFTP: not started (install openssh-server); "sftp" rules fail until then',
			s.as2
				? `  AS2 partner ${s.as2.as2Id} at ${s.as2.peer.url} (it verifies, decrypts and answers with a signed MDN)`
				: '  AS2: not started (install openssl); "as2" rules fail until then',
			'',
			'Open a template (e.g. "Dinero: export customer invoices") and press "Execute workflow",',
			`and open the dashboard: ${stack.n8n.url}/webhook/einvoice-dashboard (log in as ${DASHBOARD_LOGIN.user} / ${DASHBOARD_LOGIN.password})`,
			`The manual export form: activate "E-invoice: manual export", then ${stack.n8n.url}/form/einvoice-manual-export`,
			'Ctrl-C stops everything.',
			'',
		].join('\n'),
	);
	let mailsShown = 0;
	const mailTimer = setInterval(() => {
		for (const mail of s.smtp.mails.slice(mailsShown))
			process.stdout.write(`mail to ${mail.to.join(', ')}: ${mail.subject}\n`);
		mailsShown = s.smtp.mails.length;
	}, 1000);
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		clearInterval(mailTimer);
		process.stdout.write('\nStopping n8n and the sandbox…\n');
		await stack.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exit(1);
});
