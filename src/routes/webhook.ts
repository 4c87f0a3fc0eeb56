/** The LINE webhook. */
import type { FastifyPluginAsync } from 'fastify';

import type { AppContext } from '../context.js';

export const webhookRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (_app, _options) => {
  // Routes are added by the conversation feature.
};
