/** ADWIN on the requirements, seeded: a 95 % → 60 % drop found within 150 predictions, no alarm on 400 stable ones. */
import { describe, expect, it } from 'vitest';
import { Adwin, adwinChanges } from '../../src/metrics/adwin.js';
import { mulberry32 } from '../support/seeded-random.js';

function bernoulli(random: () => number, segments: Array<[rate: number, count: number]>): number[] {
  return segments.flatMap(([rate, count]) => Array.from({ length: count }, () => (random() < rate ? 1 : 0)));
}

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);

describe('ADWIN', () => {
  it.each(SEEDS)('finds a drop from 95 %% to 60 %% within 150 predictions (seed %i)', (seed) => {
    const values = bernoulli(mulberry32(seed), [[0.95, 400], [0.6, 400]]);
    const changes = adwinChanges(values);
    const first = changes.find((change) => change.index >= 400);
    expect(changes.filter((change) => change.index < 400)).toEqual([]);
    expect(first).toBeDefined();
    expect(first!.index - 400).toBeLessThan(150);
    expect(first!.after).toBeLessThan(first!.before);
  });

  it.each(SEEDS)('raises no alarm on 400 predictions at a stable 95 %% (seed %i)', (seed) => {
    expect(adwinChanges(bernoulli(mulberry32(seed), [[0.95, 400]]))).toEqual([]);
  });

  it('starts afresh after a detection, as River does', () => {
    const detector = new Adwin();
    const values = bernoulli(mulberry32(7), [[0.95, 300], [0.2, 200]]);
    const index = values.findIndex((value) => detector.update(value) !== null);
    expect(index).toBeGreaterThan(300);
    expect(detector.width).toBeGreaterThan(1);
    detector.update(1);
    expect(detector.width).toBe(1);
    expect(detector.estimation).toBe(1);
  });

  it('refuses bad options and values', () => {
    expect(() => new Adwin({ delta: 0 })).toThrow(RangeError);
    expect(() => new Adwin({ clock: 0 })).toThrow(RangeError);
    expect(() => new Adwin().update(Number.NaN)).toThrow(RangeError);
  });
});
