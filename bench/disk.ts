import { join } from 'node:path';
import { percentile } from './http-client.js';
import { nodeFileSystem } from '../src/storage/file-system.js';
import { removeScratch, scratchDir } from './paths.js';

export interface DiskResult {
  bytes: number;
  rounds: number;
  /** writeFileSynced alone (write + fsync). */
  fileP50Ms: number;
  fileP99Ms: number;
  /** The store's durable replace: write + fsync temp, rename, fsync directory. */
  replaceP50Ms: number;
  replaceP99Ms: number;
}

/**
 * What one commit of the store costs the disk, in this run: a durable replace of a file the size
 * of a half-full open segment, as DurableJsonFile does it. Context for the ingest rates (each
 * commit does one of these, one at a time).
 */
export async function benchDisk(options: { bytes: number; rounds: number }): Promise<DiskResult> {
  const dir = scratchDir('disk');
  try {
    const data = 'x'.repeat(options.bytes);
    const target = join(dir, 'segment.json');
    const temp = join(dir, '.segment.json.tmp');
    const file: number[] = [];
    const replace: number[] = [];
    for (let i = 0; i < options.rounds; i += 1) {
      const started = performance.now();
      await nodeFileSystem.writeFileSynced(temp, data);
      file.push(performance.now() - started);
      await nodeFileSystem.rename(temp, target);
      await nodeFileSystem.syncDirectory(dir);
      replace.push(performance.now() - started);
    }
    file.sort((a, b) => a - b);
    replace.sort((a, b) => a - b);
    return {
      bytes: options.bytes,
      rounds: options.rounds,
      fileP50Ms: percentile(file, 50),
      fileP99Ms: percentile(file, 99),
      replaceP50Ms: percentile(replace, 50),
      replaceP99Ms: percentile(replace, 99),
    };
  } finally {
    removeScratch(dir);
  }
}
