import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { chunk, groupByChannel, planCalls, type Recipient } from '../../src/multicast/plan.js';
import { classify, distinctRequested, type ResolvedBot } from '../../src/multicast/resolve.js';

const user = (n: number) => `U${n.toString(16).padStart(32, '0')}`;
const BOT_A = '1b9498a4-62c0-4f9f-994a-74664a1a4d16';
const BOT_B = '2b9498a4-62c0-4f9f-994a-74664a1a4d16';

function bot(id: string, overrides: Partial<ResolvedBot> = {}): ResolvedBot {
  return {
    id,
    status: 'active',
    lineUserId: user(1),
    channelId: 'channel-1',
    following: null,
    ...overrides,
  };
}

describe('chunk', () => {
  it('cuts a list into pieces of at most the given size, keeping order', () => {
    assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(chunk([1, 2], 2), [[1, 2]]);
    assert.deepEqual(chunk([], 500), []);
  });

  it('refuses a size below one', () => {
    assert.throws(() => chunk([1], 0), RangeError);
  });
});

describe('groupByChannel', () => {
  it('keeps each user once per channel, and the same user on two channels twice', () => {
    const recipients: Recipient[] = [
      { channelId: 'a', lineUserId: user(1) },
      { channelId: 'b', lineUserId: user(1) },
      { channelId: 'a', lineUserId: user(1) },
      { channelId: 'a', lineUserId: user(2) },
    ];

    assert.deepEqual(
      [...groupByChannel(recipients)],
      [
        ['a', [user(1), user(2)]],
        ['b', [user(1)]],
      ],
    );
  });
});

describe('planCalls', () => {
  it('makes 10 calls of 500 distinct users for 5000 users of one channel', () => {
    const recipients = Array.from({ length: 5000 }, (_, i) => ({
      channelId: 'a',
      lineUserId: user(i),
    }));
    const calls = planCalls(recipients);

    assert.equal(calls.length, 10);
    assert.deepEqual(
      calls.map((call) => call.seq),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    for (const call of calls) assert.equal(new Set(call.recipients).size, 500);
    assert.equal(new Set(calls.flatMap((call) => call.recipients)).size, 5000);
  });

  it('never mixes channels in one call and numbers calls across channels', () => {
    const recipients = [
      ...Array.from({ length: 3 }, (_, i) => ({ channelId: 'a', lineUserId: user(i) })),
      ...Array.from({ length: 2 }, (_, i) => ({ channelId: 'b', lineUserId: user(i) })),
    ];

    assert.deepEqual(planCalls(recipients, 2), [
      { seq: 0, channelId: 'a', recipients: [user(0), user(1)] },
      { seq: 1, channelId: 'a', recipients: [user(2)] },
      { seq: 2, channelId: 'b', recipients: [user(0), user(1)] },
    ]);
  });

  it('plans no call when there is nobody to send to', () => {
    assert.deepEqual(planCalls([]), []);
  });
});

describe('distinctRequested', () => {
  it('keeps the first spelling of an id sent twice in different letter cases', () => {
    const requested = distinctRequested([
      BOT_A.toUpperCase(),
      BOT_A,
      'another-bot-id',
      'another-bot-id',
    ]);

    assert.deepEqual(
      [...requested],
      [
        [BOT_A, BOT_A.toUpperCase()],
        ['invalid:another-bot-id', 'another-bot-id'],
      ],
    );
  });
});

describe('classify', () => {
  it('reports ids that are not UUIDs or not found as not_found, in request order', () => {
    const result = classify(['another-bot-id', BOT_A, BOT_B], [bot(BOT_B)]);

    assert.deepEqual(result.unresolved, {
      not_found: ['another-bot-id', BOT_A],
      not_bound: [],
      inactive: [],
      unfollowed: [],
    });
    assert.deepEqual(result.recipients, [{ channelId: 'channel-1', lineUserId: user(1) }]);
    assert.equal(result.requestedBots, 3);
  });

  it('sorts suspended, unbound and unfollowed bots into their lists', () => {
    const ids = [BOT_A, BOT_B, '3b9498a4-62c0-4f9f-994a-74664a1a4d16'];
    const rows = [
      bot(BOT_A, { status: 'suspended' }),
      bot(BOT_B, { lineUserId: null }),
      bot('3b9498a4-62c0-4f9f-994a-74664a1a4d16', { following: false }),
    ];

    assert.deepEqual(classify(ids, rows).unresolved, {
      not_found: [],
      not_bound: [BOT_B],
      inactive: [BOT_A],
      unfollowed: ['3b9498a4-62c0-4f9f-994a-74664a1a4d16'],
    });
    assert.deepEqual(classify(ids, rows).recipients, []);
  });

  it('counts a bound user without any channel as unreachable rather than unresolved', () => {
    const result = classify([BOT_A], [bot(BOT_A, { channelId: null })]);

    assert.deepEqual(result.unreachable, [user(1)]);
    assert.deepEqual(result.recipients, []);
    assert.deepEqual(result.unresolved.not_found, []);
  });

  it('sends to a user whose follow state is unknown or following', () => {
    const result = classify(
      [BOT_A, BOT_B],
      [bot(BOT_A, { following: true }), bot(BOT_B, { following: null, lineUserId: user(2) })],
    );

    assert.equal(result.recipients.length, 2);
  });
});
