/** Server-to-server binding of a LINE user to a bot (bound_via 'api'). */
import { eq, sql } from 'drizzle-orm';

import type { Db, Executor } from '../db/client.js';
import { bindings } from '../db/schema.js';
import { errors } from '../http/errors.js';
import { lockBot } from './bots.js';

export interface BindInput {
  botId: string;
  lineUserId: string;
  replace: boolean;
}

/** Binds or re-binds; binding touches nothing else of the bot. */
export async function insertBinding(db: Executor, botId: string, lineUserId: string) {
  await db
    .insert(bindings)
    .values({ botId, lineUserId, boundVia: 'api' })
    .onConflictDoUpdate({
      target: bindings.botId,
      set: { lineUserId, boundVia: 'api', boundAt: sql`now()` },
    });
}

async function boundUser(db: Executor, botId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ lineUserId: bindings.lineUserId })
    .from(bindings)
    .where(eq(bindings.botId, botId))
    .limit(1);

  return row?.lineUserId;
}

export interface BoundBot {
  botId: string;
  storeName: string;
}

/** 404 for anything but the partner's live bot; 409 when another user holds it. */
export async function bindBot(db: Db, partnerId: string, input: BindInput): Promise<BoundBot> {
  return db.transaction(async (tx) => {
    const bot = await lockBot(tx, partnerId, input.botId);
    if (bot === undefined) throw errors.notFound('The bot');

    const bound = { botId: bot.id, storeName: bot.storeName };
    const current = await boundUser(tx, bot.id);
    if (current === input.lineUserId) return bound;
    if (current !== undefined && !input.replace) throw errors.alreadyBound();
    await insertBinding(tx, bot.id, input.lineUserId);

    return bound;
  });
}

/** Removes the bound user; returns who it was (null when nobody was bound). */
export async function unbindBot(
  db: Db,
  partnerId: string,
  botId: string,
): Promise<{ storeName: string; lineUserId: string | null }> {
  return db.transaction(async (tx) => {
    const bot = await lockBot(tx, partnerId, botId);
    if (bot === undefined) throw errors.notFound('The bot');

    const [removed] = await tx
      .delete(bindings)
      .where(eq(bindings.botId, bot.id))
      .returning({ lineUserId: bindings.lineUserId });

    return { storeName: bot.storeName, lineUserId: removed?.lineUserId ?? null };
  });
}
