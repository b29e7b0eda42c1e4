import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { ROOT, startArguments } from './start-command.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

const shopDatabases = new Map<string, TestDatabase>();
afterAll(async () => {
  for (const database of shopDatabases.values()) await database.drop();
  shopDatabases.clear();
});

/**
 * Settings that give a server process the shop database `name` on the engine of this run: an
 * SQLite file in a temporary folder, or with TEST_ENGINE=postgres a PostgreSQL database (copied
 * from the run's migrated template, dropped after the test file). The same name in one test file
 * is the same database, so a restarted server finds what the first one wrote.
 */
export async function shopDatabase(name: string): Promise<Record<string, string>> {
  const template = inject('postgresTemplate');
  if (!template) return { DATABASE_PATH: join(tempDir(), `${name}.db`) };
  let database = shopDatabases.get(name);
  if (!database) {
    database = await createTestDatabase(template);
    shopDatabases.set(name, database);
  }
  return { DATABASE_URL: database.url };
}

/** A temporary folder for a test's database file. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'backroom-test-'));
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Runs the server exactly as `npm start` does (the bundle tests/helpers/global-setup.ts built, with
 * the same node flags) on a free port, and waits until /healthz answers.
 */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, startArguments(), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`server exited with ${exitCode} before listening:\n${output}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return {
        url,
        child,
        output: () => output,
        exited,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start within 30 s:\n${output}`);
}

/** Runs the server expecting it to refuse to start; resolves with exit code and output. */
export function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, startArguments(), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}
