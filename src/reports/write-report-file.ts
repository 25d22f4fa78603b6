import { basename, dirname, join } from 'node:path';
import { nodeFileSystem, type FileSystem } from '../storage/file-system.js';

/** Writes a report durably: a temp file beside it, fsynced, renamed over it, the directory fsynced. */
export async function writeReportFile(path: string, text: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  const dir = dirname(path);
  await fs.mkdir(dir);
  const temp = join(dir, `.${basename(path)}.tmp`);
  await fs.writeFileSynced(temp, text);
  await fs.rename(temp, path);
  await fs.syncDirectory(dir);
}
