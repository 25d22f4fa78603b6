import { expect } from 'vitest';
import type { AggregateReader } from '../../src/storage/aggregate-index.js';
import type { BucketCounts } from '../../src/metrics/bucket-counts.js';

/** Largest difference allowed between two confidence sums (they are float sums in different orders). */
export const CONFIDENCE_TOLERANCE = 1e-9;

function diffCounts(where: string, actual: BucketCounts | undefined, expected: BucketCounts | undefined, out: string[]): void {
  if (!actual || !expected) {
    if (actual !== expected) out.push(`${where}: ${actual ? 'unexpected' : 'missing'}`);
    return;
  }
  for (const field of ['total', 'labeled', 'correct'] as const) {
    if (actual[field] !== expected[field]) out.push(`${where}.${field}: ${actual[field]} !== ${expected[field]}`);
  }
  if (Math.abs(actual.confidence_sum - expected.confidence_sum) > CONFIDENCE_TOLERANCE) {
    out.push(`${where}.confidence_sum: ${actual.confidence_sum} vs ${expected.confidence_sum}`);
  }
  const keys = new Set([...actual.cells.keys(), ...expected.cells.keys()]);
  for (const key of [...keys].sort()) {
    const a = actual.cells.get(key);
    const e = expected.cells.get(key);
    if (a !== e) out.push(`${where}.cells[${JSON.stringify(key)}]: ${a} !== ${e}`);
  }
}

/**
 * Every difference between two aggregate indexes: models, versions, each version's first_seq,
 * last_timestamp, all-time counts and every hour bucket (confidence sums within
 * CONFIDENCE_TOLERANCE). Empty when they agree; use `expect(diffAggregates(a, b)).toEqual([])`.
 */
export function diffAggregates(actual: AggregateReader, expected: AggregateReader): string[] {
  const out: string[] = [];
  const models = new Set([...actual.models(), ...expected.models()]);
  for (const model of [...models].sort()) {
    const versions = new Set([...actual.versions(model), ...expected.versions(model)].map((v) => v.model_version));
    for (const version of [...versions].sort()) {
      const where = `${model}@${version}`;
      const a = actual.get(model, version);
      const e = expected.get(model, version);
      if (!a || !e) {
        out.push(`${where}: ${a ? 'unexpected' : 'missing'} version`);
        continue;
      }
      if (a.first_seq !== e.first_seq) out.push(`${where}.first_seq: ${a.first_seq} !== ${e.first_seq}`);
      if (a.last_timestamp !== e.last_timestamp) out.push(`${where}.last_timestamp: ${a.last_timestamp} !== ${e.last_timestamp}`);
      diffCounts(`${where}.all_time`, a.all_time, e.all_time, out);
      const hours = new Set([...a.hours.keys(), ...e.hours.keys()]);
      for (const hour of [...hours].sort((x, y) => x - y)) {
        diffCounts(`${where}.hours[${new Date(hour).toISOString()}]`, a.hours.get(hour), e.hours.get(hour), out);
      }
    }
  }
  return out;
}

/**
 * Expects metrics (ModelPerformance objects, listModels() rows) to be equal, except that mean
 * confidences may differ by CONFIDENCE_TOLERANCE: after a restart they are sums of stored per-hour
 * sums, added in another order than the live running sum (0.73 vs 0.7299999999999999).
 */
export function expectSameMetrics<T extends { confidence: number | null }>(actual: T | T[], expected: T | T[]): void {
  const a = Array.isArray(actual) ? actual : [actual];
  const e = Array.isArray(expected) ? expected : [expected];
  expect(a.map((item) => ({ ...item, confidence: null }))).toEqual(e.map((item) => ({ ...item, confidence: null })));
  a.forEach((item, i) => {
    const other = e[i]!.confidence;
    if (item.confidence === null || other === null) expect(item.confidence).toBe(other);
    else expect(Math.abs(item.confidence - other)).toBeLessThanOrEqual(CONFIDENCE_TOLERANCE);
  });
}
