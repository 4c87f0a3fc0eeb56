/**
 * LINE's rate limits: a token bucket per channel and endpoint that refills gradually, so a
 * burst up to the limit passes and then calls are let through only as fast as it refills.
 */

export interface RateLimit {
  /** Calls allowed per window, which is also the largest burst. */
  readonly limit: number;
  readonly windowMs: number;
}

export type RateLimitName = 'default' | 'multicast' | 'loading' | 'broadcast';

export type RateLimits = Readonly<Record<RateLimitName, RateLimit>>;

const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;

export const LINE_RATE_LIMITS: RateLimits = {
  default: { limit: 2000, windowMs: SECOND },
  multicast: { limit: 200, windowMs: SECOND },
  loading: { limit: 100, windowMs: SECOND },
  broadcast: { limit: 60, windowMs: HOUR },
};

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: RateLimit,
    now: number,
  ) {
    this.tokens = rate.limit;
    this.updatedAt = now;
  }

  /** Takes one token when there is one; false means the call is over the limit. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;

    this.tokens -= 1;

    return true;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    const refilled = (elapsed * this.rate.limit) / this.rate.windowMs;
    this.tokens = Math.min(this.rate.limit, this.tokens + refilled);
    this.updatedAt = now;
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limits: RateLimits) {}

  /** Counts one call by `channelId` to `endpoint` (method and path) under the named limit. */
  allow(channelId: string, endpoint: string, name: RateLimitName, now = Date.now()): boolean {
    const key = `${channelId} ${endpoint}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limits[name], now);
      this.buckets.set(key, bucket);
    }

    return bucket.take(now);
  }

  reset(): void {
    this.buckets.clear();
  }
}
