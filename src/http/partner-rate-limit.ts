/**
 * A request budget per partner: a token bucket refilled continuously, so a
 * partner's bursts are absorbed and a runaway client gets 429 with
 * Retry-After instead of slowing every other tenant down. The budget is kept
 * per instance; with N instances a partner may reach N times the rate.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

import { errors } from './errors.js';
import { partnerOf } from './partner-auth.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RequestBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request from the budget; returns the seconds to wait when there is none. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond,
    );
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;

      return 0;
    }

    return Math.ceil((1 - bucket.tokens) / this.perSecond);
  }
}

/** An onRequest hook, after authentication. */
export function partnerRateLimit(perSecond: number) {
  const budget = new RequestBudget(perSecond, perSecond * 2);

  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const wait = budget.take(partnerOf(request).id);
    if (wait > 0) throw errors.rateLimited(wait);
  };
}
