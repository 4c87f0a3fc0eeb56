/** GET /usage: the partner's quota, bots and LINE messages this month. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import type { AppContext } from '../../context.js';
import { partnerOf } from '../../http/partner-auth.js';
import { partnerUsage } from '../../partner/usage.js';
import { commonErrors, Nullable, partnerRoute } from './schemas.js';

const Usage = Type.Object({
  success: Type.Literal(true),
  slots: Type.Object({
    total: Nullable(Type.Integer({ description: 'null when unlimited' })),
    used: Type.Integer(),
    remaining: Nullable(Type.Integer({ description: 'null when unlimited' })),
  }),
  bots: Type.Integer({ description: 'Bots not deprovisioned.' }),
  bound_bots: Type.Integer(),
  messages_this_month: Type.Integer({
    description:
      'LINE messages sent for the partner this calendar month (UTC): multicast recipients plus bot answers.',
  }),
});

export const usageRoute: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/usage',
    {
      schema: {
        ...partnerRoute,
        summary: "The partner's quota and usage",
        response: { 200: Usage, ...commonErrors },
      },
    },
    async (request) => ({
      success: true as const,
      ...(await partnerUsage(ctx.db, partnerOf(request).id)),
    }),
  );
};
