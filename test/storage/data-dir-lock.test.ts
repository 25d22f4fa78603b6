import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelPerformance } from '../../src/domain/performance.js';
import { StoreLockedError } from '../../src/storage/storage-errors.js';
import { StorageUnavailableError } from '../../src/tracker/errors.js';
import { configOverShipped } from '../../src/config/load-config.js';
import { openTracker } from '../../src/open-tracker.js';
import { SEED_TRAINING, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { spawnService, type RunningService } from '../support/spawn-service.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

async function post(service: RunningService, path: string, body: unknown): Promise<number> {
  const response = await fetch(`${service.api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

/** Every file under `root` with its size, mtime and content hash. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const info = await stat(full);
        const hash = createHash('sha256').update(await readFile(full)).digest('hex');
        out[relative(root, full)] = `${info.size} ${info.mtimeMs} ${hash}`;
      }
    }
  };
  await walk(root);
  return out;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

describe('a data dir in use by a running service', () => {
  let dir: TempDir;
  let service: RunningService;

  beforeAll(async () => {
    dir = await createTempDir('lock-');
    service = await spawnService({ dataDir: dir.path, config: SMALL_SEGMENTS_CONFIG });
    for (let n = 1; n <= 25; n += 1) {
      expect(await post(service, '/predictions', voicePrediction(n, n % 2 === 0 ? { ground_truth: { user_id: 1 } } : {}))).toBe(201);
    }
    expect(await post(service, '/predictions/p-3/ground-truth', { ground_truth: { user_id: 0 } })).toBe(200);
    expect(await post(service, '/training', SEED_TRAINING)).toBe(201);
    // A second, older version to compare with (a version compared with itself is refused).
    expect(await post(service, '/predictions', voicePrediction(26, { prediction_id: 'old-version-1', model_version: '0.9', ground_truth: { user_id: 1 } }))).toBe(201);
  });

  afterAll(async () => {
    await service?.stop();
    await dir?.remove();
  });

  it('holds the lock with its pid', async () => {
    expect(await readFile(join(dir.path, '.lock'), 'utf8')).toBe(`${service.process.pid}\n`);
  });

  it('refuses a second writer in this process, naming the pid', async () => {
    const attempt = openTracker({ dataDir: dir.path, config: SMALL_SEGMENTS_CONFIG });
    await expect(attempt).rejects.toBeInstanceOf(StoreLockedError);
    await expect(attempt).rejects.toThrow(`${dir.path} is in use by another hap-ml-metrics process (pid ${service.process.pid})`);
    expect(await readFile(join(dir.path, '.lock'), 'utf8')).toBe(`${service.process.pid}\n`);
  });

  it('refuses a second service on the same data dir', async () => {
    const second = spawnService({ dataDir: dir.path, config: SMALL_SEGMENTS_CONFIG });
    await expect(second).rejects.toThrow(`(pid ${service.process.pid})`);
    const health = await fetch(`${service.api}/health`);
    expect(health.status).toBe(200);
  });

  it('can be read by a read-only tracker, which takes no lock and writes nothing', async () => {
    const before = await snapshot(dir.path);
    const fs = new RecordingFileSystem();
    // The service read SMALL_SEGMENTS_CONFIG as a --config file, over the shipped model settings.
    const reader = await openTracker({ dataDir: dir.path, config: configOverShipped(SMALL_SEGMENTS_CONFIG, 'test'), readOnly: true, fs });
    try {
      const served = (await (await fetch(`${service.api}/models/voice_recognition`)).json()) as ModelPerformance;
      const local = await reader.getPerformance('voice_recognition');
      expect({ ...local, last_evaluated: null }).toEqual({ ...served, last_evaluated: null });
      expect(local).toMatchObject({ total_predictions: 25, labeled_predictions: 13, correct_predictions: 5 });
      const page = await reader.getPredictions('voice_recognition', { limit: 100, version: '1.0' });
      expect(page.predictions.map((p) => p.prediction_id)).toEqual(Array.from({ length: 25 }, (_, i) => `p-${25 - i}`));
      expect(await reader.store.get('p-3')).toMatchObject({ ground_truth: { user_id: 0 }, correct: true });
      expect(reader.getTrainingHistory('voice_recognition').map((s) => s.training_session_id)).toEqual([SEED_TRAINING.training_session_id]);

      await expect(reader.logPrediction(voicePrediction(99))).rejects.toThrow('the store was opened read-only');
      await expect(reader.recordGroundTruth('p-1', { correct: true })).rejects.toThrow('the store was opened read-only');
      await expect(reader.logTraining({ ...SEED_TRAINING, training_session_id: 'other' })).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(reader.applyRetention()).rejects.toThrow('read-only');
      const comparison = await reader.compareVersions('voice_recognition', { version_a: '0.9', version_b: '1.0' });
      expect(comparison.winner).toBe('inconclusive');
      expect(reader.listComparisons()).toEqual([]);
    } finally {
      await reader.close();
    }
    const mutating = fs.calls().filter((call) => ['writeFileSynced', 'rename', 'syncDirectory', 'unlink', 'mkdir'].includes(call.op));
    expect(mutating).toEqual([]);
    expect(await snapshot(dir.path)).toEqual(before);
    // The writer still works after the reader closed (the reader did not remove its lock).
    expect(await post(service, '/predictions', voicePrediction(26))).toBe(201);
    expect(await readFile(join(dir.path, '.lock'), 'utf8')).toBe(`${service.process.pid}\n`);
  });
});

describe('a stale lock', () => {
  it('is taken over when its pid is dead, and released on close', async () => {
    const dir = await createTempDir('stale-lock-');
    try {
      const pid = await deadPid();
      await writeFile(join(dir.path, '.lock'), `${pid}\n`);
      const tracker = await openTracker({ dataDir: dir.path, config: SMALL_SEGMENTS_CONFIG });
      expect(await readFile(join(dir.path, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
      await tracker.logPrediction(voicePrediction(1));
      await tracker.close();
      await expect(stat(join(dir.path, '.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await dir.remove();
    }
  });

  it('is taken over when it holds no pid at all', async () => {
    const dir = await createTempDir('stale-lock-');
    try {
      await writeFile(join(dir.path, '.lock'), 'not a pid');
      const tracker = await openTracker({ dataDir: dir.path, config: SMALL_SEGMENTS_CONFIG });
      expect(await readFile(join(dir.path, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
      await tracker.close();
    } finally {
      await dir.remove();
    }
  });
});
