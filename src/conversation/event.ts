/**
 * A stored webhook event read into the few shapes the conversation code acts
 * on. Stored JSON is untrusted: anything unexpected becomes `other`.
 */

export interface EventBase {
  readonly type: string;
  /** `standby` when another channel module owns the chat: then nothing is sent. */
  readonly mode: string;
  /** The sending user, when LINE names one. */
  readonly userId: string | undefined;
  /** user | group | room */
  readonly sourceType: string | undefined;
  readonly replyToken: string | undefined;
}

export type InboundEvent =
  | (EventBase & { readonly kind: 'text'; readonly text: string })
  | (EventBase & { readonly kind: 'media'; readonly messageType: string })
  | (EventBase & { readonly kind: 'follow' })
  | (EventBase & { readonly kind: 'unfollow' })
  | (EventBase & { readonly kind: 'other' });

/** Tokens LINE's old "Verify" button sent; replying to them always fails. */
const DUMMY_REPLY_TOKENS = new Set([
  '00000000000000000000000000000000',
  'ffffffffffffffffffffffffffffffff',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];

  return typeof value === 'string' && value !== '' ? value : undefined;
}

function baseOf(event: Record<string, unknown>): EventBase {
  const source = isRecord(event.source) ? event.source : {};
  const replyToken = stringField(event, 'replyToken');

  return {
    type: stringField(event, 'type') ?? 'unknown',
    mode: stringField(event, 'mode') ?? 'active',
    userId: stringField(source, 'userId'),
    sourceType: stringField(source, 'type'),
    replyToken:
      replyToken !== undefined && DUMMY_REPLY_TOKENS.has(replyToken) ? undefined : replyToken,
  };
}

function messageEvent(base: EventBase, message: unknown): InboundEvent {
  if (!isRecord(message)) return { ...base, kind: 'other' };

  const messageType = stringField(message, 'type') ?? 'unknown';
  if (messageType !== 'text') return { ...base, kind: 'media', messageType };

  const text = message.text;

  return typeof text === 'string' ? { ...base, kind: 'text', text } : { ...base, kind: 'other' };
}

export function readEvent(raw: unknown): InboundEvent {
  if (!isRecord(raw)) return { ...baseOf({}), kind: 'other' };

  const base = baseOf(raw);
  switch (base.type) {
    case 'message':
      return messageEvent(base, raw.message);
    case 'follow':
      return { ...base, kind: 'follow' };
    case 'unfollow':
      return { ...base, kind: 'unfollow' };
    default:
      return { ...base, kind: 'other' };
  }
}

/** Whether botfleet may answer the event: an active 1:1 chat event with a reply token. */
export function isAnswerable(
  event: EventBase,
): event is EventBase & { userId: string; replyToken: string } {
  return (
    event.mode === 'active' &&
    event.sourceType === 'user' &&
    event.userId !== undefined &&
    event.replyToken !== undefined
  );
}
