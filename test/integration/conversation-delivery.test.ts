import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { eq } from 'drizzle-orm';

import { pushRetryKey } from '../../src/conversation/retry-key.js';
import { texts } from '../../src/conversation/texts.js';
import { webhookEvents } from '../../src/db/schema.js';
import { inboxTexts, settled } from '../support/line-webhook.js';
import { lineUser } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const REPLY = '/v2/bot/message/reply';
const PUSH = '/v2/bot/message/push';

describe('delivering an answer when LINE misbehaves', () => {
  let service: TestService;
  let partner: TestPartner;
  let n = 700;

  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
  });
  beforeEach(() => service.emulator.clearFaults());
  after(async () => service.close());

  /** A new user asks something and every resulting event is processed. */
  async function ask(): Promise<{ user: string; webhookEventId: string }> {
    const user = lineUser(n++);
    const sent = await service.emulator.sendText(partner.channelId, user, '你好');
    assert.equal(sent.status, 200);
    await settled(service, 20_000);

    return { user, webhookEventId: sent.webhookEventId };
  }

  function callsFor(path: string, user: string) {
    return service.emulator
      .calls({ path, channelId: partner.channelId })
      .filter((call) => JSON.stringify(call.body).includes(user));
  }

  async function statusOf(webhookEventId: string) {
    const [row] = await service.ctx.db
      .select({ status: webhookEvents.status, error: webhookEvents.error })
      .from(webhookEvents)
      .where(eq(webhookEvents.webhookEventId, webhookEventId));

    return row;
  }

  it('pushes with the event retry key when LINE refuses the reply token', async () => {
    service.emulator.setFault({
      path: REPLY,
      status: 400,
      message: 'Invalid reply token',
      times: 1,
    });
    const { user, webhookEventId } = await ask();
    const inbox = service.emulator.inbox(user);
    assert.deepEqual(
      inbox.map((message) => [message.via, message.message.text]),
      [['push', texts.bindingInstructions()]],
    );
    assert.equal(inbox[0]?.retryKey, pushRetryKey(partner.channelId, webhookEventId));
  });

  it('does not send the answer again when the reply failed in a way that may have delivered it', async () => {
    service.emulator.setFault({ path: REPLY, status: 500, times: 1 });
    const lost = await ask();
    assert.equal(service.emulator.inbox(lost.user).length, 0);
    assert.equal(callsFor(PUSH, lost.user).length, 0);
    assert.equal((await statusOf(lost.webhookEventId))?.status, 'done');

    service.emulator.setFault({ path: REPLY, status: 500, times: 1, afterProcessing: true });
    const delivered = await ask();
    assert.equal(service.emulator.inbox(delivered.user).length, 1);
    assert.equal(callsFor(PUSH, delivered.user).length, 0);
  });

  it('retries a push that failed for a passing reason with the same retry key, and delivers once', async () => {
    service.emulator.setFault({
      path: REPLY,
      status: 400,
      message: 'Invalid reply token',
      times: 1,
    });
    service.emulator.setFault({ path: PUSH, status: 500, times: 1, afterProcessing: true });
    service.emulator.setFault({ path: PUSH, status: 503, times: 1 });
    const { user, webhookEventId } = await ask();

    assert.deepEqual(await inboxTexts(service, user, 1), [texts.bindingInstructions()]);
    const pushes = callsFor(PUSH, user);
    assert.deepEqual(
      pushes.map((call) => call.status),
      [500, 503, 409],
    );
    const key = pushRetryKey(partner.channelId, webhookEventId);
    assert.ok(pushes.every((call) => call.retryKey === key));
    assert.equal((await statusOf(webhookEventId))?.status, 'done');
  });

  it('marks the event failed when LINE refuses the push for good', async () => {
    service.emulator.setFault({
      path: REPLY,
      status: 400,
      message: 'Invalid reply token',
      times: 1,
    });
    service.emulator.setFault({
      path: PUSH,
      status: 400,
      message: 'Failed to send messages',
      times: 1,
    });
    const { user, webhookEventId } = await ask();
    assert.equal(service.emulator.inbox(user).length, 0);
    assert.deepEqual(await statusOf(webhookEventId), {
      status: 'failed',
      error: 'push failed: Failed to send messages',
    });
  });
});
