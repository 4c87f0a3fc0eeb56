/** Identifiers in the formats LINE uses, generated for simulated users, events and messages. */
import { randomBytes, randomInt } from 'node:crypto';

export const USER_ID = /^U[0-9a-f]{32}$/;
/** Push accepts a user, group (C…) or room (R…) id. */
export const CHAT_ID = /^[UCR][0-9a-f]{32}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_TIME_CHARS = 10;
const ULID_RANDOM_CHARS = 16;

/** A LINE-style id: one letter and 32 lowercase hex digits, e.g. a bot's user id. */
export function lineId(prefix: 'U' | 'C' | 'R'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

function randomChars(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet.charAt(randomInt(alphabet.length))).join('');
}

/**
 * A ULID (26 Crockford base32 characters): 48 bits of milliseconds, then 80 random bits,
 * which is what LINE uses for `webhookEventId`. Ids made later sort later.
 */
export function ulid(now = Date.now()): string {
  let time = '';
  let rest = now;
  for (let i = 0; i < ULID_TIME_CHARS; i += 1) {
    time = CROCKFORD.charAt(rest % 32) + time;
    rest = Math.floor(rest / 32);
  }

  return time + randomChars(CROCKFORD, ULID_RANDOM_CHARS);
}

/** Message ids are 18-digit numeric strings. */
export function messageId(): string {
  return `${randomInt(1, 10)}${randomChars('0123456789', 17)}`;
}

export function replyToken(): string {
  return randomBytes(16).toString('hex');
}

export function quoteToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A basic id in the `@` + digits + letters shape LINE shows. */
export function basicId(): string {
  return `@${randomInt(100, 1000)}${randomChars('abcdefghijklmnopqrstuvwxyz', 4)}`;
}
