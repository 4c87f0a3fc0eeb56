/**
 * A partner's multicast, start to finish: resolve the bot ids, store the
 * multicast and every LINE call (with its retry key) before the first call,
 * send, then complete the record. A request that comes back with the
 * Idempotency-Key of a multicast that already exists resumes that multicast
 * instead of starting another, so nobody receives the messages twice.
 */
import type { FastifyBaseLogger } from 'fastify';

import type { AppContext } from '../context.js';
import { errors } from '../http/errors.js';
import type { LineMessage } from '../line/client.js';
import { deliverPending, type DeliveryOptions } from './deliver.js';
import { planCalls } from './plan.js';
import { type Resolution, resolveRecipients } from './resolve.js';
import {
  createMulticast,
  findByIdempotencyKey,
  findSummary,
  finishMulticast,
  type MulticastStats,
  type MulticastSummary,
  touchPendingCalls,
} from './store.js';

/** As long as the Idempotency-Key records of src/http/idempotency.ts are kept. */
export const IDEMPOTENCY_KEEP_HOURS = 24;

export interface MulticastRequest {
  readonly partnerId: string;
  readonly botIds: readonly string[];
  readonly messages: LineMessage[];
  readonly idempotencyKey: string | undefined;
}

function initialStats(resolution: Resolution, recipientCount: number): MulticastStats {
  const unreachable = resolution.unreachable.length;

  return {
    requested_bots: resolution.requestedBots,
    resolved_active_line_ids: recipientCount + unreachable,
    successfully_sent: 0,
    // Users of bots without a channel cannot be reached: they fail before any call.
    failed: unreachable,
  };
}

/** Sends what is still pending and completes the record; returns its final summary. */
export async function completeMulticast(
  ctx: AppContext,
  id: string,
  log: FastifyBaseLogger,
  options: DeliveryOptions = {},
): Promise<MulticastSummary> {
  await deliverPending(ctx, id, log, options);
  if (await finishMulticast(ctx.db, id)) log.info('multicast completed');
  const summary = await findSummary(ctx.db, id);
  if (summary === undefined) throw new Error(`multicast ${id} disappeared`);

  return summary;
}

async function resume(ctx: AppContext, existing: MulticastSummary, log: FastifyBaseLogger) {
  const child = log.child({ multicast_id: existing.id });
  if (existing.status === 'completed') return existing;

  child.info('resuming the multicast of a retried Idempotency-Key');
  await touchPendingCalls(ctx.db, existing.id);

  return completeMulticast(ctx, existing.id, child);
}

export async function runMulticast(
  ctx: AppContext,
  request: MulticastRequest,
  log: FastifyBaseLogger,
): Promise<MulticastSummary> {
  const key = request.idempotencyKey;
  if (key !== undefined) {
    const existing = await findByIdempotencyKey(
      ctx.db,
      request.partnerId,
      key,
      IDEMPOTENCY_KEEP_HOURS,
    );
    if (existing !== undefined) return resume(ctx, existing, log);
  }

  const resolution = await resolveRecipients(ctx.db, request.partnerId, request.botIds);
  const calls = planCalls(resolution.recipients);
  const recipientCount = calls.reduce((sum, call) => sum + call.recipients.length, 0);
  const id = await createMulticast(ctx.db, {
    partnerId: request.partnerId,
    messages: request.messages,
    idempotencyKey: key,
    stats: initialStats(resolution, recipientCount),
    unresolved: resolution.unresolved,
    calls,
  });
  // Only a request racing past the Idempotency-Key lock can find the key taken here.
  if (id === undefined) throw errors.idempotencyInFlight();

  const child = log.child({ multicast_id: id });
  child.info(
    { requested_bots: resolution.requestedBots, recipients: recipientCount, calls: calls.length },
    'multicast stored; sending',
  );

  return completeMulticast(ctx, id, child);
}
