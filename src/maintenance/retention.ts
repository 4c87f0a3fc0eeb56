/**
 * Deletes what no longer serves a purpose, so tables do not grow without end:
 * finished webhook events once LINE can no longer redeliver them, and
 * Idempotency-Key records once their 24 hours have passed.
 */
import { and, inArray, lt, sql } from 'drizzle-orm';

import type { AppContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { idempotencyKeys, webhookEvents } from '../db/schema.js';

const EVENT_KEEP_DAYS = 7;
const IDEMPOTENCY_KEEP_HOURS = 24;
const INTERVAL_MS = 60 * 60_000;

export async function deleteExpired(db: Executor): Promise<{ events: number; keys: number }> {
  const events = await db
    .delete(webhookEvents)
    .where(
      and(
        inArray(webhookEvents.status, ['done', 'failed']),
        lt(webhookEvents.receivedAt, sql`now() - make_interval(days => ${EVENT_KEEP_DAYS})`),
      ),
    )
    .returning({ id: webhookEvents.id });
  const keys = await db
    .delete(idempotencyKeys)
    .where(
      lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${IDEMPOTENCY_KEEP_HOURS})`),
    )
    .returning({ key: idempotencyKeys.key });

  return { events: events.length, keys: keys.length };
}

export interface Retention {
  stop(): Promise<void>;
}

export function startRetention(ctx: AppContext): Retention {
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    try {
      const deleted = await deleteExpired(ctx.db);
      if (deleted.events + deleted.keys > 0) ctx.log.info({ deleted }, 'deleted expired records');
    } catch (err) {
      ctx.log.error({ err }, 'deleting expired records failed');
    }
  };
  const timer = setInterval(() => {
    running = pass();
  }, INTERVAL_MS);
  timer.unref();

  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
