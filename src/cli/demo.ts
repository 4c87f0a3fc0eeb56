/**
 * `botfleet demo`: the partner guide's workflow, end to end, on a throwaway
 * embedded database with the LINE emulator and no AI model. Every step is
 * checked; the demo succeeds only if all of them did what they should.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '../config/index.js';
import type { LineEmulator } from '../emulator/index.js';
import { createLogger } from '../logger.js';
import { type Service, startService } from '../service.js';

const SAMPLE_PROVISION = {
  store_name: 'StockRadar Assistant - User123',
  system_prompt:
    '你是 StockRadar 的專屬投資助理。這位用戶追蹤台積電 (2330) 與聯發科 (2454)，偏好中長期持有。請用繁體中文、條列式重點回答，並提醒投資有風險。',
};
const SAMPLE_ALERT = {
  type: 'text',
  text: '🚨【StockRadar 緊急警報】🚨\n\n您追蹤的「台積電 (2330)」出現大量買單，已經突破前高！請立即查看您的投資組合。',
};
const USER_A = 'U4af4980629a1b2c3d4e5f60718293a4b';
const USER_B = 'U1234567890abcdef1234567890abcdef';

type Json = Record<string, unknown>;

class StepFailed extends Error {}

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new StepFailed(what);
}

interface Demo {
  service: Service;
  emulator: LineEmulator;
  apiKey: string;
  channelId: string;
}

async function api(demo: Demo, method: string, path: string, body?: unknown) {
  const response = await fetch(`${demo.service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${demo.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Json;
  print(`  ${method} ${path} → ${response.status}`);

  return { status: response.status, body: json };
}

async function waitForInbox(emulator: LineEmulator, userId: string, count: number) {
  const deadline = Date.now() + 15_000;
  while (emulator.inbox(userId).length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return emulator.inbox(userId);
}

function textsOf(emulator: LineEmulator, userId: string): string[] {
  return emulator
    .inbox(userId)
    .map((m) =>
      typeof m.message.text === 'string' ? m.message.text : `[${String(m.message.type)}]`,
    );
}

async function provisionAndBindByChat(demo: Demo): Promise<string> {
  print('1. Provision the sample bot (POST /api/partner/provision)');
  const provisioned = await api(demo, 'POST', '/api/partner/provision', SAMPLE_PROVISION);
  expect(provisioned.status === 201, 'provision answered 201');
  const botId = String(provisioned.body.bot_id);
  const code = String(provisioned.body.bind_code);
  print(`  bot_id ${botId}, bind_code ${code}`);

  print(`2. A LINE user types "@我是店長 ${code}" in the sandbox channel`);
  const delivery = await demo.emulator.sendText(demo.channelId, USER_A, `@我是店長 ${code}`);
  expect(delivery.status === 200, 'the webhook was answered with 200');
  const inbox = await waitForInbox(demo.emulator, USER_A, 1);
  expect(inbox.length > 0, 'the user got an answer to the bind command');
  print(`  the bot answered: ${textsOf(demo.emulator, USER_A).join(' / ')}`);
  const bot = await api(demo, 'GET', `/api/partner/bots/${botId}`);
  expect(bot.body.line_user_id === USER_A, 'the bot is bound to the user who typed the code');

  return botId;
}

async function provisionAndBindByApi(demo: Demo): Promise<string> {
  print('3. Provision a second bot and bind it server to server (POST /api/partner/bind)');
  const provisioned = await api(demo, 'POST', '/api/partner/provision', {
    store_name: 'StockRadar Assistant - User456',
  });
  expect(provisioned.status === 201, 'provision answered 201');
  const botId = String(provisioned.body.bot_id);
  const bound = await api(demo, 'POST', '/api/partner/bind', {
    bot_id: botId,
    line_user_id: USER_B,
  });
  expect(bound.status === 200 && bound.body.line_user_id === USER_B, 'bind answered 200');

  return botId;
}

async function multicast(demo: Demo, botIds: string[]): Promise<void> {
  print('4. Multicast the alert to both bots and an unknown id (POST /api/partner/multicast)');
  const before = { a: demo.emulator.inbox(USER_A).length, b: demo.emulator.inbox(USER_B).length };
  const sent = await api(demo, 'POST', '/api/partner/multicast', {
    bot_ids: [...botIds, 'another-bot-id'],
    messages: [SAMPLE_ALERT],
  });
  print(`  stats ${JSON.stringify(sent.body.stats)}`);
  print(`  unresolved ${JSON.stringify(sent.body.unresolved)}`);
  const stats = sent.body.stats as Json | undefined;
  const unresolved = sent.body.unresolved as Json | undefined;
  expect(sent.status === 200, 'multicast answered 200');
  expect(
    stats?.resolved_active_line_ids === 2 && stats.successfully_sent === 2 && stats.failed === 0,
    'both users were sent the alert',
  );
  expect(
    JSON.stringify(unresolved?.not_found) === '["another-bot-id"]',
    'the unknown id is reported as not_found',
  );

  print('5. What each simulated LINE user received');
  for (const [user, seen] of [
    [USER_A, before.a],
    [USER_B, before.b],
  ] as const) {
    const received = textsOf(demo.emulator, user).slice(seen);
    print(`  ${user}: ${received.map((text) => JSON.stringify(text)).join(', ')}`);
    expect(received.includes(SAMPLE_ALERT.text), `${user} received the alert exactly as sent`);
  }
  const record = await api(
    demo,
    'GET',
    `/api/partner/multicasts/${String(sent.body.multicast_id)}`,
  );
  expect(record.status === 200, 'the multicast delivery record can be read');
}

async function start(dataDir: string): Promise<Demo> {
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
  const service = await startService(config, { log: createLogger('warn') });
  const { emulator, sandbox } = service;
  if (emulator === undefined || sandbox?.apiKey === undefined) {
    await service.stop();
    throw new StepFailed('the sandbox partner and the LINE emulator started');
  }
  print(`botfleet demo on ${service.url} with the LINE emulator on ${emulator.url}`);
  print(`sandbox partner ${sandbox.partnerId}, channel ${sandbox.channel.id}\n`);

  return { service, emulator, apiKey: sandbox.apiKey, channelId: sandbox.channel.id };
}

export async function runDemo(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'botfleet-demo-'));
  let demo: Demo | undefined;
  try {
    demo = await start(dataDir);
    const first = await provisionAndBindByChat(demo);
    const second = await provisionAndBindByApi(demo);
    await multicast(demo, [first, second]);
    print('\nDemo passed: every step did what it should.');

    return true;
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    print(`\nDemo FAILED: expected that ${error.message}.`);

    return false;
  } finally {
    await demo?.service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
