/** Shortcuts for the partner API tests: bots, bindings, exact error bodies, row counts. */
import assert from 'node:assert/strict';

import { eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';

import { bindings, bots } from '../../src/db/schema.js';
import { partnerRequest, type TestService } from './service.js';

/** A LINE user id made from a number: U + 32 hex digits. */
export function lineUser(n: number): string {
  return `U${n.toString(16).padStart(32, '0')}`;
}

export async function provision(
  service: TestService,
  apiKey: string,
  body: Record<string, unknown> = { store_name: 'StockRadar Assistant' },
): Promise<{ bot_id: string; bind_code: string; mgmt_token: string }> {
  const res = await partnerRequest(service, apiKey, {
    method: 'POST',
    url: '/api/partner/provision',
    body,
  });
  assert.equal(res.statusCode, 201, res.body);

  return res.json();
}

export async function bind(service: TestService, apiKey: string, botId: string, user: string) {
  const res = await partnerRequest(service, apiKey, {
    method: 'POST',
    url: '/api/partner/bind',
    body: { bot_id: botId, line_user_id: user },
  });
  assert.equal(res.statusCode, 200, res.body);
}

/** A provisioned bot bound to `user`; returns its id. */
export async function boundBot(service: TestService, apiKey: string, user: string) {
  const bot = await provision(service, apiKey);
  await bind(service, apiKey, bot.bot_id, user);

  return bot.bot_id;
}

/**
 * Many bound bots at once, straight in the database (thousands of HTTP calls
 * would test nothing more). Each bot's user is `U` + md5 of its id.
 */
export async function bulkBoundBots(
  service: TestService,
  partnerId: string,
  count: number,
): Promise<string[]> {
  const { db } = service.ctx;
  await db.execute(sql`
    insert into bots (partner_id, store_name, system_prompt, mgmt_token_hash)
    select ${partnerId}, 'Bulk bot ' || g, 'prompt', md5(random()::text || clock_timestamp()::text || g)
    from generate_series(1, ${count}) g`);
  await db.execute(sql`
    insert into bindings (bot_id, line_user_id, bound_via)
    select b.id, 'U' || md5(b.id::text), 'api' from bots b
    where b.partner_id = ${partnerId}
      and not exists (select 1 from bindings x where x.bot_id = b.id)`);
  const rows = await db.select({ id: bots.id }).from(bots).where(eq(bots.partnerId, partnerId));

  return rows.map((row) => row.id);
}

export async function userOf(service: TestService, botId: string): Promise<string | undefined> {
  const [row] = await service.ctx.db
    .select({ lineUserId: bindings.lineUserId })
    .from(bindings)
    .where(eq(bindings.botId, botId));

  return row?.lineUserId;
}

/** How many rows a table holds (to check that a rejected request stored nothing). */
export async function rowCount(service: TestService, table: string): Promise<number> {
  const [row] = await service.ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(sql`${sql.identifier(table)}`);

  return row?.n ?? 0;
}

/** Asserts the whole error body, request id included. */
export function assertError(
  res: LightMyRequestResponse,
  status: number,
  expected: { code: string; error: string; details?: { path: string; message: string }[] },
): void {
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), {
    success: false,
    error: expected.error,
    code: expected.code,
    ...(expected.details === undefined ? {} : { details: expected.details }),
    request_id: res.headers['x-request-id'],
  });
}
