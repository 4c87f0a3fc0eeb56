/**
 * Multicast benchmark: one 5000-bot multicast through botfleet's API (embedded
 * PGlite in a temporary directory, built-in LINE emulator), next to the same
 * ten 500-user LINE calls made straight to the emulator with the SDK, and
 * provisions per second. Loopback only; fixed amounts of work; cleans up after
 * itself.
 *
 *   npm run bench
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { messagingApi } from '@line/bot-sdk';
import { eq, sql } from 'drizzle-orm';

import { loadConfig } from '../src/config/index.js';
import { bindings, bots } from '../src/db/schema.js';
import { createLogger } from '../src/logger.js';
import { chunk } from '../src/multicast/plan.js';
import { type Service, startService } from '../src/service.js';

const BOTS = 5000;
const RUNS = 5;
const PROVISIONS = 500;
const PROVISION_CONCURRENCY = 8;
const SDK_CONCURRENCY = 4;
const MESSAGES: messagingApi.Message[] = [
  { type: 'text', text: '🚨【StockRadar 緊急警報】🚨 台積電 (2330) 出現大量買單，已經突破前高！' },
];

interface Bench {
  readonly service: Service;
  readonly apiKey: string;
  readonly partnerId: string;
  readonly accessToken: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();

  return performance.now() - started;
}

async function api(bench: Bench, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${bench.service.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bench.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);

  return json;
}

/** Bound bots straight in the database: the benchmark is about the multicast, not set-up. */
async function createBoundBots(bench: Bench): Promise<string[]> {
  const { db } = bench.service.ctx;
  await db.execute(sql`
    insert into bots (partner_id, store_name, system_prompt, mgmt_token_hash)
    select ${bench.partnerId}, 'Bench bot ' || g, 'prompt', md5(random()::text || g)
    from generate_series(1, ${BOTS}) g`);
  await db.execute(sql`
    insert into bindings (bot_id, line_user_id, bound_via)
    select id, 'U' || md5(id::text), 'api' from bots where partner_id = ${bench.partnerId}`);
  const rows = await db
    .select({ id: bots.id })
    .from(bots)
    .innerJoin(bindings, eq(bindings.botId, bots.id))
    .where(eq(bots.partnerId, bench.partnerId));

  return rows.map((row) => row.id);
}

async function multicastThroughApi(bench: Bench, botIds: string[]): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    times.push(
      await timed(async () => {
        const result = await api(bench, '/api/partner/multicast', {
          bot_ids: botIds,
          messages: MESSAGES,
        });
        const stats = result.stats as { successfully_sent: number };
        if (stats.successfully_sent !== BOTS) throw new Error(`sent ${stats.successfully_sent}`);
      }),
    );
  }

  return times;
}

async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

async function multicastStraightToEmulator(bench: Bench): Promise<number[]> {
  const emulatorUrl = bench.service.emulator?.url;
  if (emulatorUrl === undefined) throw new Error('the emulator is not running');
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: bench.accessToken,
    baseURL: emulatorUrl,
  });
  const users = Array.from({ length: BOTS }, (_, n) => `U${n.toString(16).padStart(32, '0')}`);
  const calls = chunk(users, 500);
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    times.push(
      await timed(() =>
        inParallel(calls, SDK_CONCURRENCY, async (to) => {
          await client.multicast({ to, messages: MESSAGES }, randomUUID());
        }),
      ),
    );
  }

  return times;
}

async function provisionsPerSecond(bench: Bench): Promise<number> {
  const numbers = Array.from({ length: PROVISIONS }, (_, n) => n);
  const ms = await timed(() =>
    inParallel(numbers, PROVISION_CONCURRENCY, async (n) => {
      await api(bench, '/api/partner/provision', { store_name: `Provision bench ${n}` });
    }),
  );

  return PROVISIONS / (ms / 1000);
}

function printTable(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'botfleet-bench-'));
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
  const service = await startService(config, { log: createLogger('warn') });
  try {
    const sandbox = service.sandbox;
    if (sandbox?.apiKey === undefined) throw new Error('no fresh sandbox partner');
    const bench: Bench = {
      service,
      apiKey: sandbox.apiKey,
      partnerId: sandbox.partnerId,
      accessToken: sandbox.channel.accessToken,
    };
    console.log(`botfleet multicast benchmark (PGlite in ${dataDir}, built-in LINE emulator)`);
    const botIds = await createBoundBots(bench);
    const viaApi = await multicastThroughApi(bench, botIds);
    const direct = await multicastStraightToEmulator(bench);
    const provisions = await provisionsPerSecond(bench);
    const format = (times: number[]) =>
      `median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`;
    printTable([
      [`${BOTS}-bot multicast through the API (10 LINE calls)`, format(viaApi)],
      [
        `the same 10 calls straight to the emulator (SDK, ${SDK_CONCURRENCY} at once)`,
        format(direct),
      ],
      [
        `provisions (${PROVISIONS}, ${PROVISION_CONCURRENCY} concurrent)`,
        `${provisions.toFixed(0)} per second`,
      ],
    ]);
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
