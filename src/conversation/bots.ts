/** Which bot answers a LINE user, and who owns a bot. */
import { and, desc, eq, sql } from 'drizzle-orm';

import type { BotPersona } from '../ai/types.js';
import type { Executor } from '../db/client.js';
import { bindings, bots, channels } from '../db/schema.js';

export interface ChatBot extends BotPersona {
  readonly partnerId: string;
  readonly status: string;
}

const chatBotColumns = {
  id: bots.id,
  partnerId: bots.partnerId,
  storeName: bots.storeName,
  systemPrompt: bots.systemPrompt,
  status: bots.status,
};

export async function findBot(db: Executor, botId: string): Promise<ChatBot | undefined> {
  const [bot] = await db.select(chatBotColumns).from(bots).where(eq(bots.id, botId)).limit(1);

  return bot;
}

/**
 * The bot that answers a user on a partner's central channel: the active bot
 * they were bound to most recently. Bots with their own (dedicated) channel
 * talk only there.
 */
export async function findBoundBot(
  db: Executor,
  partnerId: string,
  lineUserId: string,
): Promise<ChatBot | undefined> {
  const [bot] = await db
    .select(chatBotColumns)
    .from(bindings)
    .innerJoin(bots, eq(bots.id, bindings.botId))
    .where(
      and(
        eq(bindings.lineUserId, lineUserId),
        eq(bots.partnerId, partnerId),
        eq(bots.status, 'active'),
        sql`not exists (select 1 from ${channels} where ${channels.botId} = ${bots.id})`,
      ),
    )
    .orderBy(desc(bindings.boundAt))
    .limit(1);

  return bot;
}

/** The LINE user bound to the bot (its owner), if any. */
export async function ownerOf(db: Executor, botId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ lineUserId: bindings.lineUserId })
    .from(bindings)
    .where(eq(bindings.botId, botId))
    .limit(1);

  return row?.lineUserId;
}

export async function updateSystemPrompt(
  db: Executor,
  botId: string,
  systemPrompt: string,
): Promise<void> {
  await db
    .update(bots)
    .set({ systemPrompt, updatedAt: sql`now()` })
    .where(eq(bots.id, botId));
}
