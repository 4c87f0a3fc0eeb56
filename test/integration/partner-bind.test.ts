/**
 * POST /api/partner/bind, unbinding and bind codes: the guide's sample, the
 * same and a different user, and another partner's bot, which must look
 * exactly like a bot that does not exist.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eq } from 'drizzle-orm';

import { bindCodeHash } from '../../src/crypto/tokens.js';
import { bindings, bots } from '../../src/db/schema.js';
import {
  assertError,
  bind,
  lineUser,
  provision,
  rowCount,
  userOf,
} from '../support/partner-fixtures.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const SAMPLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'samples', 'bind.json'), 'utf8'),
) as { bot_id: string; line_user_id: string };

const NOT_FOUND = { code: 'not_found', error: 'The bot was not found.' };

describe('POST /api/partner/bind', () => {
  let service: TestService;
  let partner: TestPartner;
  let other: TestPartner;
  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
    other = await createTestPartner(service, { name: 'Competitor' });
  });
  after(() => service.close());

  const post = (body: unknown, key = partner.apiKey) =>
    partnerRequest(service, key, { method: 'POST', url: '/api/partner/bind', body });

  it("answers the guide's sample with 404: its bot id belongs to nobody here", async () => {
    assertError(await post(SAMPLE), 404, NOT_FOUND);
    assert.equal(await rowCount(service, 'bindings'), 0);
  });

  it('binds the user to a real bot and answers with the documented body', async () => {
    const bot = await provision(service, partner.apiKey, {
      store_name: 'StockRadar Assistant - User123',
    });
    const res = await post({ bot_id: bot.bot_id, line_user_id: SAMPLE.line_user_id });

    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      success: true,
      bot_id: bot.bot_id,
      line_user_id: SAMPLE.line_user_id,
      store_name: 'StockRadar Assistant - User123',
      message: 'Account successfully bound.',
    });
    const [row] = await service.ctx.db
      .select()
      .from(bindings)
      .where(eq(bindings.botId, bot.bot_id));
    assert.equal(row?.lineUserId, SAMPLE.line_user_id);
    assert.equal(row?.boundVia, 'api');
  });

  it('answers 200 and changes nothing when the same user binds again', async () => {
    const bot = await provision(service, partner.apiKey);
    await bind(service, partner.apiKey, bot.bot_id, lineUser(1));
    const [first] = await service.ctx.db
      .select()
      .from(bindings)
      .where(eq(bindings.botId, bot.bot_id));
    const res = await post({ bot_id: bot.bot_id, line_user_id: lineUser(1) });
    const [second] = await service.ctx.db
      .select()
      .from(bindings)
      .where(eq(bindings.botId, bot.bot_id));

    assert.equal(res.statusCode, 200);
    assert.deepEqual(second, first);
  });

  it('answers 409 to a different user unless replace is true', async () => {
    const bot = await provision(service, partner.apiKey);
    await bind(service, partner.apiKey, bot.bot_id, lineUser(1));

    assertError(await post({ bot_id: bot.bot_id, line_user_id: lineUser(2) }), 409, {
      code: 'already_bound',
      error: 'The bot is already bound to another LINE user; send "replace": true to replace it.',
    });
    assert.equal(await userOf(service, bot.bot_id), lineUser(1));

    const replaced = await post({ bot_id: bot.bot_id, line_user_id: lineUser(2), replace: true });
    assert.equal(replaced.statusCode, 200);
    assert.equal(await userOf(service, bot.bot_id), lineUser(2));
  });

  it('keeps the bind code when binding through the API', async () => {
    const bot = await provision(service, partner.apiKey);
    await bind(service, partner.apiKey, bot.bot_id, lineUser(3));
    const [row] = await service.ctx.db
      .select({ hash: bots.bindCodeHash })
      .from(bots)
      .where(eq(bots.id, bot.bot_id));

    assert.equal(row?.hash, bindCodeHash(partner.partnerId, bot.bind_code));
  });

  it('answers 400 to a malformed line_user_id and binds nothing', async () => {
    const bot = await provision(service, partner.apiKey);
    for (const bad of ['U1234', `u${'a'.repeat(32)}`, `U${'A'.repeat(32)}`, 42]) {
      const res = await post({ bot_id: bot.bot_id, line_user_id: bad });

      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ code: string }>().code, 'validation_failed');
      assert.equal(res.json<{ details: { path: string }[] }>().details[0]?.path, 'line_user_id');
    }
    assert.equal(await userOf(service, bot.bot_id), undefined);
  });

  it('answers 404 to an id that is not a UUID', async () => {
    assertError(
      await post({ bot_id: 'another-bot-id', line_user_id: lineUser(1) }),
      404,
      NOT_FOUND,
    );
  });

  it("treats another partner's bot exactly like a missing one and leaves it untouched", async () => {
    const theirs = await provision(service, other.apiKey);
    await bind(service, other.apiKey, theirs.bot_id, lineUser(9));
    const foreign = await post({ bot_id: theirs.bot_id, line_user_id: lineUser(1), replace: true });
    const missing = await post({
      bot_id: '00000000-0000-4000-8000-000000000000',
      line_user_id: lineUser(1),
      replace: true,
    });

    assertError(foreign, 404, NOT_FOUND);
    assertError(missing, 404, NOT_FOUND);
    assert.equal(await userOf(service, theirs.bot_id), lineUser(9));
  });

  it('answers 404 for a deprovisioned bot', async () => {
    const bot = await provision(service, partner.apiKey);
    const deleted = await partnerRequest(service, partner.apiKey, {
      method: 'DELETE',
      url: `/api/partner/bots/${bot.bot_id}`,
    });

    assert.equal(deleted.statusCode, 200);
    assertError(await post({ bot_id: bot.bot_id, line_user_id: lineUser(1) }), 404, NOT_FOUND);
  });
});

describe('POST /api/partner/bots/:botId/unbind and /bind-code', () => {
  let service: TestService;
  let partner: TestPartner;
  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
  });
  after(() => service.close());

  it('removes the bound user and says who it was', async () => {
    const bot = await provision(service, partner.apiKey, { store_name: 'Unbind me' });
    await bind(service, partner.apiKey, bot.bot_id, lineUser(5));
    const res = await partnerRequest(service, partner.apiKey, {
      method: 'POST',
      url: `/api/partner/bots/${bot.bot_id}/unbind`,
    });

    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      success: true,
      bot_id: bot.bot_id,
      store_name: 'Unbind me',
      unbound_line_user_id: lineUser(5),
      message: 'Account successfully unbound.',
    });
    assert.equal(await userOf(service, bot.bot_id), undefined);
  });

  it('issues a fresh bind code and the old one stops matching', async () => {
    const bot = await provision(service, partner.apiKey);
    const res = await partnerRequest(service, partner.apiKey, {
      method: 'POST',
      url: `/api/partner/bots/${bot.bot_id}/bind-code`,
    });
    const body = res.json<{ bind_code: string; bind_url: string; expires_at: string }>();
    const [row] = await service.ctx.db.select().from(bots).where(eq(bots.id, bot.bot_id));

    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(body).sort(), [
      'bind_code',
      'bind_url',
      'bot_id',
      'expires_at',
      'success',
    ]);
    assert.notEqual(body.bind_code, bot.bind_code);
    assert.equal(row?.bindCodeHash, bindCodeHash(partner.partnerId, body.bind_code));
    assert.notEqual(row?.bindCodeHash, bindCodeHash(partner.partnerId, bot.bind_code));
    assert.equal(row?.bindCodeExpiresAt?.toISOString(), body.expires_at);
    assert.ok(body.bind_url.endsWith(`%20${body.bind_code}`));
  });

  it('answers 404 for unknown bots on both endpoints', async () => {
    for (const path of ['unbind', 'bind-code']) {
      assertError(
        await partnerRequest(service, partner.apiKey, {
          method: 'POST',
          url: `/api/partner/bots/not-a-uuid/${path}`,
        }),
        404,
        NOT_FOUND,
      );
    }
  });
});
