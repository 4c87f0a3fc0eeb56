/**
 * Conversation turns between a bot and one LINE user: appended as the
 * conversation goes, read back as the AI's history and by the owner's API.
 */
import { and, desc, eq, lt } from 'drizzle-orm';

import type { ChatTurn } from '../ai/types.js';
import type { Executor } from '../db/client.js';
import { conversationTurns } from '../db/schema.js';

export interface NewTurn {
  readonly botId: string;
  readonly lineUserId: string;
  readonly role: ChatTurn['role'];
  readonly content: string;
  readonly channelId?: string | null;
  /** The webhook event the turn came from; one turn per event and role. */
  readonly webhookEventId?: string | null;
}

export interface TurnRecord {
  readonly id: number;
  readonly lineUserId: string;
  readonly role: ChatTurn['role'];
  readonly content: string;
  readonly createdAt: Date;
}

export interface TurnPage {
  readonly turns: TurnRecord[];
  /** The id to pass as `beforeId` for the next (older) page, when there may be one. */
  readonly nextBeforeId: number | undefined;
}

const turnColumns = {
  id: conversationTurns.id,
  lineUserId: conversationTurns.lineUserId,
  role: conversationTurns.role,
  content: conversationTurns.content,
  createdAt: conversationTurns.createdAt,
};

function asRole(role: string): ChatTurn['role'] {
  return role === 'assistant' ? 'assistant' : 'user';
}

/** Appends a turn; undefined when its event already has a turn in this role. */
export async function appendTurn(db: Executor, turn: NewTurn): Promise<TurnRecord | undefined> {
  const [row] = await db
    .insert(conversationTurns)
    .values({
      botId: turn.botId,
      lineUserId: turn.lineUserId,
      role: turn.role,
      content: turn.content,
      channelId: turn.channelId ?? null,
      webhookEventId: turn.webhookEventId ?? null,
    })
    .onConflictDoNothing()
    .returning(turnColumns);

  return row === undefined ? undefined : { ...row, role: asRole(row.role) };
}

/** The last `limit` turns of a user with a bot, oldest first (the order an AI reads them). */
export async function lastTurns(
  db: Executor,
  botId: string,
  lineUserId: string,
  limit: number,
): Promise<ChatTurn[]> {
  const rows = await db
    .select({ role: conversationTurns.role, content: conversationTurns.content })
    .from(conversationTurns)
    .where(and(eq(conversationTurns.botId, botId), eq(conversationTurns.lineUserId, lineUserId)))
    .orderBy(desc(conversationTurns.id))
    .limit(limit);

  return rows.reverse().map((row) => ({ role: asRole(row.role), content: row.content }));
}

/** A bot's turns newest first, optionally of one user, keyset-paged on the turn id. */
export async function pageTurns(
  db: Executor,
  botId: string,
  page: { lineUserId: string | undefined; beforeId: number | undefined; limit: number },
): Promise<TurnPage> {
  const rows = await db
    .select(turnColumns)
    .from(conversationTurns)
    .where(
      and(
        eq(conversationTurns.botId, botId),
        page.lineUserId === undefined
          ? undefined
          : eq(conversationTurns.lineUserId, page.lineUserId),
        page.beforeId === undefined ? undefined : lt(conversationTurns.id, page.beforeId),
      ),
    )
    .orderBy(desc(conversationTurns.id))
    .limit(page.limit + 1);
  const turns = rows.slice(0, page.limit).map((row) => ({ ...row, role: asRole(row.role) }));

  return { turns, nextBeforeId: rows.length > page.limit ? turns.at(-1)?.id : undefined };
}
