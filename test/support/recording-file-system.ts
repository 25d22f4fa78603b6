import type { FileSystem } from '../../src/storage/file-system.js';
import { nodeFileSystem } from '../../src/storage/file-system.js';

export type FsOperation = keyof FileSystem;

const MUTATING_OPS: ReadonlySet<FsOperation> = new Set(['writeFileSynced', 'appendFileSynced', 'truncateFileSynced', 'rename', 'syncDirectory', 'unlink', 'mkdir']);

/** One finished call on the file system, in the order the calls finished. */
export interface FsCall {
  kind: 'call';
  op: FsOperation;
  path: string;
  /** rename: the destination. */
  to?: string;
  /** writeFileSynced, appendFileSynced: the text written (unless the recorder was built with `keepData: false`). */
  data?: string;
  /** writeFileSynced, appendFileSynced: the length of the text written; truncateFileSynced: the length cut to. */
  bytes?: number;
  /** The error code when the call failed (an injected fault or a real error). */
  error?: string;
}

/** A label the test put in the same sequence as the calls (e.g. "a promise resolved"). */
export interface FsMark {
  kind: 'mark';
  label: string;
}

export type FsEvent = FsCall | FsMark;

/** What a fault rule sees of a call before it runs. */
export interface PendingCall {
  op: FsOperation;
  path: string;
  to?: string;
}

export interface RecordingFileSystemOptions {
  /** The file system the calls go to (default: the real one). */
  inner?: FileSystem;
  /** Keep the text of every write in `data` (default true; false keeps only `bytes`). */
  keepData?: boolean;
}

/** An Error with a Node-style errno code, as `fs` throws them. */
export function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * A `FileSystem` that passes calls to the real one and records them, so tests can check the order
 * of durable steps (write temp → rename → fsync directory), count writes, see what each write
 * contained, and interleave their own marks (`mark('resolved p-1')`). Set `fault` to make chosen
 * calls throw (ENOSPC, EROFS...) before they touch the disk.
 */
export class RecordingFileSystem implements FileSystem {
  #mutatingCalls = 0;

  /** How many calls that change files (write, rename, directory fsync, unlink, mkdir) were made, failed ones included. */
  get mutatingCalls(): number {
    return this.#mutatingCalls;
  }

  readonly events: FsEvent[] = [];
  /** Called before every call; return an errno code to make the call throw it, or null to let it run. */
  fault: ((call: PendingCall) => string | null) | null = null;
  readonly #inner: FileSystem;
  readonly #keepData: boolean;

  constructor(options: RecordingFileSystemOptions = {}) {
    this.#inner = options.inner ?? nodeFileSystem;
    this.#keepData = options.keepData ?? true;
  }

  /** Puts a label in the event sequence, between the calls that finished before and after it. */
  mark(label: string): void {
    this.events.push({ kind: 'mark', label });
  }

  /** The finished calls (optionally of one operation), without marks. */
  calls(op?: FsOperation): FsCall[] {
    return this.events.filter((event): event is FsCall => event.kind === 'call' && (op === undefined || event.op === op));
  }

  /** Forgets what was recorded so far. */
  reset(): void {
    this.events.length = 0;
  }

  async #run<T>(call: PendingCall, extra: Partial<FsCall>, run: () => Promise<T>): Promise<T> {
    if (MUTATING_OPS.has(call.op)) this.#mutatingCalls += 1;
    const code = this.fault?.(call) ?? null;
    if (code !== null) {
      this.events.push({ kind: 'call', ...call, ...extra, error: code });
      throw errnoError(code, `injected fault on ${call.op} '${call.path}'`);
    }
    try {
      const result = await run();
      this.events.push({ kind: 'call', ...call, ...extra });
      return result;
    } catch (error) {
      this.events.push({ kind: 'call', ...call, ...extra, error: (error as NodeJS.ErrnoException).code ?? 'ERROR' });
      throw error;
    }
  }

  readFile(path: string): Promise<string | null> {
    return this.#run({ op: 'readFile', path }, {}, () => this.#inner.readFile(path));
  }

  writeFileSynced(path: string, data: string): Promise<void> {
    const extra = this.#keepData ? { data, bytes: data.length } : { bytes: data.length };
    return this.#run({ op: 'writeFileSynced', path }, extra, () => this.#inner.writeFileSynced(path, data));
  }

  appendFileSynced(path: string, data: string): Promise<void> {
    const extra = this.#keepData ? { data, bytes: data.length } : { bytes: data.length };
    return this.#run({ op: 'appendFileSynced', path }, extra, () => this.#inner.appendFileSynced(path, data));
  }

  truncateFileSynced(path: string, length: number): Promise<void> {
    return this.#run({ op: 'truncateFileSynced', path }, { bytes: length }, () => this.#inner.truncateFileSynced(path, length));
  }

  rename(from: string, to: string): Promise<void> {
    return this.#run({ op: 'rename', path: from, to }, {}, () => this.#inner.rename(from, to));
  }

  syncDirectory(path: string): Promise<void> {
    return this.#run({ op: 'syncDirectory', path }, {}, () => this.#inner.syncDirectory(path));
  }

  unlink(path: string): Promise<void> {
    return this.#run({ op: 'unlink', path }, {}, () => this.#inner.unlink(path));
  }

  readdir(path: string): Promise<string[]> {
    return this.#run({ op: 'readdir', path }, {}, () => this.#inner.readdir(path));
  }

  mkdir(path: string): Promise<void> {
    return this.#run({ op: 'mkdir', path }, {}, () => this.#inner.mkdir(path));
  }

  exists(path: string): Promise<boolean> {
    return this.#run({ op: 'exists', path }, {}, () => this.#inner.exists(path));
  }
}
