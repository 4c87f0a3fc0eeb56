import { createHmac } from 'node:crypto';

/** `x-line-signature`: base64 HMAC-SHA256 of the exact body bytes, keyed by the channel secret. */
export function signWebhookBody(body: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}
