import { z } from 'zod';
import type { FileSystem } from './file-system.js';
import type { StoredDocument } from './json-document-store.js';
import { JsonDocumentStore } from './json-document-store.js';

/**
 * One entry per line, as in a segment file: still one JSON document, and a damaged line costs
 * only its entry when `repair` salvages the file.
 */
export function serializeLogDocument(stored: StoredDocument<readonly unknown[]>): string {
  const { document, ...header } = stored;
  const head = JSON.stringify(header).slice(0, -1);
  return `${head},"document":[\n${document.map((entry) => JSON.stringify(entry)).join(',\n')}\n]}\n`;
}

/**
 * A small append-only list in one durable lowdb file (training sessions, comparisons): these grow
 * by a few entries a day, so one file rewritten whole stays small. Appends are serialized and
 * resolve once on disk.
 */
export class JsonLogStore<T> {
  readonly #store: JsonDocumentStore<T[]>;

  private constructor(store: JsonDocumentStore<T[]>) {
    this.#store = store;
  }

  static async open<T>(options: { dataDir: string; fileName: string; kind: string; entry: z.ZodType<T>; fs?: FileSystem; readOnly?: boolean }): Promise<JsonLogStore<T>> {
    const store = await JsonDocumentStore.open<T[]>({
      dataDir: options.dataDir,
      fileName: options.fileName,
      kind: options.kind,
      schema: z.array(options.entry),
      initial: [],
      serialize: serializeLogDocument,
      ...(options.fs ? { fs: options.fs } : {}),
      ...(options.readOnly ? { readOnly: true } : {}),
    });
    return new JsonLogStore(store);
  }

  get entries(): readonly T[] {
    return this.#store.document;
  }

  /** Appends after `check` passes (it sees the entries just before); resolves once on disk. */
  append(entry: T, check?: (entries: readonly T[]) => void): Promise<void> {
    return this.#store.update((entries) => {
      check?.(entries);
      return [...entries, entry];
    });
  }

  async flush(): Promise<void> {
    await this.#store.flush();
  }
}
