/** The partner's bots: list, read, change, deprovision, bind codes and unbinding. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import { channelForBot } from '../../channels/store.js';
import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { partnerOf } from '../../http/partner-auth.js';
import { bindUrl, replaceBindCode } from '../../partner/bind-codes.js';
import { unbindBot } from '../../partner/binding.js';
import {
  type BotChanges,
  findBotView,
  isPartnerBotId,
  listBotViews,
  updateBot,
} from '../../partner/bots.js';
import { deprovisionBot } from '../../partner/deprovision.js';
import { normalUuid } from '../../partner/ids.js';
import {
  BotIdParams,
  BotView,
  commonErrors,
  Nullable,
  partnerRoute,
  SlotsRemaining,
  StoreName,
  SystemPrompt,
} from './schemas.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const ListQuery = Type.Object({
  limit: Type.Optional(
    Type.String({ description: `1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when absent.` }),
  ),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page.' })),
});

const BotPage = Type.Object({
  success: Type.Literal(true),
  bots: Type.Array(BotView),
  next_cursor: Nullable(Type.String()),
});

const BotResponse = Type.Object({ success: Type.Literal(true), ...BotView.properties });

const BotPatch = Type.Object({
  store_name: Type.Optional(StoreName),
  system_prompt: Type.Optional(SystemPrompt),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
});

const Deprovisioned = Type.Object({
  success: Type.Literal(true),
  bot_id: Type.String(),
  message: Type.String(),
  slots_remaining: SlotsRemaining,
});

const NewBindCode = Type.Object({
  success: Type.Literal(true),
  bot_id: Type.String(),
  bind_code: Type.String(),
  bind_url: Nullable(Type.String()),
  expires_at: Type.String({ format: 'date-time' }),
});

const Unbound = Type.Object({
  success: Type.Literal(true),
  bot_id: Type.String(),
  store_name: Type.String(),
  unbound_line_user_id: Nullable(Type.String()),
  message: Type.String(),
});

function invalid(path: string, message: string) {
  return errors.validation([{ path, message }], `The request is invalid: ${path} ${message}`);
}

export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) {
    throw invalid('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }

  return limit;
}

export function encodeCursor(botId: string): string {
  return Buffer.from(botId).toString('base64url');
}

async function decodeCursor(ctx: AppContext, partnerId: string, raw: string | undefined) {
  if (raw === undefined) return undefined;
  const id = normalUuid(Buffer.from(raw, 'base64url').toString());
  if (id === undefined || !(await isPartnerBotId(ctx.db, partnerId, id))) {
    throw invalid('cursor', 'is not a next_cursor from this listing');
  }

  return id;
}

function changesOf(body: {
  store_name?: string;
  system_prompt?: string;
  status?: BotChanges['status'];
}) {
  const changes: BotChanges = {};
  if (body.store_name !== undefined) changes.storeName = body.store_name;
  if (body.system_prompt !== undefined) changes.systemPrompt = body.system_prompt;
  if (body.status !== undefined) changes.status = body.status;
  if (Object.keys(changes).length === 0) {
    throw invalid('(body)', 'must change at least one of store_name, system_prompt, status');
  }

  return changes;
}

async function viewOrNotFound(ctx: AppContext, partnerId: string, botId: string) {
  const view = await findBotView(ctx.db, partnerId, botId);
  if (view === undefined) throw errors.notFound('The bot');

  return { success: true as const, ...view };
}

export const botsRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/bots',
    {
      schema: {
        ...partnerRoute,
        summary: "List the partner's bots, newest first",
        querystring: ListQuery,
        response: { 200: BotPage, ...commonErrors },
      },
    },
    async (request) => {
      const partnerId = partnerOf(request).id;
      const limit = parseLimit(request.query.limit);
      const afterId = await decodeCursor(ctx, partnerId, request.query.cursor);
      const page = await listBotViews(ctx.db, partnerId, { limit, afterId });

      return {
        success: true as const,
        bots: page.bots,
        next_cursor: page.lastId === undefined ? null : encodeCursor(page.lastId),
      };
    },
  );

  app.get(
    '/bots/:botId',
    {
      schema: {
        ...partnerRoute,
        summary: 'Read one bot',
        params: BotIdParams,
        response: { 200: BotResponse, ...commonErrors },
      },
    },
    async (request) => viewOrNotFound(ctx, partnerOf(request).id, request.params.botId),
  );

  app.patch(
    '/bots/:botId',
    {
      schema: {
        ...partnerRoute,
        summary: "Change a bot's store name, system prompt or status",
        params: BotIdParams,
        body: BotPatch,
        response: { 200: BotResponse, ...commonErrors },
      },
    },
    async (request) => {
      const partnerId = partnerOf(request).id;
      const changes = changesOf(request.body);
      if (!(await updateBot(ctx.db, partnerId, request.params.botId, changes))) {
        throw errors.notFound('The bot');
      }
      request.log.info(
        { bot_id: request.params.botId, changed: Object.keys(changes) },
        'bot changed',
      );

      return viewOrNotFound(ctx, partnerId, request.params.botId);
    },
  );

  app.delete(
    '/bots/:botId',
    {
      schema: {
        ...partnerRoute,
        summary: 'Deprovision a bot and return its slot',
        params: BotIdParams,
        response: { 200: Deprovisioned, ...commonErrors },
      },
    },
    async (request) => {
      const botId = request.params.botId;
      const { slotsRemaining } = await deprovisionBot(ctx.db, partnerOf(request).id, botId);
      request.log.info({ bot_id: botId }, 'bot deprovisioned');

      return {
        success: true as const,
        bot_id: botId.toLowerCase(),
        message: 'Bot deprovisioned.',
        slots_remaining: slotsRemaining,
      };
    },
  );

  app.post(
    '/bots/:botId/bind-code',
    {
      schema: {
        ...partnerRoute,
        summary: 'Issue a fresh bind code (the previous one stops working)',
        params: BotIdParams,
        response: { 200: NewBindCode, ...commonErrors },
      },
    },
    async (request) => {
      const partnerId = partnerOf(request).id;
      const ttl = ctx.config.bindCodeTtlHours;
      const code = await replaceBindCode(ctx.db, partnerId, request.params.botId, ttl);
      const botId = normalUuid(request.params.botId);
      if (code === undefined || botId === undefined) throw errors.notFound('The bot');
      const channel = await channelForBot(ctx.db, ctx.secrets, { id: botId, partnerId });

      return {
        success: true as const,
        bot_id: botId,
        bind_code: code.code,
        bind_url: bindUrl(channel?.basicId, code.code),
        expires_at: code.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/bots/:botId/unbind',
    {
      schema: {
        ...partnerRoute,
        summary: 'Remove the LINE user bound to a bot',
        params: BotIdParams,
        response: { 200: Unbound, ...commonErrors },
      },
    },
    async (request) => {
      const result = await unbindBot(ctx.db, partnerOf(request).id, request.params.botId);
      request.log.info({ bot_id: request.params.botId }, 'bot unbound by the partner');

      return {
        success: true as const,
        bot_id: request.params.botId.toLowerCase(),
        store_name: result.storeName,
        unbound_line_user_id: result.lineUserId,
        message: 'Account successfully unbound.',
      };
    },
  );
};
