/** The partner API: every route here needs a partner API key. */
import type { FastifyPluginAsync } from 'fastify';

import type { AppContext } from '../../context.js';
import { idempotencyHooks } from '../../http/idempotency.js';
import { partnerAuth } from '../../http/partner-auth.js';

export const partnerRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const idempotency = idempotencyHooks(ctx.db);
  app.addHook('onRequest', partnerAuth(ctx.db));
  app.addHook('preHandler', idempotency.preHandler);
  app.addHook('onSend', idempotency.onSend);
};
