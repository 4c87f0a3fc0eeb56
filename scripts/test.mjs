// Runs the test suites with Node's test runner: `node scripts/test.mjs unit integration`.
// Integration tests use PGlite unless TEST_DATABASE_URL points at a PostgreSQL server.
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
const patterns = (suites.length > 0 ? suites : ['unit', 'integration']).map(
  (suite) => `test/${suite}/**/*.test.ts`,
);
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=120000',
    ...patterns,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
