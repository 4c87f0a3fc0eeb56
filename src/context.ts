/** What the routes and workers of one running service share. */
import type { FastifyBaseLogger } from 'fastify';

import type { Responder } from './ai/types.js';
import type { Config } from './config/index.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { Database, Db } from './db/client.js';
import type { LineGateway } from './line/client.js';

export interface AppContext {
  readonly config: Config;
  readonly database: Database;
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly line: LineGateway;
  readonly log: FastifyBaseLogger;
  /** Answers chat messages: an AI provider, or the bot's own knowledge when none is set up. */
  readonly responder: Responder;
  /** Wakes the webhook event processor after events were stored. */
  readonly notifyEvents: () => void;
}
