/**
 * The HTTP application: partner API, bot management API, LINE webhook, health
 * and the OpenAPI document. Built from a context so tests and the CLI can run
 * it on any database; `src/service.ts` is what listens and runs the workers.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';

import type { AppContext } from './context.js';
import { installErrorHandling } from './http/error-handler.js';
import { errorBody, errors } from './http/errors.js';
import { requestIdFor } from './http/request-id.js';
import { botRoutes } from './routes/bots/index.js';
import { healthRoutes } from './routes/health.js';
import { partnerRoutes } from './routes/partner/index.js';
import { webhookRoutes } from './routes/webhook.js';
import { findUnstorableText } from './text/storable.js';

export const BODY_LIMIT = 1024 * 1024;

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: BODY_LIMIT,
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
    return503OnClosing: true,
    frameworkErrors: (_error, request, reply) => {
      const error = errors.validation([], 'The request URL is not valid.');
      reply.raw
        .writeHead(400, { 'content-type': 'application/json', 'x-request-id': request.id })
        .end(JSON.stringify(errorBody(error, request.id)));
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('preValidation', async (request) => {
    if (Buffer.isBuffer(request.body)) return;
    const path = findUnstorableText(request.body);
    if (path !== undefined) {
      throw errors.validation(
        [{ path, message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }],
        `The request is invalid: ${path} contains characters that cannot be stored.`,
      );
    }
  });
  installErrorHandling(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'botfleet API', version: '1' },
      components: {
        securitySchemes: {
          partnerApiKey: { type: 'http', scheme: 'bearer', description: 'Partner API key' },
          mgmtToken: { type: 'http', scheme: 'bearer', description: "A bot's management token" },
        },
      },
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { ctx });
  await app.register(partnerRoutes, { ctx, prefix: '/api/partner' });
  await app.register(botRoutes, { ctx, prefix: '/api/bots' });
  await app.register(webhookRoutes, { ctx, prefix: '/api/line/webhook' });

  return app;
}
