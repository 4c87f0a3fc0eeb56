/** A multicast to 5000 bound bots: exactly ten LINE calls of 500 distinct users each. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { bulkBoundBots } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const MESSAGES = [{ type: 'text', text: '🚨【StockRadar 緊急警報】台積電 (2330) 突破前高！' }];

describe('a multicast to 5000 bots', () => {
  let service: TestService;
  let partner: TestPartner;
  let botIds: string[];
  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
    botIds = await bulkBoundBots(service, partner.partnerId, 5000);
  });
  after(() => service.close());

  it('makes exactly 10 LINE calls, each of at most 500 distinct users, reaching all 5000 once', async () => {
    const res = await partnerRequest(service, partner.apiKey, {
      method: 'POST',
      url: '/api/partner/multicast',
      body: { bot_ids: botIds, messages: MESSAGES },
    });
    const calls = service.emulator.calls({ path: '/v2/bot/message/multicast' });
    const recipients = calls.map((call) => (call.body as { to: string[] }).to);

    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.deepEqual(res.json<{ stats: unknown }>().stats, {
      requested_bots: 5000,
      resolved_active_line_ids: 5000,
      successfully_sent: 5000,
      failed: 0,
    });
    assert.equal(calls.length, 10);
    assert.ok(calls.every((call) => call.status === 200 && call.channelId === partner.channelId));
    assert.equal(new Set(calls.map((call) => call.retryKey)).size, 10);
    for (const to of recipients) {
      assert.ok(to.length <= 500);
      assert.equal(new Set(to).size, to.length);
    }
    assert.equal(new Set(recipients.flat()).size, 5000);
  });
});
