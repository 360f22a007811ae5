/**
 * Where an installed program lives: on PATH, or else where its Debian package put it. Some servers the tests start
 * live off PATH for a normal user: sshd, and PostgreSQL's server binaries (one folder per major version).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The program's path on PATH. */
export function onPath(command: string): string | undefined {
	const result = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
	return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}

/**
 * The program on PATH, else the file an installed package holds whose path ends in `/<packagePath>` (the newest
 * version when several packages hold one, e.g. `bin/initdb` of two PostgreSQL majors).
 */
export function installedProgram(command: string, packagePath: string): string | undefined {
	const found = onPath(command);
	if (found) return found;
	const result = spawnSync('dpkg-query', ['-S', packagePath], { encoding: 'utf8' });
	if (result.status !== 0) return undefined;
	return result.stdout
		.split('\n')
		.map((line) => line.slice(line.indexOf(': ') + 2).trim())
		.filter((file) => file.endsWith(`/${packagePath}`) && existsSync(file))
		.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))[0];
}
