import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { eq, sql } from 'drizzle-orm';

import { loadConfig } from '../../src/config/index.js';
import { pushRetryKey } from '../../src/conversation/retry-key.js';
import { texts } from '../../src/conversation/texts.js';
import { webhookEvents } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { startService } from '../../src/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { eventId, eventRows, settled, textEvent, waitFor } from '../support/line-webhook.js';
import { lineUser, provision } from '../support/partner-fixtures.js';
import { createTestPartner, type TestPartner, type TestService } from '../support/service.js';

const SECRET_KEY = randomBytes(32).toString('base64');

/** A service on an existing database, as after a restart of the process. */
async function startOn(database: TestDatabase): Promise<TestService> {
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BOTFLEET_SECRET_KEY: SECRET_KEY,
  });
  const service = await startService(config, {
    database,
    log: createLogger(config.logLevel),
    shutdownDeadlineMs: 5_000,
  });
  if (service.emulator === undefined) throw new Error('the emulator did not start');

  return Object.assign(service, {
    emulator: service.emulator,
    database,
    close: () => service.stop(),
  });
}

describe('events left behind when the process stopped', () => {
  let database: TestDatabase;
  let partner: TestPartner;
  const waiting = lineUser(301);
  const abandoned = lineUser(302);
  const replied = lineUser(303);
  const ids = { waiting: eventId(), abandoned: eventId(), replied: eventId() };

  before(async () => {
    database = await createTestDatabase();
    const first = await startOn(database);
    partner = await createTestPartner(first);
    await provision(first, partner.apiKey, { store_name: '重啟', owner_line_user_id: waiting });
    await first.stop();

    // What a crash leaves: an event never started, one whose worker died before
    // replying, and one whose worker died right after using the reply token.
    await database.db.insert(webhookEvents).values([
      {
        channelId: partner.channelId,
        webhookEventId: ids.waiting,
        lineUserId: waiting,
        event: textEvent({ userId: waiting, text: '@調閱人設', webhookEventId: ids.waiting }),
        receivedAt: sql`now() - interval '2 minutes'`,
      },
      {
        channelId: partner.channelId,
        webhookEventId: ids.abandoned,
        lineUserId: abandoned,
        event: textEvent({ userId: abandoned, text: '你好', webhookEventId: ids.abandoned }),
        status: 'processing',
        attempts: 1,
        lockedUntil: sql`now() - interval '1 second'`,
        receivedAt: sql`now() - interval '3 minutes'`,
      },
      {
        channelId: partner.channelId,
        webhookEventId: ids.replied,
        lineUserId: replied,
        event: textEvent({ userId: replied, text: '你好', webhookEventId: ids.replied }),
        status: 'processing',
        attempts: 1,
        lockedUntil: sql`now() - interval '1 second'`,
        replyAttemptedAt: sql`now() - interval '3 minutes'`,
        receivedAt: sql`now() - interval '3 minutes'`,
      },
    ]);
  });
  after(async () => database.destroy());

  it('processes them after the next start, by push with the event retry key, never twice', async () => {
    const second = await startOn(database);
    try {
      await settled(second);
      const inbox = second.emulator.inbox(waiting);
      assert.equal(inbox.length, 1);
      assert.equal(inbox[0]?.via, 'push');
      assert.equal(inbox[0]?.retryKey, pushRetryKey(partner.channelId, ids.waiting));
      assert.ok(String(inbox[0]?.message.text).startsWith('目前的人設如下'));

      const other = second.emulator.inbox(abandoned);
      assert.deepEqual(
        other.map((message) => [message.via, message.message.text]),
        [['push', texts.bindingInstructions()]],
      );
      // Its reply token may have been used: sending again could show a second answer.
      assert.equal(second.emulator.inbox(replied).length, 0);
      assert.equal(second.emulator.calls({ path: '/v2/bot/message/reply' }).length, 0);
      assert.deepEqual(
        (await eventRows(second, partner.channelId)).map((row) => row.status),
        ['done', 'done', 'done'],
      );

      // Processed once more (say the worker died before recording "done"): the
      // retry key makes LINE drop the second push.
      await database.db
        .update(webhookEvents)
        .set({ status: 'pending', lockedUntil: null })
        .where(eq(webhookEvents.webhookEventId, ids.waiting));
      second.ctx.notifyEvents();
      await waitFor('the second push', () =>
        second.emulator.calls({ path: '/v2/bot/message/push' }).length === 3 ? true : undefined,
      );
      await settled(second);
      assert.equal(second.emulator.inbox(waiting).length, 1);
    } finally {
      await second.stop();
    }
  });
});
