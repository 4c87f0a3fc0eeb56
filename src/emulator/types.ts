/** The public face of the built-in LINE Platform emulator. */
import type { Logger } from 'pino';

import type { RateLimit, RateLimitName } from './rate-limit.js';

export type { RateLimit, RateLimitName } from './rate-limit.js';

export interface EmulatorChannelInput {
  /** Defaults to a generated id; sandbox channels reuse botfleet's channel id. */
  readonly id?: string;
  readonly channelSecret: string;
  readonly accessToken: string;
  /** Where the emulator POSTs signed webhooks for this channel. */
  readonly webhookUrl: string;
  readonly basicId?: string | undefined;
  /** The bot's own user id (webhook `destination`); generated when absent. */
  readonly botUserId?: string;
  /** Messages a month (one per recipient); the emulator's `monthlyQuota` option when absent. */
  readonly monthlyQuota?: number | undefined;
}

export interface EmulatorChannel {
  readonly id: string;
  readonly channelSecret: string;
  readonly accessToken: string;
  readonly webhookUrl: string;
  readonly basicId: string;
  readonly botUserId: string;
}

/** What a simulated user received from a channel. */
export interface ReceivedMessage {
  readonly channelId: string;
  readonly userId: string;
  /** reply | push | multicast | broadcast */
  readonly via: 'reply' | 'push' | 'multicast' | 'broadcast';
  readonly message: Record<string, unknown>;
  readonly requestId: string;
  readonly retryKey: string | undefined;
  readonly at: string;
}

/** One API call the emulator answered. */
export interface ApiCallRecord {
  readonly channelId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly requestId: string;
  readonly retryKey: string | undefined;
  readonly body: unknown;
  readonly at: string;
}

/** A fault to inject on the emulator's LINE API endpoints, for fault tests. */
export interface FaultInput {
  /** Endpoint path to match, e.g. `/v2/bot/message/multicast`; all paths when absent. */
  readonly path?: string;
  /** Only calls made with this channel's token; all channels when absent. */
  readonly channelId?: string;
  /** Answer with this status (and LINE's error body) instead of processing. */
  readonly status?: number;
  /** Error body `message`, e.g. "You have reached your monthly limit." */
  readonly message?: string;
  /** Wait this long before answering (or before processing when there is no status). */
  readonly delayMs?: number;
  /** How many matching calls the fault applies to; unlimited when absent. */
  readonly times?: number;
  /** When true the call is processed (recipients receive) but the answer is this fault. */
  readonly afterProcessing?: boolean;
}

/** How the bot's server answered a webhook POST. */
export interface WebhookAttempt {
  /** The HTTP status, or 0 when no answer came (refused, reset, timed out). */
  readonly status: number;
  readonly durationMs: number;
  /** Set when LINE would count the delivery as failed, in LINE's error-statistics terms. */
  readonly reason?: 'could_not_connect' | 'request_timeout' | 'error_status_code';
}

export interface WebhookDelivery extends WebhookAttempt {
  readonly webhookEventId: string;
  readonly replyToken: string | undefined;
}

export interface LineEmulator {
  /** Origin the emulator serves LINE's paths on, e.g. http://127.0.0.1:3001 */
  readonly url: string;
  registerChannel(input: EmulatorChannelInput): EmulatorChannel;
  /** A simulated user sends text to the channel: a signed webhook is delivered. */
  sendText(channelId: string, userId: string, text: string): Promise<WebhookDelivery>;
  follow(channelId: string, userId: string): Promise<WebhookDelivery>;
  unfollow(channelId: string, userId: string): Promise<WebhookDelivery>;
  /** Messages a user received, oldest first; only from `channelId` when given. */
  inbox(userId: string, channelId?: string): ReceivedMessage[];
  calls(filter?: { path?: string; channelId?: string }): ApiCallRecord[];
  setFault(fault: FaultInput): void;
  clearFaults(): void;
  close(): Promise<void>;
  /** LINE resends an event: same id, reply token and timestamp, `isRedelivery: true`. */
  redeliver(webhookEventId: string): Promise<WebhookDelivery>;
  /** Signs and POSTs `body` byte for byte; `signature` replaces the correct one (for tests). */
  sendRawWebhook(
    channelId: string,
    body: string | Buffer,
    options?: { signature?: string },
  ): Promise<WebhookAttempt>;
  /** The console's "Verify" button: a signed body with no events. */
  verifyWebhook(channelId: string): Promise<WebhookAttempt>;
  channels(): EmulatorChannel[];
  /** Messages a month for the channel; undefined means unlimited. */
  setMonthlyQuota(channelId: string, limit: number | undefined): void;
  /** Forgets inboxes, API calls, faults, monthly usage and accepted retry keys; keeps channels. */
  reset(): void;
}

export interface EmulatorOptions {
  readonly host?: string;
  readonly port?: number;
  readonly log?: Logger;
  /** How long a reply token works after its webhook was sent; LINE's is about a minute. */
  readonly replyTokenTtlMs?: number;
  /** How long an accepted retry key is remembered; LINE's is 24 hours. */
  readonly retryKeyTtlMs?: number;
  /** A webhook answer slower than this counts as failed; LINE waits about 2 seconds. */
  readonly webhookTimeoutMs?: number;
  /** Overrides LINE's rate limits, e.g. a small multicast limit for a test. */
  readonly rateLimits?: Partial<Record<RateLimitName, RateLimit>>;
  /** Default monthly message quota of every channel; unlimited when absent. */
  readonly monthlyQuota?: number;
}
