import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { and, eq } from 'drizzle-orm';

import { texts } from '../../src/conversation/texts.js';
import { followers } from '../../src/db/schema.js';
import {
  eventId,
  eventRows,
  inboxTexts,
  postWebhook,
  settled,
  sign,
  textEvent,
  webhookBody,
} from '../support/line-webhook.js';
import { lineUser, provision } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

describe('follows, unfollows and messages that are not plain questions', () => {
  let service: TestService;
  let partner: TestPartner;

  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
  });
  after(async () => service.close());

  async function following(user: string): Promise<boolean | undefined> {
    const [row] = await service.ctx.db
      .select({ following: followers.following })
      .from(followers)
      .where(and(eq(followers.channelId, partner.channelId), eq(followers.lineUserId, user)));

    return row?.following;
  }

  async function post(events: Record<string, unknown>[]) {
    const body = webhookBody(events);
    const res = await postWebhook(
      service,
      partner.channelId,
      body,
      sign(partner.channelSecret, body),
    );
    assert.equal(res.statusCode, 200);
    await settled(service);
  }

  it('welcomes a new follower with binding instructions and records that they follow', async () => {
    const user = lineUser(201);
    assert.equal((await service.emulator.follow(partner.channelId, user)).status, 200);
    assert.deepEqual(await inboxTexts(service, user, 1), [texts.welcomeCentral()]);
    assert.equal(await following(user), true);
  });

  it('welcomes back a follower who is already bound, by their bot name', async () => {
    const user = lineUser(202);
    await provision(service, partner.apiKey, { store_name: '老朋友', owner_line_user_id: user });
    await service.emulator.follow(partner.channelId, user);
    assert.deepEqual(await inboxTexts(service, user, 1), [texts.welcomeBack('老朋友')]);
  });

  it('records an unfollow without answering, and a later follow again', async () => {
    const user = lineUser(203);
    await service.emulator.follow(partner.channelId, user);
    await inboxTexts(service, user, 1);
    await service.emulator.unfollow(partner.channelId, user);
    await settled(service);
    assert.equal(await following(user), false);
    assert.equal(service.emulator.inbox(user).length, 1);

    await service.emulator.follow(partner.channelId, user);
    await inboxTexts(service, user, 2);
    assert.equal(await following(user), true);
  });

  it('answers a sticker or an image with a short polite text', async () => {
    const user = lineUser(204);
    await provision(service, partner.apiKey, { store_name: '貼圖', owner_line_user_id: user });
    await post([
      {
        type: 'message',
        mode: 'active',
        timestamp: Date.now(),
        source: { type: 'user', userId: user },
        webhookEventId: eventId(),
        deliveryContext: { isRedelivery: false },
        replyToken: 'sticker-reply-token',
        message: {
          id: '1',
          type: 'sticker',
          packageId: '446',
          stickerId: '1988',
          stickerResourceType: 'STATIC',
        },
      },
    ]);
    assert.deepEqual(await inboxTexts(service, user, 1), [texts.nonText()]);
  });

  it('never answers standby events or events without a reply token', async () => {
    const user = lineUser(205);
    await post([
      textEvent({ userId: user, text: '你好', mode: 'standby', replyToken: null }),
      textEvent({ userId: user, text: '你好', replyToken: null }),
    ]);
    assert.equal(service.emulator.inbox(user).length, 0);
    const rows = await eventRows(service, partner.channelId);
    assert.ok(rows.every((row) => row.status === 'done'));
  });

  it('ignores group messages and event types it does not handle', async () => {
    const user = lineUser(206);
    await post([
      {
        ...textEvent({ userId: user, text: '大家好' }),
        source: { type: 'group', groupId: `C${'1'.repeat(32)}`, userId: user },
      },
      {
        type: 'postback',
        mode: 'active',
        timestamp: Date.now(),
        source: { type: 'user', userId: user },
        webhookEventId: eventId(),
        deliveryContext: { isRedelivery: false },
        replyToken: 'postback-token',
        postback: { data: 'a=1' },
      },
    ]);
    assert.equal(service.emulator.inbox(user).length, 0);
  });

  it('handles the events of several users in one body independently', async () => {
    const users = [lineUser(207), lineUser(208), lineUser(209)];
    await provision(service, partner.apiKey, { store_name: '甲', owner_line_user_id: users[0] });
    await provision(service, partner.apiKey, { store_name: '乙', owner_line_user_id: users[1] });
    await post([
      textEvent({ userId: users[0]!, text: '@調閱人設' }),
      textEvent({ userId: users[1]!, text: '@調閱人設' }),
      textEvent({ userId: users[2]!, text: '@調閱人設' }),
    ]);
    const [first] = await inboxTexts(service, users[0]!, 1);
    const [second] = await inboxTexts(service, users[1]!, 1);
    const [third] = await inboxTexts(service, users[2]!, 1);
    assert.ok(first?.startsWith('目前的人設如下'));
    assert.ok(second?.startsWith('目前的人設如下'));
    assert.equal(third, texts.bindingInstructions());
  });
});
