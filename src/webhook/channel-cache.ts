/**
 * Channel credentials for the webhook route, kept briefly in memory: two
 * database round trips per webhook would halve what one instance accepts.
 * A signature that fails against a cached secret is checked once more against
 * a fresh read, so a replaced secret is never refused for being stale.
 */
import { type Channel, findChannel } from '../channels/store.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Executor } from '../db/client.js';

export const CHANNEL_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

export class ChannelCache {
  private readonly entries = new Map<string, { channel: Channel; loadedAt: number }>();

  constructor(
    private readonly db: Executor,
    private readonly secrets: SecretBox,
    private readonly ttlMs = CHANNEL_CACHE_TTL_MS,
  ) {}

  /** The channel, from memory when read recently; `fresh` forces a database read. */
  async get(channelId: string, fresh = false): Promise<Channel | undefined> {
    const cached = this.entries.get(channelId);
    if (!fresh && cached !== undefined && performance.now() - cached.loadedAt < this.ttlMs) {
      return cached.channel;
    }

    const channel = await findChannel(this.db, this.secrets, channelId);
    if (channel === undefined) this.entries.delete(channelId);
    else this.remember(channel);

    return channel;
  }

  private remember(channel: Channel): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(channel.id, { channel, loadedAt: performance.now() });
  }
}
