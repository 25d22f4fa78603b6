import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configOverShipped } from '../../src/config/load-config.js';
import { openTracker } from '../../src/open-tracker.js';
import { PROJECT_ROOT } from '../support/spawn-service.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/** `hap ml-metrics doctor` and `repair`, run as a user would, on a store with damaged files. */

// What `--config` with this file gives (read over the shipped model settings), so the store is written as the CLI reads it.
const CONFIG = configOverShipped({ schema_version: 1, storage: { segment_max_records: 10 }, models: { voice_recognition: { label_key: 'user_id' } } }, 'test');

let dir: TempDir;
let dataDir: string;
let configPath: string;

function hap(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'hap.js'), 'ml-metrics', ...args, '--data-dir', dataDir, '--config', configPath], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(async () => {
  dir = await createTempDir('hap-doctor-');
  dataDir = join(dir.path, 'data');
  configPath = join(dir.path, 'config.json');
  await writeFile(configPath, JSON.stringify(CONFIG));
  const tracker = await openTracker({ dataDir, config: CONFIG });
  for (let i = 0; i < 35; i += 1) {
    await tracker.logPrediction({
      prediction_id: `p${i}`,
      model_name: 'voice_recognition',
      prediction: { user_id: i % 3 },
      confidence: 0.5,
      ground_truth: { user_id: i % 2 },
    });
  }
  await tracker.logTraining({ model_name: 'voice_recognition', training_samples: 10, training_accuracy: 0.9 });
  await tracker.close();
});

afterEach(async () => {
  await dir.remove();
});

describe('hap ml-metrics doctor and repair', () => {
  it('finds nothing wrong in a sound store', () => {
    const result = hap('doctor');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/every file reads and validates/);
  });

  it('names every damaged file; repair salvages what reads, sets aside nothing else, prints what was kept and lost per file, and the store opens again', async () => {
    const segment2 = join(dataDir, 'predictions', 'segment-00000002.jsonl');
    const original2 = await readFile(segment2, 'utf8');
    const cut = Math.floor(original2.length / 2);
    const truncated = original2.slice(0, cut);
    await writeFile(segment2, truncated);
    // The records whose whole line (newline included) lies before the cut are the ones that survive.
    const survivors = original2
      .split('\n')
      .filter((line) => line.startsWith('{"record":') && truncated.includes(`${line}\n`))
      .map((line) => (JSON.parse(line) as { record: { prediction_id: string } }).record.prediction_id);
    await writeFile(join(dataDir, 'training.json'), 'not json at all');
    await rm(join(dataDir, 'aggregates', 'segment-00000003.json'));
    const summary1 = join(dataDir, 'aggregates', 'segment-00000001.json');
    const stored1 = JSON.parse(await readFile(summary1, 'utf8')) as { groups: Array<{ buckets: Array<{ correct: number }> }> };
    stored1.groups[0]!.buckets[0]!.correct += 3;
    await writeFile(summary1, JSON.stringify(stored1));

    const doctor = hap('doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('4 problem(s)');
    expect(doctor.stdout).toMatch(new RegExp(`predictions/segment-00000002\\.jsonl: line \\d+ \\(byte \\d+\\): the line is cut short.*repair keeps ${survivors.length} predictions; loses ${10 - survivors.length}; the file ends early.*fresh file`));
    expect(doctor.stdout).toMatch(/training\.json: not valid JSON/);
    expect(doctor.stdout).toMatch(/aggregates\/segment-00000003\.json: sealed segment 3 has no summary/);
    expect(doctor.stdout).toMatch(/aggregates\/segment-00000001\.json: its counts differ/);

    // The service refuses to start on the damaged store, says what to run, and leaves the bad file as it was.
    // (sealed segments are validated when read; start-up reads summaries, so it stops at training.json)
    await expect(openTracker({ dataDir, config: CONFIG })).rejects.toThrow(/training\.json is unreadable.*hap ml-metrics repair/s);
    expect(await readFile(segment2, 'utf8')).toBe(truncated);

    const repair = hap('repair');
    expect(repair.code).toBe(0);
    const kept = 25 + survivors.length;
    expect(repair.stdout).toMatch(new RegExp(`kept 4 segment\\(s\\) holding ${kept} prediction\\(s\\)`));
    expect(repair.stdout).toMatch(/salvaged \(each original is in quarantine\/.*untouched\)/);
    expect(repair.stdout).toContain(`predictions/segment-00000002.jsonl: kept ${survivors.length} prediction(s), lost ${10 - survivors.length} (the file was cut off)`);
    expect(repair.stdout).toContain('training.json: nothing in it could be read');
    expect(repair.stdout).toMatch(/recomputed from their segments:\n(.*\n)*\s+aggregates\/segment-00000001\.json/);

    const [stamp] = await readdir(join(dataDir, 'quarantine'));
    const quarantined = await readdir(join(dataDir, 'quarantine', stamp!));
    expect(quarantined.sort()).toEqual(['predictions__segment-00000002.jsonl', 'training.json']);
    expect(await readFile(join(dataDir, 'quarantine', stamp!, 'predictions__segment-00000002.jsonl'), 'utf8')).toBe(truncated);

    expect(hap('doctor').code).toBe(0);
    const tracker = await openTracker({ dataDir, config: CONFIG });
    try {
      expect(tracker.health().stored_predictions).toBe(kept);
      const performance = await tracker.getPerformance('voice_recognition');
      expect(performance.total_predictions).toBe(kept);
      const rebuilt = await tracker.store.rebuildAggregates();
      expect(rebuilt.sum('voice_recognition', '1.0', null, null)).toEqual(tracker.store.aggregates.sum('voice_recognition', '1.0', null, null));
      for (const id of survivors) expect(await tracker.getPrediction(id)).not.toBeNull();
      expect(await tracker.getPrediction('p19')).toBeNull();
      expect(await tracker.getPrediction('p22')).not.toBeNull();
    } finally {
      await tracker.close();
    }
  });

  it('repair refuses while the service holds the store', async () => {
    const tracker = await openTracker({ dataDir, config: CONFIG });
    try {
      const repair = hap('repair');
      expect(repair.code).toBe(1);
      expect(repair.stderr.trim().split('\n')).toHaveLength(1);
      expect(repair.stderr).toMatch(/^hap: .*in use by another hap-ml-metrics process.*repair needs the service stopped/);
    } finally {
      await tracker.close();
    }
  });
});
