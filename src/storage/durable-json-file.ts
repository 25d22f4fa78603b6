import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { describeError } from '../logging/to-error.js';
import type { FileSystem } from './file-system.js';
import { nodeFileSystem } from './file-system.js';
import { CorruptFileError } from './storage-errors.js';
import { migrateStoredFile } from './stored-file-version.js';

interface DurableJsonFileOptions<T> {
  /** Validates what is read back; a file that fails is reported, never overwritten. */
  schema: z.ZodType<T>;
  /**
   * A faster twin of `schema`, tried first: it accepts a subset of what `schema` accepts, with the
   * same output; what it refuses is parsed by `schema`, whose issue is the one reported.
   */
  fastSchema?: z.ZodType<T>;
  /** Text to write (default: JSON with two-space indentation). */
  serialize?: (data: T) => string;
  fs?: FileSystem;
}

/**
 * A lowdb adapter that is durable, not only atomic: write a temp file, fsync it, rename it over the
 * target, fsync the directory. (lowdb's own JSONFile, through steno, does not fsync.) Reads are
 * parsed and validated; anything else is a CorruptFileError naming the file.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly #fs: FileSystem;
  readonly #schema: z.ZodType<T>;
  readonly #fastSchema: z.ZodType<T> | undefined;
  readonly #serialize: (data: T) => string;
  readonly #tempPath: string;

  constructor(
    readonly path: string,
    options: DurableJsonFileOptions<T>,
  ) {
    this.#fs = options.fs ?? nodeFileSystem;
    this.#schema = options.schema;
    this.#fastSchema = options.fastSchema;
    this.#serialize = options.serialize ?? ((data) => `${JSON.stringify(data, null, 2)}\n`);
    this.#tempPath = join(dirname(path), `.${basename(path)}.tmp`);
  }

  async read(): Promise<T | null> {
    const text = await this.#fs.readFile(this.path);
    if (text === null) return null;
    return parseStoredJson(this.path, text, this.#schema, this.#fastSchema);
  }

  async write(data: T): Promise<void> {
    await this.#fs.writeFileSynced(this.#tempPath, this.#serialize(data));
    await this.#fs.rename(this.#tempPath, this.path);
    await this.#fs.syncDirectory(dirname(this.path));
  }
}

/**
 * Parses and validates a stored file's text, or throws CorruptFileError naming the file.
 * `fastSchema` (see DurableJsonFileOptions) is tried first when given.
 */
export function parseStoredJson<T>(path: string, text: string, schema: z.ZodType<T>, fastSchema?: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = text.trim() === '' ? 'the file is empty' : `not valid JSON: ${describeError(error)}`;
    throw new CorruptFileError(path, reason);
  }
  const migrated = migrateStoredFile(raw);
  if ('reason' in migrated) throw new CorruptFileError(path, migrated.reason);
  if (fastSchema) {
    const fast = fastSchema.safeParse(migrated.value);
    if (fast.success) return fast.data;
  }
  const result = schema.safeParse(migrated.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new CorruptFileError(path, `does not match the expected format at ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
