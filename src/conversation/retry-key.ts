/** Retry keys for pushes that answer a webhook event. */
import { createHash } from 'node:crypto';

/** Fixed namespace for botfleet's name-based retry keys. */
const RETRY_KEY_NAMESPACE = Buffer.from('6f1c2a9e4b7d4c8a9e3f5a1b2c3d4e5f', 'hex');

/**
 * The push retry key of an event: a name-based (version 5) UUID, the same
 * every time the event is processed, so LINE drops a second push for 24 h.
 */
export function pushRetryKey(channelId: string, webhookEventId: string): string {
  const digest = createHash('sha1')
    .update(RETRY_KEY_NAMESPACE)
    .update(`push:${channelId}:${webhookEventId}`)
    .digest()
    .subarray(0, 16);
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.toString('hex');

  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
