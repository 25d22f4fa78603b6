import { afterEach, beforeEach } from 'vitest';
import type { OpenTrackerOptions } from '../../src/open-tracker.js';
import { openTracker } from '../../src/open-tracker.js';
import { type ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { createTempDir, type TempDir } from './temp-dir.js';

export interface TrackerHarness {
  /** This test's data directory (new for each test). */
  readonly dir: TempDir;
  /** Opens a tracker on the directory; it is closed after the test if the test did not. */
  open(options: Omit<OpenTrackerOptions, 'dataDir'>): Promise<ModelPerformanceTracker>;
  /** Closes a tracker before the test ends (a restart). */
  close(tracker: ModelPerformanceTracker): Promise<void>;
}

/** A temp data directory per test and the trackers opened on it, closed and removed afterwards. */
export function useTrackerHarness(prefix: string): TrackerHarness {
  let dir: TempDir | undefined;
  let trackers: ModelPerformanceTracker[] = [];
  beforeEach(async () => {
    dir = await createTempDir(prefix);
  });
  afterEach(async () => {
    for (const tracker of trackers) await tracker.close();
    trackers = [];
    await dir?.remove();
  });
  return {
    get dir() {
      if (!dir) throw new Error('the harness directory exists only inside a test');
      return dir;
    },
    async open(options) {
      const tracker = await openTracker({ ...options, dataDir: this.dir.path });
      trackers.push(tracker);
      return tracker;
    },
    async close(tracker) {
      await tracker.close();
      trackers = trackers.filter((open) => open !== tracker);
    },
  };
}
