import fs from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from './file-system.js';
import { StoreLockedError } from './storage-errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Takes the data directory's write lock (`.lock`, holding the owner's pid) so two services never
 * write the same store. A lock left by a dead process is taken over. Returns the release function.
 */
export async function acquireDataDirLock(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await fs.open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await fs.rm(path, { force: true });
      };
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
      const owner = Number.parseInt((await fs.readFile(path, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new StoreLockedError(
          `${dataDir} is in use by another hap-ml-metrics process (pid ${owner}); stop it, or use another --data-dir`,
        );
      }
      await fs.rm(path, { force: true });
    }
  }
  throw new StoreLockedError(`could not take the lock ${path}; remove it if no other hap-ml-metrics process is running`);
}
