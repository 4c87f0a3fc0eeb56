/**
 * The emulator's own JSON API under `/_emulator/`, for curl, the demo and the chat page: set up
 * channels, act as LINE users, read what users received and which calls were made, and inject
 * faults. Secrets and access tokens are never echoed back.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import { ChannelConflictError, type ChannelState, UnknownChannelError } from './channels.js';
import { USER_ID } from './ids.js';
import { type EmulatorState, resetState } from './state.js';
import { type SimulatedUsers, UnknownEventError } from './users.js';

const ChannelParams = Type.Object({ channelId: Type.String() });
const UserParams = Type.Object({
  channelId: Type.String(),
  userId: Type.String({ pattern: USER_ID.source }),
});
const NewChannel = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1 })),
  channelSecret: Type.String({ minLength: 1 }),
  accessToken: Type.String({ minLength: 1 }),
  webhookUrl: Type.String({ pattern: '^https?://' }),
  basicId: Type.Optional(Type.String({ minLength: 1 })),
  botUserId: Type.Optional(Type.String({ pattern: USER_ID.source })),
  monthlyQuota: Type.Optional(Type.Integer({ minimum: 0 })),
});
const Quota = Type.Object({ limit: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]) });
const Text = Type.Object({ text: Type.String({ minLength: 1 }) });
const InboxQuery = Type.Object({ channel_id: Type.Optional(Type.String()) });
const CallsQuery = Type.Object({
  path: Type.Optional(Type.String()),
  channel_id: Type.Optional(Type.String()),
});
const Fault = Type.Object({
  path: Type.Optional(Type.String({ pattern: '^/' })),
  channelId: Type.Optional(Type.String()),
  status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
  message: Type.Optional(Type.String()),
  delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
  times: Type.Optional(Type.Integer({ minimum: 1 })),
  afterProcessing: Type.Optional(Type.Boolean()),
});

interface ControlOptions {
  readonly state: EmulatorState;
  readonly users: SimulatedUsers;
}

function publicView(channel: ChannelState) {
  const { id, basicId, botUserId, webhookUrl, usage } = channel;

  return { id, basicId, botUserId, webhookUrl, monthlyQuota: channel.monthlyQuota ?? null, usage };
}

function statusOf(error: FastifyError): number {
  if (error.validation !== undefined) return 400;
  if (error instanceof UnknownChannelError || error instanceof UnknownEventError) return 404;
  if (error instanceof ChannelConflictError) return 409;

  return error.statusCode ?? 500;
}

/** Registering channels and setting their quotas. */
const channelRoutes: FastifyPluginAsyncTypebox<ControlOptions> = async (app, { state, users }) => {
  app.get('/channels', async () => ({ channels: state.channels.list().map(publicView) }));

  app.post('/channels', { schema: { body: NewChannel } }, async (request, reply) =>
    reply.code(201).send(publicView(state.channels.register(request.body))),
  );

  app.put(
    '/channels/:channelId/quota',
    { schema: { params: ChannelParams, body: Quota } },
    async (request) => {
      const channel = state.channels.get(request.params.channelId);
      channel.monthlyQuota = request.body.limit ?? undefined;

      return publicView(channel);
    },
  );

  app.post('/channels/:channelId/verify', { schema: { params: ChannelParams } }, async (request) =>
    users.verify(request.params.channelId),
  );
};

/** Simulated users acting on a channel; each answers with the webhook delivery. */
const userRoutes: FastifyPluginAsyncTypebox<ControlOptions> = async (app, { users }) => {
  app.post(
    '/channels/:channelId/users/:userId/messages',
    { schema: { params: UserParams, body: Text } },
    async ({ params, body }) => users.sendText(params.channelId, params.userId, body.text),
  );

  app.post(
    '/channels/:channelId/users/:userId/follow',
    { schema: { params: UserParams } },
    async ({ params }) => users.follow(params.channelId, params.userId),
  );

  app.post(
    '/channels/:channelId/users/:userId/unfollow',
    { schema: { params: UserParams } },
    async ({ params }) => users.unfollow(params.channelId, params.userId),
  );

  app.post(
    '/events/:webhookEventId/redeliver',
    { schema: { params: Type.Object({ webhookEventId: Type.String() }) } },
    async ({ params }) => users.redeliver(params.webhookEventId),
  );
};

/** What users received and which LINE calls were made. */
const recordRoutes: FastifyPluginAsyncTypebox<ControlOptions> = async (app, { state }) => {
  app.get(
    '/users/:userId/messages',
    { schema: { params: Type.Object({ userId: Type.String() }), querystring: InboxQuery } },
    async ({ params, query }) => ({ messages: state.inboxes.of(params.userId, query.channel_id) }),
  );

  app.get('/calls', { schema: { querystring: CallsQuery } }, async ({ query }) => {
    const filter = {
      ...(query.path === undefined ? {} : { path: query.path }),
      ...(query.channel_id === undefined ? {} : { channelId: query.channel_id }),
    };

    return { calls: state.calls.list(filter) };
  });
};

const faultRoutes: FastifyPluginAsyncTypebox<ControlOptions> = async (app, { state }) => {
  app.get('/faults', async () => ({ faults: state.faults.list() }));

  app.post('/faults', { schema: { body: Fault } }, async (request, reply) => {
    state.faults.add(request.body);

    return reply.code(201).send({ faults: state.faults.list() });
  });

  app.delete('/faults', async () => {
    state.faults.clear();

    return { faults: [] };
  });

  app.post('/reset', async () => {
    resetState(state);

    return {};
  });
};

export const controlRoutes: FastifyPluginAsync<ControlOptions> = async (app, { state, users }) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) request.log.error({ err: error }, 'emulator control call failed');

    return reply.code(status).send({ error: status >= 500 ? 'Internal error' : error.message });
  });

  for (const routes of [channelRoutes, userRoutes, recordRoutes, faultRoutes]) {
    // Not the options themselves: they carry this plugin's prefix, which would apply twice.
    await app.register(routes, { state, users });
  }
};
