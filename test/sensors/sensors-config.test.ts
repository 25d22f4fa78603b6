import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SensorsConfigSchema } from '../../src/sensors/sensors-config.js';

describe('SensorsConfigSchema', () => {
  it('has the documented defaults', () => {
    expect(SensorsConfigSchema.parse({})).toEqual({
      window: '7d',
      min_samples: 20,
      drop_points: 5,
      debounce_ms: 2000,
      reevaluate_cron: '*/5 * * * *',
      timezone: 'UTC',
    });
  });

  it.each([
    [{ reevaluate_cron: 'every five minutes' }, 'reevaluate_cron'],
    [{ reevaluate_cron: '*/5 * * *' }, 'reevaluate_cron'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ debounce_ms: 5001 }, 'debounce_ms'],
    [{ min_samples: 0 }, 'min_samples'],
    [{ drop_points: 0 }, 'drop_points'],
    [{ window: '7 days' }, 'window'],
    [{ windw: '7d' }, ''],
  ])('rejects %j naming the setting', (input, path) => {
    const result = SensorsConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      expect(issue.path.join('.')).toBe(path);
      if (path) expect(z.prettifyError(result.error)).toContain(path);
    }
  });

  it('accepts six-field cron expressions and IANA zones', () => {
    expect(SensorsConfigSchema.parse({ reevaluate_cron: '0 */10 * * * *', timezone: 'Europe/Berlin', window: '500' })).toMatchObject({
      reevaluate_cron: '0 */10 * * * *',
      timezone: 'Europe/Berlin',
      window: '500',
    });
  });
});
