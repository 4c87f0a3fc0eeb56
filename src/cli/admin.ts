/** Runs an operator command on the configured database, or through a running service. */
import { existsSync } from 'node:fs';

import { adminSocketPath, callAdminSocket } from '../admin/admin-socket.js';
import { type AdminCommand, runAdminCommand } from '../admin/commands.js';
import type { listPartners } from '../admin/partners.js';
import { loadConfig } from '../config/index.js';
import { createSecretBox, loadSecretKey } from '../crypto/secret-box.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { openConfiguredDatabase } from '../service.js';

async function runLocally(command: AdminCommand, args: Record<string, unknown>): Promise<unknown> {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  try {
    await database.migrate();
    const secrets = createSecretBox(
      loadSecretKey({
        secretKey: config.secretKey,
        dataDir: config.databaseUrl === undefined ? config.dataDir : undefined,
      }),
    );

    return await runAdminCommand(
      { db: database.db, secrets, publicBaseUrl: config.publicBaseUrl },
      command,
      args,
    );
  } finally {
    await database.close();
  }
}

async function execute(command: AdminCommand, args: Record<string, unknown>): Promise<unknown> {
  try {
    return await runLocally(command, args);
  } catch (error) {
    const { dataDir } = loadConfig();
    if (!(error instanceof DataDirLockedError) || !existsSync(adminSocketPath(dataDir)))
      throw error;

    // The service is running on the embedded database: ask it to run the command.
    return callAdminSocket(dataDir, command, args);
  }
}

function printHuman(command: AdminCommand, result: unknown): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const record = result as Record<string, unknown>;
  if (command === 'partner list') {
    const partners = record.partners as Awaited<ReturnType<typeof listPartners>>;
    if (partners.length === 0)
      out('No partners yet. Create one with: botfleet partner create --name NAME');
    for (const p of partners) {
      const slots = p.slots_total === null ? 'unlimited' : `${p.slots_used}/${p.slots_total}`;
      out(
        `${p.partner_id}  ${p.name}  slots ${slots}  bots ${p.bots}${p.sandbox ? '  (sandbox)' : ''}`,
      );
    }

    return;
  }
  for (const [key, value] of Object.entries(record)) out(`${key}: ${JSON.stringify(value)}`);
  if ('api_key' in record) out('The API key is shown only once: store it now.');
  if ('webhook_url' in record)
    out('Set webhook_url as the webhook URL of the channel in the LINE Developers Console.');
}

export async function runAdmin(
  command: AdminCommand,
  options: Record<string, unknown>,
): Promise<void> {
  const { json, ...camel } = options;
  // commander names `--channel-secret` channelSecret; the commands use the flag names.
  const args = Object.fromEntries(
    Object.entries(camel).map(([key, value]) => [
      key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      value,
    ]),
  );
  const result = await execute(command, args);
  if (json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
  else printHuman(command, result);
}
