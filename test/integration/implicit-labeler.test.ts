import { describe, expect, it } from 'vitest';
import { ImplicitLabeler } from '../../src/integration/implicit-labeler.js';
import { silentLogger } from '../../src/logging/logger.js';
import { minutesBefore, NOW, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('implicit-labeler-');

describe('ImplicitLabeler', () => {
  it('labels a sweep’s due predictions in one commit (one append to the open log), leaving labelled and recent ones alone', async () => {
    const fs = new RecordingFileSystem();
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => NOW, fs });
    // p-n is made n minutes before NOW: p-1..p-4 are recent, p-5..p-25 due (older than 5 minutes).
    for (let n = 1; n <= 25; n += 1) await tracker.logPrediction(voicePrediction(n, { timestamp: minutesBefore(n), ...(n === 7 ? { ground_truth: { user_id: 3 } } : {}) }));
    const labeler = new ImplicitLabeler({ tracker, rules: { voice_recognition: { after_seconds: 300, label: 'correct' } }, logger: silentLogger, now: () => NOW });

    const appendsBefore = fs.calls('appendFileSynced').length;
    expect(await labeler.sweep()).toBe(20);
    expect(fs.calls('appendFileSynced').length - appendsBefore).toBe(1);
    expect(await tracker.getPrediction('p-5')).toMatchObject({ correct: true, ground_truth_source: 'implicit' });
    expect(await tracker.getPrediction('p-25')).toMatchObject({ correct: true, ground_truth_source: 'implicit' });
    expect(await tracker.getPrediction('p-7')).toMatchObject({ ground_truth: { user_id: 3 }, ground_truth_source: 'inline' });
    expect(await tracker.getPrediction('p-4')).toMatchObject({ correct: null });
    expect(await labeler.sweep()).toBe(0);
  });
});
