/**
 * The botfleet command as an operator uses it, on an embedded data directory:
 * JSON output, the admin socket while the service runs, and the lock that keeps
 * a second process off the same database.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function botfleet(dataDir: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: '0',
        EMULATOR_PORT: 'off',
        LOG_LEVEL: 'silent',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function startServe(dataDir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: '0',
        EMULATOR_PORT: 'off',
        LOG_LEVEL: 'silent',
      },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('botfleet is running on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${String(code)}: ${out}`)));
  });
}

describe('the botfleet CLI on an embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'botfleet-cli-'));
  let server: ChildProcess | undefined;
  after(() => {
    server?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  let partnerId = '';
  before(async () => {
    const created = await botfleet(dataDir, [
      'partner',
      'create',
      '--name',
      'StockRadar',
      '--slots',
      '3',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const body = JSON.parse(created.stdout) as { partner_id: string; api_key: string };
    assert.deepEqual(Object.keys(body).sort(), ['api_key', 'partner_id']);
    partnerId = body.partner_id;
  });

  it('registers a channel and prints its webhook URL as JSON', async () => {
    const added = await botfleet(dataDir, [
      'channel',
      'add',
      '--partner',
      partnerId,
      '--channel-secret',
      'a'.repeat(32),
      '--channel-access-token',
      'token-1',
      '--basic-id',
      '@stockradar',
      '--json',
    ]);

    assert.equal(added.code, 0, added.stderr);
    const body = JSON.parse(added.stdout) as { channel_id: string; webhook_url: string };
    assert.deepEqual(Object.keys(body).sort(), ['channel_id', 'webhook_url']);
    assert.equal(body.webhook_url, `http://127.0.0.1:0/api/line/webhook/${body.channel_id}`);
  });

  it('explains a bad argument instead of failing with a stack trace', async () => {
    const run = await botfleet(dataDir, [
      'channel',
      'add',
      '--partner',
      'nope',
      '--channel-secret',
      's',
      '--channel-access-token',
      't',
    ]);

    assert.equal(run.code, 1);
    assert.match(run.stderr, /^botfleet: --partner must be an id like/);
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/);
  });

  it('passes commands to the running service and keeps a second service off the data directory', async () => {
    server = await startServe(dataDir);

    const listed = await botfleet(dataDir, ['partner', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const names = (JSON.parse(listed.stdout) as { partners: { name: string }[] }).partners.map(
      (p) => p.name,
    );
    assert.deepEqual(names.sort(), ['Sandbox', 'StockRadar']);

    const second = await botfleet(dataDir, ['serve']);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /is in use by another botfleet process \(pid \d+\)/);
  });
});
