/**
 * LINE channels: a partner's central channel or a bot's dedicated one. Secrets
 * and access tokens are sealed before they are stored and opened only here.
 */
import { and, eq, isNull } from 'drizzle-orm';

import type { SecretBox } from '../crypto/secret-box.js';
import type { Executor } from '../db/client.js';
import { channels } from '../db/schema.js';
import type { ChannelKind } from '../line/client.js';

export interface Channel {
  readonly id: string;
  readonly partnerId: string;
  /** The bot of a dedicated channel; null for a central channel. */
  readonly botId: string | null;
  readonly kind: ChannelKind;
  readonly channelSecret: string;
  readonly accessToken: string;
  readonly basicId: string | null;
}

export interface ChannelInput {
  readonly partnerId: string;
  readonly botId: string | null;
  readonly kind: ChannelKind;
  readonly channelSecret: string;
  readonly accessToken: string;
  readonly basicId: string | null;
}

type ChannelRow = typeof channels.$inferSelect;

function open(secrets: SecretBox, row: ChannelRow): Channel {
  return {
    id: row.id,
    partnerId: row.partnerId,
    botId: row.botId,
    kind: row.kind === 'sandbox' ? 'sandbox' : 'line',
    channelSecret: secrets.open(row.channelSecretEnc),
    accessToken: secrets.open(row.accessTokenEnc),
    basicId: row.basicId,
  };
}

/** Registers a channel, or replaces the credentials of the one already in that place. */
export async function saveChannel(
  db: Executor,
  secrets: SecretBox,
  input: ChannelInput,
): Promise<Channel> {
  const sealed = {
    kind: input.kind,
    channelSecretEnc: secrets.seal(input.channelSecret),
    accessTokenEnc: secrets.seal(input.accessToken),
    basicId: input.basicId,
  };
  const place =
    input.botId === null
      ? and(eq(channels.partnerId, input.partnerId), isNull(channels.botId))
      : eq(channels.botId, input.botId);
  const [existing] = await db.select({ id: channels.id }).from(channels).where(place).limit(1);
  const [row] =
    existing === undefined
      ? await db
          .insert(channels)
          .values({ partnerId: input.partnerId, botId: input.botId, ...sealed })
          .returning()
      : await db
          .update(channels)
          .set({ ...sealed, updatedAt: new Date() })
          .where(eq(channels.id, existing.id))
          .returning();
  if (row === undefined) throw new Error('channel was not saved');

  return open(secrets, row);
}

export async function findChannel(
  db: Executor,
  secrets: SecretBox,
  channelId: string,
): Promise<Channel | undefined> {
  const [row] = await db.select().from(channels).where(eq(channels.id, channelId)).limit(1);

  return row === undefined ? undefined : open(secrets, row);
}

/** The channel a bot talks on: its dedicated channel, else its partner's central one. */
export async function channelForBot(
  db: Executor,
  secrets: SecretBox,
  bot: { id: string; partnerId: string },
): Promise<Channel | undefined> {
  const [dedicated] = await db.select().from(channels).where(eq(channels.botId, bot.id)).limit(1);
  if (dedicated !== undefined) return open(secrets, dedicated);
  const [central] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.partnerId, bot.partnerId), isNull(channels.botId)))
    .limit(1);

  return central === undefined ? undefined : open(secrets, central);
}

export async function listSandboxChannels(db: Executor, secrets: SecretBox): Promise<Channel[]> {
  const rows = await db.select().from(channels).where(eq(channels.kind, 'sandbox'));

  return rows.map((row) => open(secrets, row));
}

export function webhookUrl(publicBaseUrl: string, channelId: string): string {
  return `${publicBaseUrl}/api/line/webhook/${channelId}`;
}

/** LINE deep link that opens the channel's chat with `text` typed in. */
export function oaMessageUrl(basicId: string, text: string): string {
  const encode = (value: string) =>
    encodeURIComponent(value).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );

  return `https://line.me/R/oaMessage/${encode(basicId)}/?${encode(text)}`;
}
