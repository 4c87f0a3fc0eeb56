/**
 * The bot management API, as a bot's owner uses it with the mgmt_token from
 * provisioning: the bot's persona, its FAQ entries and products, and its
 * stored conversations. A token reaches its own bot only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sql } from 'drizzle-orm';

import { appendTurn } from '../../src/knowledge/turns.js';
import { assertError, bind, lineUser, provision } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

interface Bot {
  bot_id: string;
  mgmt_token: string;
}

const BOT_NOT_FOUND = { code: 'not_found', error: 'The bot was not found.' };

describe('the bot management API', () => {
  let service: TestService;
  let partner: TestPartner;
  let botA: Bot;
  let botB: Bot;

  function call(
    token: string | undefined,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ) {
    return partnerRequest(service, token, { method, url: `/api/bots${url}`, body });
  }

  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
    botA = await provision(service, partner.apiKey, {
      store_name: '小明咖啡',
      system_prompt: '你是小明咖啡的店員。',
    });
    botB = await provision(service, partner.apiKey, { store_name: 'Other shop' });
  });
  after(() => service.close());

  describe('authentication', () => {
    it('answers 401 without a token', async () => {
      const res = await call(undefined, 'GET', `/${botA.bot_id}`);
      assertError(res, 401, {
        code: 'unauthorized',
        error: "A bot's management token is required in the Authorization header (Bearer).",
      });
    });

    it('answers 401 for an unknown token and for a partner API key', async () => {
      for (const token of ['00000000-0000-4000-8000-000000000000', partner.apiKey]) {
        const res = await call(token, 'GET', `/${botA.bot_id}`);
        assertError(res, 401, {
          code: 'unauthorized',
          error: 'The management token is not valid.',
        });
      }
    });

    it("answers 404 when a bot's token is used on another bot, on every endpoint", async () => {
      const faq = await call(botB.mgmt_token, 'POST', `/${botB.bot_id}/faqs`, {
        question: 'B 的問題',
        answer: 'B 的答案',
      });
      const faqId = faq.json<{ faq_id: string }>().faq_id;
      const attempts = [
        call(botA.mgmt_token, 'GET', `/${botB.bot_id}`),
        call(botA.mgmt_token, 'PATCH', `/${botB.bot_id}`, { store_name: 'stolen' }),
        call(botA.mgmt_token, 'GET', `/${botB.bot_id}/faqs`),
        call(botA.mgmt_token, 'POST', `/${botB.bot_id}/faqs`, { question: 'q', answer: 'a' }),
        call(botA.mgmt_token, 'PATCH', `/${botB.bot_id}/faqs/${faqId}`, { answer: 'x' }),
        call(botA.mgmt_token, 'DELETE', `/${botB.bot_id}/faqs/${faqId}`),
        call(botA.mgmt_token, 'GET', `/${botB.bot_id}/products`),
        call(botA.mgmt_token, 'GET', `/${botB.bot_id}/conversations`),
        call(botA.mgmt_token, 'GET', '/not-a-uuid'),
      ];
      for (const res of await Promise.all(attempts)) assertError(res, 404, BOT_NOT_FOUND);

      const still = await call(botB.mgmt_token, 'GET', `/${botB.bot_id}/faqs`);
      assert.equal(still.json<{ faqs: { answer: string }[] }>().faqs[0]?.answer, 'B 的答案');
    });

    it("answers 404 for another bot's FAQ entry reached through the token's own bot", async () => {
      const faq = await call(botB.mgmt_token, 'POST', `/${botB.bot_id}/faqs`, {
        question: 'B 的另一題',
        answer: 'B',
      });
      const faqId = faq.json<{ faq_id: string }>().faq_id;
      for (const res of [
        await call(botA.mgmt_token, 'PATCH', `/${botA.bot_id}/faqs/${faqId}`, { answer: 'x' }),
        await call(botA.mgmt_token, 'DELETE', `/${botA.bot_id}/faqs/${faqId}`),
      ]) {
        assertError(res, 404, { code: 'not_found', error: 'The FAQ entry was not found.' });
      }
    });

    it('answers 404 once the bot is deprovisioned', async () => {
      const doomed = await provision(service, partner.apiKey, { store_name: 'Doomed' });
      assert.equal((await call(doomed.mgmt_token, 'GET', `/${doomed.bot_id}`)).statusCode, 200);
      const deleted = await partnerRequest(service, partner.apiKey, {
        method: 'DELETE',
        url: `/api/partner/bots/${doomed.bot_id}`,
      });
      assert.equal(deleted.statusCode, 200);

      assertError(await call(doomed.mgmt_token, 'GET', `/${doomed.bot_id}`), 404, BOT_NOT_FOUND);
      assertError(
        await call(doomed.mgmt_token, 'GET', `/${doomed.bot_id}/faqs`),
        404,
        BOT_NOT_FOUND,
      );
    });

    it('accepts the bot id in upper case and carries a request id', async () => {
      const res = await call(botA.mgmt_token, 'GET', `/${botA.bot_id.toUpperCase()}`);
      assert.equal(res.statusCode, 200);
      assert.equal(typeof res.headers['x-request-id'], 'string');
    });
  });

  describe('GET and PATCH /:botId', () => {
    it('shows the store name, system prompt, status and bound user', async () => {
      const res = await call(botA.mgmt_token, 'GET', `/${botA.bot_id}`);
      const body = res.json<Record<string, string>>();
      assert.equal(res.statusCode, 200);
      assert.deepEqual(body, {
        success: true,
        bot_id: botA.bot_id,
        store_name: '小明咖啡',
        system_prompt: '你是小明咖啡的店員。',
        status: 'active',
        line_user_id: null,
        created_at: body.created_at,
        updated_at: body.updated_at,
      });
      assert.ok(!Number.isNaN(Date.parse(body.created_at!)));

      const owner = lineUser(0xa11ce);
      await bind(service, partner.apiKey, botB.bot_id, owner);
      const bound = await call(botB.mgmt_token, 'GET', `/${botB.bot_id}`);
      assert.equal(bound.json<{ line_user_id: string }>().line_user_id, owner);
    });

    it('changes the store name and the system prompt', async () => {
      const before = (await call(botA.mgmt_token, 'GET', `/${botA.bot_id}`)).json<{
        updated_at: string;
      }>();
      const res = await call(botA.mgmt_token, 'PATCH', `/${botA.bot_id}`, {
        store_name: '小明咖啡 2 號店',
        system_prompt: '你是親切的咖啡店員。',
      });
      const body = res.json<{ store_name: string; system_prompt: string; updated_at: string }>();
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(body.store_name, '小明咖啡 2 號店');
      assert.equal(body.system_prompt, '你是親切的咖啡店員。');
      assert.ok(body.updated_at > before.updated_at);

      const seen = await partnerRequest(service, partner.apiKey, {
        method: 'GET',
        url: `/api/partner/bots/${botA.bot_id}`,
      });
      assert.equal(seen.json<{ store_name: string }>().store_name, '小明咖啡 2 號店');
    });

    it('refuses an empty change, a blank store name and an over-long prompt', async () => {
      assertError(await call(botA.mgmt_token, 'PATCH', `/${botA.bot_id}`, {}), 400, {
        code: 'validation_failed',
        error:
          'The request is invalid: (body) must change at least one of store_name, system_prompt',
        details: [
          { path: '(body)', message: 'must change at least one of store_name, system_prompt' },
        ],
      });
      assertError(
        await call(botA.mgmt_token, 'PATCH', `/${botA.bot_id}`, { store_name: '' }),
        400,
        {
          code: 'validation_failed',
          error: 'The request is invalid: store_name must NOT have fewer than 1 characters',
          details: [
            { path: 'store_name', message: 'must NOT have fewer than 1 characters' },
            { path: 'store_name', message: 'must match pattern "\\S"' },
          ],
        },
      );
      const long = await call(botA.mgmt_token, 'PATCH', `/${botA.bot_id}`, {
        system_prompt: 'x'.repeat(10_001),
      });
      assertError(long, 400, {
        code: 'validation_failed',
        error: 'The request is invalid: system_prompt must NOT have more than 10000 characters',
        details: [{ path: 'system_prompt', message: 'must NOT have more than 10000 characters' }],
      });
    });

    it('answers 415 for a body that is not JSON', async () => {
      const res = await service.app.inject({
        method: 'PATCH',
        url: `/api/bots/${botA.bot_id}`,
        headers: { authorization: `Bearer ${botA.mgmt_token}`, 'content-type': 'text/plain' },
        payload: 'store_name=x',
      });
      assertError(res, 415, {
        code: 'unsupported_media_type',
        error: 'The request body must be application/json.',
      });
    });
  });

  describe('FAQ entries', () => {
    let token: string;
    let base: string;
    before(async () => {
      const bot = await provision(service, partner.apiKey, { store_name: 'FAQ shop' });
      token = bot.mgmt_token;
      base = `/${bot.bot_id}/faqs`;
    });

    it('adds, lists (oldest first), changes and deletes entries', async () => {
      const added = await call(token, 'POST', base, {
        question: '營業時間？',
        answer: '九點到六點',
      });
      const faq = added.json<Record<string, string>>();
      assert.equal(added.statusCode, 201, added.body);
      assert.deepEqual(faq, {
        success: true,
        faq_id: faq.faq_id,
        question: '營業時間？',
        answer: '九點到六點',
        created_at: faq.created_at,
        updated_at: faq.updated_at,
      });
      await call(token, 'POST', base, { question: '可以刷卡嗎？', answer: '可以' });

      const listed = await call(token, 'GET', base);
      assert.equal(listed.statusCode, 200);
      const faqs = listed.json<{ success: boolean; faqs: { question: string }[] }>();
      assert.equal(faqs.success, true);
      assert.deepEqual(
        faqs.faqs.map((entry) => entry.question),
        ['營業時間？', '可以刷卡嗎？'],
      );

      const changed = await call(token, 'PATCH', `${base}/${faq.faq_id}`, { answer: '十點到七點' });
      assert.equal(changed.statusCode, 200);
      assert.equal(changed.json<{ question: string }>().question, '營業時間？');
      assert.equal(changed.json<{ answer: string }>().answer, '十點到七點');

      const removed = await call(token, 'DELETE', `${base}/${faq.faq_id}`);
      assert.equal(removed.statusCode, 200);
      assert.deepEqual(removed.json(), {
        success: true,
        faq_id: faq.faq_id,
        message: 'FAQ entry deleted.',
      });
      assertError(await call(token, 'DELETE', `${base}/${faq.faq_id}`), 404, {
        code: 'not_found',
        error: 'The FAQ entry was not found.',
      });
      assertError(await call(token, 'PATCH', `${base}/nope`, { answer: 'x' }), 404, {
        code: 'not_found',
        error: 'The FAQ entry was not found.',
      });
    });

    it('refuses a missing answer, a blank question and an over-long answer', async () => {
      assertError(await call(token, 'POST', base, { question: '營業時間？' }), 400, {
        code: 'validation_failed',
        error: 'The request is invalid: answer is required',
        details: [{ path: 'answer', message: 'is required' }],
      });
      assertError(await call(token, 'POST', base, { question: '   ', answer: 'a' }), 400, {
        code: 'validation_failed',
        error: 'The request is invalid: question must match pattern "\\S"',
        details: [{ path: 'question', message: 'must match pattern "\\S"' }],
      });
      assertError(
        await call(token, 'POST', base, { question: 'q', answer: 'a'.repeat(5_001) }),
        400,
        {
          code: 'validation_failed',
          error: 'The request is invalid: answer must NOT have more than 5000 characters',
          details: [{ path: 'answer', message: 'must NOT have more than 5000 characters' }],
        },
      );
      assertError(await call(token, 'PATCH', `${base}/whatever`, {}), 400, {
        code: 'validation_failed',
        error: 'The request is invalid: (body) must change at least one of question, answer',
        details: [{ path: '(body)', message: 'must change at least one of question, answer' }],
      });
    });

    it('refuses a new entry once the bot holds 500', async () => {
      const bot = await provision(service, partner.apiKey, { store_name: 'Full shop' });
      await service.ctx.db.execute(sql`
        insert into faqs (bot_id, question, answer)
        select ${bot.bot_id}, 'q' || g, 'a' from generate_series(1, 500) g`);
      const res = await call(bot.mgmt_token, 'POST', `/${bot.bot_id}/faqs`, {
        question: 'q',
        answer: 'a',
      });
      assertError(res, 403, {
        code: 'forbidden',
        error: 'The bot already has 500 FAQ entries; delete one before adding another.',
      });
    });
  });

  describe('products', () => {
    let token: string;
    let base: string;
    before(async () => {
      const bot = await provision(service, partner.apiKey, { store_name: 'Product shop' });
      token = bot.mgmt_token;
      base = `/${bot.bot_id}/products`;
    });

    it('adds, lists, changes (clearing the URL) and deletes products', async () => {
      const added = await call(token, 'POST', base, {
        name: '拿鐵',
        price: 120,
        url: 'https://shop.example/latte',
        description: '熱的',
      });
      const product = added.json<Record<string, string>>();
      assert.equal(added.statusCode, 201, added.body);
      assert.deepEqual(product, {
        success: true,
        product_id: product.product_id,
        name: '拿鐵',
        price: 120,
        url: 'https://shop.example/latte',
        description: '熱的',
        created_at: product.created_at,
        updated_at: product.updated_at,
      });
      const plain = await call(token, 'POST', base, { name: '美式', price: 85.5 });
      assert.equal(plain.json<{ url: null }>().url, null);
      assert.equal(plain.json<{ description: null }>().description, null);

      const listed = await call(token, 'GET', base);
      assert.deepEqual(
        listed
          .json<{ products: { name: string; price: number }[] }>()
          .products.map((p) => [p.name, p.price]),
        [
          ['拿鐵', 120],
          ['美式', 85.5],
        ],
      );

      const changed = await call(token, 'PATCH', `${base}/${product.product_id}`, {
        price: 130,
        url: null,
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(changed.json<{ price: number }>().price, 130);
      assert.equal(changed.json<{ url: null }>().url, null);
      assert.equal(changed.json<{ description: string }>().description, '熱的');

      const removed = await call(token, 'DELETE', `${base}/${product.product_id}`);
      assert.deepEqual(removed.json(), {
        success: true,
        product_id: product.product_id,
        message: 'Product deleted.',
      });
      assertError(await call(token, 'DELETE', `${base}/${product.product_id}`), 404, {
        code: 'not_found',
        error: 'The product was not found.',
      });
    });

    it('refuses a price given as text, a negative price and a URL that is not http(s)', async () => {
      const count = async () =>
        (await call(token, 'GET', base)).json<{ products: unknown[] }>().products.length;
      const held = await count();
      assertError(await call(token, 'POST', base, { name: '拿鐵', price: '120' }), 400, {
        code: 'validation_failed',
        error: 'The request is invalid: price must be number',
        details: [{ path: 'price', message: 'must be number' }],
      });
      assertError(await call(token, 'POST', base, { name: '拿鐵', price: -1 }), 400, {
        code: 'validation_failed',
        error: 'The request is invalid: price must be >= 0',
        details: [{ path: 'price', message: 'must be >= 0' }],
      });
      assertError(
        await call(token, 'POST', base, { name: '拿鐵', price: 1, url: 'ftp://shop.example/x' }),
        400,
        {
          code: 'validation_failed',
          error: 'The request is invalid: url must be an http(s) URL',
          details: [{ path: 'url', message: 'must be an http(s) URL' }],
        },
      );
      assert.equal(await count(), held);
    });
  });

  it('describes every management endpoint in the OpenAPI document', async () => {
    const res = await service.app.inject({ method: 'GET', url: '/api/openapi.json' });
    type Operation = { security: object[]; responses: Record<string, unknown> };
    const doc = res.json<{ paths: Record<string, Record<string, Operation>> }>();
    assert.equal(res.statusCode, 200);
    for (const [path, method] of [
      ['/api/bots/{botId}', 'get'],
      ['/api/bots/{botId}', 'patch'],
      ['/api/bots/{botId}/faqs', 'get'],
      ['/api/bots/{botId}/faqs', 'post'],
      ['/api/bots/{botId}/faqs/{faqId}', 'patch'],
      ['/api/bots/{botId}/faqs/{faqId}', 'delete'],
      ['/api/bots/{botId}/products', 'get'],
      ['/api/bots/{botId}/products', 'post'],
      ['/api/bots/{botId}/products/{productId}', 'patch'],
      ['/api/bots/{botId}/products/{productId}', 'delete'],
      ['/api/bots/{botId}/conversations', 'get'],
    ] as const) {
      const operation = doc.paths[path]?.[method];
      assert.ok(operation !== undefined, `${method} ${path}`);
      assert.deepEqual(operation.security, [{ mgmtToken: [] }]);
      assert.ok('401' in operation.responses && '404' in operation.responses);
    }
  });

  describe('GET /:botId/conversations', () => {
    let token: string;
    let botId: string;
    const alice = lineUser(1);
    const bob = lineUser(2);
    before(async () => {
      const bot = await provision(service, partner.apiKey, { store_name: 'Chatty' });
      token = bot.mgmt_token;
      botId = bot.bot_id;
      const turns: [string, 'user' | 'assistant', string][] = [
        [alice, 'user', '你好'],
        [alice, 'assistant', '您好！'],
        [bob, 'user', '幾點開門？'],
        [bob, 'assistant', '九點。'],
        [alice, 'user', '謝謝'],
      ];
      for (const [lineUserId, role, content] of turns) {
        await appendTurn(service.ctx.db, { botId, lineUserId, role, content });
      }
    });

    interface Page {
      turns: {
        id: number;
        line_user_id: string;
        role: string;
        content: string;
        created_at: string;
      }[];
      next_cursor: string | null;
    }

    it("lists one user's turns newest first", async () => {
      const res = await call(token, 'GET', `/${botId}/conversations?line_user_id=${alice}`);
      const page = res.json<Page>();
      assert.equal(res.statusCode, 200);
      assert.deepEqual(
        page.turns.map((turn) => [turn.line_user_id, turn.role, turn.content]),
        [
          [alice, 'user', '謝謝'],
          [alice, 'assistant', '您好！'],
          [alice, 'user', '你好'],
        ],
      );
      assert.equal(page.next_cursor, null);
      assert.equal(typeof page.turns[0]?.id, 'number');
    });

    it('pages through all turns without skipping or repeating one', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor === null ? '' : `&cursor=${cursor}`;
        const res = await call(token, 'GET', `/${botId}/conversations?limit=2${query}`);
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json<Page>();
        seen.push(...page.turns.map((turn) => turn.content));
        cursor = page.next_cursor;
        pages++;
      } while (cursor !== null && pages < 10);

      assert.equal(pages, 3);
      assert.deepEqual(seen, ['謝謝', '九點。', '幾點開門？', '您好！', '你好']);
    });

    it('refuses a bad LINE user id, cursor or limit', async () => {
      assertError(await call(token, 'GET', `/${botId}/conversations?line_user_id=alice`), 400, {
        code: 'validation_failed',
        error: 'The request is invalid: line_user_id must match pattern "^U[0-9a-f]{32}$"',
        details: [{ path: 'line_user_id', message: 'must match pattern "^U[0-9a-f]{32}$"' }],
      });
      assertError(await call(token, 'GET', `/${botId}/conversations?cursor=abc`), 400, {
        code: 'validation_failed',
        error: 'The request is invalid: cursor is not a next_cursor from this listing',
        details: [{ path: 'cursor', message: 'is not a next_cursor from this listing' }],
      });
      assertError(await call(token, 'GET', `/${botId}/conversations?limit=0`), 400, {
        code: 'validation_failed',
        error: 'The request is invalid: limit must be a whole number from 1 to 100',
        details: [{ path: 'limit', message: 'must be a whole number from 1 to 100' }],
      });
    });

    it("shows no turns of another bot's users", async () => {
      const res = await call(botA.mgmt_token, 'GET', `/${botA.bot_id}/conversations`);
      assert.deepEqual(res.json(), { success: true, turns: [], next_cursor: null });
    });
  });
});
