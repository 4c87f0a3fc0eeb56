/** Provisioning: one slot, one bot, its management token and bind code, in one transaction. */
import type { Config } from '../config/index.js';
import { newMgmtToken } from '../crypto/tokens.js';
import type { Db, Executor } from '../db/client.js';
import { errors } from '../http/errors.js';
import {
  BIND_CODE_ATTEMPTS,
  type BindCode,
  bindUrl,
  centralBasicId,
  freshBindCode,
} from './bind-codes.js';
import { insertBinding } from './binding.js';
import { insertBot, type NewBot } from './bots.js';
import { takeSlot } from './quota.js';

export const DEFAULT_SYSTEM_PROMPT =
  '你是一位親切有禮的 AI 助理。請使用繁體中文，以清楚、簡潔且友善的方式回答使用者的問題；' +
  '遇到不確定的資訊時請誠實說明，不要捏造內容。';

export interface ProvisionInput {
  storeName: string;
  systemPrompt: string | undefined;
  ownerLineUserId: string | undefined;
  metadata: Record<string, unknown> | undefined;
}

export interface Provisioned {
  bot_id: string;
  mgmt_token: string;
  store_name: string;
  bind_code: string;
  bind_url: string | null;
  slots_remaining: number | null;
}

async function insertWithFreshCode(
  db: Executor,
  bot: Omit<NewBot, 'bindCodeHash' | 'bindCodeExpiresAt'>,
  ttlHours: number,
): Promise<{ id: string; code: BindCode }> {
  for (let attempt = 1; attempt <= BIND_CODE_ATTEMPTS; attempt++) {
    const code = freshBindCode(bot.partnerId, ttlHours);
    const row = await insertBot(db, {
      ...bot,
      bindCodeHash: code.hash,
      bindCodeExpiresAt: code.expiresAt,
    });
    if (row !== undefined) return { id: row.id, code };
  }

  throw new Error(`no unused bind code after ${BIND_CODE_ATTEMPTS} draws`);
}

export async function provisionBot(
  ctx: { db: Db; config: Pick<Config, 'bindCodeTtlHours'> },
  partnerId: string,
  input: ProvisionInput,
): Promise<Provisioned> {
  const mgmt = newMgmtToken();

  return ctx.db.transaction(async (tx) => {
    const slot = await takeSlot(tx, partnerId);
    if (slot === undefined) throw errors.quotaExhausted();

    const bot = await insertWithFreshCode(
      tx,
      {
        partnerId,
        storeName: input.storeName,
        systemPrompt: input.systemPrompt ?? DEFAULT_SYSTEM_PROMPT,
        mgmtTokenHash: mgmt.hash,
        metadata: input.metadata ?? null,
      },
      ctx.config.bindCodeTtlHours,
    );
    if (input.ownerLineUserId !== undefined) {
      await insertBinding(tx, bot.id, input.ownerLineUserId);
    }

    return {
      bot_id: bot.id,
      mgmt_token: mgmt.token,
      store_name: input.storeName,
      bind_code: bot.code.code,
      bind_url: bindUrl(await centralBasicId(tx, partnerId), bot.code.code),
      slots_remaining: slot.remaining,
    };
  });
}
