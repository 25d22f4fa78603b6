import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Git-ignored cache and scratch space (same file system as the repo, so fsync is real). */
export const BENCH_DIR = join(ROOT, '.bench');
/** What `npm start` runs: the bundled service (tools/build-service.ts). */
export const SERVICE_ENTRY = join(ROOT, 'dist', 'bundle', 'main.js');

const scratch = new Set<string>();

/** A fresh directory under `parent` (default .bench/tmp); removed by removeScratch (or at exit). */
export function scratchDir(prefix: string, parent = join(BENCH_DIR, 'tmp')): string {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `${prefix}-${process.pid}-`));
  scratch.add(dir);
  return dir;
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  scratch.delete(dir);
}

export function removeAllScratch(): void {
  for (const dir of [...scratch]) removeScratch(dir);
}
