/**
 * Processes stored webhook events off the request path. A loop claims events
 * (oldest first, never two of one user at a time, so each user is answered in
 * order while different users run concurrently), handles them and records the
 * outcome. Claims are leases kept alive while work runs, so events left behind
 * by a process that died are picked up again after their lease expires, here
 * or by another instance. Wakes on `notify()` and polls as a fallback.
 */
import type { FastifyBaseLogger } from 'fastify';

import type { AppContext } from '../context.js';
import { DeliveryFailed } from '../conversation/delivery.js';
import { handleEvent } from '../conversation/router.js';
import {
  type ClaimedEvent,
  claimEvents,
  extendLeases,
  markDone,
  markFailed,
  markRetry,
} from './store.js';

export interface EventProcessor {
  notify(): void;
  stop(): Promise<void>;
}

export interface ProcessorTiming {
  readonly leaseMs: number;
  readonly pollMs: number;
  /** How long `stop()` waits for events being handled. */
  readonly stopWaitMs: number;
}

const DEFAULT_TIMING: ProcessorTiming = { leaseMs: 60_000, pollMs: 1_000, stopWaitMs: 4_000 };
export const MAX_ATTEMPTS = 5;

function retryDelayMs(attempts: number): number {
  return Math.min(60_000, 2_000 * 2 ** (attempts - 1));
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

class Processor implements EventProcessor {
  private readonly inFlight = new Map<number, Promise<void>>();
  private stopped = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly loop: Promise<void>;
  private readonly log: FastifyBaseLogger;

  constructor(
    private readonly ctx: AppContext,
    private readonly timing: ProcessorTiming,
  ) {
    this.log = ctx.log.child({ worker: 'webhook-events' });
    this.heartbeat = setInterval(() => void this.keepLeases(), timing.leaseMs / 3);
    this.heartbeat.unref();
    this.loop = this.run();
  }

  notify(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await this.loop;
    clearInterval(this.heartbeat);
    const settled = Promise.allSettled(this.inFlight.values()).then(() => true);
    const waited = new Promise<false>((resolve) =>
      setTimeout(resolve, this.timing.stopWaitMs, false).unref(),
    );
    if (!(await Promise.race([settled, waited]))) {
      this.log.warn(
        { in_flight: this.inFlight.size },
        'stopped with events still being handled; their leases will expire',
      );
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      const free = this.ctx.config.webhookConcurrency - this.inFlight.size;
      if (free > 0) await this.claim(free);
      await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();

    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.timing.pollMs);
      const wakeUp = () => done();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = wakeUp;
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }

  private async claim(limit: number): Promise<void> {
    let claimed: ClaimedEvent[];
    try {
      claimed = await claimEvents(this.ctx.db, limit, this.timing.leaseMs);
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, 'claiming webhook events failed');

      return;
    }
    for (const event of claimed) {
      const work = this.process(event).finally(() => {
        this.inFlight.delete(event.id);
        this.notify();
      });
      this.inFlight.set(event.id, work);
    }
  }

  private async keepLeases(): Promise<void> {
    try {
      await extendLeases(this.ctx.db, [...this.inFlight.keys()], this.timing.leaseMs);
    } catch (err) {
      this.log.error({ err }, 'extending webhook event leases failed');
    }
  }

  private async process(event: ClaimedEvent): Promise<void> {
    const log = this.ctx.log.child({
      webhook_event_id: event.webhookEventId,
      channel_id: event.channelId,
    });
    try {
      if (event.attempts > MAX_ATTEMPTS) {
        log.error({ attempts: event.attempts }, 'webhook event given up after too many attempts');
        await markFailed(this.ctx.db, event.id, 'too many attempts');

        return;
      }
      await handleEvent(this.ctx, event, log);
      await markDone(this.ctx.db, event.id);
    } catch (err) {
      await this.recordFailure(event, err, log).catch((error: unknown) => {
        log.error({ err: error }, 'recording the webhook event failure failed');
      });
    }
  }

  private async recordFailure(event: ClaimedEvent, err: unknown, log: FastifyBaseLogger) {
    if (err instanceof DeliveryFailed || event.attempts >= MAX_ATTEMPTS) {
      log.error({ err, attempts: event.attempts }, 'webhook event failed');
      await markFailed(this.ctx.db, event.id, errorText(err));

      return;
    }
    const delay = retryDelayMs(event.attempts);
    log.warn(
      { err, attempts: event.attempts, retry_in_ms: delay },
      'webhook event will be retried',
    );
    await markRetry(this.ctx.db, event.id, errorText(err), delay);
  }
}

export function startEventProcessor(
  ctx: AppContext,
  timing: Partial<ProcessorTiming> = {},
): EventProcessor {
  return new Processor(ctx, { ...DEFAULT_TIMING, ...timing });
}
