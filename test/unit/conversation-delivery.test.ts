import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadConfig } from '../../src/config/index.js';
import { textMessages } from '../../src/conversation/delivery.js';
import { readEvent } from '../../src/conversation/event.js';
import { pushRetryKey } from '../../src/conversation/retry-key.js';

describe('pushRetryKey', () => {
  it('is the same UUID every time for one event and different for another', () => {
    const key = pushRetryKey('c1', '01JEB4W8Q2V6C8ZP1Y3T5N7K9M');
    assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(pushRetryKey('c1', '01JEB4W8Q2V6C8ZP1Y3T5N7K9M'), key);
    assert.notEqual(pushRetryKey('c1', '01JEB4W8Q2V6C8ZP1Y3T5N7K9N'), key);
    assert.notEqual(pushRetryKey('c2', '01JEB4W8Q2V6C8ZP1Y3T5N7K9M'), key);
  });
});

describe('textMessages', () => {
  it('turns a long answer into LINE text message objects', () => {
    const messages = textMessages(`${'a'.repeat(4999)}😀`);
    assert.deepEqual(messages, [
      { type: 'text', text: 'a'.repeat(4999) },
      { type: 'text', text: '😀' },
    ]);
  });
});

describe('readEvent', () => {
  const user = { type: 'user', userId: 'U4af4980629a1b2c3d4e5f60718293a4b' };

  it('reads a text message with its user and reply token', () => {
    const event = readEvent({
      type: 'message',
      mode: 'active',
      source: user,
      replyToken: 'r1',
      message: { type: 'text', id: '1', text: 'hi' },
    });
    assert.deepEqual(event, {
      kind: 'text',
      type: 'message',
      mode: 'active',
      userId: user.userId,
      sourceType: 'user',
      replyToken: 'r1',
      text: 'hi',
    });
  });

  it('reads stickers and images as media, and unknown shapes as other', () => {
    const sticker = readEvent({ type: 'message', source: user, message: { type: 'sticker' } });
    assert.equal(sticker.kind, 'media');
    assert.equal(readEvent({ type: 'postback', source: user }).kind, 'other');
    assert.equal(readEvent('nonsense').kind, 'other');
    assert.equal(readEvent({ type: 'message', message: { type: 'text', text: 42 } }).kind, 'other');
  });

  it("drops the dummy reply tokens of LINE's old verify requests", () => {
    const event = readEvent({
      type: 'message',
      source: user,
      replyToken: '00000000000000000000000000000000',
      message: { type: 'text', text: 'x' },
    });
    assert.equal(event.replyToken, undefined);
  });
});

describe('reply token age setting', () => {
  it('defaults to 50 seconds and can be shortened through REPLY_TOKEN_MAX_AGE_MS', () => {
    assert.equal(loadConfig({}).replyTokenMaxAgeMs, 50_000);
    assert.equal(loadConfig({ REPLY_TOKEN_MAX_AGE_MS: '1000' }).replyTokenMaxAgeMs, 1_000);
    assert.throws(() => loadConfig({ REPLY_TOKEN_MAX_AGE_MS: 'soon' }), /REPLY_TOKEN_MAX_AGE_MS/);
  });
});
