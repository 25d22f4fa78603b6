import { describe, expect, it } from 'vitest';
import type { TrainingLog } from '../../src/domain/training.js';
import type { VersionRegistration } from '../../src/domain/versions.js';
import type { BucketCounts } from '../../src/metrics/bucket-counts.js';
import { emptyCounts } from '../../src/metrics/bucket-counts.js';
import type { VersionAggregates } from '../../src/storage/aggregate-index.js';
import { buildVersionList, missingRegistrations } from '../../src/tracker/build-version-list.js';

const NOW = new Date('2024-03-01T00:00:00.000Z');
const HOUR = 3_600_000;

function aggregates(version: string, hours: Array<[string, number, number, number]>, last: string): VersionAggregates {
  const byHour = new Map<number, BucketCounts>();
  const entry: VersionAggregates = { model_name: 'm', model_version: version, first_seq: 0, last_timestamp: last, all_time: emptyCounts(), hours: byHour };
  for (const [hour, total, labeled, correct] of hours) {
    const counts = { ...emptyCounts(), total, labeled, correct };
    byHour.set(Date.parse(hour), counts);
    entry.all_time.total += total;
    entry.all_time.labeled += labeled;
    entry.all_time.correct += correct;
  }
  return entry;
}

function session(id: string, version: string, timestamp: string): TrainingLog {
  return {
    training_session_id: id,
    model_name: 'm',
    model_version: version,
    training_samples: 10,
    validation_samples: null,
    training_accuracy: 0.9,
    validation_accuracy: null,
    training_loss: null,
    validation_loss: null,
    hyperparameters: {},
    training_duration_seconds: null,
    timestamp,
  };
}

function registered(version: string, firstSeen: string, from: VersionRegistration['registered_from'] = 'prediction'): VersionRegistration {
  return { model_name: 'm', model_version: version, first_seen: firstSeen, registered_from: from, registered_at: NOW.toISOString() };
}

describe('missingRegistrations', () => {
  it('registers an unregistered version from the start of its earliest hour with predictions', () => {
    const versions = [aggregates('1.0', [['2024-02-02T05:00:00.000Z', 3, 0, 0], ['2024-02-01T07:00:00.000Z', 1, 0, 0]], '2024-02-02T05:30:00.000Z')];
    expect(missingRegistrations('m', versions, [], [], NOW)).toEqual([registered('1.0', '2024-02-01T07:00:00.000Z', 'aggregates')]);
  });

  it('skips hours whose predictions were all removed', () => {
    const versions = [aggregates('1.0', [['2024-02-01T07:00:00.000Z', 0, 0, 0], ['2024-02-01T09:00:00.000Z', 2, 0, 0]], '2024-02-01T09:10:00.000Z')];
    expect(missingRegistrations('m', versions, [], [], NOW)[0]!.first_seen).toBe('2024-02-01T09:00:00.000Z');
  });

  it('takes a training session when it is earlier than any prediction, and training-only versions', () => {
    const versions = [aggregates('2.0', [['2024-02-05T00:00:00.000Z', 1, 0, 0]], '2024-02-05T00:10:00.000Z')];
    const training = [session('t1', '2.0', '2024-02-04T10:11:12.000Z'), session('t2', '3.0', '2024-02-06T00:00:00.000Z')];
    expect(missingRegistrations('m', versions, training, [], NOW)).toEqual([
      registered('2.0', '2024-02-04T10:11:12.000Z', 'training'),
      registered('3.0', '2024-02-06T00:00:00.000Z', 'training'),
    ]);
  });

  it('leaves registered versions alone, also those of the same version number in another model', () => {
    const versions = [aggregates('1.0', [['2024-02-01T00:00:00.000Z', 1, 0, 0]], '2024-02-01T00:00:00.000Z')];
    const other = { ...registered('1.0', '2024-01-01T00:00:00.000Z'), model_name: 'other' };
    expect(missingRegistrations('m', versions, [], [registered('1.0', '2024-02-01T00:10:00.000Z')], NOW)).toEqual([]);
    expect(missingRegistrations('m', versions, [], [other], NOW)).toHaveLength(1);
  });
});

describe('buildVersionList', () => {
  it('lists versions in natural order with all-time figures, training sessions oldest first, the default one current', () => {
    const versions = [
      aggregates('1.9', [[new Date(NOW.getTime() - 50 * HOUR).toISOString(), 10, 4, 3]], '2024-02-27T23:00:00.000Z'),
      aggregates('1.10', [[new Date(NOW.getTime() - 10 * HOUR).toISOString(), 5, 0, 0]], '2024-02-29T15:00:00.000Z'),
    ];
    const training = [session('late', '1.10', '2024-02-29T20:00:00.000Z'), session('early', '1.10', '2024-02-28T01:00:00.000Z')];
    const list = buildVersionList(
      'm',
      [registered('1.10', '2024-02-28T01:00:00.000Z', 'training'), registered('1.9', '2024-02-27T22:05:00.000Z')],
      versions,
      training,
      '1.10',
    );
    expect(list.model_name).toBe('m');
    expect(list.versions.map((v) => v.model_version)).toEqual(['1.9', '1.10']);
    expect(list.versions[0]).toEqual({
      model_version: '1.9',
      first_seen: '2024-02-27T22:05:00.000Z',
      last_seen: '2024-02-27T23:00:00.000Z',
      registered_from: 'prediction',
      total_predictions: 10,
      labeled_predictions: 4,
      accuracy: 0.75,
      training_sessions: [],
      current: false,
    });
    expect(list.versions[1]).toMatchObject({
      model_version: '1.10',
      last_seen: '2024-02-29T20:00:00.000Z',
      accuracy: null,
      training_sessions: ['early', 'late'],
      current: true,
    });
  });

  it('lists a registered version with no predictions with zero counts and last_seen = first_seen', () => {
    const list = buildVersionList('m', [registered('2.0', '2024-02-01T00:00:00.000Z', 'training')], [], [], '1.0');
    expect(list.versions).toEqual([
      expect.objectContaining({ model_version: '2.0', total_predictions: 0, labeled_predictions: 0, accuracy: null, last_seen: '2024-02-01T00:00:00.000Z', current: false }),
    ]);
  });

  it("shows only the model's own registrations", () => {
    const other = { ...registered('9.0', '2024-02-01T00:00:00.000Z'), model_name: 'other' };
    expect(buildVersionList('m', [other], [], [], '1.0').versions).toEqual([]);
  });
});
