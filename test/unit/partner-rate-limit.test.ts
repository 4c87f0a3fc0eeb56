import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RequestBudget } from '../../src/http/partner-rate-limit.js';

describe('RequestBudget', () => {
  it('allows a burst, then asks to wait, then refills over time', () => {
    let now = 0;
    const budget = new RequestBudget(2, 4, () => now);

    for (let i = 0; i < 4; i++) assert.equal(budget.take('p1'), 0);
    assert.equal(budget.take('p1'), 1);
    now = 500;
    assert.equal(budget.take('p1'), 0);
  });

  it('keeps one budget per partner', () => {
    const budget = new RequestBudget(1, 1, () => 0);

    assert.equal(budget.take('p1'), 0);
    assert.equal(budget.take('p2'), 0);
    assert.equal(budget.take('p1'), 1);
  });
});
