/**
 * Webhook intake benchmark: signed LINE webhook bodies accepted per second and
 * latency to the 200, for botfleet's webhook (embedded PGlite, built-in LINE
 * emulator, no AI model) next to a bare node:http server that only verifies
 * the signature. botfleet is measured twice: the whole service, whose worker
 * answers the events (through the emulator) in the same process while the
 * load runs, and the webhook route alone, with no worker. Loopback only; each
 * target gets a fixed time or request budget.
 *
 *   npm run bench:webhook
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { validateSignature } from '@line/bot-sdk';
import { sql } from 'drizzle-orm';

import { ensureSandbox } from '../src/admin/sandbox.js';
import { createResponder } from '../src/ai/index.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import type { AppContext } from '../src/context.js';
import { createSecretBox } from '../src/crypto/secret-box.js';
import { openDatabase } from '../src/db/client.js';
import { webhookEvents } from '../src/db/schema.js';
import { LineGateway } from '../src/line/client.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';

const DURATION_MS = 5_000;
const MAX_REQUESTS = 20_000;
const CONCURRENCY = 16;
const USERS = 200;

interface Target {
  readonly name: string;
  readonly url: string;
  readonly secret: string;
}

interface Measure {
  readonly name: string;
  readonly requests: number;
  readonly failures: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function ulidLike(): string {
  const bytes = randomBytes(26);

  return Array.from(bytes, (byte) => CROCKFORD.charAt(byte % 32)).join('');
}

function userId(n: number): string {
  return `U${n.toString(16).padStart(32, '0')}`;
}

function webhookBody(n: number): string {
  return JSON.stringify({
    destination: 'U0f3c1a2b4d5e6f708192a3b4c5d6e7f8',
    events: [
      {
        type: 'message',
        mode: 'active',
        timestamp: Date.now(),
        source: { type: 'user', userId: userId(n % USERS) },
        webhookEventId: ulidLike(),
        deliveryContext: { isRedelivery: false },
        replyToken: randomBytes(16).toString('hex'),
        message: { id: String(n), type: 'text', quoteToken: 'q', text: `台積電現在多少？ #${n}` },
      },
    ],
  });
}

function post(agent: Agent, target: Target, body: string): Promise<number> {
  const signature = createHmac('sha256', target.secret).update(body).digest('base64');

  return new Promise((resolve, reject) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-line-signature': signature,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function measure(target: Target): Promise<Measure> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let sent = 0;
  let failures = 0;
  const started = performance.now();
  const deadline = started + DURATION_MS;
  async function worker() {
    while (performance.now() < deadline && sent < MAX_REQUESTS) {
      const body = webhookBody(sent++);
      const t0 = performance.now();
      const status = await post(agent, target, body).catch(() => 0);
      latencies.push(performance.now() - t0);
      if (status !== 200) failures++;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);

  return {
    name: target.name,
    requests: latencies.length,
    failures,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** The baseline: read the body, check the signature, answer. Nothing else. */
async function startBareServer(secret: string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const signature = req.headers['x-line-signature'];
      const valid =
        typeof signature === 'string' &&
        validateSignature(Buffer.concat(chunks), secret, signature);
      res.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' });
      res.end(valid ? '{}' : '{"message":"bad signature"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return server;
}

async function benchBare(): Promise<Measure> {
  const secret = randomBytes(16).toString('hex');
  const server = await startBareServer(secret);
  const { port } = server.address() as AddressInfo;
  try {
    return await measure({
      name: 'node:http, signature check only',
      url: `http://127.0.0.1:${port}/`,
      secret,
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The webhook route alone: signature, channel, one insert; nothing processes the events. */
async function benchRouteOnly(): Promise<Measure> {
  const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
  await database.migrate();
  const config = loadConfig({ LOG_LEVEL: 'silent', EMULATOR_PORT: 'off' });
  const log = createLogger('silent');
  const secrets = createSecretBox(randomBytes(32));
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    secrets,
    line: new LineGateway({
      lineApiBaseUrl: config.lineApiBaseUrl,
      emulatorBaseUrl: () => undefined,
    }),
    log,
    responder: createResponder(config, database.db, log),
    notifyEvents: () => undefined,
  };
  const sandbox = await ensureSandbox(database.db, secrets);
  const app = await buildApp(ctx);
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    if (sandbox === undefined) throw new Error('the sandbox channel was not created');

    return await measure({
      name: 'botfleet webhook route alone',
      url: `http://127.0.0.1:${port}/api/line/webhook/${sandbox.channel.id}`,
      secret: sandbox.channel.channelSecret,
    });
  } finally {
    await app.close();
    await database.close();
  }
}

async function benchBotfleet(): Promise<{ measure: Measure; processed: number; stored: number }> {
  const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    LOG_LEVEL: 'silent',
    BOTFLEET_SECRET_KEY: randomBytes(32).toString('base64'),
  });
  const service = await startService(config, { database, log: createLogger('silent') });
  try {
    const channel = service.sandbox?.channel;
    if (channel === undefined) throw new Error('the sandbox channel was not created');

    const result = await measure({
      name: 'botfleet service (worker answering)',
      url: `${service.url}/api/line/webhook/${channel.id}`,
      secret: channel.channelSecret,
    });
    const [row] = await database.db
      .select({
        stored: sql<number>`count(*)::int`,
        processed: sql<number>`(count(*) filter (where ${webhookEvents.status} = 'done'))::int`,
      })
      .from(webhookEvents);

    return { measure: result, processed: row?.processed ?? 0, stored: row?.stored ?? 0 };
  } finally {
    await service.stop();
    await database.close();
  }
}

function printTable(rows: readonly Measure[]): void {
  const header = ['target', 'requests', 'accepted/s', 'p50 ms', 'p99 ms', 'non-200'];
  const lines = rows.map((row) => [
    row.name,
    String(row.requests),
    row.perSecond.toFixed(0),
    row.p50.toFixed(1),
    row.p99.toFixed(1),
    String(row.failures),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => line[i]!.length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  console.log(
    `webhook bench: ${CONCURRENCY} concurrent, ${DURATION_MS / 1000} s or ${MAX_REQUESTS} requests per target, one event per body, Node ${process.version}\n`,
  );
  const bare = await benchBare();
  const routeOnly = await benchRouteOnly();
  const botfleet = await benchBotfleet();
  printTable([bare, routeOnly, botfleet.measure]);
  console.log(
    `\nbotfleet stored ${botfleet.stored} events and had answered ${botfleet.processed} of them (in the background) when the load stopped.`,
  );
}

await main();
