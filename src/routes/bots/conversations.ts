/** GET /:botId/conversations: the stored turns, newest first, in keyset pages. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import type { AppContext } from '../../context.js';
import { pageTurns, type TurnRecord } from '../../knowledge/turns.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parseLimit } from '../partner/bots.js';
import { LineUserId, Nullable } from '../partner/schemas.js';
import { ownerBotOf } from './auth.js';
import { invalid } from './checks.js';
import { BotParams, ownerErrors, ownerRoute } from './schemas.js';

const ConversationQuery = Type.Object({
  line_user_id: Type.Optional(LineUserId),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page.' })),
  limit: Type.Optional(
    Type.String({ description: `1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when absent.` }),
  ),
});

const TurnView = Type.Object({
  id: Type.Integer(),
  line_user_id: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});

const TurnPageResponse = Type.Object({
  success: Type.Literal(true),
  turns: Type.Array(TurnView),
  next_cursor: Nullable(Type.String()),
});

export function encodeTurnCursor(turnId: number): string {
  return Buffer.from(`turn:${turnId}`).toString('base64url');
}

function decodeTurnCursor(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^turn:(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString());
  if (match === null) throw invalid('cursor', 'is not a next_cursor from this listing');

  return Number(match[1]);
}

function turnView(turn: TurnRecord) {
  return {
    id: turn.id,
    line_user_id: turn.lineUserId,
    role: turn.role,
    content: turn.content,
    created_at: turn.createdAt.toISOString(),
  };
}

export const conversationRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (
  plain,
  { ctx },
) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/:botId/conversations',
    {
      schema: {
        ...ownerRoute,
        summary: "The bot's conversation turns, newest first, optionally of one LINE user",
        params: BotParams,
        querystring: ConversationQuery,
        response: { 200: TurnPageResponse, ...ownerErrors },
      },
    },
    async (request) => {
      const page = await pageTurns(ctx.db, ownerBotOf(request), {
        lineUserId: request.query.line_user_id,
        beforeId: decodeTurnCursor(request.query.cursor),
        limit: parseLimit(request.query.limit),
      });

      return {
        success: true as const,
        turns: page.turns.map(turnView),
        next_cursor: page.nextBeforeId === undefined ? null : encodeTurnCursor(page.nextBeforeId),
      };
    },
  );
};
