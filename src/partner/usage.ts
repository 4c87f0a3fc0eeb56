/** A partner's usage: slots, bots, bindings and LINE messages sent this calendar month (UTC). */
import { and, eq, gte, ne, sql } from 'drizzle-orm';

import type { Executor } from '../db/client.js';
import {
  bindings,
  bots,
  conversationTurns,
  multicastCalls,
  multicasts,
  partners,
} from '../db/schema.js';

export interface Usage {
  slots: { total: number | null; used: number; remaining: number | null };
  bots: number;
  bound_bots: number;
  messages_this_month: number;
}

const monthStart = sql`date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'`;

async function botCounts(db: Executor, partnerId: string) {
  const [row] = await db
    .select({
      bots: sql<number>`count(*)::int`,
      bound: sql<number>`count(${bindings.botId})::int`,
    })
    .from(bots)
    .leftJoin(bindings, eq(bindings.botId, bots.id))
    .where(and(eq(bots.partnerId, partnerId), ne(bots.status, 'deleted')));

  return { bots: row?.bots ?? 0, bound: row?.bound ?? 0 };
}

/** Recipients of accepted multicast calls plus the answers its bots gave. */
async function messagesThisMonth(db: Executor, partnerId: string): Promise<number> {
  const [multicast] = await db
    .select({ n: sql<number>`coalesce(sum(cardinality(${multicastCalls.recipients})), 0)::int` })
    .from(multicastCalls)
    .innerJoin(multicasts, eq(multicasts.id, multicastCalls.multicastId))
    .where(
      and(
        eq(multicasts.partnerId, partnerId),
        eq(multicastCalls.status, 'sent'),
        gte(multicastCalls.updatedAt, monthStart),
      ),
    );
  const [answers] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(conversationTurns)
    .innerJoin(bots, eq(bots.id, conversationTurns.botId))
    .where(
      and(
        eq(bots.partnerId, partnerId),
        eq(conversationTurns.role, 'assistant'),
        gte(conversationTurns.createdAt, monthStart),
      ),
    );

  return (multicast?.n ?? 0) + (answers?.n ?? 0);
}

export async function partnerUsage(db: Executor, partnerId: string): Promise<Usage> {
  const [partner] = await db
    .select({ total: partners.slotsTotal, used: partners.slotsUsed })
    .from(partners)
    .where(eq(partners.id, partnerId));
  const total = partner?.total ?? null;
  const used = partner?.used ?? 0;
  const counts = await botCounts(db, partnerId);

  return {
    slots: { total, used, remaining: total === null ? null : Math.max(total - used, 0) },
    bots: counts.bots,
    bound_bots: counts.bound,
    messages_this_month: await messagesThisMonth(db, partnerId),
  };
}
