/** The public face of the built-in LINE Platform emulator. */
import type { Logger } from 'pino';

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
  /** reply | push | multicast */
  readonly via: 'reply' | 'push' | 'multicast';
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

export interface WebhookDelivery {
  readonly status: number;
  readonly webhookEventId: string;
  readonly replyToken: string | undefined;
  readonly durationMs: number;
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
}

export interface EmulatorOptions {
  readonly host?: string;
  readonly port?: number;
  readonly log?: Logger;
}
