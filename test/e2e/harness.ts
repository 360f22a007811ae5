/**
 * Real-engine harness: runs our compiled nodes inside n8n-core's `WorkflowExecute`, the engine n8n itself uses.
 *
 * What is real here:
 * - node and credential types are loaded by n8n-core's own `PackageDirectoryLoader` from the `n8n` section of our
 *   package.json (paths under `dist/` are read from `build/`, where the tests are compiled), and keyed by their full
 *   type name `n8n-nodes-einvoice-export.<node>`, so workflow JSON (templates included) runs unchanged;
 * - workflows run through `WorkflowExecute.run()`, with expressions, pairedItem checks, continueOnFail/onError and
 *   multiple outputs handled by the engine;
 * - credentials: the credential type's `authenticate` block (generic or function) and `preAuthentication` are
 *   evaluated as n8n's CLI does, property defaults applied, `updateCredentials` persisted for the run;
 * - binary data is stored by n8n-core's `BinaryDataService` in filesystem mode (ids, not inline base64);
 * - poll triggers get a real `PollContext`; static data survives between polls the way n8n stores it (JSON).
 * What stands in: `n8n-nodes-base.manualTrigger`, `scheduleTrigger`, `noOp` and `stickyNote` (n8n-nodes-base is not installed) are
 * minimal built-in types; other built-in nodes can be provided with `registerNodeType` by a test that needs them.
 *
 * Usage:
 * ```ts
 * import { runWorkflow, loadWorkflow, pollTrigger, binaryBuffer } from '../e2e/harness';
 * const result = await runWorkflow(loadWorkflow('invoice-to-ubl.json'), {
 *   input: [{ json: { invoice } }],                      // items the Manual Trigger emits (default one empty item)
 *   credentials: { dineroApi: { apiKey: 'k', environment: 'custom', baseUrl: emulator.url } },  // by type or id
 * });
 * result.output('Invoice to UBL');          // items of output 0 of that node's last run
 * result.outputs('Invoice to UBL')[1];      // the second output
 * result.error;                             // the workflow error (the engine does not throw)
 * const { items, staticData } = await pollTrigger(workflow, 'Dinero Trigger', previousStaticData, 'trigger');
 * await listSearch(nodeType('dinero'), 'searchCustomers', { credentials, parameters, filter: 'hansen' });
 * await loadOptions(nodeType('dinero'), 'getStatuses', { credentials });
 * await testCredential('dineroApi', { apiKey: 'k', environment: 'sandbox' });   // the credential's `test` request
 * ```
 * Other helpers: `loadWorkflow(file)` (test/e2e/workflows/ or the repo's workflows/), `binaryBuffer(binary)`,
 * `inlineBinary(buffer, mimeType, fileName)` for input items, `registerNodeType` / `registerCredentialType` for
 * test-only types, `nodeType(name)` for full type names.
 * N8N_USER_FOLDER is set to a temporary folder before n8n-core is loaded (n8n writes its config there).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	// A private n8n folder (config, binary data) per test process, removed when the process ends.
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-'));
	process.env.N8N_USER_FOLDER = folder;
	process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
}
process.env.N8N_LOG_LEVEL ??= 'error';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';

/* eslint-disable @typescript-eslint/no-require-imports */
// Loaded after the environment is prepared (imports would be hoisted above it).
require('reflect-metadata');
const { Container } = require('@n8n/di') as typeof import('@n8n/di');
const core = require('n8n-core') as typeof import('n8n-core');
const workflowLib = require('n8n-workflow') as typeof import('n8n-workflow');
/* eslint-enable @typescript-eslint/no-require-imports */

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IBinaryData,
	IConnections,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
	ExecutionError,
	IPinData,
} from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-einvoice-export';
/** The repository root (tests run from `build/test/e2e`). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
const buildRoot = path.join(repoRoot, 'build');
export const workflowsDir = path.join(repoRoot, 'test', 'e2e', 'workflows');

/** Full type name of one of our nodes: `n8n-nodes-einvoice-export.<name>`. */
export function nodeType(name: string): string {
	return `${PACKAGE_NAME}.${name}`;
}

export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IDataObject;
	staticData?: IDataObject | null;
	pinData?: IPinData;
	active?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Node and credential types

class ManualTrigger implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Stand-in for n8n-nodes-base.manualTrigger',
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [items.length ? items : [{ json: {} }]];
	}
}

class ScheduleTrigger implements INodeType {
	description = {
		displayName: 'Schedule Trigger',
		name: 'scheduleTrigger',
		group: ['trigger', 'schedule'],
		version: [1, 1.1, 1.2, 1.3],
		description: 'Stand-in for n8n-nodes-base.scheduleTrigger: one item with the time, as a manual run of it gives',
		defaults: { name: 'Schedule Trigger' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [items.length ? items : [{ json: { timestamp: new Date().toISOString() } }]];
	}
}

class StickyNote implements INodeType {
	description = {
		displayName: 'Sticky Note',
		name: 'stickyNote',
		group: ['input'],
		version: [1, 2],
		description: 'Stand-in for n8n-nodes-base.stickyNote',
		defaults: { name: 'Sticky Note' },
		inputs: [],
		outputs: [],
		properties: [],
	} as unknown as INodeType['description'];
}

/** Passes its items on unchanged: n8n's No Operation node, and the stand-ins of `registerPassThrough`. */
class PassThrough implements INodeType {
	description: INodeType['description'];
	constructor(typeName: string) {
		const name = typeName.split('.').pop()!;
		this.description = {
			displayName: name,
			name,
			group: ['transform'],
			version: 1,
			description: `Pass-through stand-in for ${typeName}`,
			defaults: { name },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		} as unknown as INodeType['description'];
	}
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const registry: Record<string, INodeType | IVersionedNodeType> = {};
const credentialTypes: Record<string, ICredentialType> = {};
let loaded = false;

/** Load our node and credential types with n8n's own package loader (once per process). */
export async function loadPackage(): Promise<{ nodes: string[]; credentials: string[] }> {
	if (!loaded) {
		const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string };
		if (pkg.name !== PACKAGE_NAME) throw new Error(`package.json name is ${pkg.name}, expected ${PACKAGE_NAME}`);
		// n8n resolves the `n8n.nodes` paths (dist/...) against the package folder; tests read the same files from build/.
		class BuildDirectoryLoader extends core.PackageDirectoryLoader {
			resolvePath(file: string): string {
				const relative = path.relative(repoRoot, path.resolve(repoRoot, file));
				return relative.startsWith(`dist${path.sep}`)
					? path.join(buildRoot, relative.slice(5))
					: path.resolve(repoRoot, file);
			}
		}
		const loader = new BuildDirectoryLoader(repoRoot);
		await loader.loadAll();
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) registry[nodeType(name)] = type;
		for (const [name, { type }] of Object.entries(loader.credentialTypes)) credentialTypes[name] = type;
		registry['n8n-nodes-base.manualTrigger'] ??= new ManualTrigger();
		registry['n8n-nodes-base.noOp'] ??= new PassThrough('n8n-nodes-base.noOp');
		registry['n8n-nodes-base.stickyNote'] ??= new StickyNote();
		registry['n8n-nodes-base.scheduleTrigger'] ??= new ScheduleTrigger();
		await Container.get(core.BinaryDataService).init();
		loaded = true;
	}
	return {
		nodes: Object.keys(registry).filter((t) => t.startsWith(`${PACKAGE_NAME}.`)),
		credentials: Object.keys(credentialTypes),
	};
}

/** Add a node type under a full type name (e.g. a stand-in for a built-in node a template uses). */
export function registerNodeType(typeName: string, type: INodeType | IVersionedNodeType): void {
	registry[typeName] = type;
}

/**
 * Let built-in nodes that sit beside a template's main path pass their items on unchanged, e.g. the ledger's Set,
 * Extract From File and Data Table nodes (Data Tables live in n8n's database, which does not run in-process). The
 * real nodes run in the template tests (`test/templates`, a real n8n).
 */
export function registerPassThrough(...typeNames: string[]): void {
	for (const typeName of typeNames) registry[typeName] = new PassThrough(typeName);
}

/** The built-in node types of a template's ledger path: Set, Extract From File and Data Table. */
export const LEDGER_NODE_TYPES = ['n8n-nodes-base.set', 'n8n-nodes-base.extractFromFile', 'n8n-nodes-base.dataTable'];

/** Add a credential type that is not in our package (tests of the harness itself). */
export function registerCredentialType(type: ICredentialType): void {
	credentialTypes[type.name] = type;
}

/** The loaded credential type (after `loadPackage`). */
export function getCredentialType(name: string): ICredentialType {
	const type = credentialTypes[name];
	if (!type) throw new Error(`Unknown credential type ${name}; is it listed in package.json n8n.credentials?`);
	return type;
}

/** The loaded node type (after `loadPackage`). */
export function getNodeType(typeName: string, version?: number): INodeType {
	const type = registry[typeName];
	if (!type) {
		throw new Error(
			typeName.startsWith(`${PACKAGE_NAME}.`)
				? `Unknown node type ${typeName}; is it listed in package.json n8n.nodes?`
				: `Node type ${typeName} is not available in the harness (n8n-nodes-base is not installed); ` +
						'register a stand-in with registerNodeType() in the test',
		);
	}
	return workflowLib.NodeHelpers.getVersionedNodeType(type, version);
}

const nodeTypes: INodeTypes = {
	getByName: (typeName: string) => {
		const type = registry[typeName];
		if (!type) throw new Error(`Unknown node type ${typeName}`);
		return type;
	},
	getByNameAndVersion: (typeName: string, version?: number) => getNodeType(typeName, version),
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

// ---------------------------------------------------------------------------------------------------------------
// Credentials

/** Decrypted credential data, keyed by credential id (as referenced in the workflow) or by credential type. */
export type CredentialStore = Record<string, ICredentialDataDecryptedObject>;

function parentTypes(name: string): string[] {
	const type = credentialTypes[name];
	const parents = type?.extends ?? [];
	return parents.flatMap((parent) => [parent, ...parentTypes(parent)]);
}

/** Credential properties of a type including those it extends (parents first). */
function credentialProperties(name: string): ICredentialType['properties'] {
	const type = credentialTypes[name];
	if (!type) return [];
	return [...(type.extends ?? []).flatMap((parent) => credentialProperties(parent)), ...type.properties];
}

function withDefaults(type: string, data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const out: ICredentialDataDecryptedObject = {};
	for (const property of credentialProperties(type)) {
		if (property.default !== undefined && property.type !== 'notice') out[property.name] = property.default as never;
	}
	return { ...out, ...data };
}

function resolveCredentialValue(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
	workflow: import('n8n-workflow').Workflow | undefined,
	node: INode | undefined,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	if (!workflow || !node) throw new Error('Credential expressions need a workflow and a node');
	const resolved = workflow.expression.getSimpleParameterValue(
		node,
		value,
		'internal',
		{ $credentials: credentials } as never,
		undefined,
		'',
	);
	return resolved === undefined || resolved === null || resolved === '' ? '' : String(resolved);
}

/** Apply a credential type's `authenticate` the way n8n's CLI CredentialsHelper does. */
export async function applyAuthentication(
	credentials: ICredentialDataDecryptedObject,
	typeName: string,
	requestOptions: IHttpRequestOptions,
	workflow?: import('n8n-workflow').Workflow,
	node?: INode,
): Promise<IHttpRequestOptions> {
	const type = credentialTypes[typeName];
	const authenticate = type?.authenticate;
	if (!authenticate) return requestOptions;
	if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
	if (authenticate.type === 'generic') {
		requestOptions.headers ??= {};
		const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
				const keyResolved = resolveCredentialValue(key, credentials, workflow, node) as string;
				const valueResolved = resolveCredentialValue(value, credentials, workflow, node);
				target[outerKey] ??= {};
				target[outerKey][keyResolved] = valueResolved;
			}
		}
	}
	return requestOptions;
}

/** Run `preAuthentication` like n8n: only for types with a hidden `expirable` property, when empty or expired. */
async function runPreAuthentication(
	helpers: { helpers: { httpRequest: (options: IHttpRequestOptions) => Promise<unknown> } },
	credentials: ICredentialDataDecryptedObject,
	typeName: string,
	expired: boolean,
): Promise<ICredentialDataDecryptedObject | undefined> {
	const type = credentialTypes[typeName];
	if (!type?.preAuthentication) return undefined;
	const expirable = credentialProperties(typeName).find(
		(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
	);
	if (!expirable) return undefined;
	if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined && !expired) return undefined;
	const output = (await type.preAuthentication.call(helpers as never, credentials)) as ICredentialDataDecryptedObject;
	if (output[expirable.name] === undefined)
		throw new Error(`${typeName}: preAuthentication returned no ${expirable.name}`);
	return output;
}

function makeCredentialsHelper(store: CredentialStore, used: Set<string>) {
	const lookup = (details: INodeCredentialsDetails | undefined, type: string): ICredentialDataDecryptedObject => {
		const byId = details?.id ? store[details.id] : undefined;
		const data = byId ?? store[type];
		if (!data)
			throw new Error(`No credential data for type ${type}${details?.id ? ` (id ${details.id})` : ''} in this run`);
		used.add(type);
		return data;
	};
	return {
		getParentTypes: (name: string) => parentTypes(name),
		isCredentialUsableByNode: () => true,
		getDecrypted: async (_ad: unknown, details: INodeCredentialsDetails, type: string) =>
			withDefaults(type, structuredClone(lookup(details, type))),
		authenticate: async (
			credentials: ICredentialDataDecryptedObject,
			typeName: string,
			requestOptions: IHttpRequestOptions,
			workflow?: import('n8n-workflow').Workflow,
			node?: INode,
		) => await applyAuthentication(credentials, typeName, requestOptions, workflow, node),
		preAuthentication: async (
			helpers: { helpers: { httpRequest: (options: IHttpRequestOptions) => Promise<unknown> } },
			credentials: ICredentialDataDecryptedObject,
			typeName: string,
			node: INode,
			expired: boolean,
		) => {
			const output = await runPreAuthentication(helpers, credentials, typeName, expired);
			if (output && node.credentials?.[typeName]) {
				// n8n saves the refreshed token with the credential; keep it for the rest of this run.
				const details = node.credentials[typeName];
				const key = details.id && store[details.id] ? details.id : typeName;
				store[key] = { ...store[key], ...output };
			}
			return output;
		},
		runPreAuthentication: async (
			helpers: { helpers: { httpRequest: (options: IHttpRequestOptions) => Promise<unknown> } },
			credentials: ICredentialDataDecryptedObject,
			typeName: string,
		) => await runPreAuthentication(helpers, credentials, typeName, true),
		getCredentialsProperties: (type: string) => credentialProperties(type),
		updateCredentials: async (details: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject) => {
			store[details.id && store[details.id] ? details.id : type] = data;
		},
		// n8n saves a refreshed OAuth2 token with the credential; keep it for the rest of this run.
		updateCredentialsOauthTokenData: async (
			details: INodeCredentialsDetails,
			type: string,
			data: ICredentialDataDecryptedObject,
		) => {
			const key = details.id && store[details.id] ? details.id : type;
			store[key] = { ...store[key], oauthTokenData: data.oauthTokenData };
		},
		getCredentials: async () => {
			throw new Error('getCredentials is not available in the harness');
		},
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Execution

let executionCounter = 0;

function makeAdditionalData(
	mode: WorkflowExecuteMode,
	workflow: WorkflowJson & { id: string; name: string },
	store: CredentialStore,
	usedCredentials: Set<string>,
): IWorkflowExecuteAdditionalData {
	const executionId = `e2e-${process.pid}-${++executionCounter}`;
	const hooks = new core.ExecutionLifecycleHooks(mode, executionId, {
		id: workflow.id,
		name: workflow.name,
		nodes: workflow.nodes,
		connections: workflow.connections,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	return {
		hooks,
		executionId,
		credentialsHelper: makeCredentialsHelper(store, usedCredentials),
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in the harness');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('The Code node task runner is not available in the harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

function makeWorkflow(json: WorkflowJson, staticData: IDataObject | undefined) {
	return new workflowLib.Workflow({
		id: json.id ?? 'e2e-workflow',
		name: json.name ?? 'e2e',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1', ...(json.settings ?? {}) },
		staticData: staticData ? structuredClone(staticData) : (structuredClone(json.staticData ?? {}) ?? {}),
	});
}

/** Read a workflow JSON file (relative to test/e2e/workflows, or absolute, or the repo's workflows/ folder). */
export function loadWorkflow(file: string): WorkflowJson {
	const candidates = path.isAbsolute(file) ? [file] : [path.join(workflowsDir, file), path.join(repoRoot, file)];
	for (const candidate of candidates) {
		try {
			return JSON.parse(readFileSync(candidate, 'utf8')) as WorkflowJson;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}
	throw new Error(`Workflow file not found: ${file}`);
}

export interface RunOptions {
	/** Items the start node emits (plain objects become `{ json }`). Default: the start node runs by itself. */
	input?: Array<INodeExecutionData | IDataObject>;
	/** Start node name; default the first Manual Trigger, else the first node without inputs. */
	startNode?: string;
	credentials?: CredentialStore;
	/** Workflow static data to start from (default the workflow's own). */
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
	/** Parameters to override per node name (merged over the workflow's), handy for ports of local servers. */
	parameters?: Record<string, IDataObject>;
}

export interface RunResult {
	run: IRun;
	/** The workflow error, if the run failed (the engine reports errors; it does not throw). */
	error?: ExecutionError;
	/** Names of nodes that ran, in order. */
	executed: string[];
	/** Output `outputIndex` of the node's last run (empty when the node did not run or emitted nothing there). */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** All outputs of the node's last run. */
	outputs(nodeName: string): INodeExecutionData[][];
	/** The error of a node's last run, if it failed. */
	nodeError(nodeName: string): ExecutionError | undefined;
	/** Static data after the run (as n8n would save it). */
	staticData: IDataObject;
	/** Credential types the run used. */
	credentialsUsed: string[];
}

function toItems(input: Array<INodeExecutionData | IDataObject>): INodeExecutionData[] {
	return input.map((entry) =>
		entry && typeof entry === 'object' && 'json' in entry && typeof entry.json === 'object'
			? (entry as INodeExecutionData)
			: { json: entry as IDataObject },
	);
}

function applyParameterOverrides(json: WorkflowJson, overrides?: Record<string, IDataObject>): WorkflowJson {
	if (!overrides) return json;
	return {
		...json,
		nodes: json.nodes.map((node) =>
			overrides[node.name]
				? { ...node, parameters: { ...node.parameters, ...overrides[node.name] } as INode['parameters'] }
				: node,
		),
	};
}

/** Execute a workflow (object or file name) in the real engine. */
export async function runWorkflow(workflowOrFile: WorkflowJson | string, options: RunOptions = {}): Promise<RunResult> {
	await loadPackage();
	const source = typeof workflowOrFile === 'string' ? loadWorkflow(workflowOrFile) : workflowOrFile;
	const json = applyParameterOverrides(structuredClone(source), options.parameters);
	const mode = options.mode ?? 'manual';
	const workflow = makeWorkflow(json, options.staticData);
	const start = options.startNode
		? workflow.getNode(options.startNode)
		: (json.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger') ??
			json.nodes.find(
				(n) =>
					n.type !== 'n8n-nodes-base.stickyNote' &&
					registry[n.type] !== undefined &&
					getNodeType(n.type, n.typeVersion).description.inputs.length === 0,
			));
	if (!start) throw new Error('The workflow has no start node');
	const startNode = workflow.getNode(start.name);
	if (!startNode) throw new Error(`Start node ${start.name} not found`);

	const store: CredentialStore = structuredClone(options.credentials ?? {});
	const used = new Set<string>();
	const additionalData = makeAdditionalData(
		mode,
		{ ...json, id: workflow.id, name: workflow.name ?? 'e2e' },
		store,
		used,
	);
	const pinData: IPinData = { ...(json.pinData ?? {}) };
	if (options.input) pinData[startNode.name] = toItems(options.input);
	const executor = new core.WorkflowExecute(additionalData, mode);
	const run = await executor.run({ workflow, startNode, pinData: Object.keys(pinData).length ? pinData : undefined });
	const runData = run.data.resultData.runData;
	const last = (name: string) => {
		const runs = runData[name];
		return runs?.[runs.length - 1];
	};
	return {
		run,
		error: run.data.resultData.error,
		executed: Object.keys(runData),
		output: (name, outputIndex = 0) => (last(name)?.data?.main?.[outputIndex] ?? []) as INodeExecutionData[],
		outputs: (name) => ((last(name)?.data?.main ?? []) as Array<INodeExecutionData[] | null>).map((o) => o ?? []),
		nodeError: (name) => last(name)?.error,
		staticData: JSON.parse(JSON.stringify(workflow.staticData ?? {})) as IDataObject,
		credentialsUsed: [...used],
	};
}

export interface PollResult {
	/** What `poll()` returned: output arrays, or null for "nothing new". */
	items: INodeExecutionData[][] | null;
	/** Static data after the poll, as n8n would persist it (pass it to the next poll). */
	staticData: IDataObject;
	/** The error `poll()` threw, if any (static data is then the data before the poll, as n8n discards it). */
	error?: Error;
}

/**
 * Call a polling trigger's `poll()` with a real `PollContext`, as n8n's poll tick does (`mode` 'trigger' for an active
 * workflow, 'manual' for the editor's "Fetch test event"). Static data is persisted through JSON between calls.
 */
export async function pollTrigger(
	workflowOrFile: WorkflowJson | string,
	nodeName: string,
	staticData: IDataObject | undefined,
	mode: 'manual' | 'trigger' = 'trigger',
	options: {
		credentials?: CredentialStore;
		parameters?: Record<string, IDataObject>;
		activation?: 'init' | 'activate' | 'update' | 'manual';
		/** What `this.getPollBudgetMs()` returns (n8n's default is 5 minutes). */
		pollBudgetMs?: number;
	} = {},
): Promise<PollResult> {
	await loadPackage();
	const source = typeof workflowOrFile === 'string' ? loadWorkflow(workflowOrFile) : workflowOrFile;
	const json = applyParameterOverrides(structuredClone(source), options.parameters);
	const before = JSON.parse(JSON.stringify(staticData ?? json.staticData ?? {})) as IDataObject;
	const workflow = makeWorkflow(json, before);
	const node = workflow.getNode(nodeName);
	if (!node) throw new Error(`Node ${nodeName} not found`);
	const type = getNodeType(node.type, node.typeVersion);
	if (typeof type.poll !== 'function') throw new Error(`${node.type} is not a polling trigger`);
	const store: CredentialStore = structuredClone(options.credentials ?? {});
	const additionalData = makeAdditionalData(
		mode,
		{ ...json, id: workflow.id, name: workflow.name ?? 'e2e' },
		store,
		new Set(),
	);
	const activation = options.activation ?? (mode === 'manual' ? 'manual' : 'activate');
	const context =
		options.pollBudgetMs === undefined
			? core.getExecutePollFunctions(workflow, node, additionalData, mode, activation)
			: new core.PollContext(
					workflow,
					node,
					additionalData,
					mode,
					activation,
					undefined,
					undefined,
					undefined,
					undefined,
					undefined,
					() => options.pollBudgetMs!,
				);
	try {
		const items = await type.poll.call(context);
		return { items: items ?? null, staticData: JSON.parse(JSON.stringify(workflow.staticData ?? {})) as IDataObject };
	} catch (error) {
		return { items: null, staticData: before, error: error as Error };
	}
}

/**
 * Call the list-search method of a node inside a workflow (resource locator "From List") with a real
 * `LoadOptionsContext`, as the editor does; `listSearch` below does the same from a bare node type.
 */
export async function listSearchInWorkflow(
	workflowOrFile: WorkflowJson | string,
	nodeName: string,
	method: string,
	filter?: string,
	options: { credentials?: CredentialStore } = {},
): Promise<import('n8n-workflow').INodeListSearchResult> {
	await loadPackage();
	const json = structuredClone(typeof workflowOrFile === 'string' ? loadWorkflow(workflowOrFile) : workflowOrFile);
	const workflow = makeWorkflow(json, undefined);
	const node = workflow.getNode(nodeName);
	if (!node) throw new Error(`Node ${nodeName} not found`);
	const type = getNodeType(node.type, node.typeVersion);
	const search = type.methods?.listSearch?.[method];
	if (!search) throw new Error(`${node.type} has no list search method ${method}`);
	const store: CredentialStore = structuredClone(options.credentials ?? {});
	const additionalData = makeAdditionalData(
		'manual',
		{ ...json, id: workflow.id, name: workflow.name ?? 'e2e' },
		store,
		new Set(),
	);
	const context = new core.LoadOptionsContext(workflow, node, additionalData, '');
	return await search.call(context as never, filter);
}

/** The bytes of a binary property, whether stored by the binary data service or inline. */
export async function binaryBuffer(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(core.BinaryDataService).getAsBuffer(binary);
}

/** Inline binary data for input items (n8n accepts base64 `data` without an id). */
export function inlineBinary(data: Buffer | string, mimeType: string, fileName?: string): IBinaryData {
	const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
	const binary: IBinaryData = { data: buffer.toString('base64'), mimeType, fileSize: `${buffer.length} B` };
	if (fileName) {
		binary.fileName = fileName;
		binary.fileExtension = path.extname(fileName).slice(1);
	}
	return binary;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
	statusCode?: number;
}

/**
 * Run a credential type's `test` request the way n8n's "Test credential" does: expressions in the request resolved
 * against the credential, `preAuthentication` and `authenticate` applied, response rules checked.
 */
export async function testCredential(
	typeName: string,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	await loadPackage();
	const type = getCredentialType(typeName);
	const test = type.test;
	if (!test) throw new Error(`${typeName} has no test request`);
	const credentials = withDefaults(typeName, structuredClone(data));
	const probeNode: INode = {
		id: 'credential-test',
		name: 'Credential Test',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = makeWorkflow({ nodes: [probeNode], connections: {} }, undefined);
	const resolve = (value: unknown): unknown => resolveCredentialValue(value, credentials, workflow, probeNode);
	const request = test.request;
	const options: IHttpRequestOptions = {
		method: (request.method ?? 'GET') as IHttpRequestOptions['method'],
		url: String(resolve(request.url ?? '')),
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (request.baseURL) options.baseURL = String(resolve(request.baseURL));
	if (request.headers)
		options.headers = Object.fromEntries(
			Object.entries(request.headers).map(([k, v]) => [k, resolve(v)]),
		) as IDataObject;
	if (request.qs)
		options.qs = Object.fromEntries(Object.entries(request.qs).map(([k, v]) => [k, resolve(v)])) as IDataObject;
	if (request.body) options.body = request.body as IDataObject;
	const http = async (o: IHttpRequestOptions) => await outboundRequest(o);
	const pre = await runPreAuthentication({ helpers: { httpRequest: http } }, credentials, typeName, false).catch(
		(error: Error) => {
			throw Object.assign(new Error(`preAuthentication failed: ${error.message}`), { cause: error });
		},
	);
	if (pre) Object.assign(credentials, pre);
	const authenticated = await applyAuthentication(credentials, typeName, options, workflow, probeNode);
	let response: { statusCode: number; body: unknown };
	try {
		response = (await outboundRequest(authenticated)) as { statusCode: number; body: unknown };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseCode' && response.statusCode === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message, statusCode: response.statusCode };
		}
		if (rule.type === 'responseSuccessBody') {
			const value = rule.properties.key
				.split('.')
				.reduce<unknown>((acc, key) => (acc as IDataObject | undefined)?.[key], response.body);
			if (value === rule.properties.value)
				return { status: 'Error', message: rule.properties.message, statusCode: response.statusCode };
		}
	}
	if (response.statusCode >= 400) {
		return {
			status: 'Error',
			message: `Authorization failed - please check your credentials (HTTP ${response.statusCode})`,
			statusCode: response.statusCode,
		};
	}
	return { status: 'OK', message: 'Connection successful!', statusCode: response.statusCode };
}

async function outboundRequest(options: IHttpRequestOptions): Promise<unknown> {
	// The same HTTP stack n8n-core uses for httpRequest/httpRequestWithAuthentication.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { OutboundHttp } = require('@n8n/backend-network') as {
		OutboundHttp: new () => { requests(): { request(o: IHttpRequestOptions): Promise<unknown> } };
	};
	return await Container.get(OutboundHttp).requests().request(options);
}

export interface MethodCallOptions {
	credentials?: CredentialStore;
	/** Parameters of the node, as the editor has them when the method runs. */
	parameters?: IDataObject;
	/** Node credentials reference, e.g. `{ dineroApi: { id: '1', name: 'Dinero' } }` (default: one per listed type). */
	nodeCredentials?: INode['credentials'];
}

function methodContext(typeName: string, options: MethodCallOptions, path: string) {
	const type = getNodeType(typeName);
	const credentialsRef: INode['credentials'] =
		options.nodeCredentials ??
		Object.fromEntries((type.description.credentials ?? []).map((c) => [c.name, { id: c.name, name: c.name }]));
	const node: INode = {
		id: 'method-node',
		name: type.description.defaults.name ?? type.description.displayName,
		type: typeName,
		typeVersion: Array.isArray(type.description.version)
			? type.description.version.slice(-1)[0]
			: type.description.version,
		position: [0, 0],
		parameters: (options.parameters ?? {}) as INode['parameters'],
		credentials: credentialsRef,
	};
	const json: WorkflowJson = { nodes: [node], connections: {} };
	const workflow = makeWorkflow(json, undefined);
	const additionalData = makeAdditionalData(
		'internal',
		{ ...json, id: workflow.id, name: workflow.name ?? 'e2e' },
		structuredClone(options.credentials ?? {}),
		new Set(),
	);
	(additionalData as unknown as { currentNodeParameters: IDataObject }).currentNodeParameters =
		options.parameters ?? {};
	return { type, context: new core.LoadOptionsContext(workflow, workflow.getNode(node.name)!, additionalData, path) };
}

/** Call a node's `methods.listSearch.<method>` (resource locator search) as the editor does. */
export async function listSearch(
	typeName: string,
	method: string,
	options: MethodCallOptions & { filter?: string; paginationToken?: string } = {},
): Promise<import('n8n-workflow').INodeListSearchResult> {
	await loadPackage();
	const { type, context } = methodContext(typeName, options, 'parameters');
	const fn = type.methods?.listSearch?.[method];
	if (!fn) throw new Error(`${typeName} has no listSearch method ${method}`);
	return await fn.call(context, options.filter, options.paginationToken);
}

/** Call a node's `methods.loadOptions.<method>` (dropdown options) as the editor does. */
export async function loadOptions(
	typeName: string,
	method: string,
	options: MethodCallOptions = {},
): Promise<import('n8n-workflow').INodePropertyOptions[]> {
	await loadPackage();
	const { type, context } = methodContext(typeName, options, 'parameters');
	const fn = type.methods?.loadOptions?.[method];
	if (!fn) throw new Error(`${typeName} has no loadOptions method ${method}`);
	return await fn.call(context);
}
