/**
 * A counting semaphore per key (a bot id): at most `limit` tasks of one key run
 * at once, the rest wait in order. Waiting ends early when the task's signal
 * aborts. Keys without running or waiting tasks are forgotten.
 */

interface Lane {
  running: number;
  readonly waiting: (() => void)[];
}

export class KeyedSemaphore {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    const lane = await this.acquire(key, signal);
    try {
      return await task();
    } finally {
      this.release(key, lane);
    }
  }

  /** Tasks running for a key (for tests and logs). */
  running(key: string): number {
    return this.lanes.get(key)?.running ?? 0;
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(key, lane);
    }

    return lane;
  }

  private async acquire(key: string, signal: AbortSignal): Promise<Lane> {
    signal.throwIfAborted();
    const lane = this.lane(key);
    if (lane.running < this.limit) {
      lane.running++;

      return lane;
    }

    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        lane.waiting.splice(lane.waiting.indexOf(grant), 1);
        this.forgetIfIdle(key, lane);
        reject(signal.reason as Error);
      };
      // The releasing task hands its place over: `running` stays the same.
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      lane.waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });

    return lane;
  }

  private release(key: string, lane: Lane): void {
    const next = lane.waiting.shift();
    if (next !== undefined) {
      next();

      return;
    }
    lane.running--;
    this.forgetIfIdle(key, lane);
  }

  private forgetIfIdle(key: string, lane: Lane): void {
    if (lane.running === 0 && lane.waiting.length === 0) this.lanes.delete(key);
  }
}
