import { getTasks } from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { ScheduleConfigError, ScheduledJob } from '../../src/service/scheduled-job.js';

const settings = { cron: 'hub.sensors.reevaluate_cron', timezone: 'hub.sensors.timezone' };
const jobs: ScheduledJob[] = [];

function job(options: Partial<ConstructorParameters<typeof ScheduledJob>[0]> & { lines?: string[] } = {}): ScheduledJob {
  const lines = options.lines ?? [];
  const built = new ScheduledJob({
    name: 'sensors',
    cron: '* * * * * *',
    timezone: 'UTC',
    settings,
    run: async () => {},
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    ...options,
  });
  jobs.push(built);
  return built;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

afterEach(async () => {
  await Promise.all(jobs.splice(0).map((each) => each.stop()));
});

describe('ScheduledJob', () => {
  it('refuses an invalid cron expression, naming the setting', () => {
    expect(() => job({ cron: '*/5 * *' })).toThrow(ScheduleConfigError);
    expect(() => job({ cron: '*/5 * *' })).toThrow(/hub\.sensors\.reevaluate_cron: "\*\/5 \* \*" is not a valid cron expression/);
  });

  it('refuses an unknown time zone, naming the setting', () => {
    expect(() => job({ timezone: 'Mars/Olympus' })).toThrow(/hub\.sensors\.timezone: "Mars\/Olympus" is not a time zone/);
  });

  it('runs only once started, keeps running after a failed run, and stops', async () => {
    let runs = 0;
    const lines: string[] = [];
    const scheduled = job({
      lines,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('disk on fire');
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(runs).toBe(0);
    const tasksBefore = getTasks().size;
    scheduled.start();
    expect(getTasks().size).toBe(tasksBefore + 1);
    await until(() => runs >= 2);
    expect(lines.some((line) => line.includes('the sensors job failed') && line.includes('disk on fire'))).toBe(true);
    await scheduled.stop();
    expect(getTasks().size).toBe(tasksBefore);
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(runs).toBe(stoppedAt);
  });
});
