/** Everything the emulator holds in memory, created from its options. */
import { ChannelRegistry } from './channels.js';
import { Faults } from './faults.js';
import { LINE_RATE_LIMITS, RateLimiter } from './rate-limit.js';
import { CallLog, Inboxes } from './records.js';
import { ReplyTokens } from './reply-tokens.js';
import { RETRY_KEY_TTL_MS, RetryKeys } from './retry-keys.js';
import type { EmulatorOptions } from './types.js';

export const REPLY_TOKEN_TTL_MS = 60_000;

export interface EmulatorState {
  readonly channels: ChannelRegistry;
  readonly inboxes: Inboxes;
  readonly calls: CallLog;
  readonly faults: Faults;
  readonly replyTokens: ReplyTokens;
  readonly retryKeys: RetryKeys;
  readonly limiter: RateLimiter;
}

export function createState(options: EmulatorOptions): EmulatorState {
  return {
    channels: new ChannelRegistry(options.monthlyQuota),
    inboxes: new Inboxes(),
    calls: new CallLog(),
    faults: new Faults(),
    replyTokens: new ReplyTokens(options.replyTokenTtlMs ?? REPLY_TOKEN_TTL_MS),
    retryKeys: new RetryKeys(options.retryKeyTtlMs ?? RETRY_KEY_TTL_MS),
    limiter: new RateLimiter({ ...LINE_RATE_LIMITS, ...options.rateLimits }),
  };
}

/** Back to a clean slate for the next test or demo run; channels and friendships stay. */
export function resetState(state: EmulatorState): void {
  state.inboxes.clear();
  state.calls.clear();
  state.faults.clear();
  state.retryKeys.clear();
  state.limiter.reset();
  state.channels.resetUsage();
}
