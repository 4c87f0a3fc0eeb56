/**
 * POSTs a webhook body to a bot's server as LINE does: signed over the exact bytes, with LINE's
 * headers, and counted as failed when the answer is not 2xx or takes longer than the timeout.
 */
import { signWebhookBody } from './signature.js';
import type { WebhookAttempt } from './types.js';

export const WEBHOOK_TIMEOUT_MS = 2000;

export interface WebhookPost {
  readonly url: string;
  readonly body: string | Buffer;
  readonly channelSecret: string;
  /** Sent instead of the correct signature, to test how a bot treats a forged one. */
  readonly signature?: string | undefined;
  readonly timeoutMs: number;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

export async function postWebhook(post: WebhookPost): Promise<WebhookAttempt> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(post.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'LineBotWebhook/2.0',
        'x-line-signature': post.signature ?? signWebhookBody(post.body, post.channelSecret),
      },
      body: post.body,
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    // Read the answer to the end so the connection can be reused; LINE ignores its content.
    await response.arrayBuffer();
    const { status } = response;

    return status >= 200 && status < 300
      ? { status, durationMs: elapsed() }
      : { status, durationMs: elapsed(), reason: 'error_status_code' };
  } catch (error) {
    const reason = isTimeout(error) ? 'request_timeout' : 'could_not_connect';

    return { status: 0, durationMs: elapsed(), reason };
  }
}
