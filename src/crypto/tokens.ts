/** Credentials: generated from the CSPRNG, shown once, stored as SHA-256 hashes. */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);

  return left.length === right.length && timingSafeEqual(left, right);
}

const API_KEY_PREFIX = 'bf_';
/** Characters of the key kept in clear text to tell keys apart. */
export const API_KEY_PREFIX_LENGTH = 11;

/** `bf_` + 43 base64url characters (256 bits). */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');

  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), hash: sha256Hex(key) };
}

/** Management tokens keep the UUID form of the published partner guide. */
export function newMgmtToken(): { token: string; hash: string } {
  const token = randomUUID();

  return { token, hash: sha256Hex(token) };
}

/** Letters and digits that cannot be mistaken for one another when typed. */
const BIND_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const BIND_CODE_LENGTH = 6;

export function newBindCode(): string {
  let code = '';
  for (let i = 0; i < BIND_CODE_LENGTH; i++) {
    code += BIND_CODE_ALPHABET.charAt(randomInt(BIND_CODE_ALPHABET.length));
  }

  return code;
}

/** Bind codes are stored hashed together with the partner they belong to. */
export function bindCodeHash(partnerId: string, code: string): string {
  return sha256Hex(`${partnerId}:${code.trim().toUpperCase()}`);
}
