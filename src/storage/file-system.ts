import { constants } from 'node:fs';
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
   * Appends to an existing file and fdatasyncs it before resolving (the file's size is part of
   * what fdatasync makes durable; the directory is not touched).
   */
  appendFileSynced(path: string, data: string): Promise<void>;
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
    const handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async appendFileSynced(path, data) {
    const handle = await fs.open(path, constants.O_WRONLY | constants.O_APPEND);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },
  async truncateFileSynced(path, length) {
    const handle = await fs.open(path, constants.O_WRONLY);
    try {
      await handle.truncate(length);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fs.rename(from, to),
  async syncDirectory(path) {
    const handle = await fs.open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async unlink(path) {
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
