import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isOwnerCommand, parseCommand } from '../../src/conversation/commands.js';

describe('parseCommand', () => {
  it('reads the bind command with its code in both spellings', () => {
    assert.deepEqual(parseCommand('@我是店長 7KQ2MX'), { kind: 'bind', code: '7KQ2MX' });
    assert.deepEqual(parseCommand('#綁定 7KQ2MX'), { kind: 'bind', code: '7KQ2MX' });
  });

  it('accepts full-width marks, ideographic spaces and surrounding whitespace', () => {
    assert.deepEqual(parseCommand('＠我是店長\u30007KQ2MX'), { kind: 'bind', code: '7KQ2MX' });
    assert.deepEqual(parseCommand('  ＃綁定　７ＫＱ２ＭＸ \n'), { kind: 'bind', code: '7KQ2MX' });
    assert.deepEqual(parseCommand('\u3000＠調閱人設\u3000'), { kind: 'showPrompt' });
    assert.deepEqual(parseCommand('＃解除綁定'), { kind: 'unbind' });
  });

  it('takes a code typed straight after the command word, but not other words', () => {
    assert.deepEqual(parseCommand('@我是店長7KQ2MX'), { kind: 'bind', code: '7KQ2MX' });
    assert.equal(parseCommand('#綁定碼是什麼？'), undefined);
    assert.equal(parseCommand('@我是店長嗎'), undefined);
  });

  it('keeps only the first word after the bind command as the code', () => {
    assert.deepEqual(parseCommand('@我是店長 7kq2mx 謝謝'), { kind: 'bind', code: '7kq2mx' });
  });

  it('tells the claim without a code apart from binding with one', () => {
    assert.deepEqual(parseCommand('@我是店長'), { kind: 'claim' });
    assert.deepEqual(parseCommand('＠我是店長　'), { kind: 'claim' });
    assert.deepEqual(parseCommand('#綁定'), { kind: 'bindHelp' });
  });

  it('reads the owner commands and their text', () => {
    assert.deepEqual(parseCommand('@調閱知識'), { kind: 'showKnowledge' });
    assert.deepEqual(parseCommand('@修改人設 說話更活潑一點'), {
      kind: 'editPrompt',
      instruction: '說話更活潑一點',
    });
    assert.deepEqual(parseCommand('@修改人設'), { kind: 'editPrompt', instruction: '' });
    assert.deepEqual(parseCommand('@店長聽令 Q: 營業時間？ A: 早上九點到晚上六點'), {
      kind: 'teach',
      text: 'Q: 營業時間？ A: 早上九點到晚上六點',
    });
    assert.deepEqual(parseCommand('＠更新知識：商品: 便當 價格: 120'), {
      kind: 'teach',
      text: '商品: 便當 價格: 120',
    });
  });

  it('keeps multi-line text after a command as it was typed', () => {
    assert.deepEqual(parseCommand('@店長聽令\nQ: 有停車場嗎？\nA: 有，在地下室'), {
      kind: 'teach',
      text: 'Q: 有停車場嗎？\nA: 有，在地下室',
    });
  });

  it('treats anything else, including commands with extra words, as chat', () => {
    assert.equal(parseCommand('台積電今天為什麼大漲？'), undefined);
    assert.equal(parseCommand('@調閱人設 請給我看'), undefined);
    assert.equal(parseCommand('請問 @我是店長 是什麼意思'), undefined);
    assert.equal(parseCommand(''), undefined);
  });

  it('marks which commands only an owner may run', () => {
    const owner = ['@調閱人設', '@修改人設 x', '@調閱知識', '@店長聽令 x', '@更新知識 x'];
    for (const text of owner) assert.equal(isOwnerCommand(parseCommand(text)!), true, text);
    for (const text of ['@我是店長', '@我是店長 ABC', '#綁定 ABC', '#解除綁定']) {
      assert.equal(isOwnerCommand(parseCommand(text)!), false, text);
    }
  });
});
