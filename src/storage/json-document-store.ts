import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { DurableJsonFile } from './durable-json-file.js';
import type { FileSystem } from './file-system.js';
import { nodeFileSystem } from './file-system.js';
import { STORE_SCHEMA_VERSION, storedFileHeader } from './stored-file-version.js';

interface JsonDocumentStoreOptions<T> {
  dataDir: string;
  fileName: string;
  /** Written into the file and checked on read, so one file is never read as another. */
  kind: string;
  /** Validates the document on every read. */
  schema: z.ZodType<T>;
  /** The document while the file does not exist yet. */
  initial: T;
  fs?: FileSystem;
  /** Reads only: the data directory is not created. */
  readOnly?: boolean;
  /** Text to write (default: JSON with two-space indentation). */
  serialize?: (data: StoredDocument<T>) => string;
}

export interface StoredDocument<T> {
  schema_version: number;
  kind: string;
  document: T;
}

/**
 * One small JSON document in one durable lowdb file (`{schema_version, kind, document}`), for
 * state that must survive restarts but is rewritten whole (alert states, cursors). Updates are
 * serialized and resolve once on disk; a failed write leaves the previous document in memory.
 */
export class JsonDocumentStore<T> {
  readonly #db: Low<StoredDocument<T>>;
  readonly #kind: string;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(db: Low<StoredDocument<T>>, kind: string) {
    this.#db = db;
    this.#kind = kind;
  }

  /** Reads the file (or starts from `initial`); throws CorruptFileError for a file that does not validate. */
  static async open<T>(options: JsonDocumentStoreOptions<T>): Promise<JsonDocumentStore<T>> {
    const fs = options.fs ?? nodeFileSystem;
    if (!options.readOnly) await fs.mkdir(options.dataDir);
    const schema = z.object({ ...storedFileHeader(options.kind), document: options.schema });
    const adapter = new DurableJsonFile(join(options.dataDir, options.fileName), {
      schema: schema as unknown as z.ZodType<StoredDocument<T>>,
      fs,
      ...(options.serialize ? { serialize: options.serialize } : {}),
    });
    const db = new Low<StoredDocument<T>>(adapter, { schema_version: STORE_SCHEMA_VERSION, kind: options.kind, document: options.initial });
    await db.read();
    return new JsonDocumentStore(db, options.kind);
  }

  /** The current document (treat as read-only; change it with `update`). */
  get document(): T {
    return this.#db.data.document;
  }

  /** Replaces the document with `change(current)` and writes it durably; resolves once on disk. */
  update(change: (current: T) => T): Promise<void> {
    const run = this.#tail.then(async () => {
      const previous = this.#db.data;
      this.#db.data = { schema_version: STORE_SCHEMA_VERSION, kind: this.#kind, document: change(previous.document) };
      try {
        await this.#db.write();
      } catch (error) {
        this.#db.data = previous;
        throw error;
      }
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Waits for the updates already asked for. */
  async flush(): Promise<void> {
    await this.#tail;
  }
}
