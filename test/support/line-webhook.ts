/**
 * Shortcuts for the webhook and conversation tests: LINE-shaped event bodies,
 * signing and posting them exactly as LINE would, and waiting for the event
 * processor to finish with them.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { asc, eq, sql } from 'drizzle-orm';

import { conversationTurns, webhookEvents } from '../../src/db/schema.js';
import type { ReceivedMessage } from '../../src/emulator/index.js';
import type { TestService } from './service.js';

export const DESTINATION = 'U0f3c1a2b4d5e6f708192a3b4c5d6e7f8';

export function sign(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh webhookEventId in LINE's ULID shape. */
export function eventId(): string {
  return Array.from(randomBytes(26), (byte) => CROCKFORD.charAt(byte % 32)).join('');
}

export interface TextEventInput {
  readonly userId: string;
  readonly text: string;
  readonly webhookEventId?: string;
  readonly replyToken?: string | null;
  readonly mode?: 'active' | 'standby';
}

export function textEvent(input: TextEventInput): Record<string, unknown> {
  return {
    type: 'message',
    mode: input.mode ?? 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId: input.userId },
    webhookEventId: input.webhookEventId ?? eventId(),
    deliveryContext: { isRedelivery: false },
    ...(input.replyToken === null
      ? {}
      : { replyToken: input.replyToken ?? randomBytes(16).toString('hex') }),
    message: { id: String(Date.now()), type: 'text', quoteToken: 'q', text: input.text },
  };
}

export function webhookBody(events: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ destination: DESTINATION, events });
}

/** POSTs the exact bytes, signed with `signature` (the right one unless given; null = none). */
export function postWebhook(
  service: TestService,
  channelId: string,
  body: string | Buffer,
  signature: string | null,
  headerName = 'x-line-signature',
) {
  return service.app.inject({
    method: 'POST',
    url: `/api/line/webhook/${channelId}`,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(signature === null ? {} : { [headerName]: signature }),
    },
    payload: body,
  });
}

export async function eventRows(service: TestService, channelId?: string) {
  return service.ctx.db
    .select()
    .from(webhookEvents)
    .where(channelId === undefined ? undefined : eq(webhookEvents.channelId, channelId))
    .orderBy(asc(webhookEvents.id));
}

export async function turnsOf(service: TestService, lineUserId: string) {
  return service.ctx.db
    .select({
      role: conversationTurns.role,
      content: conversationTurns.content,
      botId: conversationTurns.botId,
      channelId: conversationTurns.channelId,
      webhookEventId: conversationTurns.webhookEventId,
    })
    .from(conversationTurns)
    .where(eq(conversationTurns.lineUserId, lineUserId))
    .orderBy(asc(conversationTurns.id));
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until every stored event is done or failed. */
export async function settled(service: TestService, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    'webhook events to be processed',
    async () => {
      const [row] = await service.ctx.db
        .select({ open: sql<number>`count(*)::int` })
        .from(webhookEvents)
        .where(sql`${webhookEvents.status} in ('pending', 'processing')`);

      return row?.open === 0 ? true : undefined;
    },
    timeoutMs,
  );
}

/** Waits for the user's inbox to hold `count` messages and returns their texts. */
export async function inboxTexts(
  service: TestService,
  userId: string,
  count: number,
  timeoutMs = 10_000,
): Promise<string[]> {
  const inbox = await waitFor(
    `${count} message(s) for ${userId}`,
    () => {
      const messages = service.emulator.inbox(userId);

      return messages.length >= count ? messages : undefined;
    },
    timeoutMs,
  );

  return inbox.map(textOf);
}

export function textOf(message: ReceivedMessage): string {
  const text = message.message.text;

  return typeof text === 'string' ? text : JSON.stringify(message.message);
}
