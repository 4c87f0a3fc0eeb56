import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { KeyedSemaphore } from '../../src/ai/semaphore.js';

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));

  return { promise, resolve };
}

const never = new AbortController().signal;

describe('KeyedSemaphore', () => {
  it('runs at most the limit per key, the rest in order of arrival', async () => {
    const slots = new KeyedSemaphore(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      slots.run('bot-a', never, async () => {
        started.push(i);
        await gate.promise;

        return i;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1]);
    assert.equal(slots.running('bot-a'), 2);

    gates[1]!.resolve();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1, 2]);

    gates[0]!.resolve();
    gates[2]!.resolve();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2]);
    assert.equal(slots.running('bot-a'), 0);
  });

  it('does not make one key wait for another', async () => {
    const slots = new KeyedSemaphore(1);
    const gate = deferred();
    const first = slots.run('bot-a', never, () => gate.promise);
    assert.equal(await slots.run('bot-b', never, async () => 'b'), 'b');
    gate.resolve();
    await first;
  });

  it('stops waiting when the signal aborts and frees the slot after a failing task', async () => {
    const slots = new KeyedSemaphore(1);
    const gate = deferred();
    const holder = slots.run('bot-a', never, () => gate.promise);
    const giveUp = new AbortController();
    const waiting = slots.run('bot-a', giveUp.signal, async () => 'never runs');
    giveUp.abort(new Error('waited too long'));
    await assert.rejects(waiting, /waited too long/);

    gate.resolve();
    await holder;
    await assert.rejects(
      slots.run('bot-a', never, async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await slots.run('bot-a', never, async () => 'free again'), 'free again');
    assert.equal(slots.running('bot-a'), 0);
  });
});
