import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from './temp-dir.js';

/** A test's own copy of a committed store fixture (test/fixtures/store-vN): its data directory and its config file. */
export interface StoreFixtureCopy {
  dir: TempDir;
  dataDir: string;
  configPath: string;
}

/** Copies `fixture`/data into a fresh temp directory and writes `config` beside it. */
export async function copyStoreFixture(fixture: string, config: unknown, prefix: string): Promise<StoreFixtureCopy> {
  const dir = await createTempDir(prefix);
  const dataDir = join(dir.path, 'data');
  const configPath = join(dir.path, 'config.json');
  await cp(join(fixture, 'data'), dataDir, { recursive: true });
  await writeFile(configPath, JSON.stringify(config));
  return { dir, dataDir, configPath };
}

/** Every file of a data directory's predictions/ and aggregates/, by `sub/name`, with its text. */
export async function storeFiles(dataDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const sub of ['predictions', 'aggregates']) for (const name of await readdir(join(dataDir, sub))) files.set(`${sub}/${name}`, await readFile(join(dataDir, sub, name), 'utf8'));
  return files;
}

/**
 * Floats to 12 significant digits: a confidence mean is a float sum whose last digit depends on
 * the order its terms were added and removed in (a live process that relabeled; a reopened store
 * adds them once). Every count is compared exactly.
 */
export function rounded(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value)) return Number(value.toPrecision(12));
  if (Array.isArray(value)) return value.map(rounded);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rounded(item)]));
  return value;
}
