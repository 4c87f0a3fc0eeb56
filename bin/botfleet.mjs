#!/usr/bin/env node
// The `botfleet` command. Re-runs itself under Node.js 22+ when the machine's
// node is older (see scripts/node22.mjs), then hands over to the compiled CLI.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'main.js');

if (Number(process.versions.node.split('.')[0]) < 22) {
  const { runWithNode22 } = await import('../scripts/node22.mjs');
  runWithNode22([fileURLToPath(import.meta.url), ...process.argv.slice(2)]);
} else if (!existsSync(entry)) {
  process.stderr.write(
    'botfleet is not built yet: run `npm install` (or `npm run build`) first.\n',
  );
  process.exit(1);
} else {
  const { main } = await import(entry);
  await main(process.argv.slice(2));
}
