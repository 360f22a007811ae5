// Copies node and credential icons next to the compiled files in dist/, where n8n resolves `file:` icons.
const { src, dest, task, parallel } = require('gulp');

function nodeIcons() {
	return src('nodes/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(dest('dist/nodes'));
}

function credentialIcons() {
	return src('credentials/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(dest('dist/credentials'));
}

task('build:icons', parallel(nodeIcons, credentialIcons));
