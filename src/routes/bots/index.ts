/** The bot management API, for a bot's owner holding its mgmt_token. */
import type { FastifyPluginAsync } from 'fastify';

import type { AppContext } from '../../context.js';

export const botRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (_app, _options) => {
  // Routes are added by the conversation feature.
};
