/** Processes stored webhook events off the request path. */
import type { AppContext } from '../context.js';

export interface EventProcessor {
  notify(): void;
  stop(): Promise<void>;
}

export function startEventProcessor(_ctx: AppContext): EventProcessor {
  return { notify: () => undefined, stop: async () => undefined };
}
