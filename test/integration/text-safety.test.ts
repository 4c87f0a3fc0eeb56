/**
 * Text PostgreSQL cannot store (NUL, unpaired surrogates), broken URLs and
 * stored credentials: bad input gets a 400 in the one error shape, LINE's own
 * bodies are cleaned instead of refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { idempotencyKeys } from '../../src/db/schema.js';
import { eventRows, postWebhook, sign, textEvent, webhookBody } from '../support/line-webhook.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

describe('text that cannot be stored, broken URLs and stored responses', () => {
  let service: TestService;
  let partner: TestPartner;
  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
  });
  after(() => service.close());

  for (const [name, body, path] of [
    ['a NUL in store_name', '{"store_name":"a\\u0000b"}', 'store_name'],
    [
      'an unpaired surrogate in system_prompt',
      '{"store_name":"a","system_prompt":"x\\ud800"}',
      'system_prompt',
    ],
    ['a NUL in a metadata key', '{"store_name":"a","metadata":{"k\\u0000":1}}', 'metadata.k?'],
  ] as const) {
    it(`refuses ${name} with a 400 naming the field, and stores nothing`, async () => {
      const response = await partnerRequest(service, partner.apiKey, {
        method: 'POST',
        url: '/api/partner/provision',
        body,
      });

      assert.equal(response.statusCode, 400);
      assert.deepEqual(response.json(), {
        success: false,
        error: `The request is invalid: ${path} contains characters that cannot be stored.`,
        code: 'validation_failed',
        details: [
          { path, message: 'must not contain NUL characters or unpaired UTF-16 surrogates' },
        ],
        request_id: response.headers['x-request-id'],
      });
      const usage = await partnerRequest(service, partner.apiKey, {
        method: 'GET',
        url: '/api/partner/usage',
      });
      assert.equal(usage.json<{ bots: number }>().bots, 0);
    });
  }

  it('stores a signed LINE event with a NUL in its text, cleaned, next to the other events of its body', async () => {
    const clean = textEvent({ userId: 'U' + 'b'.repeat(32), text: '你好' });
    const dirty = textEvent({ userId: 'U' + 'c'.repeat(32), text: 'hi\u0000there\ud800' });
    const body = webhookBody([clean, dirty]);
    const response = await postWebhook(
      service,
      partner.channelId,
      body,
      sign(partner.channelSecret, body),
    );

    assert.equal(response.statusCode, 200);
    const stored = await eventRows(service, partner.channelId);
    const texts = stored.map((row) => (row.event as { message: { text: string } }).message.text);
    assert.deepEqual(texts.sort(), ['hithere\uFFFD', '你好'].sort());
  });

  it('answers a badly encoded URL in the one error shape, with X-Request-Id', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/api/partner/bots/%ZZ' });

    assert.equal(response.statusCode, 400);
    const body = response.json<Record<string, unknown>>();
    assert.equal(body.success, false);
    assert.equal(body.code, 'validation_failed');
    assert.equal(body.request_id, response.headers['x-request-id']);
  });

  it('keeps a replayable provision response encrypted, so the mgmt_token is not stored in clear', async () => {
    const request = {
      method: 'POST' as const,
      url: '/api/partner/provision',
      body: { store_name: 'Replayed' },
      headers: { 'idempotency-key': 'provision-secret-check' },
    };
    const first = await partnerRequest(service, partner.apiKey, request);
    const replay = await partnerRequest(service, partner.apiKey, request);

    assert.equal(first.statusCode, 201);
    assert.deepEqual(replay.json(), first.json());
    const token = first.json<{ mgmt_token: string }>().mgmt_token;
    const rows = await service.ctx.db.select().from(idempotencyKeys);
    assert.ok(rows.length > 0);
    assert.ok(rows.every((row) => !JSON.stringify(row.responseBody).includes(token)));
  });
});
