/**
 * Simulated LINE users acting on a channel: each action becomes a signed webhook to the
 * channel's server, with a reply token for the events a bot may answer. Recent events are kept
 * so they can be redelivered exactly as LINE redelivers them.
 */
import type { Logger } from 'pino';

import type { ChannelState } from './channels.js';
import {
  asRedelivery,
  followEvent,
  textEvent,
  unfollowEvent,
  webhookBody,
  type WebhookEvent,
} from './events.js';
import type { EmulatorState } from './state.js';
import type { WebhookAttempt, WebhookDelivery } from './types.js';
import { postWebhook } from './webhook-sender.js';

const MAX_KEPT_EVENTS = 10_000;

interface SentEvent {
  readonly channelId: string;
  readonly event: WebhookEvent;
}

export class UnknownEventError extends Error {
  constructor(readonly webhookEventId: string) {
    super(`the LINE emulator has not sent an event ${webhookEventId}`);
  }
}

export class SimulatedUsers {
  private readonly sent = new Map<string, SentEvent>();

  constructor(
    private readonly state: EmulatorState,
    private readonly timeoutMs: number,
    private readonly log: Logger | undefined,
  ) {}

  async sendText(channelId: string, userId: string, text: string): Promise<WebhookDelivery> {
    const channel = this.state.channels.get(channelId);
    this.state.channels.meet(channel, userId);
    const now = Date.now();

    return this.deliver(
      channel,
      textEvent(userId, text, this.replyToken(channel, userId, now), now),
    );
  }

  async follow(channelId: string, userId: string): Promise<WebhookDelivery> {
    const channel = this.state.channels.get(channelId);
    const wasBlocked = this.state.channels.setFollowing(channel, userId, true);
    const now = Date.now();
    const token = this.replyToken(channel, userId, now);

    return this.deliver(channel, followEvent(userId, wasBlocked, token, now));
  }

  async unfollow(channelId: string, userId: string): Promise<WebhookDelivery> {
    const channel = this.state.channels.get(channelId);
    this.state.channels.setFollowing(channel, userId, false);

    return this.deliver(channel, unfollowEvent(userId, Date.now()));
  }

  /** Same event id, reply token and timestamp; the reply token works again for a while. */
  async redeliver(webhookEventId: string): Promise<WebhookDelivery> {
    const sent = this.sent.get(webhookEventId);
    if (sent === undefined) throw new UnknownEventError(webhookEventId);

    const channel = this.state.channels.get(sent.channelId);
    if (sent.event.replyToken !== undefined) {
      this.state.replyTokens.redelivered(sent.event.replyToken, Date.now());
    }

    return this.deliver(channel, asRedelivery(sent.event));
  }

  async sendRaw(
    channelId: string,
    body: string | Buffer,
    signature?: string,
  ): Promise<WebhookAttempt> {
    const channel = this.state.channels.get(channelId);

    return this.post(channel, body, signature);
  }

  async verify(channelId: string): Promise<WebhookAttempt> {
    const channel = this.state.channels.get(channelId);

    return this.post(channel, webhookBody(channel.botUserId, []));
  }

  private replyToken(channel: ChannelState, userId: string, now: number): string {
    return this.state.replyTokens.issue(channel.id, userId, now, now);
  }

  private async deliver(channel: ChannelState, event: WebhookEvent): Promise<WebhookDelivery> {
    this.keep(channel.id, event);
    const attempt = await this.post(channel, webhookBody(channel.botUserId, [event]));

    return { ...attempt, webhookEventId: event.webhookEventId, replyToken: event.replyToken };
  }

  private keep(channelId: string, event: WebhookEvent): void {
    if (this.sent.has(event.webhookEventId)) return;

    this.sent.set(event.webhookEventId, { channelId, event: { ...event } });
    if (this.sent.size > MAX_KEPT_EVENTS) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }

  private async post(
    channel: ChannelState,
    body: string | Buffer,
    signature?: string,
  ): Promise<WebhookAttempt> {
    const { webhookUrl: url, channelSecret } = channel;
    const timeoutMs = this.timeoutMs;
    const attempt = await postWebhook({ url, body, channelSecret, signature, timeoutMs });
    if (attempt.reason !== undefined) {
      const { status, durationMs, reason } = attempt;
      const fields = { channel_id: channel.id, url, status, duration_ms: durationMs, reason };
      this.log?.warn(fields, 'webhook delivery failed');
    }

    return attempt;
  }
}
