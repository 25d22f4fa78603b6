import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { DurableJsonFile } from './durable-json-file.js';
import type { FileSystem } from './file-system.js';
import { STORE_SCHEMA_VERSION, storedFileHeader } from './stored-file-version.js';

/**
 * A small append-only list in one lowdb file (training sessions, comparisons): these grow by a
 * few entries a day, so one durable file is bounded enough. Appends are serialized and resolve
 * once on disk.
 */
export class JsonLogStore<T> {
  readonly #db: Low<{ schema_version: number; kind: string; entries: T[] }>;
  readonly #kind: string;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(db: Low<{ schema_version: number; kind: string; entries: T[] }>, kind: string) {
    this.#db = db;
    this.#kind = kind;
  }

  static async open<T>(options: { dataDir: string; fileName: string; kind: string; entry: z.ZodType<T>; fs?: FileSystem }): Promise<JsonLogStore<T>> {
    const schema = z.object({ ...storedFileHeader(options.kind), entries: z.array(options.entry) });
    const adapter = new DurableJsonFile(join(options.dataDir, options.fileName), {
      schema: schema as unknown as z.ZodType<{ schema_version: number; kind: string; entries: T[] }>,
      ...(options.fs ? { fs: options.fs } : {}),
    });
    const db = new Low(adapter, { schema_version: STORE_SCHEMA_VERSION, kind: options.kind, entries: [] as T[] });
    await db.read();
    return new JsonLogStore(db, options.kind);
  }

  get entries(): readonly T[] {
    return this.#db.data.entries;
  }

  /** Appends after the check passes (it sees the entries as they are just before); resolves once on disk. */
  append(entry: T, check?: (entries: readonly T[]) => void): Promise<void> {
    const run = this.#tail.then(async () => {
      check?.(this.#db.data.entries);
      const previous = this.#db.data;
      this.#db.data = { schema_version: STORE_SCHEMA_VERSION, kind: this.#kind, entries: [...previous.entries, entry] };
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

  async flush(): Promise<void> {
    await this.#tail;
  }
}
