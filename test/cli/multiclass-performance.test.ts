/**
 * `hap ml-metrics performance` of a multiclass model (spawned, as a user runs it), read directly
 * and through the REST API, against scores worked out by hand (test/support/multiclass-fixture.ts):
 * the headline rows show the macro averages and the 95 % Wilson interval.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api/create-api-server.js';
import { ModelPerformanceSchema } from '../../src/domain/performance.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { logMulticlassModel, MULTICLASS_EXPECTED as EXPECTED, MULTICLASS_MODEL } from '../support/multiclass-fixture.js';
import { spawnHap, type HapRun } from '../support/run-hap.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

function hap(args: string[]): Promise<HapRun> {
  return spawnHap(['ml-metrics', ...args]);
}

let dir: TempDir;
let tracker: ModelPerformanceTracker;
let server: ApiServer;
let url: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = await createTempDir('multiclass-cli-');
  tracker = await openTracker({ dataDir: dir.path });
  await logMulticlassModel(tracker);
  server = createApiServer({ tracker, logger: silentLogger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1_048_576 });
  url = (await server.start()).url;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await tracker?.close();
  await dir?.remove();
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const mode of ['direct', 'url'] as const) {
  it(`prints the macro averages and the 95 % Wilson interval as the headline (${mode === 'direct' ? '--data-dir' : '--url'})`, async () => {
    const source = () => (mode === 'direct' ? ['--data-dir', dir.path] : ['--url', url]);
    const run = await hap(['performance', MULTICLASS_MODEL, ...source()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = run.stdout;
    const { text: shown } = EXPECTED;
    expect(text).toContain(`${MULTICLASS_MODEL} — version 1.0 (multiclass)`);
    expect(text).toMatch(/^metric\s+value\s+95% interval\s*$/m);
    expect(text).toMatch(new RegExp(`^accuracy\\s+${escape(shown.accuracy)}\\s+${escape(shown.interval)}\\s*$`, 'm'));
    expect(text).toMatch(new RegExp(`^precision\\s+${escape(shown.precision)}\\s*$`, 'm'));
    expect(text).toMatch(new RegExp(`^recall\\s+${escape(shown.recall)}\\s*$`, 'm'));
    expect(text).toMatch(new RegExp(`^F1 score\\s+${escape(shown.f1)}\\s*$`, 'm'));
    expect(text).toMatch(new RegExp(`^false positive rate\\s+${escape(shown.false_positive_rate)}\\s*$`, 'm'));
    expect(text).toMatch(new RegExp(`^macro avg\\s+${escape(shown.precision)}\\s+${escape(shown.recall)}\\s+${escape(shown.f1)}\\s*$`, 'm'));
    expect(text).toMatch(/^a\s+60\.0%\s+75\.0%\s+66\.7%\s+33\.3%\s+4\s*$/m);

    const json = await hap(['performance', MULTICLASS_MODEL, '--json', ...source()]);
    expect(json.code).toBe(0);
    const document = ModelPerformanceSchema.parse(JSON.parse(json.stdout));
    expect(document.precision).toBeCloseTo(EXPECTED.macro.precision, 12);
    expect(document.recall).toBeCloseTo(EXPECTED.macro.recall, 12);
    expect(document.f1_score).toBeCloseTo(EXPECTED.macro.f1_score, 12);
    expect(document.accuracy_interval!.lower).toBeCloseTo(EXPECTED.interval.lower, 9);
    expect(document.accuracy_interval!.upper).toBeCloseTo(EXPECTED.interval.upper, 9);
  });
}
