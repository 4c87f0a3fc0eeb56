import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { listPartners } from '../../src/admin/partners.js';
import {
  createTestPartner,
  partnerRequest,
  startTestService,
  type TestService,
} from '../support/service.js';

describe('partner list', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(() => service.close());

  it("counts each partner's own live bots", async () => {
    const busy = await createTestPartner(service, { name: 'Busy' });
    await createTestPartner(service, { name: 'Idle' });
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const created = await partnerRequest(service, busy.apiKey, {
        method: 'POST',
        url: '/api/partner/provision',
        body: { store_name: name },
      });
      ids.push(created.json<{ bot_id: string }>().bot_id);
    }
    await partnerRequest(service, busy.apiKey, {
      method: 'DELETE',
      url: `/api/partner/bots/${ids[0]!}`,
    });

    const counts = Object.fromEntries(
      (await listPartners(service.ctx.db)).map((p) => [p.name, p.bots]),
    );
    assert.equal(counts.Busy, 2);
    assert.equal(counts.Idle, 0);
  });
});
