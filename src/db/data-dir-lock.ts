/**
 * An embedded database must only ever be opened by one process: two PGlite
 * instances writing the same directory corrupt it. A lock file holding the
 * owner's pid guards the directory; a lock left by a dead process is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

const LOCK_FILE = 'botfleet.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);

    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());

    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);

    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Takes the directory's lock or throws; returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);

  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path)) {
      return () => {
        if (readOwner(path) === process.pid) rmSync(path, { force: true });
      };
    }
    const owner = readOwner(path);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new DataDirLockedError(
        `The data directory ${dir} is in use by another botfleet process (pid ${owner}). ` +
          'Stop that process first, use another DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.',
      );
    }
    // The owner is gone (or it is this very process after a crash-restart): take over.
    rmSync(path, { force: true });
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dir}; try again.`);
}
