import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseDraftByRules, parseModelDraft, parsePrice } from '../../src/ai/drafts.js';

describe('parseDraftByRules: FAQ entries', () => {
  it('reads Q: and A: on one line or on two', () => {
    const expected = { kind: 'faq', question: '營業時間？', answer: '早上九點到晚上六點' };
    assert.deepEqual(parseDraftByRules('Q: 營業時間？ A: 早上九點到晚上六點'), expected);
    assert.deepEqual(parseDraftByRules('Q：營業時間？\nA：早上九點到晚上六點'), expected);
    assert.deepEqual(parseDraftByRules('q:營業時間？\n\na: 早上九點到晚上六點 '), expected);
  });

  it('reads 問：/答： with or without a space between them', () => {
    assert.deepEqual(parseDraftByRules('問：可以刷卡嗎？答：可以，也收 LINE Pay'), {
      kind: 'faq',
      question: '可以刷卡嗎？',
      answer: '可以，也收 LINE Pay',
    });
    assert.deepEqual(parseDraftByRules('問題: 有停車位嗎\n答案: 有'), {
      kind: 'faq',
      question: '有停車位嗎',
      answer: '有',
    });
  });

  it('keeps a multi-line answer whole', () => {
    assert.deepEqual(parseDraftByRules('Q: 怎麼退貨？\nA: 第一步…\n第二步…'), {
      kind: 'faq',
      question: '怎麼退貨？',
      answer: '第一步…\n第二步…',
    });
  });

  it('refuses a question without an answer and a question that is too long', () => {
    assert.equal(parseDraftByRules('Q: 營業時間？'), undefined);
    assert.equal(parseDraftByRules('Q: 營業時間？ A:  '), undefined);
    assert.equal(parseDraftByRules(`Q: ${'問'.repeat(501)} A: 答`), undefined);
  });
});

describe('parseDraftByRules: products', () => {
  it('reads 商品 name price description url', () => {
    assert.deepEqual(parseDraftByRules('商品 招牌便當 120 附湯與小菜 https://shop.example/bento'), {
      kind: 'product',
      name: '招牌便當',
      price: 120,
      description: '附湯與小菜',
      url: 'https://shop.example/bento',
    });
  });

  it('tolerates NT$, $ and 元, written with or without a space', () => {
    for (const price of ['NT$120', 'NT$ 120', '$120', '120元', '120 元', 'NT$120元']) {
      assert.deepEqual(
        parseDraftByRules(`商品 拿鐵 ${price}`),
        { kind: 'product', name: '拿鐵', price: 120, description: null, url: null },
        price,
      );
    }
  });

  it('takes a name with spaces when the price carries a currency mark', () => {
    assert.deepEqual(parseDraftByRules('商品 iPhone 15 Pro NT$32,900 256GB'), {
      kind: 'product',
      name: 'iPhone 15 Pro',
      price: 32900,
      description: '256GB',
      url: null,
    });
  });

  it('reads the labelled form the chat help shows', () => {
    assert.deepEqual(parseDraftByRules('商品: 招牌便當 價格: 120 說明: 附湯與小菜'), {
      kind: 'product',
      name: '招牌便當',
      price: 120,
      description: '附湯與小菜',
      url: null,
    });
    assert.deepEqual(
      parseDraftByRules('商品：台積電研究報告價格：NT$ 300 網址：https://example.com/r'),
      {
        kind: 'product',
        name: '台積電研究報告',
        price: 300,
        description: null,
        url: 'https://example.com/r',
      },
    );
  });

  it('refuses a product without a price or with a bad URL', () => {
    assert.equal(parseDraftByRules('商品 招牌便當'), undefined);
    assert.equal(parseDraftByRules('商品 招牌便當 很好吃'), undefined);
    assert.equal(parseDraftByRules('商品: 招牌便當 價格: 免費'), undefined);
    assert.equal(parseDraftByRules('商品: 招牌便當 價格: 120 網址: ftp://x'), undefined);
  });

  it('gives nothing for text in no known format', () => {
    assert.equal(parseDraftByRules('今天公休'), undefined);
    assert.equal(parseDraftByRules(''), undefined);
  });
});

describe('parsePrice', () => {
  it('reads plain, grouped and decimal prices and nothing else', () => {
    assert.equal(parsePrice('1,200'), 1200);
    assert.equal(parsePrice('$99.5'), 99.5);
    assert.equal(parsePrice('0'), 0);
    assert.equal(parsePrice('-5'), undefined);
    assert.equal(parsePrice('12a'), undefined);
    assert.equal(parsePrice('1,20'), undefined);
  });
});

describe('parseModelDraft', () => {
  it('accepts a JSON FAQ entry, also inside a code fence', () => {
    assert.deepEqual(
      parseModelDraft('```json\n{"kind":"faq","question":"幾點開？","answer":"十點"}\n```', ''),
      { kind: 'faq', question: '幾點開？', answer: '十點' },
    );
  });

  it('accepts a JSON product and drops a URL the owner did not write', () => {
    const owner = '新商品拿鐵，一杯 NT$120';
    assert.deepEqual(
      parseModelDraft(
        '{"kind":"product","name":"拿鐵","price":"NT$120","description":"","url":"https://made.up/"}',
        owner,
      ),
      { kind: 'product', name: '拿鐵', price: 120, description: null, url: null },
    );
    assert.deepEqual(
      parseModelDraft(
        '{"kind":"product","name":"拿鐵","price":120,"url":"https://shop.example/l"}',
        '拿鐵 120 https://shop.example/l',
      ),
      {
        kind: 'product',
        name: '拿鐵',
        price: 120,
        description: null,
        url: 'https://shop.example/l',
      },
    );
  });

  it('rejects junk, "none", missing fields and impossible prices', () => {
    assert.equal(parseModelDraft('I cannot help with that.', ''), undefined);
    assert.equal(parseModelDraft('{"kind":"none"}', ''), undefined);
    assert.equal(parseModelDraft('{"kind":"faq","question":"幾點開？"}', ''), undefined);
    assert.equal(parseModelDraft('{"kind":"product","name":"拿鐵","price":-1}', ''), undefined);
    assert.equal(parseModelDraft('{"kind":"product","name":"拿鐵","price":true}', ''), undefined);
    assert.equal(parseModelDraft('[1,2]', ''), undefined);
  });
});
