import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/tracker/errors.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { fixedClock, minutesBefore, NOW, SEED_TRAINING, voicePrediction } from '../support/predictions.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('version-registry-');
const config = (models: Record<string, unknown> = {}) => ({ schema_version: 1, models });

describe('the versions registry', () => {
  it('registers a version the first time a prediction of it is stored, at the prediction\'s own time', async () => {
    const tracker = await harness.open({ config: config(), now: fixedClock });
    await tracker.logPrediction(voicePrediction(1, { model_version: '1.9', timestamp: minutesBefore(300) }));
    await tracker.logPrediction(voicePrediction(2, { model_version: '1.9', timestamp: minutesBefore(100), ground_truth: { user_id: 2 } }));
    await tracker.logPrediction(voicePrediction(3, { model_version: '1.10', timestamp: minutesBefore(50), ground_truth: { user_id: 1 } }));
    const list = tracker.listVersions('voice_recognition');
    expect(list.versions.map((v) => [v.model_version, v.first_seen, v.last_seen, v.registered_from, v.total_predictions, v.labeled_predictions, v.accuracy, v.current])).toEqual([
      ['1.9', minutesBefore(300), minutesBefore(100), 'prediction', 2, 1, 1, false],
      ['1.10', minutesBefore(50), minutesBefore(50), 'prediction', 1, 1, 0, true],
    ]);
    const file = JSON.parse(await readFile(join(harness.dir.path, 'versions.json'), 'utf8')) as { kind: string; document: unknown[] };
    expect(file.kind).toBe('version-registry');
    expect(file.document).toHaveLength(2);
  });

  it('keeps first_seen when an older prediction of a registered version arrives later', async () => {
    const tracker = await harness.open({ config: config(), now: fixedClock });
    await tracker.logPrediction(voicePrediction(1, { timestamp: minutesBefore(10) }));
    await tracker.logPrediction(voicePrediction(2, { timestamp: minutesBefore(500) }));
    const [entry] = tracker.listVersions('voice_recognition').versions;
    expect(entry!.first_seen).toBe(minutesBefore(10));
    expect(entry!.total_predictions).toBe(2);
  });

  it('registers versions of training sessions, lists their ids, and marks the configured current version', async () => {
    const tracker = await harness.open({ config: config({ voice_recognition: { current_version: '2.0' } }), now: fixedClock });
    await tracker.logPrediction(voicePrediction(1, { model_version: '1.0' }));
    await tracker.logTraining({ ...SEED_TRAINING, model_version: '2.0', timestamp: '2024-01-14T08:00:00.000Z' });
    const list = tracker.listVersions('voice_recognition');
    expect(list.versions.map((v) => [v.model_version, v.registered_from, v.training_sessions, v.current])).toEqual([
      ['1.0', 'prediction', [], false],
      ['2.0', 'training', ['train_20240115_001'], true],
    ]);
  });

  it('survives a restart unchanged, and registers the versions of a store that predates it from the aggregates', async () => {
    const first = await harness.open({ config: config(), now: fixedClock });
    await first.logPrediction(voicePrediction(1, { model_version: '1.0', timestamp: '2024-01-10T07:41:00.000Z' }));
    const before = first.listVersions('voice_recognition');
    await harness.close(first);

    const reopened = await harness.open({ config: config(), now: fixedClock });
    expect(reopened.listVersions('voice_recognition')).toEqual(before);
    await harness.close(reopened);

    // As if the store were written before the registry existed.
    await rm(join(harness.dir.path, 'versions.json'));
    const logger = recordingLogger();
    const later = await harness.open({ config: config(), now: fixedClock, logger });
    const [entry] = later.listVersions('voice_recognition').versions;
    expect(entry).toMatchObject({ model_version: '1.0', first_seen: '2024-01-10T07:00:00.000Z', registered_from: 'aggregates' });
    expect(logger.entries.some((entry) => entry.message === 'registered a new model version' && entry.fields?.['from'] === 'aggregates')).toBe(true);
    const file = JSON.parse(await readFile(join(harness.dir.path, 'versions.json'), 'utf8')) as { document: Array<{ registered_at: string }> };
    expect(file.document).toEqual([expect.objectContaining({ registered_from: 'aggregates', registered_at: NOW.toISOString() })]);
  });

  it('answers read-only (the CLI beside a service) without writing, and 404 for an unknown model', async () => {
    const writer = await harness.open({ config: config(), now: fixedClock });
    await writer.logPrediction(voicePrediction(1));
    await harness.close(writer);
    await rm(join(harness.dir.path, 'versions.json'));
    const reader = await harness.open({ config: config(), now: fixedClock, readOnly: true });
    expect(reader.listVersions('voice_recognition').versions.map((v) => v.registered_from)).toEqual(['aggregates']);
    await expect(readFile(join(harness.dir.path, 'versions.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => reader.listVersions('nobody')).toThrow(NotFoundError);
  });

  it('stores the prediction when the registration cannot be written, warns, and registers it with the next prediction', async () => {
    const fs = new RecordingFileSystem();
    const logger = recordingLogger();
    const tracker = await harness.open({ config: config(), now: fixedClock, fs, logger });
    fs.fault = (call) => (call.path.includes('versions.json') && call.op !== 'readFile' ? 'ENOSPC' : null);
    await expect(tracker.logPrediction(voicePrediction(1, { model_version: '3.0' }))).resolves.toMatchObject({ prediction_id: 'p-1' });
    expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message)).toContain(
      'could not register a model version; it is registered again at the next start',
    );
    // Still listed, as the next start would register it.
    expect(tracker.listVersions('voice_recognition').versions.map((v) => [v.model_version, v.registered_from])).toEqual([['3.0', 'aggregates']]);

    fs.fault = null;
    await tracker.logPrediction(voicePrediction(2, { model_version: '3.0' }));
    expect(tracker.listVersions('voice_recognition').versions.map((v) => [v.model_version, v.registered_from, v.first_seen])).toEqual([
      ['3.0', 'prediction', voicePrediction(2).timestamp],
    ]);
  });
});
