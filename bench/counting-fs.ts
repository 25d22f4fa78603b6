import type { FileSystem } from '../src/storage/file-system.js';
import { nodeFileSystem } from '../src/storage/file-system.js';

export interface WriteCounts {
  /** Bytes passed to writeFileSynced and appendFileSynced (UTF-8). */
  bytes: number;
  /** writeFileSynced, appendFileSynced and truncateFileSynced calls (each one is a file fsync). */
  files: number;
  /** syncDirectory calls (directory fsyncs). */
  directorySyncs: number;
}

/** The real file system, counting what the store writes and syncs. */
export function countingFileSystem(inner: FileSystem = nodeFileSystem): { fs: FileSystem; counts: WriteCounts } {
  const counts: WriteCounts = { bytes: 0, files: 0, directorySyncs: 0 };
  const fs: FileSystem = {
    readFile: (path) => inner.readFile(path),
    writeFileSynced: (path, data) => {
      counts.bytes += Buffer.byteLength(data, 'utf8');
      counts.files += 1;
      return inner.writeFileSynced(path, data);
    },
    appendFileSynced: (path, data) => {
      counts.bytes += Buffer.byteLength(data, 'utf8');
      counts.files += 1;
      return inner.appendFileSynced(path, data);
    },
    truncateFileSynced: (path, length) => {
      counts.files += 1;
      return inner.truncateFileSynced(path, length);
    },
    rename: (from, to) => inner.rename(from, to),
    syncDirectory: (path) => {
      counts.directorySyncs += 1;
      return inner.syncDirectory(path);
    },
    unlink: (path) => inner.unlink(path),
    readdir: (path) => inner.readdir(path),
    mkdir: (path) => inner.mkdir(path),
    exists: (path) => inner.exists(path),
  };
  return { fs, counts };
}
