import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the system temp dir; `remove()` deletes it and everything in it. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/**
 * Creates an empty temp directory. Pair it with `afterEach`/`afterAll`:
 *
 * ```ts
 * let dir: TempDir;
 * beforeEach(async () => { dir = await createTempDir('store-'); });
 * afterEach(() => dir.remove());
 * ```
 */
export async function createTempDir(prefix = 'ml-metrics-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
