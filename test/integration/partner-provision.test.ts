/**
 * POST /api/partner/provision as the published guide describes it, the
 * extensions, authentication and every kind of bad input, and the quota under
 * concurrent requests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eq } from 'drizzle-orm';

import { revokeApiKeys } from '../../src/admin/partners.js';
import { API_KEY_PREFIX_LENGTH, bindCodeHash, sha256Hex } from '../../src/crypto/tokens.js';
import { bindings, bots, channels, partners } from '../../src/db/schema.js';
import { DEFAULT_SYSTEM_PROMPT } from '../../src/partner/provision.js';
import { assertError, lineUser, rowCount } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const SAMPLES = join(import.meta.dirname, '..', 'fixtures', 'samples');
const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SAMPLES, name), 'utf8')) as Record<string, unknown>;

const PROVISIONED =
  'Bot provisioned successfully. Please direct the user to their LINE Bot to bind their owner account.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /api/partner/provision', () => {
  let service: TestService;
  let partner: TestPartner;
  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service, { slots: 100 });
  });
  after(() => service.close());

  const provision = (body: unknown, headers?: Record<string, string>, key = partner.apiKey) =>
    partnerRequest(service, key, { method: 'POST', url: '/api/partner/provision', body, headers });

  async function slotsUsed(partnerId = partner.partnerId): Promise<number> {
    const [row] = await service.ctx.db
      .select({ used: partners.slotsUsed })
      .from(partners)
      .where(eq(partners.id, partnerId));

    return row?.used ?? -1;
  }

  it("answers the guide's sample request with 201 and exactly the documented fields", async () => {
    const body = sample('provision.json');
    const res = await provision(body);

    assert.equal(res.statusCode, 201, res.body);
    const json = res.json<Record<string, unknown>>();
    assert.deepEqual(Object.keys(json).sort(), [
      'bind_code',
      'bind_url',
      'bot_id',
      'message',
      'mgmt_token',
      'slots_remaining',
      'store_name',
      'success',
    ]);
    assert.equal(json.success, true);
    assert.match(String(json.bot_id), UUID);
    assert.match(String(json.mgmt_token), UUID);
    assert.equal(json.store_name, 'StockRadar Assistant - User123');
    assert.equal(json.message, PROVISIONED);
    assert.match(String(json.bind_code), /^[A-HJ-NP-Z2-9]{6}$/);
    assert.equal(
      json.bind_url,
      `https://line.me/R/oaMessage/%40stockradar/?%40%E6%88%91%E6%98%AF%E5%BA%97%E9%95%B7%20${String(json.bind_code)}`,
    );
    assert.equal(json.slots_remaining, 99);

    const [row] = await service.ctx.db
      .select()
      .from(bots)
      .where(eq(bots.id, String(json.bot_id)));
    assert.equal(row?.systemPrompt, body.system_prompt);
    assert.equal(row?.status, 'active');
    assert.equal(row?.mgmtTokenHash, sha256Hex(String(json.mgmt_token)));
    assert.equal(row?.bindCodeHash, bindCodeHash(partner.partnerId, String(json.bind_code)));
    const ttlMs = (row?.bindCodeExpiresAt?.getTime() ?? 0) - Date.now();
    assert.ok(ttlMs > 71 * 3_600_000 && ttlMs <= 72 * 3_600_000, `bind code ttl ${ttlMs} ms`);
  });

  it('gives a bot without system_prompt the polite generic assistant prompt', async () => {
    const res = await provision({ store_name: 'No prompt' });
    const [row] = await service.ctx.db
      .select({ prompt: bots.systemPrompt })
      .from(bots)
      .where(eq(bots.id, res.json<{ bot_id: string }>().bot_id));

    assert.equal(row?.prompt, DEFAULT_SYSTEM_PROMPT);
  });

  it('binds owner_line_user_id at once and keeps the metadata', async () => {
    const res = await provision({
      store_name: 'Bound at once',
      owner_line_user_id: lineUser(7),
      metadata: { customer_id: 'cus_123', plan: 'premium' },
    });
    const botId = res.json<{ bot_id: string }>().bot_id;
    const [binding] = await service.ctx.db.select().from(bindings).where(eq(bindings.botId, botId));
    const view = await partnerRequest(service, partner.apiKey, {
      method: 'GET',
      url: `/api/partner/bots/${botId}`,
    });

    assert.equal(res.statusCode, 201);
    assert.equal(binding?.lineUserId, lineUser(7));
    assert.equal(binding?.boundVia, 'api');
    assert.deepEqual(view.json<{ metadata: unknown }>().metadata, {
      customer_id: 'cus_123',
      plan: 'premium',
    });
  });

  it('gives no bind_url while the central channel has no basic id, and null slots when unlimited', async () => {
    const other = await createTestPartner(service, { slots: null, name: 'No basic id' });
    await service.ctx.db
      .update(channels)
      .set({ basicId: null })
      .where(eq(channels.id, other.channelId));
    const res = await provision({ store_name: 'Unlimited' }, undefined, other.apiKey);

    assert.equal(res.statusCode, 201);
    assert.equal(res.json<{ bind_url: unknown }>().bind_url, null);
    assert.equal(res.json<{ slots_remaining: unknown }>().slots_remaining, null);
  });

  describe('rejects bad input and stores nothing', () => {
    const cases: [
      string,
      unknown,
      { error: string; details: { path: string; message: string }[] },
    ][] = [
      [
        'a missing store_name',
        { system_prompt: 'hi' },
        {
          error: 'The request is invalid: store_name is required',
          details: [{ path: 'store_name', message: 'is required' }],
        },
      ],
      [
        'an empty store_name',
        { store_name: '' },
        {
          error: 'The request is invalid: store_name must NOT have fewer than 1 characters',
          details: [
            { path: 'store_name', message: 'must NOT have fewer than 1 characters' },
            { path: 'store_name', message: 'must match pattern "\\S"' },
          ],
        },
      ],
      [
        'a store_name of 101 characters',
        { store_name: '店'.repeat(101) },
        {
          error: 'The request is invalid: store_name must NOT have more than 100 characters',
          details: [{ path: 'store_name', message: 'must NOT have more than 100 characters' }],
        },
      ],
      [
        'a system_prompt over 10,000 characters',
        { store_name: 'ok', system_prompt: 'x'.repeat(10_001) },
        {
          error: 'The request is invalid: system_prompt must NOT have more than 10000 characters',
          details: [{ path: 'system_prompt', message: 'must NOT have more than 10000 characters' }],
        },
      ],
      [
        'a malformed owner_line_user_id',
        { store_name: 'ok', owner_line_user_id: 'U123' },
        {
          error: 'The request is invalid: owner_line_user_id must match pattern "^U[0-9a-f]{32}$"',
          details: [
            { path: 'owner_line_user_id', message: 'must match pattern "^U[0-9a-f]{32}$"' },
          ],
        },
      ],
      [
        'metadata over 4 KB',
        { store_name: 'ok', metadata: { blob: 'x'.repeat(5000) } },
        {
          error: 'The request is invalid: metadata must be at most 4096 bytes as JSON',
          details: [{ path: 'metadata', message: 'must be at most 4096 bytes as JSON' }],
        },
      ],
    ];
    for (const [what, body, expected] of cases) {
      it(`answers 400 to ${what}`, async () => {
        const before = { bots: await rowCount(service, 'bots'), used: await slotsUsed() };
        const res = await provision(body);

        assertError(res, 400, { code: 'validation_failed', ...expected });
        assert.deepEqual(
          { bots: await rowCount(service, 'bots'), used: await slotsUsed() },
          before,
        );
      });
    }

    it('answers 400 invalid_json to a malformed JSON body', async () => {
      const bots = await rowCount(service, 'bots');
      const res = await provision('{"store_name": "broken"');

      assertError(res, 400, { code: 'invalid_json', error: 'The request body is not valid JSON.' });
      assert.equal(await rowCount(service, 'bots'), bots);
    });

    it('answers 415 to a text/plain body', async () => {
      const res = await provision('store_name=hello', { 'content-type': 'text/plain' });

      assertError(res, 415, {
        code: 'unsupported_media_type',
        error: 'The request body must be application/json.',
      });
    });
  });

  describe('authentication', () => {
    it('answers 401 without an Authorization header', async () => {
      const res = await partnerRequest(service, undefined, {
        method: 'POST',
        url: '/api/partner/provision',
        body: { store_name: 'x' },
      });

      assertError(res, 401, {
        code: 'unauthorized',
        error: 'A valid API key is required in the Authorization header (Bearer).',
      });
    });

    it('answers 401 to an unknown key and to a revoked key', async () => {
      const revoked = await createTestPartner(service, { name: 'Revoked' });
      await revokeApiKeys(
        service.ctx.db,
        revoked.partnerId,
        revoked.apiKey.slice(0, API_KEY_PREFIX_LENGTH),
      );
      const bots = await rowCount(service, 'bots');

      for (const key of ['bf_not-a-real-key', revoked.apiKey]) {
        assertError(await provision({ store_name: 'x' }, undefined, key), 401, {
          code: 'unauthorized',
          error: 'The API key is not valid or was revoked.',
        });
      }
      assert.equal(await rowCount(service, 'bots'), bots);
      assert.equal(await slotsUsed(revoked.partnerId), 0);
    });
  });

  describe('quota', () => {
    it('sells exactly the three slots left to ten concurrent requests', async () => {
      const limited = await createTestPartner(service, { slots: 5, name: 'Three left' });
      for (const n of [1, 2]) {
        await provision({ store_name: `before ${n}` }, undefined, limited.apiKey);
      }
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          provision({ store_name: `race ${n}` }, undefined, limited.apiKey),
        ),
      );
      const created = results.filter((res) => res.statusCode === 201);
      const refused = results.filter((res) => res.statusCode === 403);

      assert.equal(created.length, 3);
      assert.equal(refused.length, 7);
      for (const res of refused) {
        assertError(res, 403, {
          code: 'quota_exhausted',
          error: 'No bot slots are left in your quota.',
        });
      }
      assert.deepEqual(
        created.map((res) => res.json<{ slots_remaining: number }>().slots_remaining).sort(),
        [0, 1, 2],
      );
      assert.equal(await slotsUsed(limited.partnerId), 5);
      const stored = await service.ctx.db
        .select({ id: bots.id })
        .from(bots)
        .where(eq(bots.partnerId, limited.partnerId));
      assert.equal(stored.length, 5);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response to a repeated key and creates one bot', async () => {
      const headers = { 'idempotency-key': 'provision-user-123' };
      const bots = await rowCount(service, 'bots');
      const first = await provision({ store_name: 'Once' }, headers);
      const second = await provision({ store_name: 'Once' }, headers);

      assert.equal(first.statusCode, 201);
      assert.equal(second.statusCode, 201);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      assert.deepEqual(second.json(), first.json());
      assert.equal(await rowCount(service, 'bots'), bots + 1);
    });

    it('answers 422 to the same key with another body', async () => {
      const headers = { 'idempotency-key': 'provision-user-456' };
      await provision({ store_name: 'First body' }, headers);
      const res = await provision({ store_name: 'Second body' }, headers);

      assertError(res, 422, {
        code: 'idempotency_key_reused',
        error: 'This Idempotency-Key was used with a different request.',
      });
    });
  });
});
