/**
 * Multicasts whose process died while sending: the client's retry with the
 * same Idempotency-Key resumes the stored multicast, and the recovery worker
 * finishes stale ones; stored retry keys make LINE drop the calls the dead
 * process had already made, so nobody receives the alert twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { asc, eq, sql } from 'drizzle-orm';

import { findChannel } from '../../src/channels/store.js';
import { sha256Hex } from '../../src/crypto/tokens.js';
import { idempotencyKeys, multicastCalls, multicasts } from '../../src/db/schema.js';
import { canonicalJson } from '../../src/http/idempotency.js';
import type { LineMessage } from '../../src/line/client.js';
import { planCalls } from '../../src/multicast/plan.js';
import { recoverStaleMulticasts } from '../../src/multicast/recovery.js';
import { resolveRecipients } from '../../src/multicast/resolve.js';
import { createMulticast } from '../../src/multicast/store.js';
import { boundBot, lineUser } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const MESSAGES: LineMessage[] = [{ type: 'text', text: '台積電 (2330) 出現大量買單' }];

describe('finishing a multicast after its process died', () => {
  let service: TestService;
  let partner: TestPartner;
  let userCount = 0;
  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
  });
  after(() => service.close());

  async function threeBoundBots() {
    const users = [lineUser(++userCount), lineUser(++userCount), lineUser(++userCount)];
    const botIds: string[] = [];
    for (const user of users) botIds.push(await boundBot(service, partner.apiKey, user));

    return { users, botIds };
  }

  /**
   * What a process leaves behind when it dies right after LINE accepted its
   * first call: the multicast and both calls stored, the first call made (its
   * users have the message) but not yet recorded.
   */
  async function interruptedMulticast(botIds: string[], key: string | undefined) {
    const resolution = await resolveRecipients(service.ctx.db, partner.partnerId, botIds);
    const id = await createMulticast(service.ctx.db, {
      partnerId: partner.partnerId,
      messages: MESSAGES,
      idempotencyKey: key,
      stats: { requested_bots: 3, resolved_active_line_ids: 3, successfully_sent: 0, failed: 0 },
      unresolved: { not_found: [], not_bound: [], inactive: [], unfollowed: [] },
      calls: planCalls(resolution.recipients, 2),
    });
    assert.ok(id !== undefined);
    const [first] = await service.ctx.db
      .select()
      .from(multicastCalls)
      .where(eq(multicastCalls.multicastId, id))
      .orderBy(asc(multicastCalls.seq))
      .limit(1);
    const channel = await findChannel(service.ctx.db, service.ctx.secrets, partner.channelId);
    const sent = await service.ctx.line
      .client(channel!)
      .multicast(first!.recipients, MESSAGES, first!.retryKey);
    assert.ok(sent.ok);

    return id;
  }

  function assertEachReceivedOnce(users: string[]) {
    for (const user of users) {
      assert.equal(service.emulator.inbox(user, partner.channelId).length, 1, user);
    }
  }

  it("resumes the stored multicast when the client retries with the first request's key", async () => {
    const { users, botIds } = await threeBoundBots();
    const body = { bot_ids: botIds, messages: MESSAGES };
    const id = await interruptedMulticast(botIds, 'alert-crashed');
    // The dead request's idempotency record: still in flight, its lock run out.
    await service.ctx.db.insert(idempotencyKeys).values({
      partnerId: partner.partnerId,
      key: 'alert-crashed',
      requestHash: sha256Hex(`POST /api/partner/multicast\n${canonicalJson(body)}`),
      state: 'in_flight',
      lockedUntil: sql`now() - interval '1 minute'`,
    });
    const before = service.emulator.calls({ path: '/v2/bot/message/multicast' }).length;

    const res = await partnerRequest(service, partner.apiKey, {
      method: 'POST',
      url: '/api/partner/multicast',
      body,
      headers: { 'idempotency-key': 'alert-crashed' },
    });

    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ multicast_id: string }>().multicast_id, id);
    assert.deepEqual(res.json<{ stats: unknown }>().stats, {
      requested_bots: 3,
      resolved_active_line_ids: 3,
      successfully_sent: 3,
      failed: 0,
    });
    const retried = service.emulator.calls({ path: '/v2/bot/message/multicast' }).slice(before);
    assert.deepEqual(retried.map((call) => call.status).sort(), [200, 409]);
    assertEachReceivedOnce(users);
    assert.equal(await rowsWithKey('alert-crashed'), 1);
  });

  it('lets the recovery worker finish a multicast nobody touched for a whole lease', async () => {
    const { users, botIds } = await threeBoundBots();
    const id = await interruptedMulticast(botIds, undefined);
    await ageMulticast(id, '10 minutes');

    await recoverStaleMulticasts(service.ctx);

    const [row] = await service.ctx.db.select().from(multicasts).where(eq(multicasts.id, id));
    assert.equal(row?.status, 'completed');
    assert.deepEqual(row?.stats, {
      requested_bots: 3,
      resolved_active_line_ids: 3,
      successfully_sent: 3,
      failed: 0,
    });
    assertEachReceivedOnce(users);
  });

  it('leaves alone a multicast whose calls were touched within the lease', async () => {
    const { botIds } = await threeBoundBots();
    const id = await interruptedMulticast(botIds, undefined);
    await service.ctx.db
      .update(multicasts)
      .set({ createdAt: sql`now() - interval '10 minutes'` })
      .where(eq(multicasts.id, id));

    assert.equal(await recoverStaleMulticasts(service.ctx), 0);
    const [row] = await service.ctx.db.select().from(multicasts).where(eq(multicasts.id, id));
    assert.equal(row?.status, 'sending');
  });

  async function ageMulticast(id: string, age: string) {
    await service.ctx.db
      .update(multicasts)
      .set({ createdAt: sql`now() - ${age}::interval` })
      .where(eq(multicasts.id, id));
    await service.ctx.db
      .update(multicastCalls)
      .set({ updatedAt: sql`now() - ${age}::interval` })
      .where(eq(multicastCalls.multicastId, id));
  }

  async function rowsWithKey(key: string): Promise<number> {
    const rows = await service.ctx.db
      .select({ id: multicasts.id })
      .from(multicasts)
      .where(eq(multicasts.idempotencyKey, key));

    return rows.length;
  }
});
