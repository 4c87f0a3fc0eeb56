/** POST /provision: a new bot, one slot of the partner's quota. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { partnerOf } from '../../http/partner-auth.js';
import { provisionBot } from '../../partner/provision.js';
import {
  commonErrors,
  ErrorResponse,
  LineUserId,
  Metadata,
  METADATA_MAX_BYTES,
  Nullable,
  partnerRoute,
  SlotsRemaining,
  StoreName,
  SystemPrompt,
} from './schemas.js';

export const PROVISIONED_MESSAGE =
  'Bot provisioned successfully. Please direct the user to their LINE Bot to bind their owner account.';

const ProvisionBody = Type.Object({
  store_name: StoreName,
  system_prompt: Type.Optional(SystemPrompt),
  owner_line_user_id: Type.Optional(LineUserId),
  metadata: Type.Optional(Metadata),
});

const Provisioned = Type.Object({
  success: Type.Literal(true),
  bot_id: Type.String(),
  mgmt_token: Type.String({ description: 'For the bot management API; shown only once.' }),
  store_name: Type.String(),
  message: Type.String(),
  bind_code: Type.String({ description: 'What the owner types after @我是店長 in the chat.' }),
  bind_url: Nullable(
    Type.String({ description: 'Opens the LINE chat with the bind command typed in.' }),
  ),
  slots_remaining: SlotsRemaining,
});

function checkMetadataSize(metadata: Record<string, unknown> | undefined): void {
  if (metadata === undefined) return;
  if (Buffer.byteLength(JSON.stringify(metadata)) <= METADATA_MAX_BYTES) return;

  const message = `must be at most ${METADATA_MAX_BYTES} bytes as JSON`;
  throw errors.validation(
    [{ path: 'metadata', message }],
    `The request is invalid: metadata ${message}`,
  );
}

export const provisionRoute: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/provision',
    {
      schema: {
        ...partnerRoute,
        summary: 'Provision a bot (takes one slot of the quota)',
        body: ProvisionBody,
        response: { 201: Provisioned, 403: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkMetadataSize(body.metadata);
      const bot = await provisionBot(ctx, partnerOf(request).id, {
        storeName: body.store_name,
        systemPrompt: body.system_prompt,
        ownerLineUserId: body.owner_line_user_id,
        metadata: body.metadata,
      });
      request.log.info(
        { bot_id: bot.bot_id, bound: body.owner_line_user_id !== undefined },
        'bot provisioned',
      );

      return reply.status(201).send({
        success: true as const,
        bot_id: bot.bot_id,
        mgmt_token: bot.mgmt_token,
        store_name: bot.store_name,
        message: PROVISIONED_MESSAGE,
        bind_code: bot.bind_code,
        bind_url: bot.bind_url,
        slots_remaining: bot.slots_remaining,
      });
    },
  );
};
