/** The bot management API, for a bot's owner holding its mgmt_token. */
import type { FastifyPluginAsync } from 'fastify';

import type { AppContext } from '../../context.js';
import { mgmtAuth } from './auth.js';
import { botRoute } from './bot.js';
import { conversationRoutes } from './conversations.js';
import { faqRoutes } from './faqs.js';
import { productRoutes } from './products.js';

export const botRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', mgmtAuth(ctx.db));
  // JSON only: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');

  await app.register(botRoute, { ctx });
  await app.register(faqRoutes, { ctx });
  await app.register(productRoutes, { ctx });
  await app.register(conversationRoutes, { ctx });
};
