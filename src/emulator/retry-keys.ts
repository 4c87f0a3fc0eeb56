/**
 * `X-Line-Retry-Key`s of accepted calls, per channel, remembered for 24 hours (by default) so
 * a retry of an accepted call is answered 409 instead of sending twice.
 */
import type { SentMessage } from './line-errors.js';

export interface AcceptedCall {
  readonly requestId: string;
  readonly sentMessages: readonly SentMessage[] | undefined;
  readonly at: number;
}

export const RETRY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export class RetryKeys {
  /** In acceptance order, so expired keys are at the front. */
  private readonly accepted = new Map<string, AcceptedCall>();

  constructor(private readonly ttlMs: number = RETRY_KEY_TTL_MS) {}

  find(channelId: string, key: string, now: number): AcceptedCall | undefined {
    this.prune(now);

    return this.accepted.get(keyOf(channelId, key));
  }

  remember(channelId: string, key: string, call: AcceptedCall): void {
    this.accepted.set(keyOf(channelId, key), call);
  }

  clear(): void {
    this.accepted.clear();
  }

  private prune(now: number): void {
    for (const [key, call] of this.accepted) {
      if (now - call.at < this.ttlMs) return;
      this.accepted.delete(key);
    }
  }
}

/** Keys are UUIDs, which compare case-insensitively. */
function keyOf(channelId: string, key: string): string {
  return `${channelId} ${key.toLowerCase()}`;
}
