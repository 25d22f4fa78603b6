import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import fs from 'node:fs/promises';

/**
 * The file operations the store uses, behind one small interface so tests can inject faults
 * (ENOSPC, EROFS) and check the order of durable steps.
 */
export interface FileSystem {
  readFile(path: string): Promise<string | null>;
  /** Writes a new file's bytes and fsyncs them before resolving. */
  writeFileSynced(path: string, data: string): Promise<void>;
  /**
   * Appends to an existing file and resolves once the bytes and the file's new size are durable,
   * as after an fdatasync (the directory is not touched). The file may be kept open for the next
   * append (until `release`, or until it is truncated, renamed over, rewritten or removed here).
   */
  appendFileSynced(path: string, data: string): Promise<void>;
  /** Closes what is kept open for appends to `path`, if anything (a sealed log, a closing store). */
  release(path: string): Promise<void>;
  /** Cuts an existing file to `length` bytes and fdatasyncs it before resolving. */
  truncateFileSynced(path: string, length: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** fsyncs a directory, so a rename or unlink in it survives power loss. */
  syncDirectory(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
}

/** The errno code (ENOENT, EEXIST...) of an error from node:fs or process, if it has one. */
export function errnoCode(thrown: unknown): string | undefined {
  return thrown instanceof Error && 'code' in thrown && typeof thrown.code === 'string' ? thrown.code : undefined;
}

function isNotFound(error: unknown): boolean {
  return errnoCode(error) === 'ENOENT';
}

/**
 * Files kept open for appends, by path: an append is then one synchronous-data write (O_DSYNC) on
 * the thread pool, not an open, a write, an fdatasync and a close. A handle goes when its file is truncated, renamed
 * over, rewritten or removed through this module, when an append on it fails (the next append
 * opens the file again, as a first one does), or on `release`.
 */
const appenders = new Map<string, Promise<FileHandle>>();

function appenderFor(path: string): Promise<FileHandle> {
  let handle = appenders.get(path);
  if (handle === undefined) {
    // O_DSYNC: each write returns once its bytes and the file's new size are on disk (what an
    // fdatasync after it would make durable), so an append is one trip to the thread pool.
    handle = fs.open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_DSYNC);
    appenders.set(path, handle);
    // A file that cannot be opened is not kept: the next append tries again.
    handle.catch(() => {
      if (appenders.get(path) === handle) appenders.delete(path);
    });
  }
  return handle;
}

/** Closes the handle kept for `path`, if any. */
async function closeAppender(path: string): Promise<void> {
  const kept = appenders.get(path);
  if (kept === undefined) return;
  appenders.delete(path);
  let handle: FileHandle;
  try {
    handle = await kept;
  } catch {
    return; // it never opened (the append that tried said why): nothing to close
  }
  await handle.close();
}

/** The real file system (node:fs/promises). */
export const nodeFileSystem: FileSystem = {
  async readFile(path) {
    try {
      return await fs.readFile(path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  },
  async writeFileSynced(path, data) {
    await closeAppender(path);
    const handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async appendFileSynced(path, data) {
    const handle = await appenderFor(path);
    try {
      await handle.writeFile(data, 'utf8');
    } catch (error) {
      // What the append failed with is what the caller learns; a close failing after it adds nothing.
      await closeAppender(path).catch(() => undefined);
      throw error;
    }
  },
  release: closeAppender,
  async truncateFileSynced(path, length) {
    await closeAppender(path);
    const handle = await fs.open(path, constants.O_WRONLY);
    try {
      await handle.truncate(length);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },
  async rename(from, to) {
    await closeAppender(from);
    await closeAppender(to);
    await fs.rename(from, to);
  },
  async syncDirectory(path) {
    const handle = await fs.open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async unlink(path) {
    await closeAppender(path);
    try {
      await fs.unlink(path);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },
  async readdir(path) {
    try {
      return await fs.readdir(path);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  },
  async mkdir(path) {
    await fs.mkdir(path, { recursive: true });
  },
  async exists(path) {
    try {
      await fs.access(path);
      return true;
    } catch {
      return false;
    }
  },
};
