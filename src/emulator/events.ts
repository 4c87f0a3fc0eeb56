/** Webhook events in LINE's shape, as a simulated user's actions produce them. */
import { messageId, quoteToken, ulid } from './ids.js';

export interface WebhookEvent {
  readonly type: 'message' | 'follow' | 'unfollow';
  readonly mode: 'active';
  readonly timestamp: number;
  readonly source: { readonly type: 'user'; readonly userId: string };
  readonly webhookEventId: string;
  readonly deliveryContext: { readonly isRedelivery: boolean };
  /** Only on events a bot can reply to. */
  readonly replyToken?: string;
  readonly message?: {
    readonly id: string;
    readonly type: 'text';
    readonly quoteToken: string;
    readonly text: string;
  };
  readonly follow?: { readonly isUnblocked: boolean };
}

/** The fields every event shares; LINE leaves out properties that have no value. */
function base(type: WebhookEvent['type'], userId: string, now: number) {
  return {
    type,
    mode: 'active' as const,
    timestamp: now,
    source: { type: 'user' as const, userId },
    webhookEventId: ulid(now),
    deliveryContext: { isRedelivery: false },
  };
}

export function textEvent(
  userId: string,
  text: string,
  replyToken: string,
  now: number,
): WebhookEvent {
  return {
    ...base('message', userId, now),
    replyToken,
    message: { id: messageId(), type: 'text', quoteToken: quoteToken(), text },
  };
}

export function followEvent(
  userId: string,
  isUnblocked: boolean,
  replyToken: string,
  now: number,
): WebhookEvent {
  return { ...base('follow', userId, now), replyToken, follow: { isUnblocked } };
}

export function unfollowEvent(userId: string, now: number): WebhookEvent {
  return base('unfollow', userId, now);
}

export function asRedelivery(event: WebhookEvent): WebhookEvent {
  return { ...event, deliveryContext: { isRedelivery: true } };
}

/** The exact bytes LINE signs and POSTs. */
export function webhookBody(destination: string, events: readonly WebhookEvent[]): string {
  return JSON.stringify({ destination, events });
}
