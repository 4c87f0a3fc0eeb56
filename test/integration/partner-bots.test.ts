/**
 * Managing bots through the partner API: listing with keyset pages, reading,
 * changing, deprovisioning (the slot comes back), usage figures, the
 * partner's own LINE channels, and the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eq, sql } from 'drizzle-orm';

import { bindings, bots, channels, conversationTurns, partners } from '../../src/db/schema.js';
import { assertError, bind, lineUser, provision, userOf } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

interface BotBody {
  bot_id: string;
  store_name: string;
  status: string;
  line_user_id: string | null;
  created_at: string;
  bound_at: string | null;
  metadata: unknown;
}

const NOT_FOUND = { code: 'not_found', error: 'The bot was not found.' };

describe('the partner bot endpoints', () => {
  let service: TestService;
  let partner: TestPartner;
  before(async () => {
    // A real (kind "line") channel must never reach api.line.me from a test.
    service = await startTestService({ LINE_API_BASE_URL: 'http://127.0.0.1:9' });
    partner = await createTestPartner(service, { slots: 10 });
  });
  after(() => service.close());

  const get = (url: string, key = partner.apiKey) =>
    partnerRequest(service, key, { method: 'GET', url });

  describe('GET /bots', () => {
    let lister: TestPartner;
    const created: string[] = [];
    before(async () => {
      lister = await createTestPartner(service, { name: 'Lister' });
      for (let n = 0; n < 5; n++) {
        created.push((await provision(service, lister.apiKey, { store_name: `Bot ${n}` })).bot_id);
      }
      // Two bots with the very same creation time must still page in a fixed order.
      await service.ctx.db
        .update(bots)
        .set({ createdAt: sql`(select created_at from bots where id = ${created[1]})` })
        .where(eq(bots.id, created[2]!));
    });

    it('lists newest first in pages that neither skip nor repeat a bot', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor === null ? '' : `&cursor=${cursor}`;
        const res = await get(`/api/partner/bots?limit=2${query}`, lister.apiKey);
        const body = res.json<{ bots: BotBody[]; next_cursor: string | null }>();
        assert.equal(res.statusCode, 200);
        assert.ok(body.bots.length <= 2);
        seen.push(...body.bots.map((bot) => bot.bot_id));
        cursor = body.next_cursor;
        pages++;
      } while (cursor !== null && pages < 10);

      assert.equal(pages, 3);
      assert.deepEqual([...seen].sort(), [...created].sort());
      assert.equal(seen[0], created[4]);
      assert.equal(seen[4], created[0]);
    });

    it('defaults to 20 bots and leaves deprovisioned bots out', async () => {
      await partnerRequest(service, lister.apiKey, {
        method: 'DELETE',
        url: `/api/partner/bots/${created[0]}`,
      });
      const res = await get('/api/partner/bots', lister.apiKey);
      const body = res.json<{ bots: BotBody[]; next_cursor: null }>();

      assert.equal(body.bots.length, 4);
      assert.equal(body.next_cursor, null);
      assert.ok(!body.bots.some((bot) => bot.bot_id === created[0]));
    });

    for (const limit of ['0', '101', 'abc', '2.5', '']) {
      it(`answers 400 to limit=${limit}`, async () => {
        assertError(await get(`/api/partner/bots?limit=${limit}`, lister.apiKey), 400, {
          code: 'validation_failed',
          error: 'The request is invalid: limit must be a whole number from 1 to 100',
          details: [{ path: 'limit', message: 'must be a whole number from 1 to 100' }],
        });
      });
    }

    it("answers 400 to a cursor that is not one of this partner's", async () => {
      const foreign = Buffer.from(created[1]!).toString('base64url');
      for (const cursor of ['garbage', foreign]) {
        assertError(await get(`/api/partner/bots?cursor=${cursor}`), 400, {
          code: 'validation_failed',
          error: 'The request is invalid: cursor is not a next_cursor from this listing',
          details: [{ path: 'cursor', message: 'is not a next_cursor from this listing' }],
        });
      }
    });
  });

  describe('GET and PATCH /bots/:botId', () => {
    it('reads a bound bot with its binding', async () => {
      const bot = await provision(service, partner.apiKey, {
        store_name: 'Reader',
        metadata: { ref: 7 },
      });
      await bind(service, partner.apiKey, bot.bot_id, lineUser(1));
      const res = await get(`/api/partner/bots/${bot.bot_id}`);
      const body = res.json<BotBody & { success: boolean }>();
      const [row] = await service.ctx.db
        .select()
        .from(bindings)
        .where(eq(bindings.botId, bot.bot_id));

      assert.equal(res.statusCode, 200);
      assert.deepEqual(body, {
        success: true,
        bot_id: bot.bot_id,
        store_name: 'Reader',
        status: 'active',
        line_user_id: lineUser(1),
        created_at: body.created_at,
        bound_at: row?.boundAt.toISOString(),
        metadata: { ref: 7 },
      });
      assert.ok(Date.now() - Date.parse(body.created_at) < 60_000);
    });

    it('changes store name, prompt and status', async () => {
      const bot = await provision(service, partner.apiKey);
      const res = await partnerRequest(service, partner.apiKey, {
        method: 'PATCH',
        url: `/api/partner/bots/${bot.bot_id}`,
        body: { store_name: 'Renamed', system_prompt: '新的人設', status: 'suspended' },
      });
      const [row] = await service.ctx.db.select().from(bots).where(eq(bots.id, bot.bot_id));

      assert.equal(res.statusCode, 200);
      assert.equal(res.json<BotBody>().store_name, 'Renamed');
      assert.equal(res.json<BotBody>().status, 'suspended');
      assert.equal(row?.systemPrompt, '新的人設');
    });

    it('refuses an empty change and the status "deleted"', async () => {
      const bot = await provision(service, partner.apiKey);
      const patch = (body: unknown) =>
        partnerRequest(service, partner.apiKey, {
          method: 'PATCH',
          url: `/api/partner/bots/${bot.bot_id}`,
          body,
        });

      assertError(await patch({}), 400, {
        code: 'validation_failed',
        error:
          'The request is invalid: (body) must change at least one of store_name, system_prompt, status',
        details: [
          {
            path: '(body)',
            message: 'must change at least one of store_name, system_prompt, status',
          },
        ],
      });
      const deleted = await patch({ status: 'deleted' });
      assert.equal(deleted.statusCode, 400);
      assert.equal(deleted.json<{ details: { path: string }[] }>().details[0]?.path, 'status');
    });

    it("answers 404 to unknown ids and another partner's bots", async () => {
      const other = await createTestPartner(service, { name: 'Other' });
      const theirs = await provision(service, other.apiKey, { store_name: 'Theirs' });
      for (const id of [theirs.bot_id, 'nope', '00000000-0000-4000-8000-000000000000']) {
        assertError(await get(`/api/partner/bots/${id}`), 404, NOT_FOUND);
        assertError(
          await partnerRequest(service, partner.apiKey, {
            method: 'PATCH',
            url: `/api/partner/bots/${id}`,
            body: { store_name: 'Stolen' },
          }),
          404,
          NOT_FOUND,
        );
      }
      const [row] = await service.ctx.db.select().from(bots).where(eq(bots.id, theirs.bot_id));
      assert.equal(row?.storeName, 'Theirs');
    });
  });

  describe('DELETE /bots/:botId', () => {
    it('deprovisions: binding and bind code gone, slot returned, 404 afterwards', async () => {
      const bot = await provision(service, partner.apiKey);
      await bind(service, partner.apiKey, bot.bot_id, lineUser(2));
      const usedBefore = await slotsUsed();
      const res = await partnerRequest(service, partner.apiKey, {
        method: 'DELETE',
        url: `/api/partner/bots/${bot.bot_id}`,
      });
      const [row] = await service.ctx.db.select().from(bots).where(eq(bots.id, bot.bot_id));

      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        success: true,
        bot_id: bot.bot_id,
        message: 'Bot deprovisioned.',
        slots_remaining: 10 - (usedBefore - 1),
      });
      assert.equal(await slotsUsed(), usedBefore - 1);
      assert.equal(row?.status, 'deleted');
      assert.equal(row?.bindCodeHash, null);
      assert.equal(await userOf(service, bot.bot_id), undefined);
      assertError(await get(`/api/partner/bots/${bot.bot_id}`), 404, NOT_FOUND);
      const again = await partnerRequest(service, partner.apiKey, {
        method: 'DELETE',
        url: `/api/partner/bots/${bot.bot_id}`,
      });
      assertError(again, 404, NOT_FOUND);
      assert.equal(await slotsUsed(), usedBefore - 1);
    });

    async function slotsUsed(): Promise<number> {
      const [row] = await service.ctx.db
        .select({ used: partners.slotsUsed })
        .from(partners)
        .where(eq(partners.id, partner.partnerId));

      return row?.used ?? -1;
    }
  });

  describe('GET /usage', () => {
    it('counts slots, bots, bound bots and the answers its bots sent this month', async () => {
      const fresh = await createTestPartner(service, { slots: 4, name: 'Usage' });
      const a = await provision(service, fresh.apiKey);
      await provision(service, fresh.apiKey);
      await bind(service, fresh.apiKey, a.bot_id, lineUser(3));
      await service.ctx.db.insert(conversationTurns).values([
        { botId: a.bot_id, lineUserId: lineUser(3), role: 'user', content: '你好' },
        { botId: a.bot_id, lineUserId: lineUser(3), role: 'assistant', content: '您好！' },
        {
          botId: a.bot_id,
          lineUserId: lineUser(3),
          role: 'assistant',
          content: 'last month',
          createdAt: new Date(Date.UTC(2000, 0, 1)),
        },
      ]);
      const res = await get('/api/partner/usage', fresh.apiKey);

      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        success: true,
        slots: { total: 4, used: 2, remaining: 2 },
        bots: 2,
        bound_bots: 1,
        messages_this_month: 1,
      });
    });
  });

  describe('PUT /channel and PUT /bots/:botId/channel', () => {
    const body = {
      channel_secret: '8c570fa6dd201bb328f1c1eac23a96d8',
      channel_access_token: 'a-long-lived-channel-access-token',
      basic_id: '@stockradar2',
    };

    it('replaces the central channel in place and never returns or stores the secrets in clear', async () => {
      const res = await partnerRequest(service, partner.apiKey, {
        method: 'PUT',
        url: '/api/partner/channel',
        body,
      });
      const [row] = await service.ctx.db
        .select()
        .from(channels)
        .where(eq(channels.id, partner.channelId));

      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        success: true,
        channel_id: partner.channelId,
        webhook_url: `${service.ctx.config.publicBaseUrl}/api/line/webhook/${partner.channelId}`,
      });
      assert.equal(row?.kind, 'line');
      assert.equal(row?.basicId, '@stockradar2');
      assert.ok(!JSON.stringify(row).includes(body.channel_secret));
      assert.ok(!JSON.stringify(row).includes(body.channel_access_token));
    });

    it('gives one bot its own channel', async () => {
      const bot = await provision(service, partner.apiKey);
      const res = await partnerRequest(service, partner.apiKey, {
        method: 'PUT',
        url: `/api/partner/bots/${bot.bot_id}/channel`,
        body: { ...body, basic_id: '@mystore' },
      });
      const channelId = res.json<{ channel_id: string }>().channel_id;
      const [row] = await service.ctx.db.select().from(channels).where(eq(channels.id, channelId));

      assert.equal(res.statusCode, 200);
      assert.equal(row?.botId, bot.bot_id);
      assert.equal(row?.partnerId, partner.partnerId);
      const code = await partnerRequest(service, partner.apiKey, {
        method: 'POST',
        url: `/api/partner/bots/${bot.bot_id}/bind-code`,
      });
      assert.ok(
        code
          .json<{ bind_url: string }>()
          .bind_url.startsWith('https://line.me/R/oaMessage/%40mystore/'),
      );
    });

    it('refuses a missing secret and a malformed basic id', async () => {
      const missing = await partnerRequest(service, partner.apiKey, {
        method: 'PUT',
        url: '/api/partner/channel',
        body: { channel_access_token: 'x' },
      });
      const badBasicId = await partnerRequest(service, partner.apiKey, {
        method: 'PUT',
        url: '/api/partner/channel',
        body: { ...body, basic_id: 'stockradar' },
      });

      assert.equal(missing.statusCode, 400);
      assert.equal(
        missing.json<{ details: { path: string }[] }>().details[0]?.path,
        'channel_secret',
      );
      assert.equal(badBasicId.statusCode, 400);
      assert.ok(!missing.body.includes('8c570fa6'));
    });

    it("answers 404 for another partner's bot", async () => {
      const other = await createTestPartner(service, { name: 'Other channel' });
      const theirs = await provision(service, other.apiKey);
      assertError(
        await partnerRequest(service, partner.apiKey, {
          method: 'PUT',
          url: `/api/partner/bots/${theirs.bot_id}/channel`,
          body,
        }),
        404,
        NOT_FOUND,
      );
    });
  });

  it('documents every partner endpoint in the OpenAPI document', async () => {
    const res = await service.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json<{ paths: Record<string, Record<string, { responses: object }>> }>();

    assert.equal(res.statusCode, 200);
    for (const [path, method] of [
      ['/api/partner/provision', 'post'],
      ['/api/partner/bind', 'post'],
      ['/api/partner/multicast', 'post'],
      ['/api/partner/bots', 'get'],
      ['/api/partner/bots/{botId}', 'get'],
      ['/api/partner/bots/{botId}', 'patch'],
      ['/api/partner/bots/{botId}', 'delete'],
      ['/api/partner/bots/{botId}/bind-code', 'post'],
      ['/api/partner/bots/{botId}/unbind', 'post'],
      ['/api/partner/usage', 'get'],
      ['/api/partner/multicasts/{multicastId}', 'get'],
      ['/api/partner/channel', 'put'],
      ['/api/partner/bots/{botId}/channel', 'put'],
    ] as const) {
      const operation = doc.paths[path]?.[method];
      assert.ok(operation, `${method} ${path} is documented`);
      assert.ok(Object.keys(operation.responses).length >= 2, `${method} ${path} has responses`);
    }
  });
});
