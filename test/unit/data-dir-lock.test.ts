import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { lockDataDir } from '../../src/db/data-dir-lock.js';

describe('lockDataDir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'botfleet-lock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a directory held by another live process, naming it', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, 'botfleet.lock'), String(holder.pid));

      assert.throws(() => lockDataDir(dir), {
        name: 'DataDirLockedError',
        message: new RegExp(`in use by another botfleet process \\(pid ${String(holder.pid)}\\)`),
      });
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock left by a process that died, and releases it', () => {
    writeFileSync(join(dir, 'botfleet.lock'), '999999999');
    const release = lockDataDir(dir);

    assert.ok(existsSync(join(dir, 'botfleet.lock')));
    release();
    assert.ok(!existsSync(join(dir, 'botfleet.lock')));
  });
});
