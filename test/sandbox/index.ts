/**
 * Registry of sandbox emulators by dataset `system`. Each emulator module adds one line here.
 * `startSandbox(datasetDir)` starts the emulator that matches the dataset's `dataset.json`.
 */
import { readDatasetInfo, type Emulator, type EmulatorFactory, type EmulatorOptions } from './emulator';

export const emulators: Record<string, () => Promise<EmulatorFactory>> = {
	billy: async () => (await import('./billy/emulator')).createBillyEmulator,
	dinero: async () => (await import('./dinero/emulator')).createDineroEmulator,
	zenvoices: async () => (await import('./zenvoices/emulator')).createZenvoicesEmulator,
	severa: async () => (await import('./severa/emulator')).createSeveraEmulator,
	maventa: async () => (await import('./maventa/emulator')).createMaventaEmulator,
};

export async function startSandbox(datasetDir: string, options?: EmulatorOptions): Promise<Emulator> {
	const { system } = readDatasetInfo(datasetDir);
	const load = emulators[system];
	if (!load)
		throw new Error(`No sandbox emulator for system '${system}' (known: ${Object.keys(emulators).join(', ')})`);
	return (await load())(datasetDir, options);
}
