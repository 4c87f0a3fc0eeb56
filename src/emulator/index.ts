export * from './types.js';
import type { EmulatorOptions, LineEmulator } from './types.js';

export async function startEmulator(_options: EmulatorOptions): Promise<LineEmulator> {
  throw new Error('the LINE emulator is being built');
}
