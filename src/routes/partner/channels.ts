/** PUT /channel and PUT /bots/:botId/channel: the partner's own LINE channels. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import { saveChannel, webhookUrl } from '../../channels/store.js';
import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { partnerOf } from '../../http/partner-auth.js';
import { findBotView } from '../../partner/bots.js';
import { BotIdParams, commonErrors, partnerRoute } from './schemas.js';

const ChannelBody = Type.Object({
  channel_secret: Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S+$' }),
  channel_access_token: Type.String({ minLength: 1, maxLength: 2000, pattern: '^\\S+$' }),
  basic_id: Type.Optional(
    Type.String({
      pattern: '^@[\\w.-]{1,40}$',
      description: "The LINE Official Account's basic id, e.g. @123abcde (for bind links).",
    }),
  ),
});

const ChannelSaved = Type.Object({
  success: Type.Literal(true),
  channel_id: Type.String(),
  webhook_url: Type.String({ description: "Set this as the channel's webhook URL in LINE." }),
});

type ChannelBodyValue = { channel_secret: string; channel_access_token: string; basic_id?: string };

async function save(
  ctx: AppContext,
  partnerId: string,
  botId: string | null,
  body: ChannelBodyValue,
) {
  const channel = await saveChannel(ctx.db, ctx.secrets, {
    partnerId,
    botId,
    kind: 'line',
    channelSecret: body.channel_secret,
    accessToken: body.channel_access_token,
    basicId: body.basic_id ?? null,
  });

  return {
    success: true as const,
    channel_id: channel.id,
    webhook_url: webhookUrl(ctx.config.publicBaseUrl, channel.id),
  };
}

export const channelRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.put(
    '/channel',
    {
      schema: {
        ...partnerRoute,
        summary: "Register or replace the partner's central LINE channel",
        body: ChannelBody,
        response: { 200: ChannelSaved, ...commonErrors },
      },
    },
    async (request) => {
      const saved = await save(ctx, partnerOf(request).id, null, request.body);
      request.log.info({ channel_id: saved.channel_id }, 'central channel saved');

      return saved;
    },
  );

  app.put(
    '/bots/:botId/channel',
    {
      schema: {
        ...partnerRoute,
        summary: 'Give one bot a dedicated LINE channel (store mode)',
        params: BotIdParams,
        body: ChannelBody,
        response: { 200: ChannelSaved, ...commonErrors },
      },
    },
    async (request) => {
      const partnerId = partnerOf(request).id;
      const bot = await findBotView(ctx.db, partnerId, request.params.botId);
      if (bot === undefined) throw errors.notFound('The bot');
      const saved = await save(ctx, partnerId, bot.bot_id, request.body);
      request.log.info(
        { channel_id: saved.channel_id, bot_id: bot.bot_id },
        'dedicated channel saved',
      );

      return saved;
    },
  );
};
