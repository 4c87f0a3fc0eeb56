/** The partner API: every route here needs a partner API key. */
import type { FastifyPluginAsync } from 'fastify';

import type { AppContext } from '../../context.js';
import { idempotencyHooks } from '../../http/idempotency.js';
import { partnerAuth } from '../../http/partner-auth.js';
import { partnerRateLimit } from '../../http/partner-rate-limit.js';
import { bindRoute } from './bind.js';
import { botsRoutes } from './bots.js';
import { channelRoutes } from './channels.js';
import { multicastRoutes } from './multicast.js';
import { provisionRoute } from './provision.js';
import { usageRoute } from './usage.js';

export const partnerRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const idempotency = idempotencyHooks(ctx.db, ctx.secrets);
  app.addHook('onRequest', partnerAuth(ctx.db));
  app.addHook('onRequest', partnerRateLimit(ctx.config.partnerRequestsPerSecond));
  app.addHook('preHandler', idempotency.preHandler);
  app.addHook('onSend', idempotency.onSend);
  // JSON only: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');

  await app.register(provisionRoute, { ctx });
  await app.register(bindRoute, { ctx });
  await app.register(botsRoutes, { ctx });
  await app.register(usageRoute, { ctx });
  await app.register(multicastRoutes, { ctx });
  await app.register(channelRoutes, { ctx });
};
