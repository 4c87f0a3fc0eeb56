/**
 * What happens with one stored webhook event: follow state, chat commands,
 * binding, and answers from the right bot. On a central channel a user is
 * answered by the bot they are bound to; on a dedicated channel everyone talks
 * to that channel's bot and its bound user is the owner.
 */
import type { FastifyBaseLogger } from 'fastify';

import { type Channel, findChannel } from '../channels/store.js';
import type { AppContext } from '../context.js';
import type { ClaimedEvent } from '../webhook/store.js';
import { answerChat } from './answer.js';
import { type BindOutcome, bindWithCode, claimOwnership, unbindUser } from './binding.js';
import { type ChatBot, findBot, findBoundBot, ownerOf } from './bots.js';
import { type ChatCommand, isOwnerCommand, parseCommand } from './commands.js';
import { deliverText, replyTargetFor } from './delivery.js';
import { type InboundEvent, readEvent } from './event.js';
import { handleFollowChange } from './follow.js';
import { runOwnerCommand } from './owner.js';
import { texts } from './texts.js';

type MessageEvent = Extract<InboundEvent, { kind: 'text' | 'media' }>;

/** One message being answered: who sent it, on which channel, in which event. */
interface Turn {
  readonly ctx: AppContext;
  readonly channel: Channel;
  readonly event: MessageEvent;
  readonly userId: string;
  readonly webhookEventId: string;
  readonly command: ChatCommand | undefined;
  readonly log: FastifyBaseLogger;
}

function bindReply(outcome: BindOutcome): string {
  switch (outcome.kind) {
    case 'bound':
      return texts.bound(outcome.bot.storeName);
    case 'already':
      return texts.alreadyBound(outcome.bot.storeName);
    case 'taken':
      return texts.boundToSomeoneElse();
    case 'wrong':
      return texts.wrongCode();
    case 'throttled':
      return texts.tooManyAttempts();
  }
}

async function claimReply(turn: Turn, bot: ChatBot): Promise<string> {
  const outcome = await claimOwnership(turn.ctx.db, bot.id, turn.userId);
  turn.log.info({ bot_id: bot.id, outcome }, 'ownership claim');
  switch (outcome) {
    case 'claimed':
      return texts.claimed(bot.storeName);
    case 'yours':
      return texts.alreadyYours(bot.storeName);
    case 'taken':
      return texts.alreadyTaken();
  }
}

/** A message to a bot: owner commands when the sender owns it, otherwise the AI. */
async function botReply(turn: Turn, bot: ChatBot, isOwner: boolean): Promise<string> {
  const { ctx, command } = turn;
  if (command?.kind === 'unbind') {
    const removed = isOwner && (await unbindUser(ctx.db, bot.id, turn.userId));
    turn.log.info({ bot_id: bot.id, removed }, 'unbind requested');

    return removed ? texts.unbound(bot.storeName) : texts.notBound();
  }
  // Owner commands from anyone else are just chat.
  if (command !== undefined && isOwnerCommand(command) && isOwner) {
    turn.log.info({ bot_id: bot.id, command: command.kind }, 'owner command');

    return runOwnerCommand(ctx, bot, command, turn.log);
  }
  if (turn.event.kind === 'media') return texts.nonText();

  return answerChat(
    ctx,
    {
      bot,
      channel: turn.channel,
      lineUserId: turn.userId,
      webhookEventId: turn.webhookEventId,
      text: turn.event.text,
    },
    turn.log.child({ bot_id: bot.id }),
  );
}

async function centralReply(turn: Turn): Promise<string> {
  if (turn.command?.kind === 'claim') return texts.codeNeeded();

  const bot = await findBoundBot(turn.ctx.db, turn.channel.partnerId, turn.userId);
  if (bot === undefined) {
    return turn.command?.kind === 'unbind' ? texts.notBound() : texts.bindingInstructions();
  }

  return botReply(turn, bot, true);
}

async function dedicatedReply(turn: Turn, botId: string): Promise<string | undefined> {
  const bot = await findBot(turn.ctx.db, botId);
  if (bot?.status !== 'active') {
    turn.log.info({ bot_id: botId }, 'the channel bot is not active; not answering');

    return undefined;
  }
  if (turn.command?.kind === 'claim') return claimReply(turn, bot);

  const owner = await ownerOf(turn.ctx.db, bot.id);

  return botReply(turn, bot, owner === turn.userId);
}

async function replyFor(turn: Turn): Promise<string | undefined> {
  const { command } = turn;
  if (command?.kind === 'bind') {
    const outcome = await bindWithCode(turn.ctx.db, turn.channel, turn.userId, command.code);
    turn.log.info({ outcome: outcome.kind }, 'bind code tried');

    return bindReply(outcome);
  }
  if (command?.kind === 'bindHelp') return texts.codeNeeded();

  return turn.channel.botId === null
    ? centralReply(turn)
    : dedicatedReply(turn, turn.channel.botId);
}

async function onMessage(
  ctx: AppContext,
  channel: Channel,
  event: MessageEvent,
  claimed: ClaimedEvent,
  log: FastifyBaseLogger,
) {
  const target = replyTargetFor(claimed, channel, event);
  if (target === undefined) {
    log.info({ mode: event.mode, source: event.sourceType }, 'message not answerable; skipped');

    return;
  }
  const turn: Turn = {
    ctx,
    channel,
    event,
    userId: target.userId,
    webhookEventId: claimed.webhookEventId,
    command: event.kind === 'text' ? parseCommand(event.text) : undefined,
    log,
  };
  const text = await replyFor(turn);
  if (text !== undefined) await deliverText(ctx, target, text, log);
}

/** Handles one claimed event. Throws when it should be tried again later. */
export async function handleEvent(
  ctx: AppContext,
  claimed: ClaimedEvent,
  log: FastifyBaseLogger,
): Promise<void> {
  const channel = await findChannel(ctx.db, ctx.secrets, claimed.channelId);
  if (channel === undefined) {
    log.warn('the channel of the event no longer exists');

    return;
  }
  const event = readEvent(claimed.event);
  switch (event.kind) {
    case 'follow':
    case 'unfollow':
      return handleFollowChange(ctx, channel, event, claimed, log);
    case 'text':
    case 'media':
      return onMessage(ctx, channel, event, claimed, log);
    case 'other':
      log.debug({ type: event.type }, 'event type not handled');
  }
}
