/** The `botfleet` command line. */
import { Command, CommanderError } from 'commander';

import { AdminError } from '../admin/commands.js';
import { ConfigError } from '../config/index.js';
import { SecretKeyError } from '../crypto/secret-box.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { runAdmin } from './admin.js';
import { runDemo } from './demo.js';
import { runMigrate, runServe } from './serve.js';

function adminAction(command: Parameters<typeof runAdmin>[0]) {
  return async (options: Record<string, unknown>) => {
    await runAdmin(command, options);
  };
}

function program(): Command {
  const cli = new Command('botfleet')
    .description('Fleets of AI chatbots on LINE for SaaS partners')
    .exitOverride();

  cli.command('serve').description('run the service (the default of `npm start`)').action(runServe);
  cli.command('migrate').description('apply database migrations and exit').action(runMigrate);
  cli
    .command('demo')
    .description("run the partner guide's workflow end to end on a throwaway embedded database")
    .action(async () => {
      process.exitCode = (await runDemo()) ? 0 : 1;
    });

  const partner = cli.command('partner').description('manage partners and their API keys');
  partner
    .command('create')
    .requiredOption('--name <name>', 'display name')
    .option('--slots <n>', 'bot slots quota (default: unlimited)')
    .option('--json', 'print JSON')
    .action(adminAction('partner create'));
  partner.command('list').option('--json', 'print JSON').action(adminAction('partner list'));
  partner
    .command('key')
    .description('issue a new API key for a partner')
    .requiredOption('--partner <id>')
    .option('--json', 'print JSON')
    .action(adminAction('partner key'));
  partner
    .command('revoke-key')
    .description('revoke the API keys that start with a prefix')
    .requiredOption('--partner <id>')
    .requiredOption('--prefix <prefix>', 'the first characters of the key, as listed')
    .option('--json', 'print JSON')
    .action(adminAction('partner revoke-key'));
  partner
    .command('set-slots')
    .requiredOption('--partner <id>')
    .requiredOption('--slots <n>', 'a number, or "unlimited"')
    .option('--json', 'print JSON')
    .action(adminAction('partner set-slots'));

  cli
    .command('channel')
    .description('manage LINE channels')
    .command('add')
    .description("register a partner's central channel, or with --bot a bot's dedicated channel")
    .requiredOption('--partner <id>')
    .requiredOption('--channel-secret <secret>')
    .requiredOption('--channel-access-token <token>')
    .option('--basic-id <@id>', "the channel's LINE basic id, e.g. @123abcde")
    .option('--bot <botId>', 'make it the dedicated channel of this bot')
    .option('--json', 'print JSON')
    .action(adminAction('channel add'));

  return cli;
}

const EXPECTED_ERRORS = [ConfigError, SecretKeyError, DataDirLockedError, AdminError];

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;

      return;
    }
    if (EXPECTED_ERRORS.some((type) => error instanceof type)) {
      process.stderr.write(`botfleet: ${(error as Error).message}\n`);
      process.exitCode = 1;

      return;
    }
    throw error;
  }
}

// Lets `tsx src/cli/main.ts …` run the CLI in development.
if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  await main(process.argv.slice(2));
}
