import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eq } from 'drizzle-orm';

import { pushRetryKey } from '../../src/conversation/retry-key.js';
import { webhookEvents } from '../../src/db/schema.js';
import { type AiServer, lastUserText, startAiServer, systemText } from '../support/ai-server.js';
import {
  inboxTexts,
  postWebhook,
  settled,
  sign,
  textEvent,
  turnsOf,
  webhookBody,
} from '../support/line-webhook.js';
import { lineUser, provision } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const PROMPT = '你是 StockRadar 的投資小幫手，只回答和使用者持股有關的問題。';

async function setUp(ai: AiServer, env: Record<string, string> = {}) {
  const service = await startTestService({
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: ai.url,
    LLM_MODEL: 'test',
    ...env,
  });
  const partner = await createTestPartner(service);

  return { service, partner };
}

describe('answers from the AI model', () => {
  let ai: AiServer;
  let service: TestService;
  let partner: TestPartner;

  before(async () => {
    ai = await startAiServer();
    ({ service, partner } = await setUp(ai));
  });
  after(async () => {
    await service.close();
    await ai.close();
  });

  it('binds by chat with the code from a provision, then answers with that bot and its history', async () => {
    const user = lineUser(501);
    const bot = await provision(service, partner.apiKey, {
      store_name: '雷達',
      system_prompt: PROMPT,
    });
    await service.emulator.sendText(partner.channelId, user, `@我是店長 ${bot.bind_code}`);
    await inboxTexts(service, user, 1);
    const asked = ai.requests.length;

    await service.emulator.sendText(partner.channelId, user, '台積電今天為什麼大漲？');
    assert.deepEqual((await inboxTexts(service, user, 2)).slice(1), ['AI: 台積電今天為什麼大漲？']);
    await service.emulator.sendText(partner.channelId, user, '那聯發科呢？');
    assert.deepEqual((await inboxTexts(service, user, 3)).slice(2), ['AI: 那聯發科呢？']);

    assert.equal(ai.requests.length, asked + 2);
    const last = ai.requests.at(-1)!;
    assert.ok(systemText(last).includes(PROMPT));
    assert.equal(lastUserText(last), '那聯發科呢？');
    const history = last.messages
      .filter((message) => message.role !== 'system')
      .map((message) => [message.role, message.content]);
    assert.deepEqual(history, [
      ['user', '台積電今天為什麼大漲？'],
      ['assistant', 'AI: 台積電今天為什麼大漲？'],
      ['user', '那聯發科呢？'],
    ]);
    assert.equal(service.emulator.inbox(user).at(-1)?.via, 'reply');
    assert.ok(service.emulator.calls({ path: '/v2/bot/chat/loading/start' }).length >= 2);
  });

  it('gives a redelivered or re-processed event one answer, one stored turn and one AI call', async () => {
    const user = lineUser(502);
    await provision(service, partner.apiKey, { store_name: '重送', owner_line_user_id: user });
    const asked = ai.requests.length;
    const sent = await service.emulator.sendText(partner.channelId, user, '現在幾點收盤？');
    await inboxTexts(service, user, 1);
    await settled(service);

    const again = await service.emulator.redeliver(sent.webhookEventId);
    assert.equal(again.status, 200);
    // As if the worker had died after answering but before recording it.
    await service.ctx.db
      .update(webhookEvents)
      .set({ status: 'pending' })
      .where(eq(webhookEvents.webhookEventId, sent.webhookEventId));
    service.ctx.notifyEvents();
    await settled(service);

    assert.equal(ai.requests.length, asked + 1);
    assert.equal(service.emulator.inbox(user).length, 1);
    const turns = await turnsOf(service, user);
    assert.deepEqual(
      turns.map((turn) => [turn.role, turn.content, turn.webhookEventId]),
      [
        ['user', '現在幾點收盤？', sent.webhookEventId],
        ['assistant', 'AI: 現在幾點收盤？', sent.webhookEventId],
      ],
    );
  });

  it('answers 200 to LINE within a second while a slow model thinks, then answers once', async () => {
    const user = lineUser(503);
    await provision(service, partner.apiKey, { store_name: '慢慢來', owner_line_user_id: user });
    ai.setBehaviour({ delayMs: 5_000 });
    try {
      const sent = await service.emulator.sendText(partner.channelId, user, '幫我分析一下');
      assert.equal(sent.status, 200);
      assert.ok(sent.durationMs < 1_000, `webhook took ${sent.durationMs} ms`);
      assert.deepEqual(await inboxTexts(service, user, 1, 20_000), ['AI: 幫我分析一下']);
      await settled(service);
      assert.equal(service.emulator.inbox(user).length, 1);
      assert.equal(service.emulator.inbox(user)[0]?.via, 'reply');
    } finally {
      ai.setBehaviour({ delayMs: 0 });
    }
  });

  it('splits a 4,999-letter answer with an emoji at the end into two valid messages', async () => {
    const user = lineUser(504);
    await provision(service, partner.apiKey, { store_name: '長篇', owner_line_user_id: user });
    ai.setBehaviour({ answer: () => `${'a'.repeat(4999)}😀` });
    try {
      await service.emulator.sendText(partner.channelId, user, '寫長一點');
      assert.deepEqual(await inboxTexts(service, user, 2), ['a'.repeat(4999), '😀']);
      await settled(service);
      assert.equal(service.emulator.inbox(user).length, 2);
      const [reply] = service.emulator.calls({ path: '/v2/bot/message/reply' }).slice(-1);
      assert.equal(reply?.status, 200);
    } finally {
      ai.setBehaviour({ answer: (request) => `AI: ${lastUserText(request)}` });
    }
  });

  it('apologises once when the model fails', async () => {
    const user = lineUser(505);
    await provision(service, partner.apiKey, { store_name: '故障', owner_line_user_id: user });
    ai.setBehaviour({ failStatus: 500 });
    try {
      await service.emulator.sendText(partner.channelId, user, '在嗎？');
      const [answer] = await inboxTexts(service, user, 1);
      assert.ok(answer !== undefined && answer.startsWith('抱歉'), answer);
      await settled(service);
      assert.equal(service.emulator.inbox(user).length, 1);
    } finally {
      ai.setBehaviour({ failStatus: undefined });
    }
  });
});

describe('an answer that takes longer than the reply token lives', () => {
  let ai: AiServer;
  let service: TestService;
  let partner: TestPartner;

  before(async () => {
    // The stand-in for a 70-second model against a ~50 s token age limit.
    ai = await startAiServer({ delayMs: 1_500 });
    ({ service, partner } = await setUp(ai, { REPLY_TOKEN_MAX_AGE_MS: '1000' }));
  });
  after(async () => {
    await service.close();
    await ai.close();
  });

  it('is pushed once with the event retry key instead of replied with the expired token', async () => {
    const user = lineUser(601);
    await provision(service, partner.apiKey, { store_name: '很久', owner_line_user_id: user });
    const sent = await service.emulator.sendText(partner.channelId, user, '寫一份完整的報告');
    assert.equal(sent.status, 200);

    assert.deepEqual(await inboxTexts(service, user, 1), ['AI: 寫一份完整的報告']);
    await settled(service);
    const inbox = service.emulator.inbox(user);
    assert.equal(inbox.length, 1);
    assert.equal(inbox[0]?.via, 'push');
    assert.equal(inbox[0]?.retryKey, pushRetryKey(partner.channelId, sent.webhookEventId));
    assert.equal(service.emulator.calls({ path: '/v2/bot/message/reply' }).length, 0);
    assert.equal(service.emulator.calls({ path: '/v2/bot/message/push' }).length, 1);
  });
});

describe('several users writing at once', () => {
  let ai: AiServer;
  let service: TestService;
  let partner: TestPartner;

  before(async () => {
    ai = await startAiServer({ delayMs: 300 });
    ({ service, partner } = await setUp(ai));
  });
  after(async () => {
    await service.close();
    await ai.close();
  });

  it('answers different users concurrently and each user in order', async () => {
    const users = [lineUser(801), lineUser(802), lineUser(803), lineUser(804)];
    for (const [i, user] of users.entries()) {
      await provision(service, partner.apiKey, { store_name: `店${i}`, owner_line_user_id: user });
    }
    const [first, ...others] = users as [string, ...string[]];
    const events = [
      textEvent({ userId: first, text: '第一題' }),
      textEvent({ userId: first, text: '第二題' }),
      ...others.map((user) => textEvent({ userId: user, text: `我是 ${user}` })),
      textEvent({ userId: first, text: '第三題' }),
    ];
    const body = webhookBody(events);
    const res = await postWebhook(
      service,
      partner.channelId,
      body,
      sign(partner.channelSecret, body),
    );
    assert.equal(res.statusCode, 200);
    await settled(service, 20_000);

    assert.deepEqual(
      service.emulator.inbox(first).map((message) => message.message.text),
      ['AI: 第一題', 'AI: 第二題', 'AI: 第三題'],
    );
    for (const user of others) {
      assert.deepEqual(
        service.emulator.inbox(user).map((message) => message.message.text),
        [`AI: 我是 ${user}`],
      );
    }
    // Each of the first user's questions was asked after the previous one was answered.
    const asked = ai.requests.filter((request) => lastUserText(request).endsWith('題'));
    assert.deepEqual(
      asked.map((request) => request.messages.filter((m) => m.role !== 'system').length),
      [1, 3, 5],
    );
    assert.ok(ai.peakConcurrency >= 2, `peak concurrency ${ai.peakConcurrency}`);
  });
});
