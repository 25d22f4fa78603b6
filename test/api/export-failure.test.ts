import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api/create-api-server.js';
import { SMALL_SEGMENTS_CONFIG, voicePrediction, NOW } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { recordingLogger, type RecordingLogger } from '../support/recording-logger.js';
import { runHapInProcess } from '../support/run-hap.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('export-failure-');
let server: ApiServer | undefined;

beforeEach(() => {
  server = undefined;
});

afterEach(async () => {
  await server?.stop();
});

/** 1000 predictions in segments of 10 (~250 KB of JSON lines), then a store whose segment `failing` cannot be read (EIO). */
async function failingService(failing: number | null): Promise<{ url: string; logs: RecordingLogger }> {
  const writer = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => NOW });
  for (let from = 1; from <= 1000; from += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => writer.logPrediction(voicePrediction(from + i))));
  }
  await harness.close(writer);
  const fs = new RecordingFileSystem({ keepData: false });
  const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => NOW, fs });
  const file = `predictions/segment-${String(failing).padStart(8, '0')}.jsonl`;
  fs.fault = (call) => (failing !== null && call.op === 'readFile' && call.path.endsWith(file) ? 'EIO' : null);
  const logs = recordingLogger();
  server = createApiServer({ tracker, logger: logs, host: '127.0.0.1', port: 0, bodyLimitBytes: 1 << 20 });
  return { url: (await server.start()).url, logs };
}

describe('an export that fails half way', () => {
  it('answers 503 naming the file when the store fails before the first piece (a damaged first segment)', async () => {
    const { url } = await failingService(null);
    await writeFile(join(harness.dir.path, 'predictions', 'segment-00000001.jsonl'), '{"not": "a segment"');
    const response = await fetch(`${url}/api/v1/ml-metrics/models/voice_recognition/export?format=jsonl`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(/segment-00000001\.jsonl.*doctor/);
  });

  it('cuts the connection after that, so the client sees an error rather than a short file, and logs why', async () => {
    const { url, logs } = await failingService(90);
    const outcome = await fetch(`${url}/api/v1/ml-metrics/models/voice_recognition/export?format=jsonl`).then(
      async (response) => {
        expect(response.status).toBe(200);
        await response.text();
        return 'read to a clean end';
      },
      () => 'failed',
    ).catch(() => 'failed');
    expect(outcome).toBe('failed');
    expect(logs.lines.some((line) => /streamed; the connection was cut/.test(line) && /EIO/.test(line))).toBe(true);
  });

  it('makes hap --url exit 1 saying the export was cut off', async () => {
    const { url } = await failingService(90);
    const run = await runHapInProcess(['ml-metrics', 'export', 'voice_recognition', '--url', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^hap: the export from ${url.replaceAll('.', '\\.')} was cut off before its end`));
    expect(run.stdout.startsWith('prediction_id,')).toBe(true);
  });
});
