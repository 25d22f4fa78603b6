import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { ModelPerformanceTracker } from '../../../src/tracker/model-performance-tracker.js';
import type { RecordingFileSystem } from '../../support/recording-file-system.js';
import { POISON_KEYS } from './hostile-strings.js';

// ------------------------------------------------------------------ prototypes

const PROTOTYPES: Record<string, object> = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  String: String.prototype,
  Number: Number.prototype,
  Boolean: Boolean.prototype,
  Promise: Promise.prototype,
  Error: Error.prototype,
};

type Snapshot = Map<string, Map<PropertyKey, PropertyDescriptor>>;

/** Every own property of the built-in prototypes, with its descriptor (values and accessors by identity). */
export function snapshotPrototypes(): Snapshot {
  const snapshot: Snapshot = new Map();
  for (const [name, prototype] of Object.entries(PROTOTYPES)) {
    const properties = new Map<PropertyKey, PropertyDescriptor>();
    for (const key of Reflect.ownKeys(prototype)) properties.set(key, Object.getOwnPropertyDescriptor(prototype, key)!);
    snapshot.set(name, properties);
  }
  return snapshot;
}

/** Fails when a built-in prototype gained, lost or changed a property, or `{}` inherits a poison key. */
export function expectPrototypesUnchanged(before: Snapshot): void {
  const after = snapshotPrototypes();
  for (const [name, properties] of before) {
    const now = after.get(name)!;
    expect([...now.keys()].map(String).sort(), `${name}.prototype keys`).toEqual([...properties.keys()].map(String).sort());
    for (const [key, descriptor] of properties) {
      const current = now.get(key)!;
      const same = current.value === descriptor.value && current.get === descriptor.get && current.set === descriptor.set;
      expect(same, `${name}.prototype.${String(key)} was replaced`).toBe(true);
    }
  }
  const probe = {} as Record<string, unknown>;
  expect(probe['polluted'], '({}).polluted').toBeUndefined();
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
  for (const key of POISON_KEYS) {
    if (!(key in Object.prototype)) expect(probe[key], `({}).${key}`).toBeUndefined();
  }
  expect(([] as unknown as Record<string, unknown>)['polluted'], '[].polluted').toBeUndefined();
}

// ------------------------------------------------------------------ files

/** Relative path → sha256 of the content (directories end with `/`), for every file under `dir`. */
export async function digestTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, full);
    if (entry.isDirectory()) out[`${relative}/`] = 'dir';
    else out[relative] = createHash('sha256').update(await readFile(full)).digest('hex');
  }
  return out;
}

/** The names directly inside `dir` (empty when it does not exist). */
export async function listNames(dir: string): Promise<Set<string>> {
  return new Set(existsSync(dir) ? await readdir(dir) : []);
}

const DATA_DIR_ENTRIES = [/^\.lock$/, /^predictions\/$/, /^aggregates\/$/, /^training\.json$/, /^comparisons\.json$/, /^versions\.json$/, /^predictions\/segment-\d{8,}\.json$/, /^aggregates\/segment-\d{8,}\.json$/];

/** Fails when the data directory holds anything but the store's own files. */
export async function expectOnlyStoreFiles(dataDir: string): Promise<void> {
  const unexpected = Object.keys(await digestTree(dataDir)).filter((name) => !DATA_DIR_ENTRIES.some((pattern) => pattern.test(name)));
  expect(unexpected, `unexpected entries in ${dataDir}`).toEqual([]);
}

/**
 * Remembers strings sent as ids, names and paths, to check afterwards that none became a file:
 * no new entry named like one appeared in the watched directories, and no path such a string
 * resolves to (from the data directory, its parent, or the working directory) was created.
 */
export class PathWatch {
  readonly #tokens = new Set<string>();
  readonly #before = new Map<string, Set<string>>();
  /** Paths the noted strings resolve to, and whether each existed when first noted. */
  readonly #targets = new Map<string, boolean>();

  private constructor(
    readonly dirs: readonly string[],
    readonly bases: readonly string[],
  ) {}

  /** Starts watching `dirs` (listing compared by name) and `bases` (resolved against). */
  static async start(dirs: readonly string[], bases: readonly string[]): Promise<PathWatch> {
    const watch = new PathWatch(dirs, bases);
    for (const dir of dirs) watch.#before.set(dir, await listNames(dir));
    return watch;
  }

  /** Call before sending `values`: remembers them, and whether each path they resolve to exists now. */
  note(...values: unknown[]): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length === 0 || value.length >= 256 || this.#tokens.size >= 50_000) continue;
      this.#tokens.add(value);
      if (value.includes('\u0000')) continue;
      for (const base of this.bases) {
        const target = path.resolve(base, value);
        if (!this.#targets.has(target)) this.#targets.set(target, existsSync(target));
      }
    }
  }

  async expectNothingCreated(): Promise<void> {
    const created: string[] = [];
    const named = (name: string): boolean => this.#tokens.has(name) || [...this.#tokens].some((token) => path.basename(token) === name);
    for (const dir of this.dirs) {
      const before = this.#before.get(dir) ?? new Set();
      for (const name of await listNames(dir)) if (!before.has(name) && named(name)) created.push(path.join(dir, name));
    }
    for (const [target, existed] of this.#targets) if (!existed && existsSync(target)) created.push(target);
    expect(created, 'files named like a generated id or name').toEqual([]);
  }
}

// ------------------------------------------------------------------ the store

/** Everything a caller can read of the store, and the bytes of its files. */
export interface StoreFingerprint {
  models: unknown;
  health: unknown;
  perModel: unknown[];
  predictions: unknown[];
  comparisons: unknown;
  files: Record<string, string>;
}

/**
 * listModels, health, each version's metrics and each model's training sessions, every stored
 * prediction (newest first, with its sequence number: the pages callers see), every comparison,
 * and a digest of every file in the data directory. Needs a tracker with a fixed clock (metrics
 * carry `last_evaluated`).
 */
export async function storeFingerprint(tracker: ModelPerformanceTracker, dataDir: string): Promise<StoreFingerprint> {
  const models = await tracker.listModels();
  const perModel: unknown[] = [];
  for (const model of models) {
    const versions: unknown[] = [];
    for (const version of model.versions) versions.push(await tracker.getPerformance(model.model_name, { version }));
    perModel.push({ name: model.model_name, versions, training: tracker.getTrainingHistory(model.model_name) });
  }
  const predictions: unknown[] = [];
  for await (const entry of tracker.store.newestFirst()) predictions.push(entry);
  return { models, health: tracker.health(), perModel, predictions, comparisons: tracker.listComparisons(), files: await digestTree(dataDir) };
}

/**
 * A cheap fingerprint for per-case checks: the model list, health, and how many writes, renames,
 * fsyncs and removals the store's file system has done. Every change to the store goes through
 * that file system, so a count that did not move means no file changed. (It used to hash every
 * file; the store grows with HOSTILE_RUNS, so each case cost more and a run at HOSTILE_RUNS=40
 * grew quadratically past its timeout — issue 9b.) Compare whole files once per test instead.
 */
export async function quickFingerprint(tracker: ModelPerformanceTracker, fs: RecordingFileSystem): Promise<{ models: unknown; health: unknown; writes: number }> {
  return { models: await tracker.listModels(), health: tracker.health(), writes: fs.mutatingCalls };
}

/**
 * The same value with every non-integer number rounded to 12 significant digits: mean confidences
 * are float sums, and after a restart they are added in another order (0.6833333333333332 vs
 * 0.6833333333333333), as test/support/aggregate-diff.ts explains.
 */
export function withRoundedFloats<T>(value: T): T {
  if (typeof value === 'number') return (Number.isInteger(value) ? value : Number(value.toPrecision(12))) as T;
  if (Array.isArray(value)) return value.map(withRoundedFloats) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withRoundedFloats(item)])) as T;
}
