/**
 * Operator commands, run by the CLI either on the database directly or, when
 * a running service holds the embedded database, through that service's
 * admin socket (see admin-socket.ts). Each takes plain JSON and returns JSON.
 */
import { and, eq, ne } from 'drizzle-orm';

import { saveChannel, webhookUrl } from '../channels/store.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/client.js';
import { bots, partners } from '../db/schema.js';
import {
  createPartner,
  issueApiKey,
  listPartners,
  revokeApiKeys,
  setPartnerSlots,
} from './partners.js';

export interface AdminEnv {
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly publicBaseUrl: string;
}

export class AdminError extends Error {
  override name = 'AdminError';
}

type Args = Record<string, unknown>;

function str(args: Args, name: string): string {
  const value = args[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new AdminError(`--${name} is required`);

  return value.trim();
}

function optionalStr(args: Args, name: string): string | undefined {
  const value = args[name];

  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(args: Args, name: string): string {
  const value = str(args, name);
  if (!UUID.test(value))
    throw new AdminError(`--${name} must be an id like 1b9498a4-62c0-4f9f-994a-74664a1a4d16`);

  return value.toLowerCase();
}

/** `--slots 10`, `--slots unlimited`; absent = unlimited. */
export function parseSlots(value: unknown): number | null {
  if (value === undefined || value === null || value === 'unlimited') return null;
  const slots = Number(value);
  if (!Number.isInteger(slots) || slots < 0 || slots > 10_000_000) {
    throw new AdminError('--slots must be a whole number of at least 0, or "unlimited"');
  }

  return slots;
}

async function requirePartner(env: AdminEnv, partnerId: string): Promise<void> {
  const [row] = await env.db
    .select({ id: partners.id })
    .from(partners)
    .where(eq(partners.id, partnerId));
  if (row === undefined) throw new AdminError(`No partner has the id ${partnerId}`);
}

async function requireBotOfPartner(env: AdminEnv, partnerId: string, botId: string) {
  const [row] = await env.db
    .select({ id: bots.id })
    .from(bots)
    .where(and(eq(bots.id, botId), eq(bots.partnerId, partnerId), ne(bots.status, 'deleted')));
  if (row === undefined) throw new AdminError(`Partner ${partnerId} has no bot ${botId}`);
}

const BASIC_ID = /^@[\w.-]{1,40}$/;

async function channelAdd(env: AdminEnv, args: Args) {
  const partnerId = uuid(args, 'partner');
  await requirePartner(env, partnerId);
  const botId = args.bot === undefined ? null : uuid(args, 'bot');
  if (botId !== null) await requireBotOfPartner(env, partnerId, botId);
  const basicId = optionalStr(args, 'basic-id') ?? null;
  if (basicId !== null && !BASIC_ID.test(basicId))
    throw new AdminError('--basic-id must look like @123abcde');
  const channel = await saveChannel(env.db, env.secrets, {
    partnerId,
    botId,
    kind: 'line',
    channelSecret: str(args, 'channel-secret'),
    accessToken: str(args, 'channel-access-token'),
    basicId,
  });

  return { channel_id: channel.id, webhook_url: webhookUrl(env.publicBaseUrl, channel.id) };
}

export const adminCommands = {
  'partner create': async (env: AdminEnv, args: Args) =>
    createPartner(env.db, { name: str(args, 'name').slice(0, 200), slots: parseSlots(args.slots) }),
  'partner list': async (env: AdminEnv) => ({ partners: await listPartners(env.db) }),
  'partner key': async (env: AdminEnv, args: Args) => {
    const partnerId = uuid(args, 'partner');
    await requirePartner(env, partnerId);

    return { partner_id: partnerId, api_key: await issueApiKey(env.db, partnerId) };
  },
  'partner revoke-key': async (env: AdminEnv, args: Args) => {
    const partnerId = uuid(args, 'partner');

    return { revoked: await revokeApiKeys(env.db, partnerId, str(args, 'prefix')) };
  },
  'partner set-slots': async (env: AdminEnv, args: Args) => {
    const partnerId = uuid(args, 'partner');
    const slots = parseSlots(str(args, 'slots'));
    if (!(await setPartnerSlots(env.db, partnerId, slots))) {
      throw new AdminError(`No partner has the id ${partnerId}`);
    }

    return { partner_id: partnerId, slots_total: slots };
  },
  'channel add': channelAdd,
} satisfies Record<string, (env: AdminEnv, args: Args) => Promise<unknown>>;

export type AdminCommand = keyof typeof adminCommands;

export function isAdminCommand(name: string): name is AdminCommand {
  return Object.hasOwn(adminCommands, name);
}

export function runAdminCommand(env: AdminEnv, name: AdminCommand, args: Args): Promise<unknown> {
  return adminCommands[name](env, args);
}
