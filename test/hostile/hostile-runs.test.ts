/**
 * The hostile properties' runner (support/hostile-runs.ts). Issue 9b: a property whose test timed
 * out went on sending requests while the next tests ran, and they failed for what it did (an
 * acknowledged prediction "not found", a restart that "rewrote" a segment).
 */
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
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
