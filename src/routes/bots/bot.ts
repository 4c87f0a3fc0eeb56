/** GET and PATCH /:botId: the owner reads and changes the store name and the system prompt. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { StoreName, SystemPrompt } from '../partner/schemas.js';
import { ownerBotOf } from './auth.js';
import { requireChanges } from './checks.js';
import { type OwnerBotChanges, ownerBotView, updateOwnerBot } from './owner-bot.js';
import { BotParams, OwnerBotResponse, ownerErrors, ownerRoute } from './schemas.js';

const BotPatch = Type.Object({
  store_name: Type.Optional(StoreName),
  system_prompt: Type.Optional(SystemPrompt),
});

function changesOf(body: { store_name?: string; system_prompt?: string }): OwnerBotChanges {
  const changes: OwnerBotChanges = {};
  if (body.store_name !== undefined) changes.storeName = body.store_name;
  if (body.system_prompt !== undefined) changes.systemPrompt = body.system_prompt;

  return requireChanges(changes, ['store_name', 'system_prompt']);
}

async function viewOrNotFound(ctx: AppContext, botId: string) {
  const view = await ownerBotView(ctx.db, botId);
  if (view === undefined) throw errors.notFound('The bot');

  return { success: true as const, ...view };
}

export const botRoute: FastifyPluginAsync<{ ctx: AppContext }> = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/:botId',
    {
      schema: {
        ...ownerRoute,
        summary: "Read the bot's store name and system prompt",
        params: BotParams,
        response: { 200: OwnerBotResponse, ...ownerErrors },
      },
    },
    async (request) => viewOrNotFound(ctx, ownerBotOf(request)),
  );

  app.patch(
    '/:botId',
    {
      schema: {
        ...ownerRoute,
        summary: "Change the bot's store name or system prompt",
        params: BotParams,
        body: BotPatch,
        response: { 200: OwnerBotResponse, ...ownerErrors },
      },
    },
    async (request) => {
      const botId = ownerBotOf(request);
      const changes = changesOf(request.body);
      if (!(await updateOwnerBot(ctx.db, botId, changes))) throw errors.notFound('The bot');
      request.log.info({ changed: Object.keys(changes) }, 'bot changed by its owner');

      return viewOrNotFound(ctx, botId);
    },
  );
};
