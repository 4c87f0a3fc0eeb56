/**
 * What the emulator remembers for tests and humans: each simulated user's inbox and the LINE
 * API calls it answered. Both are capped so a long-running server does not grow without end.
 */
import type { ApiCallRecord, ReceivedMessage } from './types.js';

const MAX_INBOX = 1000;
const MAX_CALLS = 50_000;

export class Inboxes {
  private readonly byUser = new Map<string, ReceivedMessage[]>();

  add(received: ReceivedMessage): void {
    const inbox = this.byUser.get(received.userId) ?? [];
    inbox.push(received);
    if (inbox.length > MAX_INBOX) inbox.shift();
    this.byUser.set(received.userId, inbox);
  }

  /** Oldest first; only from `channelId` when given. */
  of(userId: string, channelId?: string): ReceivedMessage[] {
    const inbox = this.byUser.get(userId) ?? [];

    return channelId === undefined ? [...inbox] : inbox.filter((m) => m.channelId === channelId);
  }

  clear(): void {
    this.byUser.clear();
  }
}

export class CallLog {
  private calls: ApiCallRecord[] = [];

  add(call: ApiCallRecord): void {
    this.calls.push(call);
    // Trim in batches: dropping one element at a time would copy the whole array per call.
    if (this.calls.length > MAX_CALLS + 1000) this.calls = this.calls.slice(-MAX_CALLS);
  }

  /** Oldest first, narrowed to one path and/or channel. */
  list(filter: { path?: string; channelId?: string } = {}): ApiCallRecord[] {
    return this.calls.filter(
      (call) =>
        (filter.path === undefined || call.path === filter.path) &&
        (filter.channelId === undefined || call.channelId === filter.channelId),
    );
  }

  clear(): void {
    this.calls = [];
  }
}
