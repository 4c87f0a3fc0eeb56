import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { FaqEntry, ProductEntry } from '../../src/ai/types.js';
import { rankKnowledge, similarity, tokenize } from '../../src/knowledge/retrieval.js';

const faqs: FaqEntry[] = [
  { id: 'hours', question: '營業時間是幾點？', answer: '每天早上十點到晚上九點。' },
  { id: 'card', question: '可以刷卡嗎？', answer: '可以，接受信用卡與 LINE Pay。' },
  { id: 'parking', question: '有停車位嗎？', answer: '門市後方有免費停車場。' },
  { id: 'tsmc', question: '台積電 2330 的看法？', answer: '長期看好，短期留意匯率。' },
];
const products: ProductEntry[] = [
  { id: 'bento', name: '招牌便當', price: 120, url: null, description: '附湯與小菜' },
  {
    id: 'report',
    name: 'TSMC 研究報告',
    price: 300,
    url: 'https://example.com/r',
    description: '台積電年度分析',
  },
];
const knowledge = { faqs, products };

function ids(question: string, minScore = 0.25, limit = 5): string[] {
  return rankKnowledge(question, knowledge, { limit, minScore }).map((ranked) => ranked.entry.id);
}

describe('tokenize', () => {
  it('cuts Chinese into single characters and character pairs, skipping grammatical characters', () => {
    assert.deepEqual(
      [...tokenize('營業時間').keys()],
      ['營', '營業', '業', '業時', '時', '時間', '間'],
    );
    assert.equal(tokenize('的').size, 0);
  });

  it('keeps Latin words and numbers whole and lowercase, full-width digits folded', () => {
    const tokens = tokenize('TSMC２３３０, iPhone 15');
    assert.deepEqual([...tokens.keys()], ['tsmc2330', 'iphone', '15']);
    assert.deepEqual(
      [...tokenize('台積電2330').keys()],
      ['台', '台積', '積', '積電', '電', '2330'],
    );
  });

  it('gives nothing for punctuation and emoji alone', () => {
    assert.equal(tokenize('？！…😀 ').size, 0);
  });
});

describe('similarity', () => {
  it('is 1 for the same text and 0 for texts that share nothing', () => {
    assert.equal(similarity(tokenize('營業時間'), tokenize('營業時間')), 1);
    assert.equal(similarity(tokenize('營業時間'), tokenize('刷卡')), 0);
  });
});

describe('rankKnowledge', () => {
  it('matches a question worded differently from the FAQ entry', () => {
    assert.deepEqual(ids('你們幾點開門營業'), ['hours']);
    assert.deepEqual(ids('請問你們週六幾點開門營業呢？謝謝'), ['hours']);
    assert.deepEqual(ids('可以用信用卡付款嗎'), ['card']);
    assert.deepEqual(ids('有地方停車嗎'), ['parking']);
  });

  it('matches a stock by its code or by its name', () => {
    assert.deepEqual(ids('2330'), ['tsmc']);
    assert.deepEqual(ids('台積電'), ['tsmc', 'report']);
    assert.ok(ids('ＴＳＭＣ 報告').includes('report'));
  });

  it('matches a product by part of its name', () => {
    assert.deepEqual(ids('便當多少錢'), ['bento']);
  });

  it('finds nothing for an unrelated question or one that shares only a character', () => {
    assert.deepEqual(ids('今天天氣如何'), []);
    assert.deepEqual(ids('門市在哪裡'), []);
    assert.deepEqual(ids('hello'), []);
    assert.deepEqual(ids('？？？'), []);
  });

  it('returns at most the limit, best first, with scores between 0 and 1', () => {
    const ranked = rankKnowledge('台積電 2330 研究報告', knowledge, { limit: 1, minScore: 0 });
    assert.equal(ranked.length, 1);
    assert.equal(ranked[0]?.entry.id, 'report');
    assert.ok(ranked[0].score > 0 && ranked[0].score <= 1);
  });

  it('finds nothing in a bot without knowledge', () => {
    assert.deepEqual(
      rankKnowledge('營業時間', { faqs: [], products: [] }, { limit: 5, minScore: 0 }),
      [],
    );
  });
});
