/**
 * The built-in LINE Platform emulator: LINE's API paths for sandbox channels, simulated users
 * who send signed webhooks, a control API under `/_emulator/` and a chat page at `/`.
 * Everything is kept in memory; `close()` stops it.
 */
import { randomUUID } from 'node:crypto';

import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';

import { apiRoutes } from './api-routes.js';
import { controlRoutes } from './control-routes.js';
import { createState, type EmulatorState, resetState } from './state.js';
import type { EmulatorOptions, LineEmulator } from './types.js';
import { uiRoutes } from './ui.js';
import { SimulatedUsers } from './users.js';
import { WEBHOOK_TIMEOUT_MS } from './webhook-sender.js';

export * from './types.js';

function originOf(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator is not listening');

  // A wildcard address is not one a client can call; loopback reaches the same server.
  const host =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address === '::' ? '::1' : address.address}]`
        : address.address;

  return `http://${host}:${address.port}`;
}

async function buildServer(state: EmulatorState, users: SimulatedUsers, options: EmulatorOptions) {
  const logger: FastifyBaseLogger | undefined = options.log?.child({ component: 'line-emulator' });
  const app = Fastify({
    loggerInstance: logger,
    // LINE's request ids are UUIDs; Fastify's own id doubles as `x-line-request-id`.
    genReqId: () => randomUUID(),
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-line-request-id', request.id);
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ message: 'Not found' }));

  await app.register(apiRoutes, { state });
  await app.register(controlRoutes, { prefix: '/_emulator', state, users });
  await app.register(uiRoutes);

  return app;
}

export async function startEmulator(options: EmulatorOptions): Promise<LineEmulator> {
  const state = createState(options);
  const timeoutMs = options.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const users = new SimulatedUsers(state, timeoutMs, options.log);
  const app = await buildServer(state, users, options);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const url = originOf(app);

  return {
    url,
    registerChannel: (input) => state.channels.register(input),
    sendText: (channelId, userId, text) => users.sendText(channelId, userId, text),
    follow: (channelId, userId) => users.follow(channelId, userId),
    unfollow: (channelId, userId) => users.unfollow(channelId, userId),
    redeliver: (webhookEventId) => users.redeliver(webhookEventId),
    sendRawWebhook: (channelId, body, raw) => users.sendRaw(channelId, body, raw?.signature),
    verifyWebhook: (channelId) => users.verify(channelId),
    inbox: (userId, channelId) => state.inboxes.of(userId, channelId),
    calls: (filter) => state.calls.list(filter),
    setFault: (fault) => state.faults.add(fault),
    clearFaults: () => state.faults.clear(),
    channels: () => state.channels.list(),
    setMonthlyQuota: (channelId, limit) => {
      state.channels.get(channelId).monthlyQuota = limit;
    },
    reset: () => resetState(state),
    close: () => app.close(),
  };
}
