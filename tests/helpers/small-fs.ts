import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real filesystem of its own, mounted for one test; `unmount` also removes the mount point. */
export interface SmallFs {
  dir: string;
  unmount(): void;
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Mounts a tmpfs of `bytes` at a fresh directory, or returns why it cannot (not root, no mount).
 * Tests skip the case with that reason rather than pass without having run.
 */
export function mountTmpfs(bytes: number): SmallFs | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'tmpfs mounts need Linux' };
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs needs root' };
  const dir = mkdtempSync(join(tmpdir(), 'backroom-fs-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `mount -t tmpfs failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { dir, unmount: () => unmountAndRemove(dir) };
}

/** A read-only view of `source` (a bind mount remounted ro): files opened through it cannot be written. */
export function readOnlyView(source: string): SmallFs {
  const dir = `${source}-ro`;
  mkdirSync(dir);
  run('mount', ['--bind', source, dir]);
  run('mount', ['-o', 'remount,ro,bind', dir]);
  return { dir, unmount: () => unmountAndRemove(dir) };
}

/** Makes a read-only view writable again (the permissions come back). */
export function makeWritable(view: SmallFs): void {
  run('mount', ['-o', 'remount,rw,bind', view.dir]);
}

function unmountAndRemove(dir: string): void {
  // Lazy: a database a failed test left open must not leave the mount behind.
  run('umount', ['-l', dir]);
  rmSync(dir, { recursive: true, force: true });
}
