/**
 * The database schema, shared by PGlite and PostgreSQL. Migrations in
 * migrations/ are generated from this file with `npm run db:generate`.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const partners = pgTable('partners', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** null = unlimited */
  slotsTotal: integer('slots_total'),
  slotsUsed: integer('slots_used').notNull().default(0),
  isSandbox: boolean('is_sandbox').notNull().default(false),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    /** The first characters of the key, shown in listings to tell keys apart. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole key, hex. */
    keyHash: text('key_hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash').on(t.keyHash),
    index('api_keys_partner').on(t.partnerId),
  ],
);

export const bots = pgTable(
  'bots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    storeName: text('store_name').notNull(),
    systemPrompt: text('system_prompt').notNull(),
    /** active | suspended | deleted */
    status: text('status').notNull().default('active'),
    mgmtTokenHash: text('mgmt_token_hash').notNull(),
    /** SHA-256 of partner id + code; single use, cleared when used. */
    bindCodeHash: text('bind_code_hash'),
    bindCodeExpiresAt: timestamp('bind_code_expires_at', { withTimezone: true }),
    metadata: jsonb('metadata'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('bots_partner_created').on(t.partnerId, t.createdAt.desc(), t.id.desc()),
    uniqueIndex('bots_mgmt_token_hash').on(t.mgmtTokenHash),
    uniqueIndex('bots_bind_code_hash').on(t.bindCodeHash),
  ],
);

export const channels = pgTable(
  'channels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    /** Set for a dedicated (store mode) channel; null for the partner's central channel. */
    botId: uuid('bot_id').references(() => bots.id),
    /** line = the real LINE Platform; sandbox = the built-in emulator. */
    kind: text('kind').notNull(),
    /** AES-256-GCM ciphertexts (see src/crypto/secret-box.ts). */
    channelSecretEnc: text('channel_secret_enc').notNull(),
    accessTokenEnc: text('access_token_enc').notNull(),
    basicId: text('basic_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('channels_central')
      .on(t.partnerId)
      .where(sql`${t.botId} is null`),
    uniqueIndex('channels_dedicated')
      .on(t.botId)
      .where(sql`${t.botId} is not null`),
  ],
);

/** The LINE user bound to a bot (its owner). One user per bot. */
export const bindings = pgTable(
  'bindings',
  {
    botId: uuid('bot_id')
      .primaryKey()
      .references(() => bots.id),
    lineUserId: text('line_user_id').notNull(),
    /** api | chat */
    boundVia: text('bound_via').notNull(),
    boundAt: timestamp('bound_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('bindings_line_user').on(t.lineUserId, t.boundAt.desc())],
);

/** Follow state of a LINE user towards a channel, from follow/unfollow events. */
export const followers = pgTable(
  'followers',
  {
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id),
    lineUserId: text('line_user_id').notNull(),
    following: boolean('following').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.lineUserId] })],
);

export const multicasts = pgTable(
  'multicasts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    messages: jsonb('messages').notNull(),
    /** The Idempotency-Key it was sent with: a retry after a crash resumes this multicast. */
    idempotencyKey: text('idempotency_key'),
    /** sending | completed */
    status: text('status').notNull(),
    stats: jsonb('stats').notNull(),
    unresolved: jsonb('unresolved').notNull(),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    index('multicasts_partner_created').on(t.partnerId, t.createdAt),
    uniqueIndex('multicasts_idempotency_key').on(t.partnerId, t.idempotencyKey),
  ],
);

/** One LINE multicast call of a multicast: at most 500 recipients of one channel. */
export const multicastCalls = pgTable(
  'multicast_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    multicastId: uuid('multicast_id')
      .notNull()
      .references(() => multicasts.id),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id),
    seq: integer('seq').notNull(),
    /** X-Line-Retry-Key, stored before the first attempt. */
    retryKey: uuid('retry_key').notNull(),
    recipients: text('recipients').array().notNull(),
    /** pending | sent | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    httpStatus: integer('http_status'),
    lineRequestId: text('line_request_id'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('multicast_calls_seq').on(t.multicastId, t.seq),
    index('multicast_calls_status').on(t.status),
  ],
);

/** Stored responses for the Idempotency-Key header, scoped to a partner, kept 24 h. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** in_flight | done */
    state: text('state').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.key] })],
);

/** Webhook events as received, processed off the request path. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id),
    webhookEventId: text('webhook_event_id').notNull(),
    lineUserId: text('line_user_id'),
    event: jsonb('event').notNull(),
    /** pending | processing | done | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** Set before the reply token is used, so a crash never leads to a second answer. */
    replyAttemptedAt: timestamp('reply_attempted_at', { withTimezone: true }),
    error: text('error'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('webhook_events_event_id').on(t.channelId, t.webhookEventId),
    index('webhook_events_status').on(t.status, t.id),
    // The processor's claim looks only at unfinished events, however many are done:
    // oldest first, and whether the same user has an earlier one.
    index('webhook_events_open')
      .on(t.id)
      .where(sql`${t.status} in ('pending', 'processing')`),
    index('webhook_events_open_user')
      .on(t.channelId, t.lineUserId, t.id)
      .where(sql`${t.status} in ('pending', 'processing')`),
  ],
);

export const conversationTurns = pgTable(
  'conversation_turns',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    channelId: uuid('channel_id').references(() => channels.id),
    lineUserId: text('line_user_id').notNull(),
    /** user | assistant */
    role: text('role').notNull(),
    content: text('content').notNull(),
    webhookEventId: text('webhook_event_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('conversation_turns_bot_user').on(t.botId, t.lineUserId, t.id.desc()),
    uniqueIndex('conversation_turns_event_role')
      .on(t.webhookEventId, t.role)
      .where(sql`${t.webhookEventId} is not null`),
  ],
);

export const faqs = pgTable(
  'faqs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('faqs_bot').on(t.botId)],
);

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    name: text('name').notNull(),
    price: numeric('price', { precision: 14, scale: 2, mode: 'number' }).notNull(),
    url: text('url'),
    description: text('description'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('products_bot').on(t.botId)],
);

/** Wrong bind codes per LINE user and channel, to throttle guessing. */
export const bindAttempts = pgTable(
  'bind_attempts',
  {
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id),
    lineUserId: text('line_user_id').notNull(),
    failures: integer('failures').notNull().default(0),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.lineUserId] })],
);
