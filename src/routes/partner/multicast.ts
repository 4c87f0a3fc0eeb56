/** POST /multicast and GET /multicasts/:multicastId. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { partnerOf } from '../../http/partner-auth.js';
import type { LineMessage } from '../../line/client.js';
import { validateMessages } from '../../line/validate-messages.js';
import { runMulticast } from '../../multicast/service.js';
import { type CallRecord, loadMulticast, type MulticastSummary } from '../../multicast/store.js';
import { normalUuid } from '../../partner/ids.js';
import { commonErrors, Nullable, partnerRoute } from './schemas.js';

export const MAX_BOT_IDS = 5000;
export const MAX_MESSAGES = 5;
export const COMPLETED_MESSAGE = 'Multicast operation completed.';

const MulticastBody = Type.Object({
  bot_ids: Type.Array(Type.String(), {
    minItems: 1,
    maxItems: MAX_BOT_IDS,
    description: `1 to ${MAX_BOT_IDS} bot ids; ids that are not the partner's bots are reported as not_found.`,
  }),
  messages: Type.Array(
    // Checked against LINE's rules by validateMessages, which names the offending field.
    Type.Unknown({ description: 'A LINE message object (text, sticker, image, flex, …).' }),
    { minItems: 1, maxItems: MAX_MESSAGES },
  ),
});

const Stats = Type.Object({
  requested_bots: Type.Integer(),
  resolved_active_line_ids: Type.Integer(),
  successfully_sent: Type.Integer(),
  failed: Type.Integer(),
});

const Unresolved = Type.Object({
  not_found: Type.Array(Type.String()),
  not_bound: Type.Array(Type.String()),
  inactive: Type.Array(Type.String()),
  unfollowed: Type.Array(Type.String()),
});

const MulticastResult = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  multicast_id: Type.String(),
  stats: Stats,
  unresolved: Unresolved,
});

const MulticastCall = Type.Object({
  seq: Type.Integer(),
  channel_id: Type.String(),
  recipient_count: Type.Integer(),
  status: Type.String({ description: 'pending, sent or failed' }),
  attempts: Type.Integer(),
  http_status: Nullable(Type.Integer()),
  line_request_id: Nullable(Type.String()),
  error: Nullable(Type.String({ description: 'monthly_limit, or what LINE answered' })),
  updated_at: Type.String({ format: 'date-time' }),
});

const MulticastRecord = Type.Object({
  success: Type.Literal(true),
  multicast_id: Type.String(),
  status: Type.String({ description: 'sending or completed' }),
  created_at: Type.String({ format: 'date-time' }),
  completed_at: Nullable(Type.String({ format: 'date-time' })),
  stats: Stats,
  unresolved: Unresolved,
  calls: Type.Array(MulticastCall),
});

/** Runs before schema validation, so an oversized list is a 413 rather than a 400. */
async function rejectTooManyBotIds(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || !('bot_ids' in body)) return;
  if (Array.isArray(body.bot_ids) && body.bot_ids.length > MAX_BOT_IDS)
    throw errors.tooManyBotIds();
}

function resultOf(summary: MulticastSummary) {
  return {
    success: true as const,
    message: COMPLETED_MESSAGE,
    multicast_id: summary.id,
    stats: summary.stats,
    unresolved: summary.unresolved,
  };
}

function callOf(call: CallRecord) {
  return {
    seq: call.seq,
    channel_id: call.channelId,
    recipient_count: call.recipientCount,
    status: call.status,
    attempts: call.attempts,
    http_status: call.httpStatus,
    line_request_id: call.lineRequestId,
    error: call.error,
    updated_at: call.updatedAt.toISOString(),
  };
}

export const multicastRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/multicast',
    {
      preValidation: rejectTooManyBotIds,
      schema: {
        ...partnerRoute,
        summary: "Send LINE messages to the users bound to the partner's bots",
        body: MulticastBody,
        response: { 200: MulticastResult, ...commonErrors },
      },
    },
    async (request) => {
      const issues = validateMessages(request.body.messages, 'messages');
      if (issues.length > 0) throw errors.invalidMessage(issues);

      const summary = await runMulticast(
        ctx,
        {
          partnerId: partnerOf(request).id,
          botIds: request.body.bot_ids,
          // Checked against LINE's rules just above.
          messages: request.body.messages as LineMessage[],
          idempotencyKey: request.idempotency?.key,
        },
        request.log,
      );

      return resultOf(summary);
    },
  );

  app.get(
    '/multicasts/:multicastId',
    {
      schema: {
        ...partnerRoute,
        summary: 'The stored outcome of one multicast, per LINE call',
        params: Type.Object({ multicastId: Type.String() }),
        response: { 200: MulticastRecord, ...commonErrors },
      },
    },
    async (request) => {
      const id = normalUuid(request.params.multicastId);
      const record = id && (await loadMulticast(ctx.db, partnerOf(request).id, id));
      if (!record) throw errors.notFound('The multicast');

      return {
        success: true as const,
        multicast_id: record.id,
        status: record.status,
        created_at: record.createdAt.toISOString(),
        completed_at: record.completedAt?.toISOString() ?? null,
        stats: record.stats,
        unresolved: record.unresolved,
        calls: record.calls.map(callOf),
      };
    },
  );
};
