/** Follow and unfollow events: the follow state, and a welcome for new followers. */
import type { FastifyBaseLogger } from 'fastify';

import type { Channel } from '../channels/store.js';
import type { AppContext } from '../context.js';
import type { ClaimedEvent } from '../webhook/store.js';
import { findBot, findBoundBot } from './bots.js';
import { deliverText, replyTargetFor } from './delivery.js';
import type { InboundEvent } from './event.js';
import { setFollowing } from './followers.js';
import { texts } from './texts.js';

/** Central channels explain binding (or greet a bound user back); dedicated ones greet. */
async function welcome(
  ctx: AppContext,
  channel: Channel,
  userId: string,
): Promise<string | undefined> {
  if (channel.botId !== null) {
    const bot = await findBot(ctx.db, channel.botId);

    return bot?.status === 'active' ? texts.welcomeDedicated(bot.storeName) : undefined;
  }
  const bot = await findBoundBot(ctx.db, channel.partnerId, userId);

  return bot === undefined ? texts.welcomeCentral() : texts.welcomeBack(bot.storeName);
}

export async function handleFollowChange(
  ctx: AppContext,
  channel: Channel,
  event: Extract<InboundEvent, { kind: 'follow' | 'unfollow' }>,
  claimed: ClaimedEvent,
  log: FastifyBaseLogger,
): Promise<void> {
  if (event.userId === undefined) return;

  await setFollowing(ctx.db, channel.id, event.userId, event.kind === 'follow');
  log.info({ following: event.kind === 'follow' }, 'follow state recorded');
  const target = replyTargetFor(claimed, channel, event);
  if (event.kind === 'unfollow' || target === undefined) return;

  const text = await welcome(ctx, channel, event.userId);
  if (text !== undefined) await deliverText(ctx, target, text, log);
}
