/**
 * The turns of one webhook event. The knowledge store keeps the conversation;
 * these look up and store by event, so a re-processed event reuses its answer.
 */
import { and, eq } from 'drizzle-orm';

import type { ChatTurn } from '../ai/types.js';
import type { Executor } from '../db/client.js';
import { conversationTurns } from '../db/schema.js';
import { appendTurn, type NewTurn } from '../knowledge/turns.js';

export async function findEventTurn(
  db: Executor,
  webhookEventId: string,
  role: ChatTurn['role'],
): Promise<string | undefined> {
  const [row] = await db
    .select({ content: conversationTurns.content })
    .from(conversationTurns)
    .where(
      and(eq(conversationTurns.webhookEventId, webhookEventId), eq(conversationTurns.role, role)),
    )
    .limit(1);

  return row?.content;
}

/** Stores a turn of an event; when the event already has one in this role, that one wins. */
export async function saveEventTurn(
  db: Executor,
  turn: NewTurn & { readonly webhookEventId: string },
): Promise<string> {
  const stored = await appendTurn(db, turn);
  if (stored !== undefined) return stored.content;

  return (await findEventTurn(db, turn.webhookEventId, turn.role)) ?? turn.content;
}
