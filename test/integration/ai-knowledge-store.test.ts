/** The knowledge store's queries on a real database: per-bot scoping, turns and drafts. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  addDraft,
  addFaq,
  deleteFaq,
  listFaqs,
  listProducts,
  loadKnowledge,
  updateProduct,
} from '../../src/knowledge/store.js';
import { appendTurn, lastTurns, pageTurns } from '../../src/knowledge/turns.js';
import { lineUser, provision } from '../support/partner-fixtures.js';
import { createTestPartner, startTestService, type TestService } from '../support/service.js';

describe('the knowledge store', () => {
  let service: TestService;
  let botA: string;
  let botB: string;
  before(async () => {
    service = await startTestService();
    const partner = await createTestPartner(service);
    botA = (await provision(service, partner.apiKey)).bot_id;
    botB = (await provision(service, partner.apiKey)).bot_id;
  });
  after(() => service.close());

  it("files drafts as FAQ entries and products and loads only the bot's own", async () => {
    const db = service.ctx.db;
    await addDraft(db, botA, { kind: 'faq', question: '幾點開？', answer: '九點' });
    await addDraft(db, botA, {
      kind: 'product',
      name: '拿鐵',
      price: 120.5,
      description: null,
      url: 'https://shop.example/latte',
    });
    await addFaq(db, botB, { question: 'B?', answer: 'B' });

    const knowledge = await loadKnowledge(db, botA);
    assert.deepEqual(
      knowledge.faqs.map(({ question, answer }) => ({ question, answer })),
      [{ question: '幾點開？', answer: '九點' }],
    );
    assert.deepEqual(
      knowledge.products.map(({ name, price, url, description }) => ({
        name,
        price,
        url,
        description,
      })),
      [{ name: '拿鐵', price: 120.5, url: 'https://shop.example/latte', description: null }],
    );
  });

  it("does not change or delete another bot's entries", async () => {
    const db = service.ctx.db;
    const [faqB] = await listFaqs(db, botB);
    const [productA] = await listProducts(db, botA);
    assert.equal(await deleteFaq(db, botA, faqB!.id), false);
    assert.equal(await updateProduct(db, botB, productA!.id, { price: 1 }), undefined);
    assert.equal(await deleteFaq(db, botA, 'not-a-uuid'), false);
    assert.equal((await listFaqs(db, botB)).length, 1);
  });

  it("gives a user's last turns oldest first, and one turn per event and role", async () => {
    const db = service.ctx.db;
    const user = lineUser(7);
    for (const [role, content] of [
      ['user', '一'],
      ['assistant', '二'],
      ['user', '三'],
      ['assistant', '四'],
    ] as const) {
      await appendTurn(db, { botId: botA, lineUserId: user, role, content });
    }
    await appendTurn(db, { botId: botA, lineUserId: lineUser(8), role: 'user', content: '別人' });

    assert.deepEqual(await lastTurns(db, botA, user, 3), [
      { role: 'assistant', content: '二' },
      { role: 'user', content: '三' },
      { role: 'assistant', content: '四' },
    ]);

    const first = await appendTurn(db, {
      botId: botA,
      lineUserId: user,
      role: 'user',
      content: '五',
      webhookEventId: 'evt-1',
    });
    const again = await appendTurn(db, {
      botId: botA,
      lineUserId: user,
      role: 'user',
      content: '五（重送）',
      webhookEventId: 'evt-1',
    });
    assert.equal(first?.content, '五');
    assert.equal(again, undefined);

    const page = await pageTurns(db, botA, { lineUserId: user, beforeId: undefined, limit: 10 });
    assert.deepEqual(
      page.turns.map((turn) => turn.content),
      ['五', '四', '三', '二', '一'],
    );
    assert.equal(page.nextBeforeId, undefined);
  });
});
