/**
 * Starts a whole botfleet for one test file: a fresh database, the LINE
 * emulator and the API on loopback ports. Requests go through `app.inject`.
 */
import { randomBytes } from 'node:crypto';

import type { InjectOptions } from 'fastify';

import { createPartner } from '../../src/admin/partners.js';
import { saveChannel } from '../../src/channels/store.js';
import { loadConfig } from '../../src/config/index.js';
import { type LineEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/logger.js';
import { type Service, startService } from '../../src/service.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestService extends Service {
  readonly emulator: LineEmulator;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const database = await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BOTFLEET_SECRET_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  const log = createLogger(config.logLevel);
  const service = await startService(config, { database, log, shutdownDeadlineMs: 5_000 });
  if (service.emulator === undefined) throw new Error('test service needs the emulator');

  return Object.assign(service, {
    emulator: service.emulator,
    database,
    close: async () => {
      await service.stop();
      await database.destroy();
    },
  });
}

export interface TestPartner {
  readonly partnerId: string;
  readonly apiKey: string;
  readonly channelId: string;
  readonly channelSecret: string;
}

/**
 * A partner with a central channel on the emulator (a sandbox channel whose
 * webhooks reach this service).
 */
export async function createTestPartner(
  service: TestService,
  options: { slots?: number | null; name?: string } = {},
): Promise<TestPartner> {
  const { ctx } = service;
  const created = await createPartner(ctx.db, {
    name: options.name ?? 'StockRadar',
    slots: options.slots ?? null,
  });
  const channelSecret = randomBytes(16).toString('hex');
  const channel = await saveChannel(ctx.db, ctx.secrets, {
    partnerId: created.partner_id,
    botId: null,
    kind: 'sandbox',
    channelSecret,
    accessToken: randomBytes(24).toString('base64url'),
    basicId: '@stockradar',
  });
  service.emulator.registerChannel({
    id: channel.id,
    channelSecret,
    accessToken: channel.accessToken,
    webhookUrl: `${service.url}/api/line/webhook/${channel.id}`,
    basicId: '@stockradar',
  });

  return {
    partnerId: created.partner_id,
    apiKey: created.api_key,
    channelId: channel.id,
    channelSecret,
  };
}

/** `app.inject` with the partner's key and a JSON body. */
export function partnerRequest(
  service: Service,
  apiKey: string | undefined,
  options: {
    method: InjectOptions['method'];
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
  },
) {
  return service.app.inject({
    method: options.method,
    url: options.url,
    headers: {
      ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : {
          payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
        }),
  });
}
