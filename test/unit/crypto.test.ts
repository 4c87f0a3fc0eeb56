import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { createSecretBox, loadSecretKey } from '../../src/crypto/secret-box.js';
import {
  bindCodeHash,
  newApiKey,
  newBindCode,
  newMgmtToken,
  sha256Hex,
} from '../../src/crypto/tokens.js';

describe('secret box', () => {
  it('opens what it sealed, and the sealed form does not contain the secret', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('8c570fa6dd201bb328f1c1eac23a96d8');

    assert.ok(!sealed.includes('8c570fa6'));
    assert.equal(box.open(sealed), '8c570fa6dd201bb328f1c1eac23a96d8');
  });

  it('refuses to open with another key', () => {
    const sealed = createSecretBox(randomBytes(32)).seal('secret');

    assert.throws(() => createSecretBox(randomBytes(32)).open(sealed), /could not be decrypted/);
  });

  it('generates a private key file in the data directory once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'botfleet-key-'));
    try {
      const first = loadSecretKey({ secretKey: undefined, dataDir: dir });
      const second = loadSecretKey({ secretKey: undefined, dataDir: dir });

      assert.deepEqual(first, second);
      assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
      assert.equal(Buffer.from(readFileSync(join(dir, 'secret.key'), 'utf8'), 'base64').length, 32);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('requires BOTFLEET_SECRET_KEY without an embedded database, and 32 bytes in it', () => {
    assert.throws(() => loadSecretKey({ secretKey: undefined, dataDir: undefined }), /required/);
    assert.throws(
      () => loadSecretKey({ secretKey: randomBytes(16).toString('base64'), dataDir: undefined }),
      /32 random bytes/,
    );
  });
});

describe('credentials', () => {
  it('makes API keys identifiable by prefix and stored by hash', () => {
    const { key, prefix, hash } = newApiKey();

    assert.match(key, /^bf_[A-Za-z0-9_-]{43}$/);
    assert.equal(prefix, key.slice(0, 11));
    assert.equal(hash, sha256Hex(key));
  });

  it('keeps the UUID form for management tokens', () => {
    assert.match(
      newMgmtToken().token,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('makes six-character bind codes without look-alike characters', () => {
    for (let i = 0; i < 200; i++) assert.match(newBindCode(), /^[A-HJ-NP-Z2-9]{6}$/);
  });

  it('scopes bind code hashes to the partner and ignores case and spaces', () => {
    assert.equal(bindCodeHash('p1', ' 7kq2mx '), bindCodeHash('p1', '7KQ2MX'));
    assert.notEqual(bindCodeHash('p1', '7KQ2MX'), bindCodeHash('p2', '7KQ2MX'));
  });
});
