/**
 * Turning resolved recipients into LINE multicast calls: grouped by channel
 * (a LINE user id only means something on its own channel), de-duplicated per
 * channel, and cut into calls of at most LINE's 500 recipients.
 */

export const MAX_RECIPIENTS_PER_CALL = 500;

export interface Recipient {
  readonly channelId: string;
  readonly lineUserId: string;
}

export interface PlannedCall {
  /** Position of the call in its multicast, from 0. */
  readonly seq: number;
  readonly channelId: string;
  readonly recipients: string[];
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be ≥ 1: ${size}`);

  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }

  return chunks;
}

/** Distinct user ids per channel, channels in order of first appearance. */
export function groupByChannel(recipients: readonly Recipient[]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const { channelId, lineUserId } of recipients) {
    let users = sets.get(channelId);
    if (users === undefined) sets.set(channelId, (users = new Set()));
    users.add(lineUserId);
  }

  return new Map([...sets].map(([channelId, users]) => [channelId, [...users]]));
}

export function planCalls(
  recipients: readonly Recipient[],
  size = MAX_RECIPIENTS_PER_CALL,
): PlannedCall[] {
  const calls: PlannedCall[] = [];
  for (const [channelId, users] of groupByChannel(recipients)) {
    for (const part of chunk(users, size)) {
      calls.push({ seq: calls.length, channelId, recipients: part });
    }
  }

  return calls;
}
