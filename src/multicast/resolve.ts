/**
 * Resolving a multicast's bot ids to LINE recipients with one query (the ids
 * travel as a single array parameter), then sorting every id into what
 * happened to it.
 */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';

import type { Executor } from '../db/client.js';
import { bindings, bots, channels, followers } from '../db/schema.js';
import { normalUuid } from '../partner/ids.js';
import type { Recipient } from './plan.js';

export interface Unresolved {
  not_found: string[];
  not_bound: string[];
  inactive: string[];
  unfollowed: string[];
}

export interface ResolvedBot {
  readonly id: string;
  readonly status: string;
  readonly lineUserId: string | null;
  /** The bot's dedicated channel, else its partner's central one; null when neither exists. */
  readonly channelId: string | null;
  /** From follow/unfollow events; null when the channel never told us. */
  readonly following: boolean | null;
}

export interface Resolution {
  readonly requestedBots: number;
  readonly recipients: Recipient[];
  /** Bound users of active bots that have no channel to be reached on: they count as failed. */
  readonly unreachable: string[];
  readonly unresolved: Unresolved;
}

/** The partner's live bots among `ids`, with binding, channel and follow state. */
export async function findRecipientRows(
  db: Executor,
  partnerId: string,
  ids: readonly string[],
): Promise<ResolvedBot[]> {
  if (ids.length === 0) return [];

  const dedicated = alias(channels, 'dedicated');
  const central = alias(channels, 'central');
  // The same rule as channelForBot: a dedicated channel wins over the central one.
  const channelId = sql<string | null>`coalesce(${dedicated.id}, ${central.id})`;

  return db
    .select({
      id: bots.id,
      status: bots.status,
      lineUserId: bindings.lineUserId,
      channelId,
      following: followers.following,
    })
    .from(bots)
    .leftJoin(bindings, eq(bindings.botId, bots.id))
    .leftJoin(dedicated, eq(dedicated.botId, bots.id))
    .leftJoin(central, and(eq(central.partnerId, bots.partnerId), isNull(central.botId)))
    .leftJoin(
      followers,
      and(eq(followers.channelId, channelId), eq(followers.lineUserId, bindings.lineUserId)),
    )
    .where(
      and(
        eq(bots.partnerId, partnerId),
        ne(bots.status, 'deleted'),
        sql`${bots.id} = any(${sql.param(ids)}::uuid[])`,
      ),
    );
}

/** Each requested id once, in request order, keyed by the form the database uses. */
export function distinctRequested(botIds: readonly string[]): Map<string, string> {
  const requested = new Map<string, string>();
  for (const raw of botIds) {
    const key = normalUuid(raw) ?? `invalid:${raw}`;
    if (!requested.has(key)) requested.set(key, raw);
  }

  return requested;
}

type Fate =
  | { kind: keyof Unresolved }
  | { kind: 'recipient'; recipient: Recipient }
  | { kind: 'unreachable'; lineUserId: string };

function fateOf(bot: ResolvedBot | undefined): Fate {
  if (bot === undefined) return { kind: 'not_found' };
  if (bot.status !== 'active') return { kind: 'inactive' };
  if (bot.lineUserId === null) return { kind: 'not_bound' };
  if (bot.channelId === null) return { kind: 'unreachable', lineUserId: bot.lineUserId };
  if (bot.following === false) return { kind: 'unfollowed' };

  return { kind: 'recipient', recipient: { channelId: bot.channelId, lineUserId: bot.lineUserId } };
}

export function classify(botIds: readonly string[], rows: readonly ResolvedBot[]): Resolution {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const unresolved: Unresolved = { not_found: [], not_bound: [], inactive: [], unfollowed: [] };
  const recipients: Recipient[] = [];
  const unreachable = new Set<string>();
  for (const [key, raw] of distinctRequested(botIds)) {
    const fate = fateOf(byId.get(key));
    if (fate.kind === 'recipient') recipients.push(fate.recipient);
    else if (fate.kind === 'unreachable') unreachable.add(fate.lineUserId);
    else unresolved[fate.kind].push(raw);
  }

  return { requestedBots: botIds.length, recipients, unreachable: [...unreachable], unresolved };
}

export async function resolveRecipients(
  db: Executor,
  partnerId: string,
  botIds: readonly string[],
): Promise<Resolution> {
  const ids = [...distinctRequested(botIds).keys()].filter((key) => !key.startsWith('invalid:'));

  return classify(botIds, await findRecipientRows(db, partnerId, ids));
}
