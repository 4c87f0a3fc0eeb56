/**
 * The emulator's channels, who is a friend of each, and how much of its monthly quota each
 * has used. A user id becomes known to a channel the first time it is mentioned, as a sender
 * or a recipient; an unfollow marks the user as having blocked the channel.
 */
import { randomUUID } from 'node:crypto';

import { basicId, lineId, USER_ID } from './ids.js';
import { lineErrors } from './line-errors.js';
import type { EmulatorChannel, EmulatorChannelInput } from './types.js';

type UserStatus = 'known' | 'friend' | 'blocked';

export interface ChannelState extends EmulatorChannel {
  monthlyQuota: number | undefined;
  usage: number;
  readonly users: Map<string, UserStatus>;
}

export class UnknownChannelError extends Error {
  constructor(readonly channelId: string) {
    super(`the LINE emulator has no channel ${channelId}`);
  }
}

export class ChannelConflictError extends Error {
  constructor(readonly channelId: string) {
    super(`channel ${channelId} already uses this access token`);
  }
}

export class ChannelRegistry {
  private readonly byId = new Map<string, ChannelState>();
  private readonly byToken = new Map<string, ChannelState>();

  constructor(private readonly defaultQuota: number | undefined) {}

  /** Adds a channel, or replaces the one with the same id (keeping its users and usage). */
  register(input: EmulatorChannelInput): ChannelState {
    const previous = input.id === undefined ? undefined : this.byId.get(input.id);
    const owner = this.byToken.get(input.accessToken);
    if (owner !== undefined && owner !== previous) {
      throw new ChannelConflictError(owner.id);
    }

    const channel: ChannelState = {
      id: input.id ?? randomUUID(),
      channelSecret: input.channelSecret,
      accessToken: input.accessToken,
      webhookUrl: input.webhookUrl,
      basicId: input.basicId ?? previous?.basicId ?? basicId(),
      botUserId: input.botUserId ?? previous?.botUserId ?? lineId('U'),
      monthlyQuota:
        'monthlyQuota' in input
          ? input.monthlyQuota
          : (previous?.monthlyQuota ?? this.defaultQuota),
      usage: previous?.usage ?? 0,
      users: previous?.users ?? new Map<string, UserStatus>(),
    };
    if (previous !== undefined) this.byToken.delete(previous.accessToken);
    this.byId.set(channel.id, channel);
    this.byToken.set(channel.accessToken, channel);

    return channel;
  }

  find(id: string): ChannelState | undefined {
    return this.byId.get(id);
  }

  get(id: string): ChannelState {
    const channel = this.byId.get(id);
    if (channel === undefined) throw new UnknownChannelError(id);

    return channel;
  }

  byAccessToken(token: string): ChannelState | undefined {
    return this.byToken.get(token);
  }

  list(): ChannelState[] {
    return [...this.byId.values()];
  }

  /** Marks the user as known to the channel, if it was not already. */
  meet(channel: ChannelState, userId: string): void {
    if (!channel.users.has(userId)) channel.users.set(userId, 'known');
  }

  /** Records a follow or unfollow; true when a follow ends an earlier block. */
  setFollowing(channel: ChannelState, userId: string, following: boolean): boolean {
    const wasBlocked = channel.users.get(userId) === 'blocked';
    channel.users.set(userId, following ? 'friend' : 'blocked');

    return wasBlocked;
  }

  /** Whether messages sent to the user reach them: not when they blocked the channel. */
  reaches(channel: ChannelState, chatId: string): boolean {
    return channel.users.get(chatId) !== 'blocked';
  }

  /** Everyone a broadcast goes to: known users (not groups) who have not blocked the channel. */
  audience(channel: ChannelState): string[] {
    return [...channel.users]
      .filter(([id, status]) => USER_ID.test(id) && status !== 'blocked')
      .map(([id]) => id);
  }

  /** Counts `recipients` messages against the monthly quota, or refuses them all. */
  charge(channel: ChannelState, recipients: number): void {
    const limit = channel.monthlyQuota;
    if (limit !== undefined && channel.usage + recipients > limit) throw lineErrors.monthlyLimit();

    channel.usage += recipients;
  }

  resetUsage(): void {
    for (const channel of this.byId.values()) channel.usage = 0;
  }
}
