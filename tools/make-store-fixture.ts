/**
 * Writes test/fixtures/store-vN/: a small data directory in store schema version N and the
 * answers that version computed from it (expected-vN.json). Run once, at the last commit that
 * still wrote version N (each fixture's README names it), so the data directory is what that
 * version really wrote:
 *
 *   npx tsx tools/make-store-fixture.ts N
 *
 * Version 2: the open segment one JSON document rewritten whole at each commit; version 3: sealed
 * segments JSON documents, the open segment an append-only log of JSON lines. (Version 1 has its
 * own maker: it predates ratings and null confidences.) Deterministic: fixed ids, timestamps and
 * clock.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openTracker } from '../src/open-tracker.js';
import { STORE_SCHEMA_VERSION } from '../src/storage/stored-file-version.js';

const VERSION = Number(process.argv[2]);
if (VERSION !== 2 && VERSION !== 3) throw new Error('usage: npx tsx tools/make-store-fixture.ts 2|3 (the store schema version the checked-out code writes)');
const written: number = STORE_SCHEMA_VERSION;
if (VERSION !== written) {
  throw new Error(`the checked-out code writes store schema version ${written}, not ${VERSION}: check out the commit the fixture's README names`);
}
const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', `store-v${VERSION}`);
const DATA = join(FIXTURE, 'data');
const NOW = new Date('2025-06-01T12:00:00.000Z');
const at = (minutesBefore: number) => new Date(NOW.getTime() - minutesBefore * 60_000).toISOString();

export const CONFIG = {
  schema_version: 1,
  storage: { segment_max_records: 100 },
  models: {
    voice_recognition: { label_key: 'user_id' },
    suggestion_engine: { label_key: 'accepted', task: 'binary', positive_label: true },
  },
};

async function main(): Promise<void> {
  await rm(DATA, { recursive: true, force: true });
  await mkdir(DATA, { recursive: true });
  const tracker = await openTracker({ dataDir: DATA, config: CONFIG, now: () => NOW });
  // 340 predictions over 340 minutes: segments 1-3 sealed (100 each), segment 4 open (40).
  // Every 9th prediction has no confidence; some get a rating.
  for (let n = 0; n < 340; n += 1) {
    const timestamp = at(340 - n);
    if (n % 3 === 2) {
      const accepted = n % 7 !== 0;
      await tracker.logPrediction({
        prediction_id: `s-${n}`,
        model_name: 'suggestion_engine',
        model_version: n < 170 ? '1.0' : '1.1',
        prediction: { accepted: true, suggestion: `scene_${n % 4}` },
        ...(n % 9 === 0 ? {} : { confidence: 0.4 + (n % 11) / 20 }),
        ground_truth: n % 5 === 0 ? null : { accepted },
        context: { automation: `automation.rule_${n % 3}` },
        timestamp,
      });
    } else {
      await tracker.logPrediction({
        prediction_id: `v-${n}`,
        model_name: 'voice_recognition',
        model_version: n < 200 ? '1.0' : '2.0',
        input_data: { sample: n },
        prediction: { user_id: n % 4 },
        ...(n % 9 === 0 ? {} : { confidence: 0.5 + (n % 50) / 100 }),
        ...(n % 4 === 1 ? {} : { ground_truth: { user_id: (n * 7) % 4 } }),
        context: { device: n % 2 === 0 ? 'kitchen_mic' : 'hall_mic' },
        timestamp,
      });
    }
  }
  // Ratings and labels on open-segment records (v2: the open segment rewritten; v3: label lines appended to its log).
  await tracker.recordGroundTruth('v-301', { ground_truth: { user_id: 1 }, rating: 4 });
  await tracker.recordGroundTruth('v-310', { rating: 2 });
  await tracker.recordGroundTruth('s-335', { correct: false });
  // Late labels into sealed segments: each is logged in the open segment first (v2: its label_log; v3: an intent line).
  for (let n = 1; n < 300; n += 16) {
    if (n % 3 === 2) continue;
    if (n % 4 !== 1) continue;
    await tracker.recordGroundTruth(`v-${n}`, n % 32 === 1 ? { correct: false } : { ground_truth: { user_id: 2 }, rating: 1 + (n % 5) });
  }
  await tracker.recordGroundTruth('s-5', { correct: true, labeled_at: at(10) });
  await tracker.logTraining({ model_name: 'voice_recognition', training_session_id: `train_v${VERSION}_fixture`, training_samples: 500, training_accuracy: 0.9, timestamp: at(400) });
  await tracker.compareVersions('voice_recognition', { version_a: '1.0', version_b: '2.0' });

  const expected: Record<string, unknown> = { now: NOW.toISOString(), config: CONFIG, models: await tracker.listModels(), performance: {}, predictions: {} };
  const performance = expected['performance'] as Record<string, unknown>;
  for (const [model, versions] of [['voice_recognition', ['1.0', '2.0']], ['suggestion_engine', ['1.0', '1.1']]] as const) {
    for (const version of versions) {
      for (const window of ['all', '2h', '40']) {
        performance[`${model}@${version}@${window}`] = await tracker.getPerformance(model, { version, window });
      }
    }
  }
  const predictions = expected['predictions'] as Record<string, unknown>;
  for (const id of ['v-1', 'v-17', 's-5', 'v-301', 'v-310', 's-335', 'v-339', 's-338']) predictions[id] = await tracker.getPrediction(id);
  expected['comparisons'] = tracker.listComparisons('voice_recognition');
  expected['training'] = tracker.getTrainingHistory('voice_recognition');
  expected['stats'] = tracker.store.stats();
  await tracker.close();
  await writeFile(join(FIXTURE, `expected-v${VERSION}.json`), `${JSON.stringify(expected, null, 2)}\n`);
}

await main();
