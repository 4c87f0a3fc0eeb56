/**
 * A fresh, migrated database for each test file: PGlite cloned from a dumped
 * template (fast), or a PostgreSQL database created from a template database
 * when TEST_DATABASE_URL is set.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import pg from 'pg';

import { type Database, MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';

const CACHE_DIR = join(import.meta.dirname, '..', '..', '.cache');

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER).sort()) {
    if (file.endsWith('.sql'))
      hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }

  return hash.digest('hex').slice(0, 12);
}

async function pgliteTemplate(): Promise<Blob> {
  const path = join(CACHE_DIR, `pglite-template-${migrationsHash()}.tar.gz`);
  if (!existsSync(path)) {
    const database = await openDatabase({ kind: 'pglite', dataDir: undefined });
    await database.migrate();
    const dump = await database.pglite!.dumpDataDir('gzip');
    await database.close();
    mkdirSync(CACHE_DIR, { recursive: true });
    const staging = `${path}.${process.pid}`;
    writeFileSync(staging, Buffer.from(await dump.arrayBuffer()));
    renameSync(staging, path);
  }

  return new Blob([readFileSync(path)]);
}

async function withAdmin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;

  return url.toString();
}

async function ensurePostgresTemplate(adminUrl: string, template: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    await client.query('select pg_advisory_lock(7261)');
    try {
      const found = await client.query('select 1 from pg_database where datname = $1', [template]);
      if (found.rowCount === 0) {
        await client.query(`create database "${template}_build"`).catch(() => undefined);
        const database = await openDatabase({
          kind: 'postgres',
          url: databaseUrl(adminUrl, `${template}_build`),
          poolSize: 1,
        });
        await database.migrate();
        await database.close();
        await client.query(`alter database "${template}_build" rename to "${template}"`);
      }
    } finally {
      await client.query('select pg_advisory_unlock(7261)');
    }
  });
}

export interface TestDatabase extends Database {
  /** Drops the database (PostgreSQL) after closing it. */
  destroy(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') {
    const database = await openDatabase({
      kind: 'pglite',
      dataDir: undefined,
      loadDataDir: await pgliteTemplate(),
    });

    return Object.assign(database, { destroy: () => database.close() });
  }

  const template = `botfleet_tpl_${migrationsHash()}`;
  await ensurePostgresTemplate(adminUrl, template);
  const name = `botfleet_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) =>
    client.query(`create database "${name}" template "${template}"`),
  );
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl(adminUrl, name) });

  return Object.assign(database, {
    destroy: async () => {
      await database.close();
      await withAdmin(adminUrl, (client) =>
        client.query(`drop database if exists "${name}" with (force)`),
      );
    },
  });
}
