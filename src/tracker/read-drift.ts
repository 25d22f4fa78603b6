import type { Drift } from '../domain/drift.js';
import { DriftQuerySchema } from '../domain/drift.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { PredictionStore } from '../storage/prediction-store.js';
import { buildDrift } from './build-drift.js';
import { DRIFT_FALLBACK_WINDOW, resolveDriftRanges } from './drift-ranges.js';
import type { LabelResolver } from './label-resolver.js';
import { parseInput } from './parse-input.js';
import { throughStore } from './storage-failure.js';

/** What the drift answer reads: the store, how records turn into labels, the sensors' window (the current window's default length). */
export interface DriftSources {
  store: PredictionStore;
  labels: LabelResolver;
  driftWindow: string | undefined;
}

/**
 * The drift answer of one model (`name`, known) for a query (validated here): `version` picks the
 * version (the asked one, checked, or the default), the windows are resolved against `now`
 * (drift-ranges.ts) and compared from the raw records (build-drift.ts).
 */
export async function readDrift(sources: DriftSources, name: string, query: unknown, now: Date, version: (asked: string | undefined) => string): Promise<Drift> {
  const parsed = parseInput(DriftQuerySchema, query, 'query');
  const modelVersion = version(parsed.version);
  const ranges = resolveDriftRanges(parsed, sources.driftWindow ?? DRIFT_FALLBACK_WINDOW, now);
  const predicted = (record: PredictionLog): string => sources.labels.classes(record).predicted;
  return throughStore(() => buildDrift(sources.store.newestFirst({ model: name }), { model_name: name, model_version: modelVersion, ...ranges, predicted }));
}
