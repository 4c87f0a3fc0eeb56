/** Authenticates partner API requests by their API key (Authorization: Bearer). */
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { sha256Hex } from '../crypto/tokens.js';
import type { Db } from '../db/client.js';
import { apiKeys, partners } from '../db/schema.js';
import { errors } from './errors.js';

export interface AuthenticatedPartner {
  readonly id: string;
  readonly name: string;
  readonly apiKeyPrefix: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    partner?: AuthenticatedPartner;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);

  return match?.[1];
}

async function findPartnerByKey(db: Db, key: string): Promise<AuthenticatedPartner | undefined> {
  const rows = await db
    .select({ id: partners.id, name: partners.name, prefix: apiKeys.prefix })
    .from(apiKeys)
    .innerJoin(partners, eq(partners.id, apiKeys.partnerId))
    .where(and(eq(apiKeys.keyHash, sha256Hex(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  const row = rows[0];

  return row === undefined ? undefined : { id: row.id, name: row.name, apiKeyPrefix: row.prefix };
}

/** An onRequest hook: runs before the body is read, so a bad key is always a 401. */
export function partnerAuth(db: Db) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const key = bearerToken(request);
    if (key === undefined) throw errors.unauthorized();

    const partner = await findPartnerByKey(db, key);
    if (partner === undefined)
      throw errors.unauthorized('The API key is not valid or was revoked.');

    request.partner = partner;
    request.log = request.log.child({ partner_id: partner.id });
  };
}

/** The authenticated partner of a request that passed `partnerAuth`. */
export function partnerOf(request: FastifyRequest): AuthenticatedPartner {
  if (request.partner === undefined) throw errors.unauthorized();

  return request.partner;
}
