import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestService,
} from '../support/service.js';

describe('partner request budget', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ PARTNER_RATE_LIMIT: '1' });
  });
  after(() => service.close());

  it('answers 429 with Retry-After once a partner spends its burst, and spares other partners', async () => {
    const busy = await createTestPartner(service);
    const quiet = await createTestPartner(service);
    const usage = (apiKey: string) =>
      partnerRequest(service, apiKey, { method: 'GET', url: '/api/partner/usage' });

    assert.equal((await usage(busy.apiKey)).statusCode, 200);
    assert.equal((await usage(busy.apiKey)).statusCode, 200);
    const limited = await usage(busy.apiKey);

    assert.equal(limited.statusCode, 429);
    assert.equal(limited.headers['retry-after'], '1');
    const body = limited.json<Record<string, unknown>>();
    assert.deepEqual(body, {
      success: false,
      error: 'Too many requests; retry later.',
      code: 'rate_limited',
      request_id: limited.headers['x-request-id'],
    });
    assert.equal((await usage(quiet.apiKey)).statusCode, 200);
  });
});
