import { describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { NOW, SMALL_SEGMENTS_CONFIG, minutesBefore, voicePrediction } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('arrival-order-');

/**
 * p-1..p-95 in arrival order (10 per segment: 9 sealed, 1 open): version 1.0 and 2.0 alternating
 * in runs of 7, every 5th of suggestion_engine, every 11th backfilled a day earlier, every 3rd labeled.
 */
async function logHistory(tracker: ModelPerformanceTracker, count = 95, from = 1): Promise<void> {
  for (let n = from; n < from + count; n += 1) {
    const version = Math.floor(n / 7) % 2 === 0 ? '1.0' : '2.0';
    const timestamp = n % 11 === 0 ? minutesBefore(1440 + n) : minutesBefore(1000 - n);
    const suggestion = n % 5 === 0;
    const truth = n % 3 === 0 ? { ground_truth: suggestion ? { accepted: n % 2 === 0 } : { user_id: n % 2 } } : {};
    const model = suggestion ? { model_name: 'suggestion_engine', prediction: { accepted: true, confidence: 0.9 } } : {};
    await tracker.logPrediction({ ...voicePrediction(n, { model_version: version, timestamp }), ...truth, ...model });
  }
}

async function all(iterable: AsyncIterable<PredictionLog>): Promise<PredictionLog[]> {
  const records: PredictionLog[] = [];
  for await (const record of iterable) records.push(record);
  return records;
}

const ids = (records: PredictionLog[]) => records.map((record) => record.prediction_id);

describe('PredictionStore.inArrivalOrder', () => {
  it('lists every stored record once, in the order stored, whatever their timestamps', async () => {
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => NOW });
    await logHistory(tracker);
    const records = await all(await tracker.store.inArrivalOrder());
    expect(ids(records)).toEqual(Array.from({ length: 95 }, (_, i) => `p-${i + 1}`));
    for (const record of records) expect(record).toEqual(await tracker.store.get(record.prediction_id));
  });

  it('filters by model, version and [since, until) exactly as a filter of the whole listing', async () => {
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => NOW });
    await logHistory(tracker);
    const everything = await all(await tracker.store.inArrivalOrder());
    const since = minutesBefore(960);
    const until = minutesBefore(930);
    const cases = [
      { options: { model: 'voice_recognition' }, keep: (r: PredictionLog) => r.model_name === 'voice_recognition' },
      { options: { model: 'voice_recognition', version: '2.0' }, keep: (r: PredictionLog) => r.model_name === 'voice_recognition' && r.model_version === '2.0' },
      { options: { sinceMs: Date.parse(since) }, keep: (r: PredictionLog) => r.timestamp >= since },
      { options: { untilMs: Date.parse(until) }, keep: (r: PredictionLog) => r.timestamp < until },
      {
        options: { model: 'suggestion_engine', sinceMs: Date.parse(since), untilMs: Date.parse(until) },
        keep: (r: PredictionLog) => r.model_name === 'suggestion_engine' && r.timestamp >= since && r.timestamp < until,
      },
    ];
    for (const { options, keep } of cases) {
      const expected = ids(everything.filter(keep));
      expect(expected.length, JSON.stringify(options)).toBeGreaterThan(0);
      expect(ids(await all(await tracker.store.inArrivalOrder(options))), JSON.stringify(options)).toEqual(expected);
    }
  });

  it('reads one segment at a time, only when the consumer reaches it, and skips segments with nothing asked for', async () => {
    const config = { ...SMALL_SEGMENTS_CONFIG, storage: { segment_max_records: 10, segment_cache_size: 1 } };
    const writer = await harness.open({ config, now: () => NOW });
    await logHistory(writer);
    await harness.close(writer);

    const fs = new RecordingFileSystem({ keepData: false });
    const tracker = await harness.open({ config, now: () => NOW, fs });
    const segmentReads = () => fs.calls('readFile').filter((call) => /predictions\/segment-\d+\.jsonl?$/.test(call.path)).map((call) => Number(/(\d+)\.jsonl?$/.exec(call.path)![1]));
    fs.reset();
    const iterator = (await tracker.store.inArrivalOrder())[Symbol.asyncIterator]();
    expect(segmentReads()).toEqual([]);
    for (let n = 1; n <= 90; n += 1) {
      const next = await iterator.next();
      expect(next.value?.prediction_id).toBe(`p-${n}`);
      // Record n is in segment ceil(n / 10): that segment and those before it have been read, no further.
      const segment = Math.ceil(n / 10);
      expect(segmentReads()).toEqual(Array.from({ length: segment }, (_, i) => i + 1));
    }
    await iterator.return?.(undefined);

    // Only segment 9 (p-81..p-90) and the open one reach 915 minutes before NOW: segments 1..8 are not read.
    fs.reset();
    const since = minutesBefore(915);
    const recent = await all(await tracker.store.inArrivalOrder({ sinceMs: Date.parse(since) }));
    expect(ids(recent)).toEqual(['p-85', 'p-86', 'p-87', 'p-89', 'p-90', 'p-91', 'p-92', 'p-93', 'p-94', 'p-95']);
    expect(segmentReads()).toEqual([9]);
  });

  it('lists what was stored when it was asked: records stored later are not in it, and sealing meanwhile repeats or loses none', async () => {
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => NOW });
    await logHistory(tracker, 95);
    const iterator = (await tracker.store.inArrivalOrder())[Symbol.asyncIterator]();
    const seen: string[] = [];
    for (let n = 0; n < 50; n += 1) seen.push((await iterator.next()).value!.prediction_id);
    // 25 more seal the open segment (p-91..p-100) and another, while the listing is half way.
    await logHistory(tracker, 25, 96);
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      seen.push(next.value.prediction_id);
    }
    expect(seen).toEqual(Array.from({ length: 95 }, (_, i) => `p-${i + 1}`));
  });

  it('skips raw records retention dropped; the rest are listed', async () => {
    let clock = new Date(NOW.getTime() - 400 * 86_400_000);
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => clock });
    for (let n = 1; n <= 20; n += 1) await tracker.logPrediction(voicePrediction(n, { timestamp: minutesBefore(100 - n, clock) }));
    clock = NOW;
    await logHistory(tracker, 15, 21);
    expect(await tracker.applyRetention()).toEqual({ segments: 2, records: 20 });
    expect(ids(await all(await tracker.store.inArrivalOrder()))).toEqual(Array.from({ length: 15 }, (_, i) => `p-${i + 21}`));
  });
});
