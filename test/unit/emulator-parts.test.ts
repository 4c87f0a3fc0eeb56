import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { validateSignature } from '@line/bot-sdk';

import { Faults } from '../../src/emulator/faults.js';
import { CHAT_ID, messageId, ulid, USER_ID } from '../../src/emulator/ids.js';
import { RateLimiter, TokenBucket } from '../../src/emulator/rate-limit.js';
import { ReplyTokens } from '../../src/emulator/reply-tokens.js';
import { RetryKeys } from '../../src/emulator/retry-keys.js';
import { signWebhookBody } from '../../src/emulator/signature.js';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('signWebhookBody', () => {
  it("matches LINE's published test vector", () => {
    const body = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}';
    assert.equal(
      signWebhookBody(body, '8c570fa6dd201bb328f1c1eac23a96d8'),
      'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=',
    );
  });

  it('signs the UTF-8 bytes of non-ASCII text', () => {
    const body =
      '{"destination":"U0123456789abcdef0123456789abcdef","events":[{"type":"message","message":{"type":"text","id":"1","text":"こんにちは🍎"}}]}';
    const signature = signWebhookBody(body, 'testsecret');
    assert.equal(signature, 'zf0loHn0mWwOxAByx3Rh0daQCjLe0gtzE3Uqxe9NDw8=');
    assert.equal(signWebhookBody(Buffer.from(body, 'utf8'), 'testsecret'), signature);
    assert.equal(validateSignature(body, 'testsecret', signature), true);
  });
});

describe('ulid', () => {
  it('is 26 Crockford base32 characters', () => {
    assert.match(ulid(), CROCKFORD);
  });

  it('encodes the time in the first ten characters', () => {
    assert.equal(ulid(1469918176385).slice(0, 10), '01ARYZ6S41');
    assert.equal(ulid(0).slice(0, 10), '0000000000');
  });

  it('sorts later ids after earlier ones', () => {
    const earlier = ulid(1_733_300_000_000);
    const later = ulid(1_733_300_000_001);
    assert.ok(earlier < later);
  });

  it('differs between two ids made in the same millisecond', () => {
    assert.notEqual(ulid(1_733_300_000_000), ulid(1_733_300_000_000));
  });
});

describe('ids', () => {
  it('makes 18-digit message ids', () => {
    for (let i = 0; i < 50; i += 1) assert.match(messageId(), /^[1-9]\d{17}$/);
  });

  it('accepts user ids only as U and 32 lowercase hex digits', () => {
    assert.match('U4af4980629a1b2c3d4e5f60718293a4b', USER_ID);
    assert.doesNotMatch('U4AF4980629A1B2C3D4E5F60718293A4B', USER_ID);
    assert.doesNotMatch('C4af4980629a1b2c3d4e5f60718293a4b', USER_ID);
    assert.match('C4af4980629a1b2c3d4e5f60718293a4b', CHAT_ID);
    assert.match('R4af4980629a1b2c3d4e5f60718293a4b', CHAT_ID);
  });
});

describe('TokenBucket', () => {
  it('lets a burst up to the limit through and refuses the next call', () => {
    const bucket = new TokenBucket({ limit: 3, windowMs: 1000 }, 0);
    assert.deepEqual(
      [bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)],
      [true, true, true, false],
    );
  });

  it('refills gradually rather than all at once', () => {
    const bucket = new TokenBucket({ limit: 10, windowMs: 1000 }, 0);
    for (let i = 0; i < 10; i += 1) bucket.take(0);
    assert.equal(bucket.take(50), false);
    assert.equal(bucket.take(100), true);
    assert.equal(bucket.take(100), false);
  });

  it('never holds more than the limit', () => {
    const bucket = new TokenBucket({ limit: 2, windowMs: 1000 }, 0);
    const taken = [1, 2, 3].map(() => bucket.take(60_000));
    assert.deepEqual(taken, [true, true, false]);
  });
});

describe('RateLimiter', () => {
  const limits = {
    default: { limit: 2, windowMs: 1000 },
    multicast: { limit: 1, windowMs: 1000 },
    loading: { limit: 1, windowMs: 1000 },
    broadcast: { limit: 1, windowMs: 3_600_000 },
  };

  it('keeps a separate bucket per channel and per endpoint', () => {
    const limiter = new RateLimiter(limits);
    assert.equal(limiter.allow('a', 'POST /v2/bot/message/multicast', 'multicast', 0), true);
    assert.equal(limiter.allow('a', 'POST /v2/bot/message/multicast', 'multicast', 0), false);
    assert.equal(limiter.allow('b', 'POST /v2/bot/message/multicast', 'multicast', 0), true);
    assert.equal(limiter.allow('a', 'POST /v2/bot/message/push', 'default', 0), true);
  });

  it('starts over after reset', () => {
    const limiter = new RateLimiter(limits);
    limiter.allow('a', 'POST /v2/bot/message/broadcast', 'broadcast', 0);
    assert.equal(limiter.allow('a', 'POST /v2/bot/message/broadcast', 'broadcast', 0), false);
    limiter.reset();
    assert.equal(limiter.allow('a', 'POST /v2/bot/message/broadcast', 'broadcast', 0), true);
  });
});

describe('ReplyTokens', () => {
  const user = 'U4af4980629a1b2c3d4e5f60718293a4b';

  it('answers the chat once and refuses the token after that', () => {
    const tokens = new ReplyTokens(60_000);
    const token = tokens.issue('ch', user, 0, 0);
    assert.equal(tokens.use(token, 'ch', 1000), user);
    assert.equal(tokens.use(token, 'ch', 1000), undefined);
  });

  it('refuses a token after its time and one issued to another channel', () => {
    const tokens = new ReplyTokens(60_000);
    const token = tokens.issue('ch', user, 0, 0);
    assert.equal(tokens.use(token, 'other', 1000), undefined);
    assert.equal(tokens.use(token, 'ch', 60_001), undefined);
  });

  it('makes an unused token work again after a redelivery, but not past 20 minutes', () => {
    const tokens = new ReplyTokens(60_000);
    const late = tokens.issue('ch', user, 0, 0);
    tokens.redelivered(late, 19 * 60_000 + 30_000);
    assert.equal(tokens.use(late, 'ch', 20 * 60_000 + 1), undefined);

    const renewed = tokens.issue('ch', user, 0, 0);
    tokens.redelivered(renewed, 5 * 60_000);
    assert.equal(tokens.use(renewed, 'ch', 5 * 60_000 + 59_000), user);
  });

  it('does not revive a token that was already used', () => {
    const tokens = new ReplyTokens(60_000);
    const token = tokens.issue('ch', user, 0, 0);
    tokens.use(token, 'ch', 0);
    tokens.redelivered(token, 1000);
    assert.equal(tokens.use(token, 'ch', 1000), undefined);
  });
});

describe('RetryKeys', () => {
  const key = '123e4567-e89b-12d3-a456-426614174000';
  const call = { requestId: 'r1', sentMessages: undefined, at: 0 };

  it('remembers a key per channel until it expires', () => {
    const keys = new RetryKeys(1000);
    keys.remember('a', key, call);
    assert.deepEqual(keys.find('a', key, 999), call);
    assert.equal(keys.find('b', key, 999), undefined);
    assert.equal(keys.find('a', key, 1000), undefined);
  });

  it('matches a key whatever the case of its hex digits', () => {
    const keys = new RetryKeys(1000);
    keys.remember('a', key, call);
    assert.deepEqual(keys.find('a', key.toUpperCase(), 1), call);
  });
});

describe('Faults', () => {
  it('applies a fault the given number of times and only to its path', () => {
    const faults = new Faults();
    faults.add({ path: '/v2/bot/message/push', status: 500, times: 2 });
    assert.equal(faults.take('/v2/bot/message/multicast', 'ch'), undefined);
    assert.equal(faults.take('/v2/bot/message/push', 'ch')?.status, 500);
    assert.equal(faults.take('/v2/bot/message/push', 'ch')?.status, 500);
    assert.equal(faults.take('/v2/bot/message/push', 'ch'), undefined);
  });

  it('limits a fault to one channel when it names one', () => {
    const faults = new Faults();
    faults.add({ channelId: 'a', status: 503 });
    assert.equal(faults.take('/v2/bot/info', 'b'), undefined);
    assert.equal(faults.take('/v2/bot/info', 'a')?.status, 503);
    assert.equal(faults.take('/v2/bot/info', 'a')?.status, 503);
  });

  it('refuses a status that is not an HTTP error', () => {
    assert.throws(() => new Faults().add({ status: 200 }), RangeError);
    assert.throws(() => new Faults().add({ times: 0 }), RangeError);
  });
});
