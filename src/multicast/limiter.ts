/**
 * Pacing of LINE calls per channel: a token bucket keeps the request rate well
 * under LINE's multicast limit (200 requests/s per channel), and a semaphore
 * bounds the calls in flight. Limiters are shared by every multicast of one
 * LINE gateway (one running service), so concurrent multicasts share a budget.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const CALLS_IN_FLIGHT_PER_CHANNEL = 4;
export const CALLS_PER_SECOND_PER_CHANNEL = 100;
export const CALL_BURST_PER_CHANNEL = 10;

/** A token bucket in its "virtual scheduling" form: each take books the next free instant. */
export class TokenBucket {
  private readonly intervalMs: number;
  private nextFreeAt = 0;

  constructor(
    ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** How long the caller must wait before its call; books the slot at once. */
  reserve(): number {
    const now = this.now();
    this.nextFreeAt = Math.max(this.nextFreeAt, now) + this.intervalMs;

    return Math.max(0, this.nextFreeAt - this.burst * this.intervalMs - now);
  }

  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(wait);
  }
}

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  get inFlight(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays counted.
      if (next === undefined) this.active--;
      else next();
    }
  }
}

export class ChannelLimiter {
  private readonly bucket = new TokenBucket(CALLS_PER_SECOND_PER_CHANNEL, CALL_BURST_PER_CHANNEL);
  private readonly slots = new Semaphore(CALLS_IN_FLIGHT_PER_CHANNEL);

  run<T>(call: () => Promise<T>): Promise<T> {
    return this.slots.run(async () => {
      await this.bucket.take();

      return call();
    });
  }
}

const limiters = new WeakMap<object, Map<string, ChannelLimiter>>();

/** The limiter of `channelId` among those belonging to `owner` (a LINE gateway). */
export function channelLimiter(owner: object, channelId: string): ChannelLimiter {
  let byChannel = limiters.get(owner);
  if (byChannel === undefined) limiters.set(owner, (byChannel = new Map<string, ChannelLimiter>()));
  let limiter = byChannel.get(channelId);
  if (limiter === undefined) byChannel.set(channelId, (limiter = new ChannelLimiter()));

  return limiter;
}
