/** Operator actions on partners and their API keys (used by the CLI). */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';

import { newApiKey } from '../crypto/tokens.js';
import type { Executor } from '../db/client.js';
import { apiKeys, partners } from '../db/schema.js';

export interface CreatedPartner {
  partner_id: string;
  api_key: string;
}

export async function createPartner(
  db: Executor,
  input: { name: string; slots: number | null; isSandbox?: boolean },
): Promise<CreatedPartner> {
  const [partner] = await db
    .insert(partners)
    .values({ name: input.name, slotsTotal: input.slots, isSandbox: input.isSandbox ?? false })
    .returning({ id: partners.id });
  if (partner === undefined) throw new Error('partner was not created');
  const apiKey = await issueApiKey(db, partner.id);

  return { partner_id: partner.id, api_key: apiKey };
}

/** A new API key for a partner; the key itself is returned once and never stored. */
export async function issueApiKey(db: Executor, partnerId: string): Promise<string> {
  const { key, prefix, hash } = newApiKey();
  await db.insert(apiKeys).values({ partnerId, prefix, keyHash: hash });

  return key;
}

/** Revokes the partner's keys that start with `prefix`; returns how many. */
export async function revokeApiKeys(db: Executor, partnerId: string, prefix: string) {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(apiKeys.partnerId, partnerId), eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)),
    )
    .returning({ id: apiKeys.id });

  return rows.length;
}

export async function listPartners(db: Executor) {
  const rows = await db
    .select({
      partner_id: partners.id,
      name: partners.name,
      slots_total: partners.slotsTotal,
      slots_used: partners.slotsUsed,
      sandbox: partners.isSandbox,
      // Written out so the inner query's partner id is the outer row's, not the bot's own id.
      bots: sql<number>`(select count(*)::int from bots b where b.partner_id = partners.id and b.status <> 'deleted')`,
      created_at: partners.createdAt,
    })
    .from(partners)
    .orderBy(asc(partners.createdAt));

  return rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() }));
}

export async function setPartnerSlots(db: Executor, partnerId: string, slots: number | null) {
  const rows = await db
    .update(partners)
    .set({ slotsTotal: slots })
    .where(eq(partners.id, partnerId))
    .returning({ id: partners.id });

  return rows.length > 0;
}
