import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eq } from 'drizzle-orm';

import { texts } from '../../src/conversation/texts.js';
import { bindAttempts, bots } from '../../src/db/schema.js';
import { inboxTexts } from '../support/line-webhook.js';
import { lineUser, provision, userOf } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

describe('binding a LINE user to a bot from the chat', () => {
  let service: TestService;
  let partner: TestPartner;
  let other: TestPartner;

  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
    other = await createTestPartner(service, { name: 'Other partner' });
  });
  after(async () => service.close());

  /** Sends a text and returns the texts the user has received after the answer arrived. */
  async function say(channelId: string, user: string, text: string): Promise<string> {
    const before = service.emulator.inbox(user).length;
    const delivery = await service.emulator.sendText(channelId, user, text);
    assert.equal(delivery.status, 200);
    const inbox = await inboxTexts(service, user, before + 1);

    return inbox.slice(before).join('\n');
  }

  it('tells an unbound user how to bind, and then binds them with the code from provision', async () => {
    const user = lineUser(1);
    const bot = await provision(service, partner.apiKey, { store_name: '雷達小幫手' });

    assert.equal(await say(partner.channelId, user, '你好'), texts.bindingInstructions());
    assert.equal(
      await say(partner.channelId, user, `@我是店長 ${bot.bind_code}`),
      texts.bound('雷達小幫手'),
    );
    assert.equal(await userOf(service, bot.bot_id), user);

    const answer = await say(partner.channelId, user, '台積電今天為什麼大漲？');
    assert.notEqual(answer, texts.bindingInstructions());
    assert.ok(answer.length > 0);
  });

  it('accepts the full-width form with an ideographic space and a lower-case code', async () => {
    const user = lineUser(2);
    const bot = await provision(service, partner.apiKey, { store_name: '全形測試' });

    const reply = await say(partner.channelId, user, `＃綁定\u3000${bot.bind_code.toLowerCase()}`);
    assert.equal(reply, texts.bound('全形測試'));
    assert.equal(await userOf(service, bot.bot_id), user);
  });

  it('uses a code once: the same code from someone else is refused and binds nobody new', async () => {
    const owner = lineUser(3);
    const intruder = lineUser(4);
    const bot = await provision(service, partner.apiKey, { store_name: '一次性' });

    assert.equal(
      await say(partner.channelId, owner, `@我是店長 ${bot.bind_code}`),
      texts.bound('一次性'),
    );
    assert.equal(
      await say(partner.channelId, intruder, `@我是店長 ${bot.bind_code}`),
      texts.wrongCode(),
    );
    assert.equal(await userOf(service, bot.bot_id), owner);
  });

  it('refuses politely when the bot is already bound to someone else', async () => {
    const bot = await provision(service, partner.apiKey, {
      store_name: '已有主人',
      owner_line_user_id: lineUser(5),
    });

    const reply = await say(partner.channelId, lineUser(6), `@我是店長 ${bot.bind_code}`);
    assert.equal(reply, texts.boundToSomeoneElse());
    assert.equal(await userOf(service, bot.bot_id), lineUser(5));
  });

  it("does not accept another partner's code, or an expired one", async () => {
    const user = lineUser(7);
    const foreign = await provision(service, other.apiKey, { store_name: '別家的' });
    assert.equal(
      await say(partner.channelId, user, `@我是店長 ${foreign.bind_code}`),
      texts.wrongCode(),
    );

    const expired = await provision(service, partner.apiKey, { store_name: '過期' });
    await service.ctx.db
      .update(bots)
      .set({ bindCodeExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(bots.id, expired.bot_id));
    assert.equal(
      await say(partner.channelId, user, `@我是店長 ${expired.bind_code}`),
      texts.wrongCode(),
    );
    assert.equal(await userOf(service, foreign.bot_id), undefined);
    assert.equal(await userOf(service, expired.bot_id), undefined);
  });

  it('throttles wrong codes: after five failures even the right code waits', async () => {
    const user = lineUser(8);
    const bot = await provision(service, partner.apiKey, { store_name: '節流' });
    for (let i = 0; i < 5; i++) {
      assert.equal(await say(partner.channelId, user, `#綁定 WRONG${i}`), texts.wrongCode());
    }
    assert.equal(
      await say(partner.channelId, user, `#綁定 ${bot.bind_code}`),
      texts.tooManyAttempts(),
    );
    assert.equal(await userOf(service, bot.bot_id), undefined);

    // Another user of the same channel is not affected.
    assert.equal(
      await say(partner.channelId, lineUser(9), `#綁定 ${bot.bind_code}`),
      texts.bound('節流'),
    );
  });

  it('lets the user try again once the throttling window has passed', async () => {
    const user = lineUser(10);
    const bot = await provision(service, partner.apiKey, { store_name: '過了就好' });
    for (let i = 0; i < 5; i++) await say(partner.channelId, user, `#綁定 WRONG${i}`);
    await service.ctx.db
      .update(bindAttempts)
      .set({ windowStartedAt: new Date(Date.now() - 16 * 60_000) })
      .where(eq(bindAttempts.lineUserId, user));

    assert.equal(
      await say(partner.channelId, user, `#綁定 ${bot.bind_code}`),
      texts.bound('過了就好'),
    );
  });

  it('explains that a code is needed for @我是店長 without one on a shared account', async () => {
    assert.equal(await say(partner.channelId, lineUser(11), '@我是店長'), texts.codeNeeded());
    assert.equal(await say(partner.channelId, lineUser(11), '#綁定'), texts.codeNeeded());
  });

  it('unbinds a bound user with #解除綁定, after which they get binding instructions', async () => {
    const user = lineUser(12);
    const bot = await provision(service, partner.apiKey, {
      store_name: '再見',
      owner_line_user_id: user,
    });

    assert.equal(await say(partner.channelId, user, '#解除綁定'), texts.unbound('再見'));
    assert.equal(await userOf(service, bot.bot_id), undefined);
    assert.equal(await say(partner.channelId, user, '#解除綁定'), texts.notBound());
    assert.equal(await say(partner.channelId, user, '在嗎？'), texts.bindingInstructions());
  });

  it('answers a user bound to several bots with the one bound most recently', async () => {
    const user = lineUser(13);
    await provision(service, partner.apiKey, { store_name: '舊的', owner_line_user_id: user });
    const newer = await provision(service, partner.apiKey, { store_name: '新的' });
    assert.equal(
      await say(partner.channelId, user, `@我是店長 ${newer.bind_code}`),
      texts.bound('新的'),
    );
    assert.ok((await say(partner.channelId, user, '@調閱人設')).startsWith('目前的人設如下'));
    assert.equal(await say(partner.channelId, user, '#解除綁定'), texts.unbound('新的'));
    assert.equal(await say(partner.channelId, user, '#解除綁定'), texts.unbound('舊的'));
  });
});
