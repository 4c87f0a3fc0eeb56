/** Queries on a partner's bots. A deleted bot, or another partner's, is as absent as a missing one. */
import { and, desc, eq, ne, type SQL, sql } from 'drizzle-orm';

import type { Executor } from '../db/client.js';
import { bindings, bots } from '../db/schema.js';
import { normalUuid } from './ids.js';

export type BotStatus = 'active' | 'suspended';

export interface BotView {
  bot_id: string;
  store_name: string;
  status: string;
  line_user_id: string | null;
  created_at: string;
  bound_at: string | null;
  metadata: Record<string, unknown> | null;
}

export interface BotPage {
  bots: BotView[];
  /** The id of the last bot on the page, when more may follow. */
  lastId: string | undefined;
}

export interface NewBot {
  partnerId: string;
  storeName: string;
  systemPrompt: string;
  mgmtTokenHash: string;
  bindCodeHash: string;
  bindCodeExpiresAt: Date;
  metadata: Record<string, unknown> | null;
}

export interface BotChanges {
  storeName?: string;
  systemPrompt?: string;
  status?: BotStatus;
}

const viewColumns = {
  id: bots.id,
  storeName: bots.storeName,
  status: bots.status,
  metadata: bots.metadata,
  createdAt: bots.createdAt,
  lineUserId: bindings.lineUserId,
  boundAt: bindings.boundAt,
};

interface ViewRow {
  id: string;
  storeName: string;
  status: string;
  metadata: unknown;
  createdAt: Date;
  lineUserId: string | null;
  boundAt: Date | null;
}

function asMetadata(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function toView(row: ViewRow): BotView {
  return {
    bot_id: row.id,
    store_name: row.storeName,
    status: row.status,
    line_user_id: row.lineUserId,
    created_at: row.createdAt.toISOString(),
    bound_at: row.boundAt?.toISOString() ?? null,
    metadata: asMetadata(row.metadata),
  };
}

export function ownLiveBot(partnerId: string, botId: string): SQL | undefined {
  return and(eq(bots.id, botId), eq(bots.partnerId, partnerId), ne(bots.status, 'deleted'));
}

export async function findBotView(
  db: Executor,
  partnerId: string,
  botId: string,
): Promise<BotView | undefined> {
  const id = normalUuid(botId);
  if (id === undefined) return undefined;

  const [row] = await db
    .select(viewColumns)
    .from(bots)
    .leftJoin(bindings, eq(bindings.botId, bots.id))
    .where(ownLiveBot(partnerId, id))
    .limit(1);

  return row === undefined ? undefined : toView(row);
}

/** True when `botId` is one of the partner's bots (deleted ones too), so it can anchor a page. */
export async function isPartnerBotId(
  db: Executor,
  partnerId: string,
  botId: string,
): Promise<boolean> {
  const [row] = await db
    .select({ id: bots.id })
    .from(bots)
    .where(and(eq(bots.id, botId), eq(bots.partnerId, partnerId)))
    .limit(1);

  return row !== undefined;
}

/**
 * Newest first, keyset-paged on (created_at, id). The anchor's own timestamp is
 * read inside the query so the comparison keeps the database's microseconds.
 */
export async function listBotViews(
  db: Executor,
  partnerId: string,
  page: { limit: number; afterId: string | undefined },
): Promise<BotPage> {
  const after =
    page.afterId === undefined
      ? undefined
      : sql`(${bots.createdAt}, ${bots.id}) < (select a.created_at, a.id from ${bots} a where a.id = ${page.afterId})`;
  const rows = await db
    .select(viewColumns)
    .from(bots)
    .leftJoin(bindings, eq(bindings.botId, bots.id))
    .where(and(eq(bots.partnerId, partnerId), ne(bots.status, 'deleted'), after))
    .orderBy(desc(bots.createdAt), desc(bots.id))
    .limit(page.limit + 1);
  const views = rows.slice(0, page.limit).map(toView);

  return { bots: views, lastId: rows.length > page.limit ? views.at(-1)?.bot_id : undefined };
}

/** Inserts a bot; undefined when its bind code hash collided with another bot's. */
export async function insertBot(db: Executor, bot: NewBot): Promise<{ id: string } | undefined> {
  const [row] = await db
    .insert(bots)
    .values(bot)
    .onConflictDoNothing({ target: bots.bindCodeHash })
    .returning({ id: bots.id });

  return row;
}

export async function updateBot(
  db: Executor,
  partnerId: string,
  botId: string,
  changes: BotChanges,
): Promise<boolean> {
  const id = normalUuid(botId);
  if (id === undefined) return false;

  const rows = await db
    .update(bots)
    .set({ ...changes, updatedAt: new Date() })
    .where(ownLiveBot(partnerId, id))
    .returning({ id: bots.id });

  return rows.length > 0;
}

/** Marks the bot deleted and forgets its bind code; undefined when there was no live bot. */
export async function markBotDeleted(
  db: Executor,
  partnerId: string,
  botId: string,
): Promise<string | undefined> {
  const id = normalUuid(botId);
  if (id === undefined) return undefined;

  const now = new Date();
  const rows = await db
    .update(bots)
    .set({
      status: 'deleted',
      deletedAt: now,
      updatedAt: now,
      bindCodeHash: null,
      bindCodeExpiresAt: null,
    })
    .where(ownLiveBot(partnerId, id))
    .returning({ id: bots.id });

  return rows[0]?.id;
}

/** Locks a live bot of the partner for the rest of the transaction. */
export async function lockBot(
  db: Executor,
  partnerId: string,
  botId: string,
): Promise<{ id: string; storeName: string } | undefined> {
  const id = normalUuid(botId);
  if (id === undefined) return undefined;

  const [row] = await db
    .select({ id: bots.id, storeName: bots.storeName })
    .from(bots)
    .where(ownLiveBot(partnerId, id))
    .for('update')
    .limit(1);

  return row;
}
