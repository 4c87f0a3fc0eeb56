import type { FastifyPluginAsync } from 'fastify';

import type { AppContext } from '../context.js';

export const healthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/healthz', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
    const up = await ctx.database.ping();

    return reply.status(up ? 200 : 503).send({ status: up ? 'ok' : 'database_unavailable' });
  });
};
