/**
 * The sandbox: on the first start of an installation, a partner with an
 * unlimited quota and a central channel on the built-in LINE emulator, so the
 * whole partner workflow can be tried without a LINE account.
 */
import { randomBytes } from 'node:crypto';

import { eq } from 'drizzle-orm';

import { type Channel, saveChannel } from '../channels/store.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/client.js';
import { partners } from '../db/schema.js';
import { createPartner } from './partners.js';

export const SANDBOX_BASIC_ID = '@botfleet-sandbox';

export interface Sandbox {
  readonly partnerId: string;
  /** Only on the start that created the sandbox: keys are shown once. */
  readonly apiKey: string | undefined;
  readonly channel: Channel;
}

export async function ensureSandbox(db: Db, secrets: SecretBox): Promise<Sandbox | undefined> {
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: partners.id })
      .from(partners)
      .where(eq(partners.isSandbox, true))
      .limit(1);
    if (existing !== undefined) return undefined;

    const created = await createPartner(tx, { name: 'Sandbox', slots: null, isSandbox: true });
    const channel = await saveChannel(tx, secrets, {
      partnerId: created.partner_id,
      botId: null,
      kind: 'sandbox',
      channelSecret: randomBytes(16).toString('hex'),
      accessToken: randomBytes(32).toString('base64url'),
      basicId: SANDBOX_BASIC_ID,
    });

    return { partnerId: created.partner_id, apiKey: created.api_key, channel };
  });
}
