/**
 * Answering ordinary chat with the bot's AI. The question and the answer are
 * stored as turns of the event; an event that already has an answer (it was
 * redelivered or re-processed) gets that answer again, without a new AI call.
 */
import type { FastifyBaseLogger } from 'fastify';

import type { ChatTurn } from '../ai/types.js';
import type { Channel } from '../channels/store.js';
import type { AppContext } from '../context.js';
import { lastTurns } from '../knowledge/turns.js';
import type { ChatBot } from './bots.js';
import { showLoading } from './delivery.js';
import { texts } from './texts.js';
import { findEventTurn, saveEventTurn } from './turns.js';

/** Turns of earlier conversation the AI sees. */
export const HISTORY_TURNS = 12;

export interface ChatQuestion {
  readonly bot: ChatBot;
  readonly channel: Channel;
  readonly lineUserId: string;
  readonly webhookEventId: string;
  readonly text: string;
}

/**
 * The conversation before this question. When an earlier attempt already
 * stored the question, it is the user's newest turn (their later messages wait
 * for this one), so it is left out rather than shown to the AI twice.
 */
async function historyBefore(ctx: AppContext, question: ChatQuestion): Promise<ChatTurn[]> {
  const asked = await findEventTurn(ctx.db, question.webhookEventId, 'user');
  const extra = asked === undefined ? 0 : 1;
  const turns = await lastTurns(
    ctx.db,
    question.bot.id,
    question.lineUserId,
    HISTORY_TURNS + extra,
  );

  return turns.slice(0, turns.length - extra);
}

export async function answerChat(
  ctx: AppContext,
  question: ChatQuestion,
  log: FastifyBaseLogger,
): Promise<string> {
  const stored = await findEventTurn(ctx.db, question.webhookEventId, 'assistant');
  if (stored !== undefined) {
    log.info('event already answered; reusing the stored answer');

    return stored;
  }

  const turn = {
    botId: question.bot.id,
    channelId: question.channel.id,
    lineUserId: question.lineUserId,
    webhookEventId: question.webhookEventId,
  };
  const history = await historyBefore(ctx, question);
  await saveEventTurn(ctx.db, { ...turn, role: 'user', content: question.text });

  showLoading(ctx, question.channel, question.lineUserId, log);
  const started = performance.now();
  const { id, storeName, systemPrompt } = question.bot;
  const answer = await ctx.responder.answer({
    bot: { id, storeName, systemPrompt },
    question: question.text,
    history,
  });
  log.info(
    { source: answer.source, duration_ms: Math.round(performance.now() - started) },
    'answer ready',
  );
  const content = answer.text.trim() === '' ? texts.noAnswer() : answer.text;

  return saveEventTurn(ctx.db, { ...turn, role: 'assistant', content });
}
