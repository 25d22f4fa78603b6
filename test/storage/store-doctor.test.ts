import { appendFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { diagnoseStore, repairStore } from '../../src/storage/store-doctor.js';
import { LabelResolver } from '../../src/tracker/label-resolver.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/** `repair` salvages every record of a damaged file that still reads; it loses only what is gone. */

const CONFIG = { schema_version: 1, storage: { segment_max_records: 10 }, models: { voice_recognition: { label_key: 'user_id' } } };
const TOTAL = 35;
const TRAININGS = 4;

let dir: TempDir;
let dataDir: string;

const labels = new LabelResolver(ConfigSchema.parse(CONFIG).models);
const doctorOptions = () => ({ dataDir, contribute: labels.contribute, labelFingerprint: labels.fingerprint });
const segmentPath = (n: number) => join(dataDir, 'predictions', `segment-${String(n).padStart(8, '0')}.json`);
/** A segment's log: the open one, and every sealed one since schema version 4. */
const logPath = (n: number) => `${segmentPath(n)}l`;

async function allPredictionIds(tracker: ModelPerformanceTracker): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await tracker.getPredictions('voice_recognition', { limit: 7, ...(cursor ? { cursor } : {}) });
    ids.push(...page.predictions.map((prediction) => prediction.prediction_id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return ids.sort();
}

/** Opens the repaired store and checks it agrees with itself: listing, counts and aggregates. */
async function reopened(check: (tracker: ModelPerformanceTracker, ids: string[]) => Promise<void> | void): Promise<void> {
  expect(await diagnoseStore(doctorOptions())).toEqual([]);
  const tracker = await openTracker({ dataDir, config: CONFIG });
  try {
    const ids = await allPredictionIds(tracker);
    expect(tracker.health().stored_predictions).toBe(ids.length);
    expect((await tracker.getPerformance('voice_recognition')).total_predictions).toBe(ids.length);
    const rebuilt = await tracker.store.rebuildAggregates();
    expect(rebuilt.sum('voice_recognition', '1.0', null, null)).toEqual(tracker.store.aggregates.sum('voice_recognition', '1.0', null, null));
    await check(tracker, ids);
  } finally {
    await tracker.close();
  }
}

async function quarantined(): Promise<Map<string, string>> {
  const [stamp] = await readdir(join(dataDir, 'quarantine'));
  const folder = join(dataDir, 'quarantine', stamp!);
  const files = new Map<string, string>();
  for (const name of await readdir(folder)) files.set(name, await readFile(join(folder, name), 'utf8'));
  return files;
}

beforeEach(async () => {
  dir = await createTempDir('hap-salvage-');
  dataDir = join(dir.path, 'data');
  const tracker = await openTracker({ dataDir, config: CONFIG });
  for (let i = 0; i < TOTAL; i += 1) {
    await tracker.logPrediction({ prediction_id: `p${i}`, model_name: 'voice_recognition', prediction: { user_id: i % 3 }, confidence: 0.5, ground_truth: { user_id: i % 2 } });
  }
  for (let i = 0; i < TRAININGS; i += 1) await tracker.logTraining({ model_name: 'voice_recognition', training_samples: 10 + i, training_accuracy: 0.9 });
  await tracker.close();
});

afterEach(async () => {
  await dir.remove();
});

describe('repair salvages damaged segments', () => {
  it('a sealed log with a garbage line at its end keeps every record, and its original is kept untouched', async () => {
    const path = logPath(2);
    await appendFile(path, 'this line is garbage\n');
    const damaged = await readFile(path, 'utf8');
    const before = (await diagnoseStore(doctorOptions())).find((problem) => problem.file === 'predictions/segment-00000002.jsonl');
    // Only the open log's last line may be unreadable (a commit never acknowledged); in a sealed one it is damage.
    expect(before).toMatchObject({ kind: 'unreadable', repair: 'salvage', detail: expect.stringMatching(/^line 12 \(byte \d+\): not valid JSON/) });
    // Start-up reads summaries only; reading the log (the background check, a query) names the line.
    const tracker = await openTracker({ dataDir, config: CONFIG });
    await expect(tracker.store.verifySealedSegment(2)).rejects.toThrow(/segment-00000002\.jsonl is unreadable \(line 12 \(byte \d+\): not valid JSON/);
    await tracker.close();

    const report = await repairStore(doctorOptions());
    expect(report.salvaged).toEqual([{ file: 'predictions/segment-00000002.jsonl', kept: 10, lost: 1, cut_off: false, trailing_lines: 0, lost_exact: true }]);
    expect(report.set_aside).toEqual([]);
    expect(report.kept_predictions).toBe(TOTAL);
    expect(await quarantined()).toEqual(new Map([['predictions__segment-00000002.jsonl', damaged]]));
    await reopened((_tracker, ids) => expect(ids).toHaveLength(TOTAL));
  });

  it('a truncated sealed log loses only the records whose lines are gone (its summary says how many)', async () => {
    const path = logPath(2);
    const original = await readFile(path, 'utf8');
    const cut = Math.floor(original.length * 0.55);
    await writeFile(path, original.slice(0, cut));
    // The records whose whole line, newline included, lies before the cut are still there.
    let offset = 0;
    const whole: string[] = [];
    for (const line of original.split('\n')) {
      if (line.startsWith('{"record":') && offset + line.length + 1 <= cut) whole.push((JSON.parse(line) as { record: { prediction_id: string } }).record.prediction_id);
      offset += line.length + 1;
    }
    expect(whole.length).toBeGreaterThan(0);
    expect(whole.length).toBeLessThan(10);

    const report = await repairStore(doctorOptions());
    expect(report.salvaged).toEqual([{ file: 'predictions/segment-00000002.jsonl', kept: whole.length, lost: 10 - whole.length, cut_off: true, trailing_lines: 0, lost_exact: true }]);
    expect(report.rebuilt).toContain('aggregates/segment-00000002.json');
    await reopened(async (tracker, ids) => {
      expect(ids).toHaveLength(TOTAL - 10 + whole.length);
      for (const id of whole) expect(await tracker.getPrediction(id)).not.toBeNull();
    });
  });

  it('a garbage line in the middle of a sealed log costs only its record', async () => {
    const path = logPath(1);
    const lines = (await readFile(path, 'utf8')).split('\n');
    const victim = (JSON.parse(lines[4]!) as { record: { prediction_id: string } }).record.prediction_id;
    lines[4] = '{"record":{"prediction_id":"half a rec';
    await writeFile(path, lines.join('\n'));
    // Without its summary, start-up reads the sealed log to rebuild it, and refuses it.
    await rm(join(dataDir, 'aggregates', 'segment-00000001.json'));
    await expect(openTracker({ dataDir, config: CONFIG })).rejects.toThrow(/segment-00000001\.jsonl is unreadable \(line 5 \(byte \d+\): not valid JSON/);

    const report = await repairStore(doctorOptions());
    expect(report.salvaged).toEqual([{ file: 'predictions/segment-00000001.jsonl', kept: 9, lost: 1, cut_off: false, trailing_lines: 0, lost_exact: true }]);
    expect(report.rebuilt).toContain('aggregates/segment-00000001.json');
    await reopened(async (tracker, ids) => {
      expect(ids).toHaveLength(TOTAL - 1);
      expect(await tracker.getPrediction(victim)).toBeNull();
    });
  });

  it('the open segment\'s log cut off mid-line is no damage: doctor finds nothing, start-up drops the torn line and keeps every whole record', async () => {
    const path = logPath(4);
    const original = await readFile(path, 'utf8');
    const lastRecord = original.lastIndexOf('{"record":');
    await writeFile(path, original.slice(0, lastRecord + 20));
    expect(await diagnoseStore(doctorOptions())).toEqual([]);
    await reopened(async (tracker, ids) => {
      expect(ids).toHaveLength(TOTAL - 1);
      await tracker.logPrediction({ prediction_id: 'after-cut', model_name: 'voice_recognition', prediction: { user_id: 1 } });
    });
    // The torn line was cut away; the new prediction follows the last whole line.
    expect((await readFile(path, 'utf8')).startsWith(`${original.slice(0, lastRecord)}{"record":{"prediction_id":"after-cut"`)).toBe(true);
  });

  it('a garbage line in the middle of the open segment\'s log costs only its record', async () => {
    const path = logPath(4);
    const lines = (await readFile(path, 'utf8')).split('\n');
    const victim = (JSON.parse(lines[2]!) as { record: { prediction_id: string } }).record.prediction_id;
    lines[2] = '{"record":{"prediction_id":"half a rec';
    await writeFile(path, lines.join('\n'));
    const damaged = await readFile(path, 'utf8');
    await expect(openTracker({ dataDir, config: CONFIG })).rejects.toThrow(/segment-00000004\.jsonl is unreadable \(line 3 \(byte \d+\): not valid JSON/);

    const report = await repairStore(doctorOptions());
    expect(report.salvaged).toEqual([{ file: 'predictions/segment-00000004.jsonl', kept: 4, lost: 1, cut_off: false, trailing_lines: 0, lost_exact: true }]);
    expect(await quarantined()).toEqual(new Map([['predictions__segment-00000004.jsonl', damaged]]));
    await reopened(async (tracker, ids) => {
      expect(ids).toHaveLength(TOTAL - 1);
      expect(await tracker.getPrediction(victim)).toBeNull();
      await tracker.logPrediction({ prediction_id: 'after-repair', model_name: 'voice_recognition', prediction: { user_id: 1 } });
    });
  });
});

describe('repair salvages damaged training and comparison logs', () => {
  it('keeps every readable training session of a log with a damaged line and trailing garbage; the service names doctor and repair', async () => {
    const path = join(dataDir, 'training.json');
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[2] = 'garbage';
    await writeFile(path, `${lines.join('\n')}more garbage\n`);
    const damaged = await readFile(path, 'utf8');
    await expect(openTracker({ dataDir, config: CONFIG })).rejects.toThrow(/training\.json is unreadable.*hap ml-metrics doctor.*hap ml-metrics repair/s);

    const report = await repairStore(doctorOptions());
    expect(report.salvaged).toEqual([{ file: 'training.json', kept: TRAININGS - 1, lost: 1, cut_off: false, trailing_lines: 1, lost_exact: true }]);
    expect(await quarantined()).toEqual(new Map([['training.json', damaged]]));
    await reopened((tracker) => {
      expect(tracker.getTrainingHistory('voice_recognition')).toHaveLength(TRAININGS - 1);
    });
  });

  it('salvages a log written pretty-printed (as before one entry per line), entry by entry', async () => {
    const path = join(dataDir, 'training.json');
    const stored = JSON.parse(await readFile(path, 'utf8')) as { document: Array<{ training_session_id: string }> };
    const pretty = JSON.stringify(stored, null, 2).split('\n');
    // Damage the second entry's first field line: that entry is lost, the others read.
    const second = pretty.findIndex((line) => line.includes(stored.document[1]!.training_session_id));
    pretty[second] = '      "training_session_id": "broken';
    await writeFile(path, `${pretty.join('\n')}\n`);

    const report = await repairStore(doctorOptions());
    expect(report.salvaged).toEqual([{ file: 'training.json', kept: TRAININGS - 1, lost: 1, cut_off: false, trailing_lines: 0, lost_exact: true }]);
    await reopened((tracker) => {
      const ids = tracker.getTrainingHistory('voice_recognition').map((entry) => entry.training_session_id);
      expect(ids.sort()).toEqual(stored.document.filter((_, index) => index !== 1).map((entry) => entry.training_session_id).sort());
    });
  });
});
