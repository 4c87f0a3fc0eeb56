/**
 * The embedded database can be open in one process only. While the service
 * runs on it, the CLI's operator commands reach the service through a Unix
 * socket in the data directory (file mode 0600, so only the same OS user can
 * use it) instead of opening the database a second time.
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join, resolve } from 'node:path';

import { type AdminEnv, AdminError, isAdminCommand, runAdminCommand } from './commands.js';

export function adminSocketPath(dataDir: string): string {
  return join(resolve(dataDir), 'botfleet.sock');
}

async function readJson(req: import('node:http').IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);

  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function handle(env: AdminEnv, body: unknown): Promise<{ status: number; body: unknown }> {
  const { command, args } = (body ?? {}) as { command?: unknown; args?: unknown };
  if (typeof command !== 'string' || !isAdminCommand(command)) {
    return { status: 404, body: { error: `unknown command ${String(command)}` } };
  }
  try {
    return {
      status: 200,
      body: await runAdminCommand(env, command, (args ?? {}) as Record<string, unknown>),
    };
  } catch (error) {
    if (error instanceof AdminError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}

export async function listenAdminSocket(env: AdminEnv, dataDir: string): Promise<Server> {
  const path = adminSocketPath(dataDir);
  // The data-directory lock is held, so a socket file left here is from a dead process.
  if (existsSync(path)) rmSync(path);
  const server = createServer((req, res) => {
    void readJson(req)
      .then((body) => handle(env, body))
      .catch(() => ({ status: 500, body: { error: 'the command failed; see the service log' } }))
      .then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(path, () => {
      done();
    });
  });
  chmodSync(path, 0o600);

  return server;
}

export function callAdminSocket(
  dataDir: string,
  command: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  const payload = JSON.stringify({ command, args });

  return new Promise((done, fail) => {
    const req = request(
      {
        socketPath: adminSocketPath(dataDir),
        path: '/',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        readJson(res)
          .then((body) => {
            if (res.statusCode === 200) done(body);
            else fail(new AdminError((body as { error?: string }).error ?? 'the command failed'));
          })
          .catch(fail);
      },
    );
    req.once('error', fail);
    req.end(payload);
  });
}
