/**
 * The LINE webhook. The signature is checked over the exact bytes LINE sent
 * before anything is parsed; the events are stored and answered 200 at once,
 * and the event processor handles them off the request path.
 */
import { validateSignature } from '@line/bot-sdk';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

import type { Channel } from '../channels/store.js';
import type { AppContext } from '../context.js';
import { errors } from '../http/errors.js';
import { ChannelCache } from '../webhook/channel-cache.js';
import { parseWebhookBody } from '../webhook/intake.js';
import { storeEvents } from '../webhook/store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface WebhookParams {
  channelId: string;
}

function isSignedBy(request: FastifyRequest, body: Buffer, channel: Channel): boolean {
  // Node lower-cases header names, so this covers X-Line-Signature as well.
  const signature = request.headers['x-line-signature'];

  return (
    typeof signature === 'string' &&
    signature !== '' &&
    validateSignature(body, channel.channelSecret, signature)
  );
}

/** The channel the webhook is for, once the body is known to be signed with its secret. */
async function verifiedChannel(
  channels: ChannelCache,
  request: FastifyRequest<{ Params: WebhookParams }>,
  body: Buffer,
): Promise<Channel> {
  const { channelId } = request.params;
  let channel = UUID.test(channelId) ? await channels.get(channelId) : undefined;
  if (channel === undefined) throw errors.notFound('The channel');

  // The secret may have been replaced since it was cached.
  if (!isSignedBy(request, body, channel)) channel = await channels.get(channelId, true);
  if (channel === undefined || !isSignedBy(request, body, channel)) {
    throw errors.unauthorized('The x-line-signature header is missing or wrong.');
  }

  return channel;
}

export const webhookRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // The signature covers the raw bytes, so no parser may touch them first.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  const channels = new ChannelCache(ctx.db, ctx.secrets);
  app.post<{ Params: WebhookParams }>(
    '/:channelId',
    { schema: { hide: true } },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const channel = await verifiedChannel(channels, request, body);

      const { events, skipped } = parseWebhookBody(body);
      if (skipped > 0) request.log.warn({ skipped }, 'webhook events without an id were skipped');
      const stored = await storeEvents(ctx.db, channel.id, events);
      request.log.info(
        { channel_id: channel.id, received: events.length, stored },
        'webhook events accepted',
      );
      if (stored > 0) ctx.notifyEvents();

      return reply.status(200).send({});
    },
  );
};
