import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { LineFailure, LineResult } from '../../src/line/client.js';
import { Semaphore, TokenBucket } from '../../src/multicast/limiter.js';
import {
  backoffMs,
  DEFAULT_RETRY,
  judgeAttempt,
  MONTHLY_LIMIT,
  nextDelay,
} from '../../src/multicast/retry.js';

function failure(overrides: Partial<LineFailure>): LineResult<unknown> {
  return {
    ok: false,
    failure: {
      kind: 'http',
      status: 500,
      message: 'Internal Server Error',
      requestId: 'req-1',
      acceptedRequestId: undefined,
      ...overrides,
    },
  };
}

describe('judgeAttempt', () => {
  it('counts an accepted call as sent with its LINE request id', () => {
    assert.deepEqual(judgeAttempt({ ok: true, body: {}, requestId: 'req-9' }), {
      verdict: 'sent',
      httpStatus: 200,
      lineRequestId: 'req-9',
      error: null,
    });
  });

  it('counts a 409 on an already accepted retry key as sent, with the accepted request id', () => {
    const outcome = judgeAttempt(
      failure({
        status: 409,
        message: 'The retry key is already accepted',
        acceptedRequestId: 'req-first',
      }),
    );

    assert.deepEqual(outcome, {
      verdict: 'sent',
      httpStatus: 409,
      lineRequestId: 'req-first',
      error: null,
    });
  });

  it('retries 5xx, rate limits, timeouts and network failures', () => {
    assert.equal(judgeAttempt(failure({ status: 503 })).verdict, 'transient');
    assert.equal(
      judgeAttempt(
        failure({ status: 429, message: 'The API rate limit has been exceeded. Try again later.' }),
      ).verdict,
      'transient',
    );
    assert.equal(
      judgeAttempt(failure({ kind: 'timeout', status: undefined })).verdict,
      'transient',
    );
    assert.equal(
      judgeAttempt(failure({ kind: 'network', status: undefined })).verdict,
      'transient',
    );
  });

  it('gives up at once on the monthly limit and records it as monthly_limit', () => {
    const outcome = judgeAttempt(
      failure({ status: 429, message: 'You have reached your monthly limit.' }),
    );

    assert.deepEqual(outcome, {
      verdict: 'failed',
      httpStatus: 429,
      lineRequestId: 'req-1',
      error: MONTHLY_LIMIT,
    });
  });

  it('gives up at once on a refusal such as a 400', () => {
    const outcome = judgeAttempt(
      failure({ status: 400, message: 'The request body has 1 error(s)' }),
    );

    assert.equal(outcome.verdict, 'failed');
    assert.equal(outcome.error, 'The request body has 1 error(s)');
  });
});

describe('backoff', () => {
  it('doubles from the base delay up to the cap, with at most half of it random', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };

    assert.equal(
      backoffMs(policy, 1, () => 0),
      50,
    );
    assert.equal(
      backoffMs(policy, 1, () => 1),
      100,
    );
    assert.equal(
      backoffMs(policy, 3, () => 0),
      200,
    );
    assert.equal(
      backoffMs(policy, 10, () => 1),
      1000,
    );
  });

  it('stops after the last attempt or when the time budget would be exceeded', () => {
    const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 1000 };

    assert.equal(
      nextDelay(policy, 1, 0, () => 0),
      50,
    );
    assert.equal(
      nextDelay(policy, 3, 0, () => 0),
      undefined,
    );
    assert.equal(
      nextDelay(policy, 2, 950, () => 0),
      undefined,
    );
  });
});

describe('TokenBucket', () => {
  it('lets a burst through at once, then spaces calls at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 3, () => now);

    assert.deepEqual(
      [bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()],
      [0, 0, 0, 10, 20],
    );
    now = 1000;
    assert.equal(bucket.reserve(), 0);
  });
});

describe('Semaphore', () => {
  it('never runs more tasks at once than its size', async () => {
    const semaphore = new Semaphore(4);
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    await Promise.all(Array.from({ length: 20 }, () => semaphore.run(task)));

    assert.equal(peak, 4);
    assert.equal(semaphore.inFlight, 0);
  });
});
