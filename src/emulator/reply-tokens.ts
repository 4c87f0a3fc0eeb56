/**
 * Reply tokens handed out with replyable webhook events. A token is single use and works for a
 * short time after the webhook that carried it; a redelivery makes an unused token work again
 * for that time, but never later than 20 minutes after the event.
 */
import { replyToken } from './ids.js';

const REDELIVERY_CAP_MS = 20 * 60 * 1000;

interface IssuedToken {
  readonly channelId: string;
  readonly chatId: string;
  readonly eventAt: number;
  expiresAt: number;
  used: boolean;
}

export class ReplyTokens {
  /** In issue order, which is event order, so the oldest are at the front for pruning. */
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly ttlMs: number) {}

  issue(channelId: string, chatId: string, eventAt: number, now: number): string {
    this.prune(now);
    const token = replyToken();
    this.tokens.set(token, {
      channelId,
      chatId,
      eventAt,
      expiresAt: now + this.ttlMs,
      used: false,
    });

    return token;
  }

  /** The event carrying `token` was delivered again at `now`. */
  redelivered(token: string, now: number): void {
    const issued = this.tokens.get(token);
    if (issued === undefined || issued.used) return;

    issued.expiresAt = Math.min(now + this.ttlMs, issued.eventAt + REDELIVERY_CAP_MS);
  }

  /** Uses the token up; the chat it answers, or undefined when it is unknown, used or expired. */
  use(token: string, channelId: string, now: number): string | undefined {
    const issued = this.tokens.get(token);
    if (issued === undefined || issued.channelId !== channelId) return undefined;
    if (issued.used || now > issued.expiresAt) return undefined;

    issued.used = true;

    return issued.chatId;
  }

  private prune(now: number): void {
    for (const [token, issued] of this.tokens) {
      if (now - issued.eventAt <= REDELIVERY_CAP_MS) return;
      this.tokens.delete(token);
    }
  }
}
