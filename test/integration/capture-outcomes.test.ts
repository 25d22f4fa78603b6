import { describe, expect, it } from 'vitest';
import { CaptureOutcomes } from '../../src/integration/capture-outcomes.js';
import { StorageUnavailableError } from '../../src/tracker/errors.js';
import { recordingLogger } from '../support/recording-logger.js';

describe('CaptureOutcomes', () => {
  it('counts per event type, sorted by type', () => {
    const outcomes = new CaptureOutcomes(recordingLogger());
    outcomes.stored('voice_identified', 'captured');
    outcomes.labeled('voice_identification_confirmed');
    outcomes.stored('suggestion_accepted', 'labeled');
    outcomes.duplicate('voice_identified', 'v1');
    expect(Object.keys(outcomes.snapshot())).toEqual(['suggestion_accepted', 'voice_identification_confirmed', 'voice_identified']);
    expect(outcomes.snapshot()['voice_identified']).toEqual({ captured: 1, labeled: 0, duplicates: 1, refused: 0, unmatched: 0, failed: 0, dropped: 0 });
    expect(outcomes.snapshot()['suggestion_accepted']).toMatchObject({ labeled: 1 });
  });

  it('logs the first refusal of each kind and counts every one', () => {
    const logger = recordingLogger();
    const outcomes = new CaptureOutcomes(logger);
    outcomes.refused('voice_identified', 'bad_confidence', 'confidence (the confidence) must be a number from 0 to 1');
    outcomes.refused('voice_identified', 'bad_confidence', 'confidence (the confidence) must be a number from 0 to 1');
    outcomes.refused('voice_identified', 'bad_id', 'the prediction id must be 1 to 200 printable characters');
    expect(outcomes.snapshot()['voice_identified']?.refused).toBe(3);
    expect(logger.entries.map((entry) => entry.message)).toEqual([
      'refused a voice_identified event: confidence (the confidence) must be a number from 0 to 1',
      'refused a voice_identified event: the prediction id must be 1 to 200 printable characters',
    ]);
  });

  it('logs the store refusing writes once until it recovers', () => {
    const logger = recordingLogger();
    const outcomes = new CaptureOutcomes(logger);
    outcomes.storeRefused(new StorageUnavailableError('disk full'));
    outcomes.storeRefused(new StorageUnavailableError('disk full'));
    outcomes.storeRecovered();
    outcomes.storeRefused(new StorageUnavailableError('disk full'));
    expect(logger.entries.map((entry) => entry.level)).toEqual(['warn', 'info', 'warn']);
    expect(logger.lines[0]).toMatch(/the store cannot write: keeping hub events to retry error="disk full"$/);
  });
});
