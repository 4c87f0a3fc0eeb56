import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { utf16Length, validateMessages } from '../../src/line/validate-messages.js';

/** The stock alert from the multicast sample in the partner guide. */
const STOCK_ALERT =
  '🚨【StockRadar 緊急警報】🚨\n\n您追蹤的「台積電 (2330)」出現大量買單，已經突破前高！請立即查看您的投資組合。';

const TYPES =
  'Must be one of the following values: [text, sticker, image, video, audio, location, imagemap, template, flex, textV2]';

function textMessage(text: string): Record<string, unknown> {
  return { type: 'text', text };
}

describe('utf16Length', () => {
  it('counts an emoji outside the BMP as two units', () => {
    assert.equal(utf16Length('🍎'), 2);
    assert.equal(utf16Length('a🍎b'), 4);
  });

  it('counts CJK characters in the BMP as one unit each', () => {
    assert.equal(utf16Length('台積電'), 3);
  });
});

describe('validateMessages', () => {
  it('accepts the stock alert from the multicast sample', () => {
    assert.deepEqual(validateMessages([textMessage(STOCK_ALERT)]), []);
  });

  it('accepts five messages and refuses six on the messages property', () => {
    const five = Array.from({ length: 5 }, (_, i) => textMessage(`m${i}`));
    assert.deepEqual(validateMessages(five), []);
    assert.deepEqual(validateMessages([...five, textMessage('m5')]), [
      { path: 'messages', message: 'Size must be between 1 and 5' },
    ]);
  });

  it('refuses an empty list and a missing one', () => {
    assert.deepEqual(validateMessages([]), [
      { path: 'messages', message: 'Size must be between 1 and 5' },
    ]);
    assert.deepEqual(validateMessages(undefined), [
      { path: 'messages', message: 'May not be empty' },
    ]);
    assert.deepEqual(validateMessages('hi'), [{ path: 'messages', message: 'Must be an array' }]);
  });

  it('accepts 5000 UTF-16 units of text and refuses 5001', () => {
    assert.deepEqual(validateMessages([textMessage('a'.repeat(5000))]), []);
    assert.deepEqual(validateMessages([textMessage('a'.repeat(5001))]), [
      { path: 'messages[0].text', message: 'Length must be between 0 and 5000' },
    ]);
  });

  it('counts an emoji as two units against the text limit', () => {
    assert.deepEqual(validateMessages([textMessage(`${'a'.repeat(4998)}🍎`)]), []);
    assert.deepEqual(validateMessages([textMessage(`${'a'.repeat(4999)}🍎`)]), [
      { path: 'messages[0].text', message: 'Length must be between 0 and 5000' },
    ]);
  });

  it('refuses an empty or missing text', () => {
    assert.deepEqual(validateMessages([textMessage(''), { type: 'text' }]), [
      { path: 'messages[0].text', message: 'May not be empty' },
      { path: 'messages[1].text', message: 'May not be empty' },
    ]);
  });

  it('refuses an unknown or missing type and a message that is not an object', () => {
    assert.deepEqual(validateMessages([{ type: 'file', text: 'x' }, {}, 'hello']), [
      { path: 'messages[0].type', message: TYPES },
      { path: 'messages[1].type', message: TYPES },
      { path: 'messages[2]', message: 'Must be an object' },
    ]);
  });

  it('uses the given path prefix', () => {
    assert.deepEqual(validateMessages([textMessage('')], 'body.messages'), [
      { path: 'body.messages[0].text', message: 'May not be empty' },
    ]);
  });

  it('accepts LINE emoji whose index points at a $ and refuses one that does not', () => {
    const emoji = { productId: '5ac1bfd5040ab15980c9b435', emojiId: '001' };
    const good = { type: 'text', text: 'hi $ and $', emojis: [{ index: 3, ...emoji }] };
    assert.deepEqual(validateMessages([good]), []);

    const bad = {
      ...good,
      emojis: [
        { index: 9, ...emoji },
        { index: 0, ...emoji },
      ],
    };
    assert.deepEqual(validateMessages([bad]), [
      { path: 'messages[0].emojis[1].index', message: 'Must be the position of a $ in text' },
    ]);
  });

  it('refuses more than 20 emoji', () => {
    const emojis = Array.from({ length: 21 }, (_, i) => ({
      index: i,
      productId: 'p',
      emojiId: '001',
    }));
    assert.deepEqual(validateMessages([{ type: 'text', text: '$'.repeat(21), emojis }]), [
      { path: 'messages[0].emojis', message: 'Size must be between 0 and 20' },
    ]);
  });

  it('accepts 13 quick reply items and refuses 14', () => {
    const item = { type: 'action', action: { type: 'message', label: 'ok', text: 'ok' } };
    const withItems = (n: number) => ({
      ...textMessage('pick'),
      quickReply: { items: Array.from({ length: n }, () => item) },
    });
    assert.deepEqual(validateMessages([withItems(13)]), []);
    assert.deepEqual(validateMessages([withItems(14)]), [
      { path: 'messages[0].quickReply.items', message: 'Size must be between 1 and 13' },
    ]);
  });

  it('checks sticker ids are strings', () => {
    assert.deepEqual(
      validateMessages([{ type: 'sticker', packageId: '446', stickerId: '1988' }]),
      [],
    );
    assert.deepEqual(validateMessages([{ type: 'sticker', packageId: 446 }]), [
      { path: 'messages[0].packageId', message: 'Must be a string' },
      { path: 'messages[0].stickerId', message: 'May not be empty' },
    ]);
  });

  it('requires HTTPS media URLs of at most 2000 characters', () => {
    const long = `https://example.com/${'a'.repeat(1981)}`;
    assert.deepEqual(
      validateMessages([
        { type: 'image', originalContentUrl: 'http://example.com/a.jpg', previewImageUrl: long },
        { type: 'video', originalContentUrl: 'https://example.com/v.mp4' },
        { type: 'audio', originalContentUrl: 'https://example.com/a.m4a', duration: 6000 },
      ]),
      [
        { path: 'messages[0].originalContentUrl', message: 'Must be an HTTPS URL' },
        { path: 'messages[0].previewImageUrl', message: 'Length must be between 0 and 2000' },
        { path: 'messages[1].previewImageUrl', message: 'May not be empty' },
      ],
    );
  });

  it('requires a location title, address and numeric coordinates', () => {
    const place = { type: 'location', title: 'Office', address: 'Taipei', latitude: 25.03 };
    assert.deepEqual(validateMessages([{ ...place, longitude: 121.56 }]), []);
    assert.deepEqual(validateMessages([{ ...place, title: '', longitude: '121' }]), [
      { path: 'messages[0].title', message: 'May not be empty' },
      { path: 'messages[0].longitude', message: 'Must be a number' },
    ]);
  });

  it('requires altText of at most 1500 units on flex, template and imagemap', () => {
    const bubble = { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [] } };
    assert.deepEqual(validateMessages([{ type: 'flex', altText: 'card', contents: bubble }]), []);
    assert.deepEqual(
      validateMessages([
        { type: 'flex', contents: bubble },
        { type: 'template', altText: 'x'.repeat(1501), template: { type: 'confirm' } },
        { type: 'flex', altText: 'card' },
      ]),
      [
        { path: 'messages[0].altText', message: 'May not be empty' },
        { path: 'messages[1].altText', message: 'Length must be between 0 and 1500' },
        { path: 'messages[2].contents', message: 'May not be empty' },
      ],
    );
  });

  it('checks the sender name length and icon URL', () => {
    const ok = { ...textMessage('hi'), sender: { name: 'Alerts', iconUrl: 'https://e.x/i.png' } };
    assert.deepEqual(validateMessages([ok]), []);

    const bad = { ...textMessage('hi'), sender: { name: 'n'.repeat(21), iconUrl: 'ftp://e.x/i' } };
    assert.deepEqual(validateMessages([bad]), [
      { path: 'messages[0].sender.name', message: 'Length must be between 0 and 20' },
      { path: 'messages[0].sender.iconUrl', message: 'Must be an HTTPS URL' },
    ]);
  });
});
