import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';

import { eq, inArray, sql } from 'drizzle-orm';

import { createPartner } from '../../src/admin/partners.js';
import { saveChannel } from '../../src/channels/store.js';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { webhookEvents } from '../../src/db/schema.js';
import {
  claimEvents,
  markDone,
  markReplyAttempted,
  markRetry,
  storeEvents,
} from '../../src/webhook/store.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const LEASE_MS = 60_000;

describe('claiming stored webhook events', () => {
  let database: TestDatabase;
  let channelId: string;

  before(async () => {
    database = await createTestDatabase();
    const partner = await createPartner(database.db, { name: 'P', slots: null });
    const channel = await saveChannel(database.db, createSecretBox(randomBytes(32)), {
      partnerId: partner.partner_id,
      botId: null,
      kind: 'sandbox',
      channelSecret: 'secret',
      accessToken: 'token',
      basicId: null,
    });
    channelId = channel.id;
  });
  beforeEach(async () => {
    await database.db.delete(webhookEvents);
  });
  after(async () => database.destroy());

  function store(...events: [string, string | null][]) {
    return storeEvents(
      database.db,
      channelId,
      events.map(([id, user]) => ({ webhookEventId: id, lineUserId: user, event: { id } })),
    );
  }

  async function claimIds(limit = 10): Promise<string[]> {
    return (await claimEvents(database.db, limit, LEASE_MS)).map((event) => event.webhookEventId);
  }

  it('stores each event id once per channel', async () => {
    assert.equal(await store(['e1', 'UA'], ['e2', 'UA']), 2);
    assert.equal(await store(['e1', 'UA'], ['e3', 'UB']), 1);
    assert.equal(await store(['e4', 'UA'], ['e4', 'UA']), 1);
  });

  it('claims oldest first and only one event per user at a time', async () => {
    await store(['a1', 'UA'], ['a2', 'UA'], ['b1', 'UB'], ['n1', null], ['n2', null]);
    assert.deepEqual(await claimIds(), ['a1', 'b1', 'n1', 'n2']);
    assert.deepEqual(await claimIds(), []);

    const [a1] = await database.db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(eq(webhookEvents.webhookEventId, 'a1'));
    await markDone(database.db, a1!.id);
    assert.deepEqual(await claimIds(), ['a2']);
  });

  it('respects the limit and never hands one event to two claims', async () => {
    await store(['c1', 'U1'], ['c2', 'U2'], ['c3', 'U3'], ['c4', 'U4'], ['c5', 'U5']);
    const [left, right] = await Promise.all([claimIds(2), claimIds(10)]);
    assert.equal(left.length, 2);
    assert.deepEqual([...left, ...right].sort(), ['c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('takes back an event whose lease expired, counting the attempt', async () => {
    await store(['x1', 'UX']);
    const [first] = await claimEvents(database.db, 10, LEASE_MS);
    assert.equal(first?.attempts, 1);
    await database.db
      .update(webhookEvents)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(webhookEvents.id, first.id));
    const [again] = await claimEvents(database.db, 10, LEASE_MS);
    assert.equal(again?.webhookEventId, 'x1');
    assert.equal(again?.attempts, 2);
  });

  it('holds a retried event back until its delay has passed, and the user behind it', async () => {
    await store(['r1', 'UR'], ['r2', 'UR']);
    const [first] = await claimEvents(database.db, 10, LEASE_MS);
    await markRetry(database.db, first!.id, 'boom', 60_000);
    assert.deepEqual(await claimIds(), []);

    await database.db
      .update(webhookEvents)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(webhookEvents.id, first!.id));
    assert.deepEqual(await claimIds(), ['r1']);
  });

  it('reports the age of an event and whether its reply token was used', async () => {
    await store(['t1', 'UT']);
    await database.db
      .update(webhookEvents)
      .set({ receivedAt: sql`now() - interval '70 seconds'` })
      .where(inArray(webhookEvents.webhookEventId, ['t1']));
    const [claimed] = await claimEvents(database.db, 10, LEASE_MS);
    assert.ok(claimed!.ageMs >= 70_000 && claimed!.ageMs < 80_000, String(claimed!.ageMs));
    assert.equal(claimed!.replyAttemptedAt, null);
    assert.equal(await markReplyAttempted(database.db, claimed!.id), true);
    assert.equal(await markReplyAttempted(database.db, claimed!.id), false);
  });
});
