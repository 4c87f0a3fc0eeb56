/** Follow state of LINE users per channel (multicast skips those who left). */
import { sql } from 'drizzle-orm';

import type { Executor } from '../db/client.js';
import { followers } from '../db/schema.js';

export async function setFollowing(
  db: Executor,
  channelId: string,
  lineUserId: string,
  following: boolean,
): Promise<void> {
  await db
    .insert(followers)
    .values({ channelId, lineUserId, following })
    .onConflictDoUpdate({
      target: [followers.channelId, followers.lineUserId],
      set: { following, updatedAt: sql`now()` },
    });
}
