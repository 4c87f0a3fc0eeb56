import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LINE_TEXT_LIMIT, splitForLine, TRUNCATION_MARK } from '../../src/conversation/split.js';

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('splitForLine', () => {
  it('leaves a short answer as one message', () => {
    assert.deepEqual(splitForLine('你好！🍎'), ['你好！🍎']);
  });

  it('keeps exactly 5000 UTF-16 units in one message', () => {
    const text = '🍎'.repeat(2500);
    assert.deepEqual(splitForLine(text), [text]);
  });

  it('does not cut an emoji in two at the 5000-unit boundary', () => {
    const parts = splitForLine(`${'a'.repeat(4999)}😀`);
    assert.deepEqual(parts, ['a'.repeat(4999), '😀']);
    for (const part of parts) assert.equal(hasLoneSurrogate(part), false);
  });

  it('cuts at the last line break before the limit and drops that break', () => {
    const first = 'x'.repeat(4000);
    const second = 'y'.repeat(3000);
    assert.deepEqual(splitForLine(`${first}\n${second}`), [first, second]);
  });

  it('falls back to a space when there is no line break near the limit', () => {
    const first = `${'x'.repeat(100)}\n${'x'.repeat(3900)}`;
    const second = 'y'.repeat(3000);
    assert.deepEqual(splitForLine(`${first} ${second}`), [first, second]);
  });

  it('cuts hard at the limit when no boundary is in the second half', () => {
    const text = `${'x'.repeat(10)} ${'y'.repeat(6000)}`;
    const parts = splitForLine(text);
    assert.equal(parts[0]!.length, LINE_TEXT_LIMIT);
    assert.equal(parts.join(''), text);
  });

  it('sends at most five messages and marks that the rest was left out', () => {
    const parts = splitForLine('🍎'.repeat(20_000));
    assert.equal(parts.length, 5);
    for (const part of parts) {
      assert.ok(part.length <= LINE_TEXT_LIMIT);
      assert.equal(hasLoneSurrogate(part), false);
    }
    assert.ok(parts[4]!.endsWith(TRUNCATION_MARK));
  });

  it('does not mark a text that fills five messages exactly', () => {
    const parts = splitForLine('a'.repeat(5 * LINE_TEXT_LIMIT));
    assert.equal(parts.length, 5);
    assert.equal(parts.join(''), 'a'.repeat(5 * LINE_TEXT_LIMIT));
  });

  it('gives no messages for empty or blank text', () => {
    assert.deepEqual(splitForLine(''), []);
    assert.deepEqual(splitForLine(' \n '), []);
  });
});
