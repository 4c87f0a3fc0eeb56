/** The bot as its owner sees it through the management API, found by its management token. */
import { and, eq, ne } from 'drizzle-orm';

import { sha256Hex } from '../../crypto/tokens.js';
import type { Executor } from '../../db/client.js';
import { bindings, bots } from '../../db/schema.js';

export interface TokenBot {
  readonly id: string;
  readonly deleted: boolean;
}

export interface OwnerBotView {
  bot_id: string;
  store_name: string;
  system_prompt: string;
  status: string;
  line_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface OwnerBotChanges {
  storeName?: string;
  systemPrompt?: string;
}

/** The bot a management token belongs to (deleted bots included: their tokens are still known). */
export async function findBotByToken(db: Executor, token: string): Promise<TokenBot | undefined> {
  const [row] = await db
    .select({ id: bots.id, status: bots.status })
    .from(bots)
    .where(eq(bots.mgmtTokenHash, sha256Hex(token)))
    .limit(1);

  return row === undefined ? undefined : { id: row.id, deleted: row.status === 'deleted' };
}

export async function ownerBotView(db: Executor, botId: string): Promise<OwnerBotView | undefined> {
  const [row] = await db
    .select({
      id: bots.id,
      storeName: bots.storeName,
      systemPrompt: bots.systemPrompt,
      status: bots.status,
      lineUserId: bindings.lineUserId,
      createdAt: bots.createdAt,
      updatedAt: bots.updatedAt,
    })
    .from(bots)
    .leftJoin(bindings, eq(bindings.botId, bots.id))
    .where(and(eq(bots.id, botId), ne(bots.status, 'deleted')))
    .limit(1);
  if (row === undefined) return undefined;

  return {
    bot_id: row.id,
    store_name: row.storeName,
    system_prompt: row.systemPrompt,
    status: row.status,
    line_user_id: row.lineUserId,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** False when the bot is gone (deleted meanwhile). */
export async function updateOwnerBot(
  db: Executor,
  botId: string,
  changes: OwnerBotChanges,
): Promise<boolean> {
  const rows = await db
    .update(bots)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(bots.id, botId), ne(bots.status, 'deleted')))
    .returning({ id: bots.id });

  return rows.length > 0;
}
