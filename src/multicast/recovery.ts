/** Finishes multicasts whose process died while sending. */
import type { AppContext } from '../context.js';

export interface MulticastRecovery {
  stop(): Promise<void>;
}

export function startMulticastRecovery(_ctx: AppContext): MulticastRecovery {
  return { stop: async () => undefined };
}
