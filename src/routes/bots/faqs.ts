/** The bot's FAQ entries: list, add, change, delete. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';

import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { MAX_FAQS_PER_BOT } from '../../knowledge/limits.js';
import {
  addFaq,
  deleteFaq,
  type FaqInput,
  type FaqRecord,
  listFaqs,
  updateFaq,
} from '../../knowledge/store.js';
import { ownerBotOf } from './auth.js';
import { requireChanges } from './checks.js';
import {
  BotParams,
  FaqBody,
  FaqDeleted,
  FaqList,
  FaqParams,
  FaqPatch,
  FaqResponse,
  ownerErrors,
  ownerRoute,
} from './schemas.js';

const FAQ = 'The FAQ entry';

export function faqView(faq: FaqRecord) {
  return {
    faq_id: faq.id,
    question: faq.question,
    answer: faq.answer,
    created_at: faq.createdAt.toISOString(),
    updated_at: faq.updatedAt.toISOString(),
  };
}

function changesOf(body: { question?: string; answer?: string }): Partial<FaqInput> {
  const changes: { question?: string; answer?: string } = {};
  if (body.question !== undefined) changes.question = body.question;
  if (body.answer !== undefined) changes.answer = body.answer;

  return requireChanges(changes, ['question', 'answer']);
}

export const faqRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/:botId/faqs',
    {
      schema: {
        ...ownerRoute,
        summary: "List the bot's FAQ entries, oldest first",
        params: BotParams,
        response: { 200: FaqList, ...ownerErrors },
      },
    },
    async (request) => ({
      success: true as const,
      faqs: (await listFaqs(ctx.db, ownerBotOf(request))).map(faqView),
    }),
  );

  app.post(
    '/:botId/faqs',
    {
      schema: {
        ...ownerRoute,
        summary: 'Add an FAQ entry',
        params: BotParams,
        body: FaqBody,
        response: { 201: FaqResponse, ...ownerErrors },
      },
    },
    async (request, reply) => {
      const faq = await addFaq(ctx.db, ownerBotOf(request), request.body);
      if (faq === undefined) {
        throw errors.forbidden(
          `The bot already has ${MAX_FAQS_PER_BOT} FAQ entries; delete one before adding another.`,
        );
      }
      request.log.info({ faq_id: faq.id }, 'faq added');

      return reply.status(201).send({ success: true as const, ...faqView(faq) });
    },
  );

  app.patch(
    '/:botId/faqs/:faqId',
    {
      schema: {
        ...ownerRoute,
        summary: 'Change an FAQ entry',
        params: FaqParams,
        body: FaqPatch,
        response: { 200: FaqResponse, ...ownerErrors },
      },
    },
    async (request) => {
      const changes = changesOf(request.body);
      const faq = await updateFaq(ctx.db, ownerBotOf(request), request.params.faqId, changes);
      if (faq === undefined) throw errors.notFound(FAQ);

      return { success: true as const, ...faqView(faq) };
    },
  );

  app.delete(
    '/:botId/faqs/:faqId',
    {
      schema: {
        ...ownerRoute,
        summary: 'Delete an FAQ entry',
        params: FaqParams,
        response: { 200: FaqDeleted, ...ownerErrors },
      },
    },
    async (request) => {
      const faqId = request.params.faqId;
      if (!(await deleteFaq(ctx.db, ownerBotOf(request), faqId))) throw errors.notFound(FAQ);
      request.log.info({ faq_id: faqId }, 'faq deleted');

      return { success: true as const, faq_id: faqId.toLowerCase(), message: 'FAQ entry deleted.' };
    },
  );
};
