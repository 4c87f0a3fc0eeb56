import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { eq } from 'drizzle-orm';

import { bindCodeHash } from '../../src/crypto/tokens.js';
import { bots, followers } from '../../src/db/schema.js';
import {
  eventRows,
  postWebhook,
  settled,
  sign,
  textEvent,
  turnsOf,
  webhookBody,
} from '../support/line-webhook.js';
import { assertError, lineUser, provision, rowCount } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const SAMPLES = join(import.meta.dirname, '..', 'fixtures', 'samples');
const SAMPLE_USER = 'U4af4980629a1b2c3d4e5f60718293a4b';

function sample(name: string): Buffer {
  return readFileSync(join(SAMPLES, name));
}

const BAD_SIGNATURE = {
  code: 'unauthorized',
  error: 'The x-line-signature header is missing or wrong.',
};

describe('the LINE webhook', () => {
  let service: TestService;
  let partner: TestPartner;

  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
  });
  after(async () => service.close());

  it('answers 200 {} to the verify body and stores nothing', async () => {
    const body = sample('webhook-verify.json');
    const res = await postWebhook(
      service,
      partner.channelId,
      body,
      sign(partner.channelSecret, body),
    );
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {});
    assert.equal(await rowCount(service, 'webhook_events'), 0);
  });

  it('rejects a missing, empty or wrong signature with 401 and stores nothing', async () => {
    const body = webhookBody([textEvent({ userId: lineUser(1), text: 'hi' })]);
    const wrongSecret = sign('not-the-secret', body);
    const otherBody = sign(partner.channelSecret, `${body} `);
    for (const signature of [null, '', wrongSecret, otherBody, 'not base64 at all!']) {
      const res = await postWebhook(service, partner.channelId, body, signature);
      assertError(res, 401, BAD_SIGNATURE);
    }
    assert.equal(await rowCount(service, 'webhook_events'), 0);
  });

  it('reads the signature header whatever its case', async () => {
    const body = webhookBody([]);
    const res = await postWebhook(
      service,
      partner.channelId,
      body,
      sign(partner.channelSecret, body),
      'X-Line-Signature',
    );
    assert.equal(res.statusCode, 200);
  });

  it('answers 404 for a channel that does not exist or is not a UUID', async () => {
    const body = webhookBody([]);
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await postWebhook(service, id, body, sign(partner.channelSecret, body));
      assertError(res, 404, { code: 'not_found', error: 'The channel was not found.' });
    }
  });

  it('answers 400 to a signed body that is not JSON or has no events array', async () => {
    const broken = '{"destination":"U0f3c1a2b4d5e6f708192a3b4c5d6e7f8","events":[';
    const res = await postWebhook(
      service,
      partner.channelId,
      broken,
      sign(partner.channelSecret, broken),
    );
    assertError(res, 400, { code: 'invalid_json', error: 'The request body is not valid JSON.' });

    const noEvents = '{"destination":"U0f3c1a2b4d5e6f708192a3b4c5d6e7f8","events":{}}';
    const res2 = await postWebhook(
      service,
      partner.channelId,
      noEvents,
      sign(partner.channelSecret, noEvents),
    );
    assertError(res2, 400, {
      code: 'validation_failed',
      error: 'The request is invalid.',
      details: [{ path: 'events', message: 'must be an array' }],
    });
  });

  it('verifies the escaped-emoji sample on its exact bytes, not on a re-serialised copy', async () => {
    const raw = sample('webhook-escaped-emoji.raw');
    const signature = sign(partner.channelSecret, raw);
    const reserialised = JSON.stringify(JSON.parse(raw.toString('utf8')));
    assert.notEqual(reserialised, raw.toString('utf8'));

    const rejected = await postWebhook(service, partner.channelId, reserialised, signature);
    assertError(rejected, 401, BAD_SIGNATURE);
    assert.equal(await rowCount(service, 'webhook_events'), 0);

    const accepted = await postWebhook(service, partner.channelId, raw, signature);
    assert.equal(accepted.statusCode, 200);
    assert.deepEqual(accepted.json(), {});
    const [row] = await eventRows(service, partner.channelId);
    assert.equal(row?.webhookEventId, '01JEB4Y1B2C3D4E5F6G7H8J9KA');
    assert.equal(row?.lineUserId, SAMPLE_USER);
    const event = row?.event as { message: { text: string } };
    assert.equal(event.message.text, '🤨 2330 現在多少？');
    await settled(service);
  });

  it('binds the sample user with the sample bind command', async () => {
    const bot = await provision(service, partner.apiKey, { store_name: '範例機器人' });
    // The sample carries the code 7KQ2MX: give the bot that code.
    await service.ctx.db
      .update(bots)
      .set({ bindCodeHash: bindCodeHash(partner.partnerId, '7KQ2MX') })
      .where(eq(bots.id, bot.bot_id));

    const body = sample('webhook-bind-command.json');
    const res = await postWebhook(
      service,
      partner.channelId,
      body,
      sign(partner.channelSecret, body),
    );
    assert.equal(res.statusCode, 200);
    await settled(service);

    const [binding] = await service.ctx.db.query.bindings.findMany({
      where: (table, { eq: equals }) => equals(table.botId, bot.bot_id),
    });
    assert.equal(binding?.lineUserId, SAMPLE_USER);
    assert.equal(binding?.boundVia, 'chat');
  });

  it('answers the sample question once, and drops its redelivery', async () => {
    const received = service.emulator.inbox(SAMPLE_USER).length;
    const text = sample('webhook-text.json');
    const first = await postWebhook(
      service,
      partner.channelId,
      text,
      sign(partner.channelSecret, text),
    );
    assert.equal(first.statusCode, 200);
    await settled(service);

    const redelivery = sample('webhook-redelivery.json');
    const again = await postWebhook(
      service,
      partner.channelId,
      redelivery,
      sign(partner.channelSecret, redelivery),
    );
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), {});
    await settled(service);

    assert.equal(service.emulator.inbox(SAMPLE_USER).length, received + 1);
    const rows = await eventRows(service, partner.channelId);
    assert.equal(
      rows.filter((row) => row.webhookEventId === '01JEB4W8Q2V6C8ZP1Y3T5N7K9M').length,
      1,
    );
    const turns = (await turnsOf(service, SAMPLE_USER)).filter(
      (turn) => turn.webhookEventId === '01JEB4W8Q2V6C8ZP1Y3T5N7K9M',
    );
    assert.deepEqual(
      turns.map((turn) => [turn.role, turn.channelId]),
      [
        ['user', partner.channelId],
        ['assistant', partner.channelId],
      ],
    );
    assert.equal(turns[0]?.content, '台積電今天為什麼大漲？');
  });

  it('records the follow and then the unfollow of the sample body, in order', async () => {
    const body = sample('webhook-follow-unfollow.json');
    const res = await postWebhook(
      service,
      partner.channelId,
      body,
      sign(partner.channelSecret, body),
    );
    assert.equal(res.statusCode, 200);
    await settled(service);

    const [state] = await service.ctx.db
      .select()
      .from(followers)
      .where(eq(followers.lineUserId, SAMPLE_USER));
    assert.equal(state?.following, false);
    const rows = await eventRows(service, partner.channelId);
    const ids = ['01JEB4X0A1B2C3D4E5F6G7H8J9', '01JEB4X0A1B2C3D4E5F6G7H8JA'];
    assert.deepEqual(
      rows.filter((row) => ids.includes(row.webhookEventId)).map((row) => row.status),
      ['done', 'done'],
    );
  });

  it('stores every event of a body in one go and answers within well under 2 s', async () => {
    const events = Array.from({ length: 50 }, (_, i) =>
      textEvent({ userId: lineUser(1000 + i), text: `問題 ${i}` }),
    );
    const body = webhookBody(events);
    const started = performance.now();
    const res = await postWebhook(
      service,
      partner.channelId,
      body,
      sign(partner.channelSecret, body),
    );
    const elapsed = performance.now() - started;
    assert.equal(res.statusCode, 200);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
    const stored = await eventRows(service, partner.channelId);
    const ids = new Set(events.map((event) => event.webhookEventId));
    assert.equal(stored.filter((row) => ids.has(row.webhookEventId)).length, 50);
    await settled(service);
  });
});
