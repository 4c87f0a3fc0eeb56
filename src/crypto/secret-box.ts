/**
 * Encryption at rest for channel secrets and access tokens: AES-256-GCM with a
 * random 96-bit nonce. Stored form: `v1.<nonce>.<ciphertext>.<tag>` (base64url).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

function parseKey(encoded: string, source: string): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) {
    throw new SecretKeyError(
      `${source} must be 32 random bytes in base64 (got ${key.length} bytes)`,
    );
  }

  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  return {
    seal(plaintext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [nonce, body, cipher.getAuthTag()].map((part) => part.toString('base64url'));

      return `v1.${parts.join('.')}`;
    },
    open(sealed) {
      const [version, nonce, body, tag] = sealed.split('.');
      if (version !== 'v1' || nonce === undefined || body === undefined || tag === undefined) {
        throw new SecretKeyError('Stored secret has an unknown format');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([
          decipher.update(Buffer.from(body, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretKeyError(
          'A stored secret could not be decrypted: BOTFLEET_SECRET_KEY is not the key it was sealed with',
        );
      }
    },
  };
}

const KEY_FILE = 'secret.key';

/**
 * The encryption key: BOTFLEET_SECRET_KEY when set; with the embedded database
 * a key file generated in the data directory on first start.
 */
export function loadSecretKey(options: {
  secretKey: string | undefined;
  dataDir: string | undefined;
}): Buffer {
  if (options.secretKey !== undefined) return parseKey(options.secretKey, 'BOTFLEET_SECRET_KEY');
  if (options.dataDir === undefined) {
    throw new SecretKeyError(
      'BOTFLEET_SECRET_KEY is required with DATABASE_URL (32 random bytes, base64: `openssl rand -base64 32`)',
    );
  }
  const path = join(options.dataDir, KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);

  return parseKey(readFileSync(path, 'utf8'), path);
}
