/** Deprovisioning: the bot stops answering, loses its owner and bind code, and frees its slot. */
import { eq } from 'drizzle-orm';

import type { Db } from '../db/client.js';
import { bindings } from '../db/schema.js';
import { errors } from '../http/errors.js';
import { markBotDeleted } from './bots.js';
import { returnSlot } from './quota.js';

export async function deprovisionBot(
  db: Db,
  partnerId: string,
  botId: string,
): Promise<{ slotsRemaining: number | null }> {
  return db.transaction(async (tx) => {
    const id = await markBotDeleted(tx, partnerId, botId);
    if (id === undefined) throw errors.notFound('The bot');

    await tx.delete(bindings).where(eq(bindings.botId, id));
    const slot = await returnSlot(tx, partnerId);

    return { slotsRemaining: slot.remaining };
  });
}
