/**
 * Bind codes: what a LINE user types (`@我是店長 <code>`) to become a bot's
 * owner. Stored only as a hash scoped to the partner, with an expiry.
 */
import { and, eq, isNull } from 'drizzle-orm';

import { oaMessageUrl } from '../channels/store.js';
import { bindCodeHash, newBindCode } from '../crypto/tokens.js';
import type { Executor } from '../db/client.js';
import { bots, channels } from '../db/schema.js';
import { ownLiveBot } from './bots.js';
import { isUniqueViolation } from './db-errors.js';
import { normalUuid } from './ids.js';

export const BIND_COMMAND = '@我是店長';

/** A collision needs two equal codes among ~10⁹; a few fresh draws always settle it. */
export const BIND_CODE_ATTEMPTS = 5;

export interface BindCode {
  code: string;
  hash: string;
  expiresAt: Date;
}

export function freshBindCode(partnerId: string, ttlHours: number, now = new Date()): BindCode {
  const code = newBindCode();

  return {
    code,
    hash: bindCodeHash(partnerId, code),
    expiresAt: new Date(now.getTime() + ttlHours * 3_600_000),
  };
}

/** The deep link that opens the channel's chat with the bind command typed in. */
export function bindUrl(basicId: string | null | undefined, code: string): string | null {
  return basicId === null || basicId === undefined
    ? null
    : oaMessageUrl(basicId, `${BIND_COMMAND} ${code}`);
}

export async function centralBasicId(db: Executor, partnerId: string): Promise<string | null> {
  const [row] = await db
    .select({ basicId: channels.basicId })
    .from(channels)
    .where(and(eq(channels.partnerId, partnerId), isNull(channels.botId)))
    .limit(1);

  return row?.basicId ?? null;
}

async function storeBindCode(db: Executor, partnerId: string, botId: string, code: BindCode) {
  const rows = await db
    .update(bots)
    .set({ bindCodeHash: code.hash, bindCodeExpiresAt: code.expiresAt, updatedAt: new Date() })
    .where(ownLiveBot(partnerId, botId))
    .returning({ id: bots.id });

  return rows.length > 0;
}

/** Gives a bot a new bind code (the old one stops matching); undefined when there is no such bot. */
export async function replaceBindCode(
  db: Executor,
  partnerId: string,
  botId: string,
  ttlHours: number,
): Promise<BindCode | undefined> {
  const id = normalUuid(botId);
  if (id === undefined) return undefined;

  for (let attempt = 1; ; attempt++) {
    const code = freshBindCode(partnerId, ttlHours);
    try {
      return (await storeBindCode(db, partnerId, id, code)) ? code : undefined;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= BIND_CODE_ATTEMPTS) throw error;
    }
  }
}
