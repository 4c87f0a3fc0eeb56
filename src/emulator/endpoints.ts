/** LINE's endpoints as the emulator serves them: path, rate limit, retry-key support, handler. */
import type { ChannelState } from './channels.js';
import { broadcast, type CallMeta, multicast, push, reply } from './delivery.js';
import { USER_ID } from './ids.js';
import { lineErrors, type SentMessage } from './line-errors.js';
import type { RateLimitName } from './rate-limit.js';
import {
  type Json,
  loadingRequest,
  messagesOnly,
  multicastRequest,
  pushRequest,
  replyRequest,
} from './requests.js';
import type { EmulatorState } from './state.js';

export interface LineCall {
  readonly channel: ChannelState;
  readonly body: Json;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly meta: CallMeta;
}

export interface LineAnswer {
  readonly status: number;
  readonly body: object;
  readonly headers?: Readonly<Record<string, string>>;
  /** Kept with an accepted retry key: a push's 409 repeats them. */
  readonly sentMessages?: readonly SentMessage[];
}

export interface Endpoint {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly limit: RateLimitName;
  /** Whether LINE accepts an `X-Line-Retry-Key` here (it answers 400 elsewhere). */
  readonly retryKey: boolean;
  readonly handle: (state: EmulatorState, call: LineCall) => LineAnswer;
}

const EMPTY: LineAnswer = { status: 200, body: {} };

function sent(sentMessages: SentMessage[]): LineAnswer {
  return { status: 200, body: { sentMessages }, sentMessages };
}

function post(
  url: string,
  limit: RateLimitName,
  retryKey: boolean,
  handle: Endpoint['handle'],
): Endpoint {
  return { method: 'POST', url, limit, retryKey, handle };
}

function get(url: string, handle: Endpoint['handle']): Endpoint {
  return { method: 'GET', url, limit: 'default', retryKey: false, handle };
}

function profile(state: EmulatorState, channel: ChannelState, userId: string | undefined) {
  if (userId === undefined || !USER_ID.test(userId)) throw lineErrors.invalidParameter('userId');
  state.channels.meet(channel, userId);
  if (!state.channels.reaches(channel, userId)) throw lineErrors.notFound();

  return { displayName: `LINE user ${userId.slice(-4)}`, userId };
}

function botInfo(channel: ChannelState) {
  return {
    userId: channel.botUserId,
    basicId: channel.basicId,
    displayName: `Sandbox ${channel.basicId}`,
    chatMode: 'bot',
    markAsReadMode: 'auto',
  };
}

const VALIDATED_KINDS = ['reply', 'push', 'multicast', 'narrowcast', 'broadcast'];

export const ENDPOINTS: readonly Endpoint[] = [
  post('/v2/bot/message/reply', 'default', false, (state, { channel, body, meta }) =>
    sent(reply(state, channel, replyRequest(body), meta)),
  ),
  post('/v2/bot/message/push', 'default', true, (state, { channel, body, meta }) =>
    sent(push(state, channel, pushRequest(body), meta)),
  ),
  post('/v2/bot/message/multicast', 'multicast', true, (state, { channel, body, meta }) => {
    multicast(state, channel, multicastRequest(body), meta);

    return EMPTY;
  }),
  post('/v2/bot/message/broadcast', 'broadcast', true, (state, { channel, body, meta }) => {
    broadcast(state, channel, messagesOnly(body), meta);

    return EMPTY;
  }),
  ...VALIDATED_KINDS.map((kind) =>
    post(`/v2/bot/message/validate/${kind}`, 'default', false, (_state, { body }) => {
      messagesOnly(body);

      return EMPTY;
    }),
  ),
  post('/v2/bot/chat/loading/start', 'loading', false, (_state, { body }) => {
    loadingRequest(body);

    return { status: 202, body: {} };
  }),
  get('/v2/bot/info', (_state, { channel }) => ({ status: 200, body: botInfo(channel) })),
  get('/v2/bot/profile/:userId', (state, { channel, params }) => ({
    status: 200,
    body: profile(state, channel, params.userId),
  })),
  get('/v2/bot/message/quota', (_state, { channel }) => ({
    status: 200,
    body:
      channel.monthlyQuota === undefined
        ? { type: 'none' }
        : { type: 'limited', value: channel.monthlyQuota },
  })),
  get('/v2/bot/message/quota/consumption', (_state, { channel }) => ({
    status: 200,
    body: { totalUsage: channel.usage },
  })),
];
