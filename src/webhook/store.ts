/** Queries on stored webhook events: intake, claiming, leases and outcomes. */
import { and, asc, eq, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';

import type { Executor } from '../db/client.js';
import { webhookEvents } from '../db/schema.js';
import type { IncomingEvent } from './intake.js';

export interface ClaimedEvent {
  readonly id: number;
  readonly channelId: string;
  readonly webhookEventId: string;
  readonly lineUserId: string | null;
  readonly event: unknown;
  /** Claims so far, this one included. */
  readonly attempts: number;
  /** Age of the event (from receipt) when it was claimed, by the database's clock. */
  readonly ageMs: number;
  readonly replyAttemptedAt: Date | null;
}

function inMs(ms: number) {
  return sql`now() + (${ms}::integer * interval '1 millisecond')`;
}

/** Stores events in one statement; redelivered ones are dropped. Returns how many were new. */
export async function storeEvents(
  db: Executor,
  channelId: string,
  events: readonly IncomingEvent[],
): Promise<number> {
  if (events.length === 0) return 0;

  const rows = await db
    .insert(webhookEvents)
    .values(
      events.map((incoming) => ({
        channelId,
        webhookEventId: incoming.webhookEventId,
        lineUserId: incoming.lineUserId,
        event: incoming.event,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });

  return rows.length;
}

const ready = or(
  and(
    eq(webhookEvents.status, 'pending'),
    or(isNull(webhookEvents.lockedUntil), lte(webhookEvents.lockedUntil, sql`now()`)),
  ),
  and(eq(webhookEvents.status, 'processing'), lte(webhookEvents.lockedUntil, sql`now()`)),
);

/** An earlier event of the same user that is not finished keeps this one waiting. */
function earlierUnfinished(db: Executor) {
  const other = alias(webhookEvents, 'earlier');

  return db
    .select({ one: sql`1` })
    .from(other)
    .where(
      and(
        inArray(other.status, ['pending', 'processing']),
        eq(other.channelId, webhookEvents.channelId),
        eq(other.lineUserId, webhookEvents.lineUserId),
        lt(other.id, webhookEvents.id),
      ),
    );
}

/**
 * Claims up to `limit` events, oldest first, at most one per (channel, user),
 * with a lease of `leaseMs`. Safe with several processes: claimed rows are
 * locked and skipped by the others.
 */
export async function claimEvents(
  db: Executor,
  limit: number,
  leaseMs: number,
): Promise<ClaimedEvent[]> {
  const candidates = db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(and(ready, notExists(earlierUnfinished(db))))
    .orderBy(asc(webhookEvents.id))
    .limit(limit)
    .for('update', { skipLocked: true });

  const claimed = await db
    .update(webhookEvents)
    .set({
      status: 'processing',
      lockedUntil: inMs(leaseMs),
      attempts: sql`${webhookEvents.attempts} + 1`,
    })
    .where(inArray(webhookEvents.id, candidates))
    .returning({
      id: webhookEvents.id,
      channelId: webhookEvents.channelId,
      webhookEventId: webhookEvents.webhookEventId,
      lineUserId: webhookEvents.lineUserId,
      event: webhookEvents.event,
      attempts: webhookEvents.attempts,
      ageMs: sql`extract(epoch from (now() - ${webhookEvents.receivedAt})) * 1000`.mapWith(Number),
      replyAttemptedAt: webhookEvents.replyAttemptedAt,
    });

  // `returning` comes in no particular order; work starts oldest first.
  return claimed.sort((a, b) => a.id - b.id);
}

/** Keeps the leases of events still being worked on. */
export async function extendLeases(
  db: Executor,
  ids: readonly number[],
  leaseMs: number,
): Promise<void> {
  if (ids.length === 0) return;

  await db
    .update(webhookEvents)
    .set({ lockedUntil: inMs(leaseMs) })
    .where(and(inArray(webhookEvents.id, [...ids]), eq(webhookEvents.status, 'processing')));
}

export async function markDone(db: Executor, id: number): Promise<void> {
  await db
    .update(webhookEvents)
    .set({ status: 'done', lockedUntil: null, error: null, processedAt: sql`now()` })
    .where(eq(webhookEvents.id, id));
}

/** Puts the event back to be tried again after `delayMs`. */
export async function markRetry(
  db: Executor,
  id: number,
  error: string,
  delayMs: number,
): Promise<void> {
  await db
    .update(webhookEvents)
    .set({ status: 'pending', lockedUntil: inMs(delayMs), error })
    .where(eq(webhookEvents.id, id));
}

export async function markFailed(db: Executor, id: number, error: string): Promise<void> {
  await db
    .update(webhookEvents)
    .set({ status: 'failed', lockedUntil: null, error, processedAt: sql`now()` })
    .where(eq(webhookEvents.id, id));
}

/**
 * Records that the reply token is about to be used. False when it already was
 * (by an earlier attempt), in which case it must not be used again.
 */
export async function markReplyAttempted(db: Executor, id: number): Promise<boolean> {
  const rows = await db
    .update(webhookEvents)
    .set({ replyAttemptedAt: sql`now()` })
    .where(and(eq(webhookEvents.id, id), isNull(webhookEvents.replyAttemptedAt)))
    .returning({ id: webhookEvents.id });

  return rows.length > 0;
}
