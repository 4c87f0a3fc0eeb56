/**
 * Binding a LINE user to a bot from the chat: with a bind code (single use,
 * expiring, only the channel's partner's bots), or on a dedicated channel by
 * being the first to claim it. Wrong codes are throttled per channel and user.
 */
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';

import type { Channel } from '../channels/store.js';
import { bindCodeHash } from '../crypto/tokens.js';
import type { Executor, Tx } from '../db/client.js';
import { bindAttempts, bindings, bots } from '../db/schema.js';
import type { ChatBot } from './bots.js';

/** Wrong codes allowed per window before the user has to wait. */
export const MAX_BIND_FAILURES = 5;
export const BIND_FAILURE_WINDOW_MINUTES = 15;

export type BindOutcome =
  | { readonly kind: 'bound'; readonly bot: ChatBot }
  | { readonly kind: 'already'; readonly bot: ChatBot }
  | { readonly kind: 'taken' }
  | { readonly kind: 'wrong' }
  | { readonly kind: 'throttled' };

export type ClaimOutcome = 'claimed' | 'yours' | 'taken';

const windowStart = sql`now() - (${BIND_FAILURE_WINDOW_MINUTES}::integer * interval '1 minute')`;

async function isThrottled(db: Executor, channelId: string, lineUserId: string) {
  const [row] = await db
    .select({ failures: bindAttempts.failures })
    .from(bindAttempts)
    .where(
      and(
        eq(bindAttempts.channelId, channelId),
        eq(bindAttempts.lineUserId, lineUserId),
        gt(bindAttempts.windowStartedAt, windowStart),
      ),
    )
    .limit(1);

  return row !== undefined && row.failures >= MAX_BIND_FAILURES;
}

/** Counts a wrong code; a window that has passed starts over. */
async function recordFailure(db: Executor, channelId: string, lineUserId: string) {
  const expired = sql`${bindAttempts.windowStartedAt} <= ${windowStart}`;
  await db
    .insert(bindAttempts)
    .values({ channelId, lineUserId, failures: 1 })
    .onConflictDoUpdate({
      target: [bindAttempts.channelId, bindAttempts.lineUserId],
      set: {
        failures: sql`case when ${expired} then 1 else ${bindAttempts.failures} + 1 end`,
        windowStartedAt: sql`case when ${expired} then now() else ${bindAttempts.windowStartedAt} end`,
      },
    });
}

async function clearFailures(db: Executor, channelId: string, lineUserId: string) {
  await db
    .delete(bindAttempts)
    .where(and(eq(bindAttempts.channelId, channelId), eq(bindAttempts.lineUserId, lineUserId)));
}

/** The active bot the code belongs to, locked; on a dedicated channel only that channel's bot. */
async function botForCode(tx: Tx, channel: Channel, code: string) {
  const [bot] = await tx
    .select({
      id: bots.id,
      partnerId: bots.partnerId,
      storeName: bots.storeName,
      systemPrompt: bots.systemPrompt,
      status: bots.status,
    })
    .from(bots)
    .where(
      and(
        eq(bots.bindCodeHash, bindCodeHash(channel.partnerId, code)),
        eq(bots.partnerId, channel.partnerId),
        eq(bots.status, 'active'),
        or(isNull(bots.bindCodeExpiresAt), gt(bots.bindCodeExpiresAt, sql`now()`)),
        channel.botId === null ? undefined : eq(bots.id, channel.botId),
      ),
    )
    .limit(1)
    .for('update');

  return bot;
}

async function lockedOwner(tx: Tx, botId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ lineUserId: bindings.lineUserId })
    .from(bindings)
    .where(eq(bindings.botId, botId))
    .limit(1)
    .for('update');

  return row?.lineUserId;
}

async function insertBinding(tx: Executor, botId: string, lineUserId: string): Promise<boolean> {
  const rows = await tx
    .insert(bindings)
    .values({ botId, lineUserId, boundVia: 'chat' })
    .onConflictDoNothing()
    .returning({ botId: bindings.botId });

  return rows.length > 0;
}

async function useCode(tx: Tx, botId: string): Promise<void> {
  await tx
    .update(bots)
    .set({ bindCodeHash: null, bindCodeExpiresAt: null, updatedAt: sql`now()` })
    .where(eq(bots.id, botId));
}

async function bindInTransaction(
  tx: Tx,
  channel: Channel,
  lineUserId: string,
  code: string,
): Promise<BindOutcome> {
  const bot = await botForCode(tx, channel, code);
  if (bot === undefined) return { kind: 'wrong' };

  const owner = await lockedOwner(tx, bot.id);
  // Someone else's bot: refuse, and leave the code for its owner's partner to deal with.
  if (owner !== undefined && owner !== lineUserId) return { kind: 'taken' };
  if (owner === undefined && !(await insertBinding(tx, bot.id, lineUserId))) {
    return { kind: 'taken' };
  }
  await useCode(tx, bot.id);

  return { kind: owner === undefined ? 'bound' : 'already', bot };
}

export async function bindWithCode(
  db: Executor,
  channel: Channel,
  lineUserId: string,
  code: string,
): Promise<BindOutcome> {
  if (await isThrottled(db, channel.id, lineUserId)) return { kind: 'throttled' };

  const outcome = await db.transaction((tx) => bindInTransaction(tx, channel, lineUserId, code));
  if (outcome.kind === 'wrong') await recordFailure(db, channel.id, lineUserId);
  else await clearFailures(db, channel.id, lineUserId);

  return outcome;
}

/** On a dedicated channel without a code: the first sender becomes the owner. */
export async function claimOwnership(
  db: Executor,
  botId: string,
  lineUserId: string,
): Promise<ClaimOutcome> {
  if (await insertBinding(db, botId, lineUserId)) return 'claimed';

  const [row] = await db
    .select({ lineUserId: bindings.lineUserId })
    .from(bindings)
    .where(eq(bindings.botId, botId))
    .limit(1);

  return row?.lineUserId === lineUserId ? 'yours' : 'taken';
}

/** Removes the user's binding to the bot; false when they were not bound to it. */
export async function unbindUser(db: Executor, botId: string, lineUserId: string) {
  const rows = await db
    .delete(bindings)
    .where(and(eq(bindings.botId, botId), eq(bindings.lineUserId, lineUserId)))
    .returning({ botId: bindings.botId });

  return rows.length > 0;
}
