import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { createLogger } from '../../src/logging/logger.js';
import { fixedClock, minutesBefore } from '../support/predictions.js';
import { runHapInProcess } from '../support/run-hap.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** `hap ml-metrics calibration` and `hap ml-metrics slices`, from the data directory and from a running service. */
const harness = useTrackerHarness('cli-calibration-');

async function seed(): Promise<void> {
  const tracker = await harness.open({ config: { schema_version: 1 }, now: fixedClock });
  for (let n = 0; n < 40; n += 1) {
    await tracker.logPrediction({
      model_name: 'voice',
      prediction: { user: 'alice' },
      confidence: 0.55 + (n % 10) / 25,
      context: { device: n % 4 === 0 ? 'mic_hall' : n % 4 === 1 ? 'mic_office' : 'mic_kitchen' },
      timestamp: minutesBefore(100 - n),
      ...(n % 5 === 4 ? {} : { ground_truth: { user: n % 3 === 0 ? 'bob' : 'alice' } }),
    });
  }
  await harness.close(tracker);
}

describe('hap ml-metrics calibration and slices', () => {
  it('print the bins with the ECE/Brier line and the slices table, the same JSON locally and with --url', async () => {
    await seed();
    const local = ['--data-dir', harness.dir.path];
    const calibration = await runHapInProcess(['ml-metrics', 'calibration', 'voice', '--bins', '5', ...local]);
    expect(calibration.stderr).toBe('');
    expect(calibration.code).toBe(0);
    expect(calibration.stdout).toMatch(/^voice — version 1\.0, calibration; window: all predictions$/m);
    expect(calibration.stdout).toMatch(/^32 labeled predictions with a confidence$/m);
    expect(calibration.stdout).toMatch(/^confidence\s+predictions\s+mean confidence\s+accuracy\s+gap$/m);
    expect(calibration.stdout).toMatch(/^\[0, 0\.2\]\s+0\s+—\s+—\s+—$/m);
    expect(calibration.stdout).toMatch(/^\(0\.8, 1\]\s+\d+\s+[\d.]+%\s+[\d.]+%\s+-?[\d.]+%$/m);
    expect(calibration.stdout).toMatch(/^ECE [\d.]+% \(expected calibration error: 0 is perfectly calibrated\); Brier score 0\.\d{4}$/m);

    const slices = await runHapInProcess(['ml-metrics', 'slices', 'voice', '--by', 'context.device', '--limit', '2', ...local]);
    expect(slices.stderr).toBe('');
    expect(slices.stdout).toMatch(/^context\.device\s+predictions\s+labeled\s+accuracy\s+precision\s+recall\s+F1\s+confidence$/m);
    expect(slices.stdout).toMatch(/^mic_kitchen\s+20\s+16\s+[\d.]+%/m);
    expect(slices.stdout).toMatch(/^\(other\)\s+10\s+/m);
    expect(slices.stdout).toMatch(/--limit shows more/);

    const localJson = await runHapInProcess(['ml-metrics', 'slices', 'voice', '--by', 'context.device', '--json', ...local]);
    const localCalibration = await runHapInProcess(['ml-metrics', 'calibration', 'voice', '--json', ...local]);
    const tracker = await harness.open({ config: { schema_version: 1 }, now: fixedClock });
    const server = createApiServer({ tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 });
    const { url } = await server.start();
    try {
      const remote = await runHapInProcess(['ml-metrics', 'slices', 'voice', '--by', 'context.device', '--json', '--url', url]);
      expect(remote.stderr).toBe('');
      expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(localJson.stdout));
      const remoteCalibration = await runHapInProcess(['ml-metrics', 'calibration', 'voice', '--json', '--url', url]);
      expect(JSON.parse(remoteCalibration.stdout)).toEqual(JSON.parse(localCalibration.stdout));
      expect(JSON.parse(remoteCalibration.stdout).bins).toHaveLength(10);
    } finally {
      await server.stop();
    }
  });

  it('refuse bad flags naming them', async () => {
    await seed();
    const local = ['--data-dir', harness.dir.path];
    const bins = await runHapInProcess(['ml-metrics', 'calibration', 'voice', '--bins', '0', ...local]);
    expect(bins.code).not.toBe(0);
    expect(bins.stderr).toMatch(/invalid --bins "0": bins must be a whole number from 1 to 100/);
    const by = await runHapInProcess(['ml-metrics', 'slices', 'voice', '--by', 'context.__proto__', ...local]);
    expect(by.code).not.toBe(0);
    expect(by.stderr).toMatch(/invalid --by "context.__proto__": by may not use the key "__proto__"/);
    const missing = await runHapInProcess(['ml-metrics', 'slices', 'voice', ...local]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--by/);
  });
});
