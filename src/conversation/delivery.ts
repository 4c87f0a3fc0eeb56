/**
 * Getting an answer to the user exactly once. The reply token is used at most
 * once (recorded before the call); an event too old for its token, or whose
 * reply LINE definitely refused, is pushed with a retry key derived from the
 * event, so re-processing can never push twice. After an ambiguous failure the
 * answer is not sent again: a second copy is worse than a lost one.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { FastifyBaseLogger } from 'fastify';

import type { Channel } from '../channels/store.js';
import type { AppContext } from '../context.js';
import {
  isDefiniteRefusal,
  isRetryKeyAccepted,
  isTransient,
  type LineFailure,
  type LineMessage,
} from '../line/client.js';
import { type ClaimedEvent, markReplyAttempted } from '../webhook/store.js';
import { type InboundEvent, isAnswerable } from './event.js';
import { pushRetryKey } from './retry-key.js';
import { splitForLine } from './split.js';
import { texts } from './texts.js';

export interface ReplyTarget {
  readonly eventRowId: number;
  readonly webhookEventId: string;
  readonly channel: Channel;
  readonly userId: string;
  readonly replyToken: string;
  /** The event's age now, counted from when botfleet received it. */
  readonly ageMs: () => number;
  /** An earlier attempt at this event already used (or tried to use) the reply token. */
  readonly replyAttempted: boolean;
}

/** Where to answer a claimed event; undefined when it must not be answered at all. */
export function replyTargetFor(
  claimed: ClaimedEvent,
  channel: Channel,
  event: InboundEvent,
): ReplyTarget | undefined {
  if (!isAnswerable(event)) return undefined;

  const claimedAt = performance.now();

  return {
    eventRowId: claimed.id,
    webhookEventId: claimed.webhookEventId,
    channel,
    userId: event.userId,
    replyToken: event.replyToken,
    ageMs: () => claimed.ageMs + (performance.now() - claimedAt),
    replyAttempted: claimed.replyAttemptedAt !== null,
  };
}

export type DeliveryOutcome = 'replied' | 'pushed' | 'withheld';

/** LINE did not take the answer and retrying will not help. */
export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
}

const PUSH_RETRY_DELAYS_MS = [1_000, 2_000, 4_000];
const LOADING_SECONDS = 60;
export function textMessages(text: string): LineMessage[] {
  return splitForLine(text).map((piece) => ({ type: 'text', text: piece }));
}

function failureFields(failure: LineFailure) {
  return {
    kind: failure.kind,
    status: failure.status,
    line_message: failure.message,
    line_request_id: failure.requestId,
  };
}

/** LINE's typing indicator while the AI thinks; purely cosmetic, so never awaited. */
export function showLoading(
  ctx: AppContext,
  channel: Channel,
  userId: string,
  log: FastifyBaseLogger,
): void {
  void ctx.line
    .client(channel)
    .showLoading(userId, LOADING_SECONDS)
    .then((result) => {
      if (!result.ok) log.warn(failureFields(result.failure), 'loading animation failed');
    });
}

async function push(
  ctx: AppContext,
  target: ReplyTarget,
  messages: LineMessage[],
  log: FastifyBaseLogger,
): Promise<DeliveryOutcome> {
  const retryKey = pushRetryKey(target.channel.id, target.webhookEventId);
  const client = ctx.line.client(target.channel);
  for (let attempt = 0; ; attempt++) {
    const result = await client.push(target.userId, messages, retryKey);
    if (result.ok || isRetryKeyAccepted(result.failure)) {
      log.info({ retry_key: retryKey, attempts: attempt + 1 }, 'answer pushed');

      return 'pushed';
    }
    const delay = PUSH_RETRY_DELAYS_MS[attempt];
    if (!isTransient(result.failure) || delay === undefined) {
      log.error({ ...failureFields(result.failure), retry_key: retryKey }, 'push failed');
      throw new DeliveryFailed(`push failed: ${result.failure.message}`);
    }
    log.warn({ ...failureFields(result.failure), retry_in_ms: delay }, 'push failed; retrying');
    await sleep(delay);
  }
}

async function reply(
  ctx: AppContext,
  target: ReplyTarget,
  messages: LineMessage[],
  log: FastifyBaseLogger,
): Promise<DeliveryOutcome> {
  if (!(await markReplyAttempted(ctx.db, target.eventRowId))) {
    log.warn('reply token already used by another attempt; not answering again');

    return 'withheld';
  }
  const result = await ctx.line.client(target.channel).reply(target.replyToken, messages);
  if (result.ok) {
    log.info({ messages: messages.length }, 'answer replied');

    return 'replied';
  }
  if (isDefiniteRefusal(result.failure)) {
    log.warn(failureFields(result.failure), 'reply refused; pushing instead');

    return push(ctx, target, messages, log);
  }
  if (result.failure.kind === 'unavailable') {
    log.error(failureFields(result.failure), 'reply not sent');
    throw new DeliveryFailed(result.failure.message);
  }
  // LINE may have delivered it: sending it again could show the answer twice.
  log.error(failureFields(result.failure), 'reply outcome unknown; not sending the answer again');

  return 'withheld';
}

/** Sends the text (split into LINE messages) to the user who sent the event. */
export async function deliverText(
  ctx: AppContext,
  target: ReplyTarget,
  text: string,
  log: FastifyBaseLogger,
): Promise<DeliveryOutcome> {
  const messages = textMessages(text.trim() === '' ? texts.noAnswer() : text);
  if (target.replyAttempted) {
    log.warn('reply token was used before a restart; not answering again');

    return 'withheld';
  }
  if (target.ageMs() > ctx.config.replyTokenMaxAgeMs) {
    log.info({ age_ms: Math.round(target.ageMs()) }, 'reply token too old; pushing');

    return push(ctx, target, messages, log);
  }

  return reply(ctx, target, messages, log);
}
