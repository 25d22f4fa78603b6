import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HealthResponseSchema } from '../../src/domain/responses.js';
import { configOverShipped } from '../../src/config/load-config.js';
import { openTracker } from '../../src/open-tracker.js';
import { FakeHub, waitFor } from '../fakes/fake-hub.js';
import type { RunningService } from '../support/spawn-service.js';
import { spawnService } from '../support/spawn-service.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/** `GET /health` says what is wrong: an unreadable sealed segment found in the background, a hub that is gone. */

const CONFIG = {
  schema_version: 1,
  log_level: 'info',
  storage: { segment_max_records: 10, segment_check_delay_s: 0 },
  models: { voice_recognition: { label_key: 'user_id' } },
  hub: { sensors: { debounce_ms: 50 } },
};
const DAMAGED = 'predictions/segment-00000002.jsonl';

let hub: FakeHub;
let dir: TempDir;
let service: RunningService | null = null;

beforeEach(async () => {
  hub = await FakeHub.start();
  dir = await createTempDir('hap-health-problems-');
  // Written with the settings the service will read (its config file over the shipped models), so start-up recomputes nothing.
  const tracker = await openTracker({ dataDir: dir.path, config: configOverShipped(CONFIG, 'test') });
  for (let i = 0; i < 35; i += 1) {
    await tracker.logPrediction({ prediction_id: `p${i}`, model_name: 'voice_recognition', prediction: { user_id: i % 3 }, ground_truth: { user_id: i % 2 } });
  }
  await tracker.close();
});

afterEach(async () => {
  await service?.stop();
  service = null;
  await hub.close();
  await dir.remove();
});

async function health(running: RunningService) {
  const response = await fetch(`${running.api}/health`);
  return { code: response.status, body: HealthResponseSchema.parse(await response.json()) };
}

/** Polls /health until `accept` holds, returning that answer. */
async function healthWhen(running: RunningService, accept: (answer: Awaited<ReturnType<typeof health>>) => boolean, what: string) {
  let last: Awaited<ReturnType<typeof health>> | undefined;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    last = await health(running);
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; last answer: ${JSON.stringify(last?.body)}`);
}

describe('health says what is wrong', () => {
  it('a sealed segment found unreadable after start-up: degraded with the file, and binary_sensor.ml_metrics_problem on', async () => {
    // A garbage line in a sealed segment: start-up reads only summaries and the open segment, so it starts.
    await appendFile(join(dir.path, DAMAGED), 'garbage\n');
    service = await spawnService({ dataDir: dir.path, config: CONFIG, env: { HA_URL: hub.url, HA_TOKEN: 'test-token' } });
    const running = service;

    const degraded = await healthWhen(running, (answer) => answer.body.problems?.some((problem) => problem.file === DAMAGED) === true, 'the unreadable segment');
    expect(degraded.code).toBe(503);
    expect(degraded.body.status).toBe('degraded');
    const problem = degraded.body.problems!.find((entry) => entry.file === DAMAGED)!;
    expect(problem).toMatchObject({ kind: 'unreadable_file', file: DAMAGED });
    expect(problem.message).toMatch(/not valid JSON.*hap ml-metrics doctor.*hap ml-metrics repair/s);
    expect(Number.isNaN(Date.parse(problem.since))).toBe(false);
    // The store still counts what its summaries say; reads that reach the segment fail, health says why.
    expect(degraded.body.stored_predictions).toBe(35);

    // The sensor follows the problem list: while the hub is still being connected to, the list
    // also holds hub_disconnected (posted the moment the connection is up), then only the file.
    await waitFor(() => {
      const state = hub.getState('binary_sensor.ml_metrics_problem');
      return state?.state === 'on' && state.attributes['problem_count'] === 1;
    }, 15_000, 'the problem sensor with the file alone');
    const sensor = hub.getState('binary_sensor.ml_metrics_problem')!;
    expect(sensor.attributes).toMatchObject({ device_class: 'problem', problem_count: 1, problems: [expect.objectContaining({ kind: 'unreadable_file', file: DAMAGED })] });
  });

  it('a hub that is gone: degraded with the hub while it is, ok again once it is back; the problem sensor is off on a sound store', async () => {
    service = await spawnService({ dataDir: dir.path, config: CONFIG, env: { HA_URL: hub.url, HA_TOKEN: 'test-token' } });
    const running = service;
    await waitFor(() => /checked the sealed segments/.test(running.logs()), 20_000, 'the background check');
    const ok = await healthWhen(running, (answer) => answer.body.hub?.connected === true && answer.body.problems?.length === 0, 'a connected hub and no problem');
    expect(ok.code).toBe(200);
    expect(ok.body.status).toBe('ok');
    await waitFor(() => hub.getState('binary_sensor.ml_metrics_problem')?.state === 'off', 15_000, 'the problem sensor off');

    const restarting = hub.restart({ downMs: 4000 });
    const down = await healthWhen(running, (answer) => answer.body.problems?.some((problem) => problem.kind === 'hub_disconnected') === true, 'the hub problem');
    expect(down.code).toBe(503);
    expect(down.body.status).toBe('degraded');
    expect(down.body.problems).toEqual([expect.objectContaining({ kind: 'hub_disconnected', hub: expect.stringContaining(new URL(hub.url).host) })]);
    await restarting;

    const back = await healthWhen(running, (answer) => answer.body.problems?.length === 0, 'the hub problem to clear');
    expect(back.code).toBe(200);
    expect(back.body.hub?.connected).toBe(true);
    await waitFor(() => hub.getState('binary_sensor.ml_metrics_problem')?.state === 'off', 15_000, 'the problem sensor after the restart');
  });
});
