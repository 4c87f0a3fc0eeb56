/**
 * Sends the pending calls of a stored multicast: per channel, through the
 * channel's limiter, each call retried with its own stored retry key.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { FastifyBaseLogger } from 'fastify';

import { type Channel, findChannel } from '../channels/store.js';
import type { AppContext } from '../context.js';
import type { LineMessage } from '../line/client.js';
import { channelLimiter } from './limiter.js';
import {
  type AttemptOutcome,
  DEFAULT_RETRY,
  judgeAttempt,
  nextDelay,
  type RetryPolicy,
} from './retry.js';
import { type CallToSend, pendingCalls, recordAttempt, storedMessages } from './store.js';

export interface DeliveryOptions {
  readonly retry?: RetryPolicy;
  /** Stops starting attempts (shutdown); unfinished calls stay pending for recovery. */
  readonly signal?: AbortSignal;
}

interface Delivery {
  readonly ctx: AppContext;
  readonly log: FastifyBaseLogger;
  readonly messages: LineMessage[];
  readonly retry: RetryPolicy;
  readonly signal: AbortSignal | undefined;
}

const NO_CHANNEL: AttemptOutcome = {
  verdict: 'failed',
  httpStatus: null,
  lineRequestId: null,
  error: 'the channel of this call no longer exists',
};

async function record(
  delivery: Delivery,
  call: CallToSend,
  outcome: AttemptOutcome,
  last: boolean,
) {
  const status = outcome.verdict === 'sent' ? 'sent' : last ? 'failed' : 'pending';
  await recordAttempt(delivery.ctx.db, call.id, {
    status,
    httpStatus: outcome.httpStatus,
    lineRequestId: outcome.lineRequestId,
    error: outcome.error,
  });
}

function logOutcome(
  delivery: Delivery,
  call: CallToSend,
  outcome: AttemptOutcome,
  attempt: number,
  last: boolean,
) {
  const fields = {
    seq: call.seq,
    channel_id: call.channelId,
    recipients: call.recipients.length,
    attempt,
    http_status: outcome.httpStatus,
    line_request_id: outcome.lineRequestId,
  };
  if (outcome.verdict === 'sent') delivery.log.debug(fields, 'multicast call sent');
  else if (last) delivery.log.warn({ ...fields, error: outcome.error }, 'multicast call failed');
  else delivery.log.info({ ...fields, error: outcome.error }, 'multicast call will be retried');
}

async function sendCall(delivery: Delivery, channel: Channel, call: CallToSend): Promise<void> {
  const client = delivery.ctx.line.client(channel);
  const limiter = channelLimiter(delivery.ctx.line, channel.id);
  const started = Date.now();
  for (let attempt = 1; !delivery.signal?.aborted; attempt++) {
    const result = await limiter.run(() =>
      client.multicast(call.recipients, delivery.messages, call.retryKey),
    );
    const outcome = judgeAttempt(result);
    const delay =
      outcome.verdict === 'transient'
        ? nextDelay(delivery.retry, attempt, Date.now() - started)
        : undefined;
    await record(delivery, call, outcome, delay === undefined);
    logOutcome(delivery, call, outcome, attempt, delay === undefined);
    if (delay === undefined) return;

    await sleep(delay, undefined, { signal: delivery.signal }).catch(() => undefined);
  }
}

async function sendChannelCalls(delivery: Delivery, channelId: string, calls: CallToSend[]) {
  const channel = await findChannel(delivery.ctx.db, delivery.ctx.secrets, channelId);
  if (channel === undefined) {
    for (const call of calls) await record(delivery, call, NO_CHANNEL, true);

    return;
  }
  // The channel's limiter bounds how many of these are really in flight.
  await Promise.all(calls.map((call) => sendCall(delivery, channel, call)));
}

function byChannel(calls: readonly CallToSend[]): Map<string, CallToSend[]> {
  const groups = new Map<string, CallToSend[]>();
  for (const call of calls) {
    const group = groups.get(call.channelId) ?? [];
    group.push(call);
    groups.set(call.channelId, group);
  }

  return groups;
}

export async function deliverPending(
  ctx: AppContext,
  multicastId: string,
  log: FastifyBaseLogger,
  options: DeliveryOptions = {},
): Promise<void> {
  const calls = await pendingCalls(ctx.db, multicastId);
  if (calls.length === 0) return;

  const delivery: Delivery = {
    ctx,
    log,
    messages: await storedMessages(ctx.db, multicastId),
    retry: options.retry ?? DEFAULT_RETRY,
    signal: options.signal,
  };
  await Promise.all(
    [...byChannel(calls)].map(([channelId, group]) => sendChannelCalls(delivery, channelId, group)),
  );
}
