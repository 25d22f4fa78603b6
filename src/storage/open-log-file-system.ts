import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import type { FileSystem } from './file-system.js';

/** One file kept open for appending: its path and handle. */
interface OpenLog {
  path: string;
  handle: FileHandle;
}

/**
 * Writes all of `bytes` at the end of the file (a short write is continued, as `writeFile` does).
 * A write that takes nothing would be continued forever: it fails the append instead.
 */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error(`EIO: the file system took none of ${bytes.length - offset} bytes`), { code: 'EIO' });
    offset += bytesWritten;
  }
}

/**
 * The real file system, with the file it appends to kept open between appends: the open segment's
 * log takes one append per commit, and opening and closing it each time were two of a commit's
 * four trips to the thread pool (each a wake-up of a pool thread and, on a busy 2-core machine, a
 * switch away from the event loop). An append is a write and one fdatasync, as before.
 *
 * Every other operation goes to `inner`. One that replaces, moves, cuts or removes the file kept
 * open closes it first, so an append never goes to a file no longer at its path; appending to
 * another path closes it too. A failed append closes it (the next one opens the file again).
 * `close()` closes it: the store calls it when it closes. Used only for the real file system:
 * stores given a FileSystem (tests injecting faults) append through that one.
 */
export class OpenLogFileSystem implements FileSystem {
  readonly #inner: FileSystem;
  #log: OpenLog | null = null;

  constructor(inner: FileSystem) {
    this.#inner = inner;
  }

  readFile(path: string): Promise<string | null> {
    return this.#inner.readFile(path);
  }

  async writeFileSynced(path: string, data: string): Promise<void> {
    await this.#release(path);
    return this.#inner.writeFileSynced(path, data);
  }

  async appendFileSynced(path: string, data: string): Promise<void> {
    if (this.#log !== null && this.#log.path !== path) await this.close();
    this.#log ??= { path, handle: await fs.open(path, constants.O_WRONLY | constants.O_APPEND) };
    const { handle } = this.#log;
    try {
      await writeAll(handle, Buffer.from(data, 'utf8'));
      await handle.datasync();
    } catch (error) {
      // What the failed append left is the caller's to cut; the next append starts afresh. The
      // append's error is the one to report: a failure to close the handle too adds nothing to it.
      await this.close().catch(() => undefined);
      throw error;
    }
  }

  async truncateFileSynced(path: string, length: number): Promise<void> {
    await this.#release(path);
    return this.#inner.truncateFileSynced(path, length);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.#release(from);
    await this.#release(to);
    return this.#inner.rename(from, to);
  }

  syncDirectory(path: string): Promise<void> {
    return this.#inner.syncDirectory(path);
  }

  async unlink(path: string): Promise<void> {
    await this.#release(path);
    return this.#inner.unlink(path);
  }

  readdir(path: string): Promise<string[]> {
    return this.#inner.readdir(path);
  }

  mkdir(path: string): Promise<void> {
    return this.#inner.mkdir(path);
  }

  exists(path: string): Promise<boolean> {
    return this.#inner.exists(path);
  }

  /** The path kept open for appending, if any (for tests and diagnostics). */
  get openPath(): string | null {
    return this.#log?.path ?? null;
  }

  /** Closes the file kept open, if any. Appending again opens it again. */
  async close(): Promise<void> {
    const log = this.#log;
    if (log === null) return;
    this.#log = null;
    await log.handle.close();
  }

  async #release(path: string): Promise<void> {
    if (this.#log?.path === path) await this.close();
  }
}
