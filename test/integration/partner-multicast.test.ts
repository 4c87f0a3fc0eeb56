/**
 * POST /api/partner/multicast against the built-in LINE emulator: the guide's
 * sample, resolution of every kind of id, validation before anything is stored
 * or sent, retries with the stored retry key, the monthly limit, and
 * Idempotency-Key behaviour.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import { eq } from 'drizzle-orm';

import {
  channels,
  followers,
  idempotencyKeys,
  multicastCalls,
  multicasts,
} from '../../src/db/schema.js';
import {
  assertError,
  boundBot,
  lineUser,
  provision,
  rowCount,
} from '../support/partner-fixtures.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const SAMPLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'samples', 'multicast.json'), 'utf8'),
) as { bot_ids: string[]; messages: { type: string; text: string }[] };
const ALERT = SAMPLE.messages;
const MULTICAST = '/v2/bot/message/multicast';

interface MulticastBody {
  success: true;
  message: string;
  multicast_id: string;
  stats: {
    requested_bots: number;
    resolved_active_line_ids: number;
    successfully_sent: number;
    failed: number;
  };
  unresolved: {
    not_found: string[];
    not_bound: string[];
    inactive: string[];
    unfollowed: string[];
  };
}

interface CallBody {
  seq: number;
  channel_id: string;
  recipient_count: number;
  status: string;
  attempts: number;
  http_status: number | null;
  line_request_id: string | null;
  error: string | null;
}

const NONE = { not_found: [], not_bound: [], inactive: [], unfollowed: [] };

describe('POST /api/partner/multicast', () => {
  let service: TestService;
  let partner: TestPartner;
  let nextUser = 100;
  const freshUser = () => lineUser(nextUser++);

  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
  });
  after(() => service.close());
  beforeEach(() => service.emulator.clearFaults());

  const multicast = (body: unknown, headers?: Record<string, string>, key = partner.apiKey) =>
    partnerRequest(service, key, { method: 'POST', url: '/api/partner/multicast', body, headers });
  const lineCalls = () => service.emulator.calls({ path: MULTICAST });
  const record = async (id: string) =>
    (
      await partnerRequest(service, partner.apiKey, {
        method: 'GET',
        url: `/api/partner/multicasts/${id}`,
      })
    ).json<{ status: string; calls: CallBody[] } & MulticastBody>();

  it("answers the guide's sample with 200 and both ids not_found, calling LINE not at all", async () => {
    const calls = lineCalls().length;
    const res = await multicast(SAMPLE);
    const body = res.json<MulticastBody>();

    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(body, {
      success: true,
      message: 'Multicast operation completed.',
      multicast_id: body.multicast_id,
      stats: { requested_bots: 2, resolved_active_line_ids: 0, successfully_sent: 0, failed: 0 },
      unresolved: { ...NONE, not_found: SAMPLE.bot_ids },
    });
    assert.equal(lineCalls().length, calls);
  });

  it('sends the sample alert to the users of real bots and reports the unknown id', async () => {
    const users = [freshUser(), freshUser()];
    const botIds = [
      await boundBot(service, partner.apiKey, users[0]!),
      await boundBot(service, partner.apiKey, users[1]!),
    ];
    const res = await multicast({ ...SAMPLE, bot_ids: [...botIds, 'another-bot-id'] });
    const body = res.json<MulticastBody>();

    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(body.stats, {
      requested_bots: 3,
      resolved_active_line_ids: 2,
      successfully_sent: 2,
      failed: 0,
    });
    assert.deepEqual(body.unresolved, { ...NONE, not_found: ['another-bot-id'] });
    for (const user of users) {
      const inbox = service.emulator.inbox(user, partner.channelId);
      assert.equal(inbox.length, 1);
      assert.equal(inbox[0]?.via, 'multicast');
      assert.deepEqual(inbox[0]?.message, ALERT[0]);
    }

    const stored = await record(body.multicast_id);
    assert.equal(stored.status, 'completed');
    assert.deepEqual(stored.stats, body.stats);
    assert.equal(stored.calls.length, 1);
    const [call] = stored.calls;
    const emulated = lineCalls().at(-1);
    assert.deepEqual(call, {
      seq: 0,
      channel_id: partner.channelId,
      recipient_count: 2,
      status: 'sent',
      attempts: 1,
      http_status: 200,
      line_request_id: emulated?.requestId,
      error: null,
      updated_at: (call as CallBody & { updated_at: string }).updated_at,
    });
  });

  it('sends once to a user whose bots are listed twice, and counts each id once', async () => {
    const user = freshUser();
    const first = await boundBot(service, partner.apiKey, user);
    const second = await boundBot(service, partner.apiKey, user);
    const res = await multicast({ bot_ids: [first, second, first.toUpperCase()], messages: ALERT });

    assert.deepEqual(res.json<MulticastBody>().stats, {
      requested_bots: 3,
      resolved_active_line_ids: 1,
      successfully_sent: 1,
      failed: 0,
    });
    assert.deepEqual(lineCalls().at(-1)?.body, { to: [user], messages: ALERT });
    assert.equal(service.emulator.inbox(user).length, 1);
  });

  it('sorts suspended, unbound and unfollowed bots out and sends only to the rest', async () => {
    const [active, suspended, unfollowed] = [freshUser(), freshUser(), freshUser()];
    const activeBot = await boundBot(service, partner.apiKey, active);
    const suspendedBot = await boundBot(service, partner.apiKey, suspended);
    const unfollowedBot = await boundBot(service, partner.apiKey, unfollowed);
    const unboundBot = (await provision(service, partner.apiKey)).bot_id;
    await partnerRequest(service, partner.apiKey, {
      method: 'PATCH',
      url: `/api/partner/bots/${suspendedBot}`,
      body: { status: 'suspended' },
    });
    await service.ctx.db.insert(followers).values([
      { channelId: partner.channelId, lineUserId: unfollowed, following: false },
      { channelId: partner.channelId, lineUserId: active, following: true },
    ]);
    const res = await multicast({
      bot_ids: [activeBot, suspendedBot, unfollowedBot, unboundBot],
      messages: ALERT,
    });

    assert.deepEqual(res.json<MulticastBody>().unresolved, {
      not_found: [],
      not_bound: [unboundBot],
      inactive: [suspendedBot],
      unfollowed: [unfollowedBot],
    });
    assert.deepEqual(lineCalls().at(-1)?.body, { to: [active], messages: ALERT });
    assert.equal(service.emulator.inbox(suspended).length, 0);
    assert.equal(service.emulator.inbox(unfollowed).length, 0);
  });

  it("never reaches nor reveals another partner's users: their bots are not_found", async () => {
    const other = await createTestPartner(service, { name: 'Competitor' });
    const theirUser = freshUser();
    const theirBot = await boundBot(service, other.apiKey, theirUser);
    const calls = lineCalls().length;
    const res = await multicast({ bot_ids: [theirBot], messages: ALERT });

    assert.deepEqual(res.json<MulticastBody>().unresolved, { ...NONE, not_found: [theirBot] });
    assert.equal(lineCalls().length, calls);
    assert.equal(service.emulator.inbox(theirUser).length, 0);
  });

  it('counts the users of a partner without any channel as failed', async () => {
    const lonely = await createTestPartner(service, { name: 'No channel' });
    await service.ctx.db.delete(channels).where(eq(channels.id, lonely.channelId));
    const bot = await boundBot(service, lonely.apiKey, freshUser());
    const res = await multicast({ bot_ids: [bot], messages: ALERT }, undefined, lonely.apiKey);

    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json<MulticastBody>().stats, {
      requested_bots: 1,
      resolved_active_line_ids: 1,
      successfully_sent: 0,
      failed: 1,
    });
  });

  describe('rejects bad requests before storing or sending anything', () => {
    async function assertNothingHappened(run: () => Promise<void>) {
      const before = { rows: await rowCount(service, 'multicasts'), calls: lineCalls().length };
      await run();
      assert.deepEqual(
        { rows: await rowCount(service, 'multicasts'), calls: lineCalls().length },
        before,
      );
    }

    it('answers 400 invalid_message naming the field of a bad message object', async () => {
      const bot = await boundBot(service, partner.apiKey, freshUser());
      await assertNothingHappened(async () => {
        const res = await multicast({
          bot_ids: [bot],
          messages: [ALERT[0], { type: 'text', text: '' }],
        });

        assert.equal(res.statusCode, 400, res.body);
        const body = res.json<{ code: string; details: { path: string }[] }>();
        assert.equal(body.code, 'invalid_message');
        assert.equal(body.details[0]?.path, 'messages[1].text');
      });
    });

    it('answers 400 to six messages and to no bot ids', async () => {
      await assertNothingHappened(async () => {
        const six = await multicast({ bot_ids: SAMPLE.bot_ids, messages: Array(6).fill(ALERT[0]) });
        assertError(six, 400, {
          code: 'validation_failed',
          error: 'The request is invalid: messages must NOT have more than 5 items',
          details: [{ path: 'messages', message: 'must NOT have more than 5 items' }],
        });
        const none = await multicast({ bot_ids: [], messages: ALERT });
        assert.equal(none.statusCode, 400);
        assert.equal(none.json<{ details: { path: string }[] }>().details[0]?.path, 'bot_ids');
      });
    });

    it('answers 413 to 5001 bot ids', async () => {
      await assertNothingHappened(async () => {
        const ids = Array.from({ length: 5001 }, (_, n) => `bot-${n}`);
        assertError(await multicast({ bot_ids: ids, messages: ALERT }), 413, {
          code: 'too_many_bot_ids',
          error: 'At most 5000 bot_ids may be sent in one request.',
        });
      });
    });

    it('answers 401 without a key and 415 to text/plain', async () => {
      await assertNothingHappened(async () => {
        assert.equal((await multicast(SAMPLE, undefined, 'bf_wrong')).statusCode, 401);
        const text = await multicast(JSON.stringify(SAMPLE), { 'content-type': 'text/plain' });
        assert.equal(text.statusCode, 415);
      });
    });
  });

  describe('LINE failures', () => {
    it('retries a 5xx with the same retry key and then counts the call as sent', async () => {
      const user = freshUser();
      const bot = await boundBot(service, partner.apiKey, user);
      service.emulator.setFault({ path: MULTICAST, status: 500, times: 1 });
      const before = lineCalls().length;
      const res = await multicast({ bot_ids: [bot], messages: ALERT });
      const calls = lineCalls().slice(before);
      const stored = await record(res.json<MulticastBody>().multicast_id);

      assert.equal(res.json<MulticastBody>().stats.successfully_sent, 1);
      assert.deepEqual(
        calls.map((call) => call.status),
        [500, 200],
      );
      assert.ok(calls[0]?.retryKey);
      assert.equal(calls[1]?.retryKey, calls[0]?.retryKey);
      assert.equal(stored.calls[0]?.attempts, 2);
      assert.equal(stored.calls[0]?.status, 'sent');
      assert.equal(service.emulator.inbox(user).length, 1);
    });

    it('counts a call LINE processed but answered with a 5xx once, through the 409 on its retry key', async () => {
      const user = freshUser();
      const bot = await boundBot(service, partner.apiKey, user);
      service.emulator.setFault({ path: MULTICAST, status: 500, times: 1, afterProcessing: true });
      const before = lineCalls().length;
      const res = await multicast({ bot_ids: [bot], messages: ALERT });
      const stored = await record(res.json<MulticastBody>().multicast_id);

      assert.deepEqual(
        lineCalls()
          .slice(before)
          .map((call) => call.status),
        [500, 409],
      );
      assert.equal(res.json<MulticastBody>().stats.successfully_sent, 1);
      assert.equal(stored.calls[0]?.http_status, 409);
      assert.equal(service.emulator.inbox(user).length, 1);
    });

    it('reports the monthly limit without retrying', async () => {
      const bot = await boundBot(service, partner.apiKey, freshUser());
      service.emulator.setFault({
        path: MULTICAST,
        status: 429,
        message: 'You have reached your monthly limit.',
      });
      const before = lineCalls().length;
      const res = await multicast({ bot_ids: [bot], messages: ALERT });
      const stored = await record(res.json<MulticastBody>().multicast_id);

      assert.equal(lineCalls().length, before + 1);
      assert.deepEqual(res.json<MulticastBody>().stats, {
        requested_bots: 1,
        resolved_active_line_ids: 1,
        successfully_sent: 0,
        failed: 1,
      });
      assert.equal(stored.calls[0]?.status, 'failed');
      assert.equal(stored.calls[0]?.error, 'monthly_limit');
      assert.equal(stored.calls[0]?.http_status, 429);
      assert.equal(stored.calls[0]?.attempts, 1);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays a finished multicast to a retried key without calling LINE again', async () => {
      const user = freshUser();
      const bot = await boundBot(service, partner.apiKey, user);
      const headers = { 'idempotency-key': 'alert-2330-a' };
      const first = await multicast({ bot_ids: [bot], messages: ALERT }, headers);
      const calls = lineCalls().length;
      const second = await multicast({ bot_ids: [bot], messages: ALERT }, headers);

      assert.equal(second.statusCode, 200);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      assert.deepEqual(second.json(), first.json());
      assert.equal(lineCalls().length, calls);
      assert.equal(service.emulator.inbox(user).length, 1);
      const [row] = await service.ctx.db
        .select({ key: multicasts.idempotencyKey })
        .from(multicasts)
        .where(eq(multicasts.id, first.json<MulticastBody>().multicast_id));
      assert.equal(row?.key, 'alert-2330-a');
    });

    it('answers 409 while the first request is still sending, and 422 to another body', async () => {
      const user = freshUser();
      const bot = await boundBot(service, partner.apiKey, user);
      const headers = { 'idempotency-key': 'alert-2330-b' };
      service.emulator.setFault({ path: MULTICAST, delayMs: 1_500, times: 1 });
      const first = multicast({ bot_ids: [bot], messages: ALERT }, headers);
      await waitFor(async () => {
        const rows = await service.ctx.db
          .select()
          .from(idempotencyKeys)
          .where(eq(idempotencyKeys.key, 'alert-2330-b'));

        return rows.length > 0;
      });
      const during = await multicast({ bot_ids: [bot], messages: ALERT }, headers);
      const otherBody = await multicast({ bot_ids: [bot, 'x'], messages: ALERT }, headers);

      assertError(during, 409, {
        code: 'idempotency_key_in_use',
        error: 'A request with this Idempotency-Key is still being processed; retry later.',
      });
      assertError(otherBody, 422, {
        code: 'idempotency_key_reused',
        error: 'This Idempotency-Key was used with a different request.',
      });
      assert.equal((await first).statusCode, 200);
      assert.equal(service.emulator.inbox(user).length, 1);
    });
  });

  it("counts the recipients of accepted calls in the partner's messages_this_month", async () => {
    const counted = await createTestPartner(service, { name: 'Counted' });
    const bots = [
      await boundBot(service, counted.apiKey, freshUser()),
      await boundBot(service, counted.apiKey, freshUser()),
    ];
    await multicast({ bot_ids: bots, messages: ALERT }, undefined, counted.apiKey);
    service.emulator.setFault({
      path: MULTICAST,
      status: 429,
      message: 'You have reached your monthly limit.',
    });
    await multicast({ bot_ids: bots, messages: ALERT }, undefined, counted.apiKey);
    const usage = await partnerRequest(service, counted.apiKey, {
      method: 'GET',
      url: '/api/partner/usage',
    });

    assert.equal(usage.json<{ messages_this_month: number }>().messages_this_month, 2);
  });

  it('answers 404 for unknown and foreign multicast ids', async () => {
    const other = await createTestPartner(service, { name: 'Snoop' });
    const mine = await multicast(SAMPLE);
    const id = mine.json<MulticastBody>().multicast_id;
    for (const [key, url] of [
      [other.apiKey, `/api/partner/multicasts/${id}`],
      [partner.apiKey, '/api/partner/multicasts/not-an-id'],
    ] as const) {
      assertError(await partnerRequest(service, key, { method: 'GET', url }), 404, {
        code: 'not_found',
        error: 'The multicast was not found.',
      });
    }
    const calls = await service.ctx.db
      .select()
      .from(multicastCalls)
      .where(eq(multicastCalls.multicastId, id));
    assert.equal(calls.length, 0);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
