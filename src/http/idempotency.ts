/**
 * The Idempotency-Key header: the first response to a key is stored (per
 * partner) and replayed for 24 hours; the same key while the first request is
 * still running gets a 409, the same key with another request a 422 (responses
 * are stored encrypted, as they may carry a new bot's mgmt_token). A request
 * whose process died keeps its key locked only until the lock runs out.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { SecretBox } from '../crypto/secret-box.js';
import { sha256Hex } from '../crypto/tokens.js';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import { errors } from './errors.js';
import { partnerOf } from './partner-auth.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const LOCK_SECONDS = 300;
const KEEP_HOURS = 24;

interface IdempotencyState {
  key: string;
  stored: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: IdempotencyState;
  }
}

/** JSON with object keys sorted, so equal bodies hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }

  return JSON.stringify(value) ?? 'null';
}

function requestHash(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';

  return sha256Hex(`${request.method} ${path}\n${canonicalJson(request.body ?? null)}`);
}

async function claim(db: Db, partnerId: string, key: string, hash: string): Promise<boolean> {
  const keyMatches = and(eq(idempotencyKeys.partnerId, partnerId), eq(idempotencyKeys.key, key));
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        keyMatches,
        lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${KEEP_HOURS})`),
      ),
    );
  const inserted = await db
    .insert(idempotencyKeys)
    .values({
      partnerId,
      key,
      requestHash: hash,
      state: 'in_flight',
      lockedUntil: sql`now() + make_interval(secs => ${LOCK_SECONDS})`,
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });

  return inserted.length > 0;
}

/** Takes over a key whose request died without answering. */
async function takeOverStale(db: Db, partnerId: string, key: string): Promise<boolean> {
  const rows = await db
    .update(idempotencyKeys)
    .set({ lockedUntil: sql`now() + make_interval(secs => ${LOCK_SECONDS})` })
    .where(
      and(
        eq(idempotencyKeys.partnerId, partnerId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.state, 'in_flight'),
        lt(idempotencyKeys.lockedUntil, sql`now()`),
      ),
    )
    .returning({ key: idempotencyKeys.key });

  return rows.length > 0;
}

/** Stored responses can hold credentials (a provision's mgmt_token), so they are sealed. */
function openStored(secrets: SecretBox, stored: unknown): unknown {
  const sealed = (stored as { sealed?: unknown } | null)?.sealed;
  if (typeof sealed !== 'string') throw errors.idempotencyInFlight();

  return JSON.parse(secrets.open(sealed));
}

export function idempotencyHooks(db: Db, secrets: SecretBox) {
  async function preHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers['idempotency-key'];
    if (header === undefined || request.method === 'GET') return;
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || !KEY_PATTERN.test(key)) {
      throw errors.validation(
        [{ path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
        'The Idempotency-Key header is invalid.',
      );
    }
    const partnerId = partnerOf(request).id;
    const hash = requestHash(request);
    if (await claim(db, partnerId, key, hash)) {
      request.idempotency = { key, stored: false };

      return;
    }

    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.partnerId, partnerId), eq(idempotencyKeys.key, key)));
    if (row === undefined) throw errors.idempotencyInFlight();
    if (row.requestHash !== hash) throw errors.idempotencyReused();
    if (row.state === 'done') {
      request.log.info({ idempotency_key: key }, 'replaying stored response');
      request.idempotency = { key, stored: true };

      return reply
        .status(row.responseStatus ?? 200)
        .header('idempotent-replayed', 'true')
        .send(openStored(secrets, row.responseBody));
    }
    if (!(await takeOverStale(db, partnerId, key))) throw errors.idempotencyInFlight();
    request.idempotency = { key, stored: false };
  }

  async function onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const state = request.idempotency;
    if (state === undefined || state.stored) return payload;
    state.stored = true;
    const partnerId = partnerOf(request).id;
    const where = and(eq(idempotencyKeys.partnerId, partnerId), eq(idempotencyKeys.key, state.key));
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      // A fault is not an answer: free the key so the client can retry.
      await db.delete(idempotencyKeys).where(where);

      return payload;
    }
    await db
      .update(idempotencyKeys)
      .set({
        state: 'done',
        responseStatus: reply.statusCode,
        responseBody: { sealed: secrets.seal(payload) },
      })
      .where(where);

    return payload;
  }

  return { preHandler, onSend };
}
