/** Bot slots: taken and returned in the same transaction as the bot itself. */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';

import type { Executor } from '../db/client.js';
import { partners } from '../db/schema.js';

export interface Slot {
  /** Slots left after this one; null when the quota is unlimited. */
  remaining: number | null;
}

function remainingOf(row: { total: number | null; used: number }): number | null {
  return row.total === null ? null : Math.max(row.total - row.used, 0);
}

/** Takes one slot in a single conditional update, so concurrent callers can never oversell. */
export async function takeSlot(db: Executor, partnerId: string): Promise<Slot | undefined> {
  const [row] = await db
    .update(partners)
    .set({ slotsUsed: sql`${partners.slotsUsed} + 1` })
    .where(
      and(
        eq(partners.id, partnerId),
        or(isNull(partners.slotsTotal), lt(partners.slotsUsed, partners.slotsTotal)),
      ),
    )
    .returning({ total: partners.slotsTotal, used: partners.slotsUsed });

  return row === undefined ? undefined : { remaining: remainingOf(row) };
}

export async function returnSlot(db: Executor, partnerId: string): Promise<Slot> {
  const [row] = await db
    .update(partners)
    .set({ slotsUsed: sql`greatest(${partners.slotsUsed} - 1, 0)` })
    .where(eq(partners.id, partnerId))
    .returning({ total: partners.slotsTotal, used: partners.slotsUsed });

  return { remaining: row === undefined ? null : remainingOf(row) };
}
