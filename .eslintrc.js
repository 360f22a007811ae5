/**
 * ESLint: n8n's community-package rules for package.json, node rules for nodes/, credential rules for
 * credentials/. TypeScript strictness itself comes from tsconfig.json (strict mode).
 *
 * @type {import('@types/eslint').ESLint.ConfigData}
 */
module.exports = {
	root: true,
	env: { es2022: true, node: true },
	parser: '@typescript-eslint/parser',
	parserOptions: {
		project: ['./tsconfig.json'],
		tsconfigRootDir: __dirname,
		sourceType: 'module',
		extraFileExtensions: ['.json'],
	},
	ignorePatterns: ['.eslintrc.js', 'gulpfile.js', '**/*.js', '**/node_modules/**', '**/dist/**', '**/build/**'],
	overrides: [
		{
			files: ['package.json'],
			parserOptions: { project: null },
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/community'],
		},
		{
			files: ['./credentials/**/*.ts'],
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/credentials'],
			rules: {
				// This rule wants n8n's own docs slugs (camelCase names); community credentials link to full URLs.
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			},
		},
		{
			files: ['./nodes/**/*.ts'],
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/nodes'],
			rules: {
				// Every execute() delegates to runPerItem (nodes/shared/n8n/items.ts), which honours continueOnFail().
				'n8n-nodes-base/node-execute-block-missing-continue-on-fail': 'off',
				// n8n 1.x/2.x declares connections with NodeConnectionTypes.Main; these two rules still expect ['main'].
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			},
		},
	],
};
