/**
 * A running botfleet: database, LINE emulator, HTTP app and background workers,
 * started in order and stopped gracefully (with a hard deadline).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { listenAdminSocket } from './admin/admin-socket.js';
import { ensureSandbox, type Sandbox } from './admin/sandbox.js';
import { createResponder } from './ai/index.js';
import { buildApp } from './app.js';
import { listSandboxChannels, webhookUrl } from './channels/store.js';
import type { Config } from './config/index.js';
import type { AppContext } from './context.js';
import { createSecretBox, loadSecretKey } from './crypto/secret-box.js';
import { type Database, openDatabase } from './db/client.js';
import { type LineEmulator, startEmulator } from './emulator/index.js';
import { LineGateway } from './line/client.js';
import { createLogger } from './logger.js';
import { startRetention } from './maintenance/retention.js';
import { startMulticastRecovery } from './multicast/recovery.js';
import { startEventProcessor } from './webhook/processor.js';

export interface Service {
  readonly ctx: AppContext;
  readonly app: FastifyInstance;
  readonly emulator: LineEmulator | undefined;
  /** Set when this start created the sandbox partner. */
  readonly sandbox: Sandbox | undefined;
  /** The origin the API listens on, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** An already opened database (tests); by default one is opened from the config. */
  readonly database?: Database;
  readonly log?: Logger;
  readonly shutdownDeadlineMs?: number;
}

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.databaseUrl === undefined
    ? openDatabase({ kind: 'pglite', dataDir: config.dataDir })
    : openDatabase({ kind: 'postgres', url: config.databaseUrl });
}

async function registerSandboxChannels(ctx: AppContext, emulator: LineEmulator, origin: string) {
  for (const channel of await listSandboxChannels(ctx.db, ctx.secrets)) {
    emulator.registerChannel({
      id: channel.id,
      channelSecret: channel.channelSecret,
      accessToken: channel.accessToken,
      webhookUrl: webhookUrl(origin, channel.id),
      basicId: channel.basicId ?? undefined,
    });
  }
}

function originOf(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return `http://${host}:${address.port}`;
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? createLogger(config.logLevel);
  const database = options.database ?? (await openConfiguredDatabase(config));
  const cleanups: (() => Promise<void>)[] = [];
  try {
    await database.migrate();
    const secrets = createSecretBox(
      loadSecretKey({
        secretKey: config.secretKey,
        dataDir: config.databaseUrl === undefined ? config.dataDir : undefined,
      }),
    );
    const emulator =
      config.emulatorPort === undefined
        ? undefined
        : await startEmulator({ host: config.emulatorHost, port: config.emulatorPort, log });
    if (emulator !== undefined) cleanups.push(() => emulator.close());

    let notify: () => void = () => undefined;
    const ctx: AppContext = {
      config,
      database,
      db: database.db,
      secrets,
      line: new LineGateway({
        lineApiBaseUrl: config.lineApiBaseUrl,
        emulatorBaseUrl: () => emulator?.url,
      }),
      log,
      responder: createResponder(config, database.db, log),
      notifyEvents: () => notify(),
    };
    const sandbox = await ensureSandbox(ctx.db, secrets);
    const app = await buildApp(ctx);
    cleanups.unshift(() => app.close());
    await app.listen({ port: config.port, host: config.host });
    const url = originOf(app);
    if (emulator !== undefined) await registerSandboxChannels(ctx, emulator, url);

    const processor = startEventProcessor(ctx);
    notify = () => processor.notify();
    const recovery = startMulticastRecovery(ctx);
    const retention = startRetention(ctx);
    cleanups.unshift(
      () => retention.stop(),
      () => processor.stop(),
      () => recovery.stop(),
    );

    if (options.database === undefined && config.databaseUrl === undefined) {
      const env = { db: ctx.db, secrets, publicBaseUrl: config.publicBaseUrl };
      const socket = await listenAdminSocket(env, config.dataDir);
      cleanups.push(() => new Promise<void>((done) => socket.close(() => done())));
    }

    const stop = once(() => shutdown(cleanups, database, options, log));

    return { ctx, app, emulator, sandbox, url, stop };
  } catch (error) {
    await shutdown(cleanups, database, options, log);
    throw error;
  }
}

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;

  return () => (running ??= run());
}

async function shutdown(
  cleanups: (() => Promise<void>)[],
  database: Database,
  options: ServiceOptions,
  log: Logger,
): Promise<void> {
  const deadline = options.shutdownDeadlineMs ?? 10_000;
  const steps = (async () => {
    for (const cleanup of cleanups) {
      await cleanup().catch((err: unknown) => {
        log.error({ err }, 'shutdown step failed');
      });
    }
    if (options.database === undefined) await database.close();
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.error({ deadline_ms: deadline }, 'shutdown deadline passed; closing anyway');
      resolve();
    }, deadline);
  });
  await Promise.race([steps, timeout]);
  clearTimeout(timer);
}
