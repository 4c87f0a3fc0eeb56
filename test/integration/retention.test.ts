import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sql } from 'drizzle-orm';

import { idempotencyKeys, webhookEvents } from '../../src/db/schema.js';
import { deleteExpired } from '../../src/maintenance/retention.js';
import { createTestPartner, startTestService, type TestService } from '../support/service.js';

describe('retention', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(() => service.close());

  it('deletes finished events after a week and idempotency records after a day, nothing newer', async () => {
    const { db } = service.ctx;
    const partner = await createTestPartner(service);
    const event = (id: string, status: string, age: string) => ({
      channelId: partner.channelId,
      webhookEventId: id,
      event: {},
      status,
      receivedAt: sql`now() - ${age}::interval`,
    });
    await db
      .insert(webhookEvents)
      .values([
        event('OLD-DONE', 'done', '8 days'),
        event('OLD-PENDING', 'pending', '8 days'),
        event('NEW-DONE', 'done', '1 day'),
      ]);
    const key = (name: string, age: string) => ({
      partnerId: partner.partnerId,
      key: name,
      requestHash: 'h',
      state: 'done',
      lockedUntil: sql`now()`,
      createdAt: sql`now() - ${age}::interval`,
    });
    await db.insert(idempotencyKeys).values([key('old', '25 hours'), key('new', '1 hour')]);

    assert.deepEqual(await deleteExpired(db), { events: 1, keys: 1 });
    const events = await db.select({ id: webhookEvents.webhookEventId }).from(webhookEvents);
    assert.deepEqual(events.map((e) => e.id).sort(), ['NEW-DONE', 'OLD-PENDING']);
    const keys = await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys);
    assert.deepEqual(
      keys.map((k) => k.key),
      ['new'],
    );
  });
});
