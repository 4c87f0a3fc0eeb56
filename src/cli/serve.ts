/** `botfleet serve` and `botfleet migrate`. */
import { webhookUrl } from '../channels/store.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../logger.js';
import { openConfiguredDatabase, type Service, startService } from '../service.js';

function banner(service: Service): string {
  const { config } = service.ctx;
  const lines = [
    '',
    `botfleet is running on ${service.url}`,
    `  partner API     ${service.url}/api/partner`,
    `  OpenAPI         ${service.url}/api/openapi.json`,
    `  health          ${service.url}/healthz`,
    `  database        ${config.databaseUrl === undefined ? `embedded (PGlite) in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
    `  AI model        ${config.llm === undefined ? 'none (bots answer from their FAQ)' : `${config.llm.provider} ${config.llm.model}`}`,
  ];
  if (service.emulator !== undefined) {
    lines.push(
      `  LINE emulator   ${service.emulator.url}  (chat page at ${service.emulator.url}/)`,
    );
    for (const channel of service.emulator.channels()) {
      lines.push(`  sandbox channel ${channel.id}  (${channel.basicId})`);
    }
  }
  const sandbox = service.sandbox;
  if (sandbox !== undefined) {
    lines.push(
      '',
      'Created the sandbox partner (a central channel on the LINE emulator):',
      `  partner id      ${sandbox.partnerId}`,
      `  channel id      ${sandbox.channel.id}`,
      `  webhook URL     ${webhookUrl(config.publicBaseUrl, sandbox.channel.id)}`,
      `  API key         ${sandbox.apiKey ?? ''}`,
      'The API key is shown only this once: store it now (`botfleet partner key` issues another).',
    );
  }

  return `${lines.join('\n')}\n\n`;
}

export async function runServe(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const service = await startService(config, { log });
  process.stdout.write(banner(service));

  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    void service.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function runMigrate(): Promise<void> {
  const database = await openConfiguredDatabase(loadConfig());
  try {
    await database.migrate();
    process.stdout.write('Database is up to date.\n');
  } finally {
    await database.close();
  }
}
