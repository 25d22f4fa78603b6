/**
 * The hostile properties' runner (support/hostile-runs.ts). Issue 9b: a property whose test timed
 * out went on sending requests while the next tests ran, and they failed for what it did (an
 * acknowledged prediction "not found", a restart that "rewrote" a segment).
 */
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UnitIntervalSchema } from '../../src/domain/names.js';
import { negativeOrNotANumber, outsideUnitInterval } from './support/hostile-bodies.js';
import { numbersOutsideUnit } from './support/hostile-events.js';
import { CaseCounter, checkProperty } from './support/hostile-runs.js';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('a property whose test times out', () => {
  let testEnded = false;
  let casesStartedAfterTheEnd = 0;
  let casesFinishedAfterTheEnd = 0;

  it.fails('(this test times out on purpose: 1,000 cases of 20 ms get 300 ms)', async () => {
    onTestFinished(() => {
      testEnded = true;
    });
    await checkProperty(new CaseCounter('runner'), 'slow cases', fc.nat(), 1_000, async () => {
      if (testEnded) casesStartedAfterTheEnd += 1;
      await pause(20);
      if (testEnded) casesFinishedAfterTheEnd += 1;
    });
  }, 300);

  it('starts no case after its test ended, and the next test starts only once the case in flight is done', async () => {
    expect(testEnded).toBe(true);
    const finishedAtStart = casesFinishedAfterTheEnd;
    // Long enough for several 20 ms cases, had the property kept going.
    await pause(200);
    expect(casesStartedAfterTheEnd).toBe(0);
    expect(casesFinishedAfterTheEnd, 'a case finished while this test ran').toBe(finishedAtStart);
  });
});

describe('generators of values that must be refused', () => {
  // Issue 9b: at HOSTILE_RUNS=40 an event "made invalid" with confidence -0 was taken: fast-check's
  // double({ max: 0, maxExcluded: true }) draws -0, which is ≥ 0 (a valid confidence; JSON writes 0).
  // Seed 1 drew -0 584 times in 100,000 before the fix.
  const sample = <T>(arbitrary: fc.Arbitrary<T>): T[] => fc.sample(arbitrary, { numRuns: 100_000, seed: 1 });

  it('outside the unit interval: never a number UnitIntervalSchema takes (hub events and REST bodies)', () => {
    for (const value of [...sample(numbersOutsideUnit), ...sample(outsideUnitInterval)]) {
      expect(UnitIntervalSchema.safeParse(value).success, `${Object.is(value, -0) ? '-0' : String(value)} is a valid confidence`).toBe(false);
    }
  });

  it('negative losses are below zero, never -0', () => {
    for (const value of sample(negativeOrNotANumber)) {
      if (typeof value === 'number') expect(value < 0, Object.is(value, -0) ? '-0' : String(value)).toBe(true);
    }
  });
});
