/**
 * Authenticates the bot management API by a bot's management token. A token
 * reaches its own bot only: for any other bot id, and for its bot once
 * deleted, the answer is the same 404 as for a bot that does not exist.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { Db } from '../../db/client.js';
import { errors } from '../../http/errors.js';
import { bearerToken } from '../../http/partner-auth.js';
import { normalUuid } from '../../partner/ids.js';
import { findBotByToken } from './owner-bot.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The id of the bot whose management token authenticated the request. */
    ownerBotId?: string;
  }
}

const MISSING_TOKEN = "A bot's management token is required in the Authorization header (Bearer).";

/** An onRequest hook: runs before the body is read, so a bad token is always a 401. */
export function mgmtAuth(db: Db) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (token === undefined) throw errors.unauthorized(MISSING_TOKEN);

    const bot = await findBotByToken(db, token);
    if (bot === undefined) throw errors.unauthorized('The management token is not valid.');

    const params = request.params as { botId?: unknown };
    const asked = typeof params.botId === 'string' ? normalUuid(params.botId) : undefined;
    if (bot.deleted || asked !== bot.id) throw errors.notFound('The bot');

    request.ownerBotId = bot.id;
    request.log = request.log.child({ bot_id: bot.id });
  };
}

/** The bot of a request that passed `mgmtAuth`. */
export function ownerBotOf(request: FastifyRequest): string {
  if (request.ownerBotId === undefined) throw errors.unauthorized(MISSING_TOKEN);

  return request.ownerBotId;
}
