/**
 * Finishes multicasts whose process died while sending. A multicast is taken
 * over when it is still `sending` and none of its calls was touched for a
 * whole lease; its calls keep their stored retry keys, so LINE drops any call
 * the dead process had already made and nobody receives anything twice.
 */
import type { AppContext } from '../context.js';
import type { RetryPolicy } from './retry.js';
import { completeMulticast } from './service.js';
import { claimStale, staleMulticastIds } from './store.js';

/** Far longer than a live sender goes without touching a call (one attempt plus backoff). */
export const RECOVERY_LEASE_MS = 120_000;
export const RECOVERY_INTERVAL_MS = 30_000;
const BATCH = 20;

export interface MulticastRecovery {
  stop(): Promise<void>;
}

export interface RecoveryOptions {
  readonly leaseMs?: number;
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
}

/** One pass: finishes the stale multicasts found now; returns how many it took over. */
export async function recoverStaleMulticasts(
  ctx: AppContext,
  options: RecoveryOptions = {},
): Promise<number> {
  const leaseMs = options.leaseMs ?? RECOVERY_LEASE_MS;
  let recovered = 0;
  for (const id of await staleMulticastIds(ctx.db, leaseMs, BATCH)) {
    if (options.signal?.aborted) break;
    if (!(await claimStale(ctx.db, id, leaseMs))) continue;

    const log = ctx.log.child({ multicast_id: id });
    log.warn('finishing a multicast left unfinished by a stopped process');
    await completeMulticast(ctx, id, log, options);
    recovered++;
  }

  return recovered;
}

export function startMulticastRecovery(ctx: AppContext): MulticastRecovery {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const pass = async () => {
    try {
      await recoverStaleMulticasts(ctx, { signal: abort.signal });
    } catch (err) {
      ctx.log.error({ err }, 'multicast recovery pass failed');
    }
    if (!abort.signal.aborted) schedule(RECOVERY_INTERVAL_MS);
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      running = pass();
    }, ms);
    timer.unref();
  };
  schedule(0);

  return {
    stop: async () => {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
