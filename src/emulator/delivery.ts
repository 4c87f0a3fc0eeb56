/**
 * What LINE does once a sending call is accepted: count the quota, put the messages in each
 * recipient's inbox (skipping users who blocked the channel) and hand back message ids.
 */
import type { ChannelState } from './channels.js';
import { messageId, quoteToken } from './ids.js';
import { lineErrors, type SentMessage } from './line-errors.js';
import type { Message, MulticastRequest, PushRequest, ReplyRequest } from './requests.js';
import type { EmulatorState } from './state.js';
import type { ReceivedMessage } from './types.js';

export interface CallMeta {
  readonly requestId: string;
  readonly retryKey: string | undefined;
  readonly now: number;
}

/** Message types a user can quote in a reply, which is why LINE gives them a quote token. */
const QUOTABLE = new Set(['text', 'textV2', 'sticker', 'image', 'video']);

function sentMessagesOf(messages: readonly Message[]): SentMessage[] {
  return messages.map((message) =>
    QUOTABLE.has(String(message.type))
      ? { id: messageId(), quoteToken: quoteToken() }
      : { id: messageId() },
  );
}

function deliver(
  state: EmulatorState,
  channel: ChannelState,
  recipients: readonly string[],
  messages: readonly Message[],
  via: ReceivedMessage['via'],
  meta: CallMeta,
): void {
  const at = new Date(meta.now).toISOString();
  for (const userId of recipients) {
    for (const message of messages) {
      const { requestId, retryKey } = meta;
      state.inboxes.add({ channelId: channel.id, userId, via, message, requestId, retryKey, at });
    }
  }
}

/** Users who blocked the channel are skipped silently and not charged, as on LINE. */
function reachable(state: EmulatorState, channel: ChannelState, ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  for (const id of unique) state.channels.meet(channel, id);

  return unique.filter((id) => state.channels.reaches(channel, id));
}

export function push(
  state: EmulatorState,
  channel: ChannelState,
  request: PushRequest,
  meta: CallMeta,
): SentMessage[] {
  const recipients = reachable(state, channel, [request.to]);
  state.channels.charge(channel, recipients.length);
  deliver(state, channel, recipients, request.messages, 'push', meta);

  return sentMessagesOf(request.messages);
}

export function multicast(
  state: EmulatorState,
  channel: ChannelState,
  request: MulticastRequest,
  meta: CallMeta,
): void {
  const recipients = reachable(state, channel, request.to);
  state.channels.charge(channel, recipients.length);
  deliver(state, channel, recipients, request.messages, 'multicast', meta);
}

export function broadcast(
  state: EmulatorState,
  channel: ChannelState,
  messages: readonly Message[],
  meta: CallMeta,
): void {
  const recipients = state.channels.audience(channel);
  state.channels.charge(channel, recipients.length);
  deliver(state, channel, recipients, messages, 'broadcast', meta);
}

/** Replies are free: they use up the reply token but not the monthly quota. */
export function reply(
  state: EmulatorState,
  channel: ChannelState,
  request: ReplyRequest,
  meta: CallMeta,
): SentMessage[] {
  const chatId = state.replyTokens.use(request.replyToken, channel.id, meta.now);
  if (chatId === undefined) throw lineErrors.invalidReplyToken();

  deliver(state, channel, [chatId], request.messages, 'reply', meta);

  return sentMessagesOf(request.messages);
}
