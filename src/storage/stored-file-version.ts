import { z } from 'zod';
import { fromVersion1 } from './migrate-from-version-1.js';
import { fromVersion2 } from './migrate-from-version-2.js';
import { fromVersion3 } from './migrate-from-version-3.js';

/** Version of every file the store writes. Bump it with a migration step in `migrateStoredFile`. */
export const STORE_SCHEMA_VERSION = 4;

/** Fields every stored file starts with. */
export function storedFileHeader<K extends string>(kind: K) {
  return {
    schema_version: z.literal(STORE_SCHEMA_VERSION),
    kind: z.literal(kind),
  };
}

/** One step per version: takes a file of version N and returns it as version N + 1. */
export const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  1: fromVersion1,
  2: fromVersion2,
  3: fromVersion3,
};

/**
 * Brings a parsed file up to the current version, or explains why it cannot be read.
 * Returns the migrated object, or a reason string.
 */
export function migrateStoredFile(raw: unknown): { value: unknown } | { reason: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { value: raw };
  let current = raw as Record<string, unknown>;
  const version = current['schema_version'];
  if (typeof version !== 'number' || !Number.isInteger(version)) return { value: raw };
  if (version > STORE_SCHEMA_VERSION) {
    return {
      reason: `written by a newer hap-ml-metrics (schema_version ${version}; this one reads up to ${STORE_SCHEMA_VERSION}); upgrade hap-ml-metrics`,
    };
  }
  for (let from = version; from < STORE_SCHEMA_VERSION; from += 1) {
    const step = MIGRATIONS[from];
    if (!step) return { reason: `no migration from schema_version ${from}` };
    current = step(current);
  }
  return { value: current };
}
