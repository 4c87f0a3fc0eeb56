/** POST /bind: binds a LINE user (known to the partner from LINE Login) to a bot. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import type { AppContext } from '../../context.js';
import { partnerOf } from '../../http/partner-auth.js';
import { bindBot } from '../../partner/binding.js';
import { commonErrors, LineUserId, partnerRoute } from './schemas.js';

export const BOUND_MESSAGE = 'Account successfully bound.';

const BindBody = Type.Object({
  bot_id: Type.String(),
  line_user_id: LineUserId,
  replace: Type.Optional(
    Type.Boolean({ description: 'Replace a different user already bound (else 409).' }),
  ),
});

const Bound = Type.Object({
  success: Type.Literal(true),
  bot_id: Type.String(),
  line_user_id: Type.String(),
  store_name: Type.String(),
  message: Type.String(),
});

export const bindRoute: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/bind',
    {
      schema: {
        ...partnerRoute,
        summary: 'Bind a LINE user to a bot',
        body: BindBody,
        response: { 200: Bound, ...commonErrors },
      },
    },
    async (request) => {
      const { bot_id: botId, line_user_id: lineUserId, replace } = request.body;
      const bot = await bindBot(ctx.db, partnerOf(request).id, {
        botId,
        lineUserId,
        replace: replace ?? false,
      });
      request.log.info({ bot_id: bot.botId }, 'bot bound by the partner');

      return {
        success: true as const,
        bot_id: bot.botId,
        line_user_id: lineUserId,
        store_name: bot.storeName,
        message: BOUND_MESSAGE,
      };
    },
  );
};
