/**
 * The delivery record of multicasts. Every LINE call is stored with its retry
 * key before the first attempt, and updated after each attempt, so a multicast
 * interrupted at any point can be finished without reaching anyone twice.
 */
import { randomUUID } from 'node:crypto';

import { and, asc, eq, lt, sql } from 'drizzle-orm';

import type { Db, Executor } from '../db/client.js';
import { multicastCalls, multicasts } from '../db/schema.js';
import type { LineMessage } from '../line/client.js';
import type { PlannedCall } from './plan.js';
import type { Unresolved } from './resolve.js';

export interface MulticastStats {
  requested_bots: number;
  resolved_active_line_ids: number;
  successfully_sent: number;
  failed: number;
}

export interface NewMulticast {
  partnerId: string;
  messages: LineMessage[];
  idempotencyKey: string | undefined;
  stats: MulticastStats;
  unresolved: Unresolved;
  calls: PlannedCall[];
}

export interface MulticastSummary {
  id: string;
  status: string;
  stats: MulticastStats;
  unresolved: Unresolved;
}

export interface CallToSend {
  id: string;
  seq: number;
  channelId: string;
  retryKey: string;
  recipients: string[];
}

export type CallStatus = 'pending' | 'sent' | 'failed';

export interface AttemptRecord {
  status: CallStatus;
  httpStatus: number | null;
  lineRequestId: string | null;
  error: string | null;
}

export interface CallRecord extends AttemptRecord {
  seq: number;
  channelId: string;
  recipientCount: number;
  attempts: number;
  updatedAt: Date;
}

export interface MulticastRecord extends MulticastSummary {
  createdAt: Date;
  completedAt: Date | null;
  calls: CallRecord[];
}

/** Stores the multicast and all its calls; undefined when its idempotency key is taken. */
export async function createMulticast(db: Db, input: NewMulticast): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    const done = input.calls.length === 0;
    const [row] = await tx
      .insert(multicasts)
      .values({
        partnerId: input.partnerId,
        messages: input.messages,
        idempotencyKey: input.idempotencyKey ?? null,
        status: done ? 'completed' : 'sending',
        stats: input.stats,
        unresolved: input.unresolved,
        completedAt: done ? new Date() : null,
      })
      .onConflictDoNothing()
      .returning({ id: multicasts.id });
    if (row === undefined || done) return row?.id;

    await tx.insert(multicastCalls).values(
      input.calls.map((call) => ({
        multicastId: row.id,
        channelId: call.channelId,
        seq: call.seq,
        retryKey: randomUUID(),
        recipients: call.recipients,
      })),
    );

    return row.id;
  });
}

function summaryOf(row: typeof multicasts.$inferSelect): MulticastSummary {
  return {
    id: row.id,
    status: row.status,
    stats: row.stats as MulticastStats,
    unresolved: row.unresolved as Unresolved,
  };
}

/**
 * The multicast a partner started with this Idempotency-Key within `keepHours`.
 * An older one gives its key up, as the idempotency record has expired too.
 */
export async function findByIdempotencyKey(
  db: Executor,
  partnerId: string,
  key: string,
  keepHours: number,
): Promise<MulticastSummary | undefined> {
  const sameKey = and(eq(multicasts.partnerId, partnerId), eq(multicasts.idempotencyKey, key));
  const expired = lt(multicasts.createdAt, sql`now() - make_interval(hours => ${keepHours})`);
  await db.update(multicasts).set({ idempotencyKey: null }).where(and(sameKey, expired));
  const [row] = await db.select().from(multicasts).where(sameKey).limit(1);

  return row === undefined ? undefined : summaryOf(row);
}

export async function findSummary(db: Executor, id: string): Promise<MulticastSummary | undefined> {
  const [row] = await db.select().from(multicasts).where(eq(multicasts.id, id)).limit(1);

  return row === undefined ? undefined : summaryOf(row);
}

export async function storedMessages(db: Executor, id: string): Promise<LineMessage[]> {
  const [row] = await db
    .select({ messages: multicasts.messages })
    .from(multicasts)
    .where(eq(multicasts.id, id));

  return (row?.messages ?? []) as LineMessage[];
}

export async function pendingCalls(db: Executor, multicastId: string): Promise<CallToSend[]> {
  return db
    .select({
      id: multicastCalls.id,
      seq: multicastCalls.seq,
      channelId: multicastCalls.channelId,
      retryKey: multicastCalls.retryKey,
      recipients: multicastCalls.recipients,
    })
    .from(multicastCalls)
    .where(and(eq(multicastCalls.multicastId, multicastId), eq(multicastCalls.status, 'pending')))
    .orderBy(asc(multicastCalls.seq));
}

/** A call already accepted by LINE stays sent, whatever a late duplicate attempt reports. */
export async function recordAttempt(db: Executor, callId: string, attempt: AttemptRecord) {
  await db
    .update(multicastCalls)
    .set({
      ...attempt,
      attempts: sql`${multicastCalls.attempts} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(multicastCalls.id, callId), sql`${multicastCalls.status} <> 'sent'`));
}

function recipientsWith(status: CallStatus) {
  return sql`(select coalesce(sum(cardinality(c.recipients)), 0) from ${multicastCalls} c
    where c.multicast_id = ${multicasts.id} and c.status = ${status})`;
}

/**
 * Completes a multicast once none of its calls is pending. Its stored `failed`
 * holds the recipients that had no channel; failed calls are added to it.
 */
export async function finishMulticast(db: Executor, id: string): Promise<boolean> {
  const rows = await db
    .update(multicasts)
    .set({
      status: 'completed',
      completedAt: sql`now()`,
      stats: sql`${multicasts.stats} || jsonb_build_object(
        'successfully_sent', ${recipientsWith('sent')}::int,
        'failed', (${multicasts.stats}->>'failed')::int + ${recipientsWith('failed')}::int)`,
    })
    .where(
      and(
        eq(multicasts.id, id),
        eq(multicasts.status, 'sending'),
        sql`not exists (select 1 from ${multicastCalls} p
          where p.multicast_id = ${id} and p.status = 'pending')`,
      ),
    )
    .returning({ id: multicasts.id });

  return rows.length > 0;
}

export async function loadMulticast(
  db: Executor,
  partnerId: string,
  id: string,
): Promise<MulticastRecord | undefined> {
  const [row] = await db
    .select()
    .from(multicasts)
    .where(and(eq(multicasts.id, id), eq(multicasts.partnerId, partnerId)))
    .limit(1);
  if (row === undefined) return undefined;

  const calls = await db
    .select({
      seq: multicastCalls.seq,
      channelId: multicastCalls.channelId,
      recipientCount: sql<number>`cardinality(${multicastCalls.recipients})::int`,
      status: sql<CallStatus>`${multicastCalls.status}`,
      attempts: multicastCalls.attempts,
      httpStatus: multicastCalls.httpStatus,
      lineRequestId: multicastCalls.lineRequestId,
      error: multicastCalls.error,
      updatedAt: multicastCalls.updatedAt,
    })
    .from(multicastCalls)
    .where(eq(multicastCalls.multicastId, id))
    .orderBy(asc(multicastCalls.seq));

  return { ...summaryOf(row), createdAt: row.createdAt, completedAt: row.completedAt, calls };
}

const notTouchedWithin = (leaseMs: number) =>
  sql`not exists (select 1 from ${multicastCalls} t
    where t.multicast_id = ${multicasts.id}
      and t.updated_at > now() - make_interval(secs => ${leaseMs / 1000}))`;

/** Multicasts still sending whose calls nobody has touched for a whole lease. */
export async function staleMulticastIds(
  db: Executor,
  leaseMs: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .select({ id: multicasts.id })
    .from(multicasts)
    .where(
      and(
        eq(multicasts.status, 'sending'),
        lt(multicasts.createdAt, sql`now() - make_interval(secs => ${leaseMs / 1000})`),
        notTouchedWithin(leaseMs),
      ),
    )
    .orderBy(asc(multicasts.createdAt))
    .limit(limit);

  return rows.map((row) => row.id);
}

/**
 * Takes over a stale multicast: under the multicast's row lock, checks again
 * that nobody touched it within the lease and touches its pending calls, so
 * another instance running the same check sees it as taken.
 */
export async function claimStale(db: Db, id: string, leaseMs: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ id: multicasts.id })
      .from(multicasts)
      .where(
        and(eq(multicasts.id, id), eq(multicasts.status, 'sending'), notTouchedWithin(leaseMs)),
      )
      .for('update', { skipLocked: true });
    if (locked === undefined) return false;

    await touchPendingCalls(tx, id);

    return true;
  });
}

/** Marks the pending calls as being worked on now (the heartbeat the lease looks at). */
export async function touchPendingCalls(db: Executor, multicastId: string): Promise<void> {
  await db
    .update(multicastCalls)
    .set({ updatedAt: sql`now()` })
    .where(and(eq(multicastCalls.multicastId, multicastId), eq(multicastCalls.status, 'pending')));
}
