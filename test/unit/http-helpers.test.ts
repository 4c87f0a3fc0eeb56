import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { oaMessageUrl } from '../../src/channels/store.js';
import { jsonPointerToPath } from '../../src/http/error-handler.js';
import { canonicalJson } from '../../src/http/idempotency.js';

describe('jsonPointerToPath', () => {
  it('names array items with brackets and properties with dots', () => {
    assert.equal(jsonPointerToPath('/messages/0/text'), 'messages[0].text');
    assert.equal(jsonPointerToPath('/store_name'), 'store_name');
    assert.equal(jsonPointerToPath(''), '');
  });
});

describe('canonicalJson', () => {
  it('gives the same text for objects whose keys come in another order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] }),
      canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }),
    );
    assert.notEqual(canonicalJson({ a: 1 }), canonicalJson({ a: '1' }));
  });
});

describe('oaMessageUrl', () => {
  it("matches LINE's own example of a pre-filled chat link", () => {
    assert.equal(
      oaMessageUrl('@linedevelopers', 'Hi there!'),
      'https://line.me/R/oaMessage/%40linedevelopers/?Hi%20there%21',
    );
  });

  it('percent-encodes the bind command in UTF-8', () => {
    assert.equal(
      oaMessageUrl('@stockradar', '@我是店長 7KQ2MX'),
      'https://line.me/R/oaMessage/%40stockradar/?%40%E6%88%91%E6%98%AF%E5%BA%97%E9%95%B7%207KQ2MX',
    );
  });
});
