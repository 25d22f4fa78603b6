import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/tracker/errors.js';
import { resolveDriftRanges } from '../../src/tracker/drift-ranges.js';

const NOW = new Date('2026-05-10T12:00:00.000Z');
const DAY = 86_400_000;

describe('resolveDriftRanges', () => {
  it('defaults to the window back from now against the same length before it', () => {
    const { current, reference } = resolveDriftRanges({}, '2d', NOW);
    expect(current).toEqual({ fromMs: NOW.getTime() - 2 * DAY, toMs: NOW.getTime() + 1, since: '2026-05-08T12:00:00.000Z', until: NOW.toISOString() });
    expect(reference.toMs).toBe(current.fromMs);
    expect(reference.toMs - reference.fromMs).toBe(current.toMs - current.fromMs);
  });

  it('falls back to 7 days for a count or all window', () => {
    for (const spec of ['500', 'all']) {
      const { current } = resolveDriftRanges({}, spec, NOW);
      expect(NOW.getTime() - current.fromMs).toBe(7 * DAY);
    }
  });

  it('fills in from what is given', () => {
    const { current, reference } = resolveDriftRanges({ until: '2026-05-01T00:00:00.000Z', reference_since: '2026-04-01T00:00:00.000Z' }, '1d', NOW);
    expect(current.since).toBe('2026-04-30T00:00:00.000Z');
    expect(current.until).toBe('2026-05-01T00:00:00.000Z');
    expect(reference).toMatchObject({ since: '2026-04-01T00:00:00.000Z', until: '2026-04-30T00:00:00.000Z' });
  });

  it('refuses a start after its end once defaults are filled in, naming the field', () => {
    expect(() => resolveDriftRanges({ since: '2026-06-01T00:00:00.000Z' }, '1d', NOW)).toThrow(InvalidInputError);
    expect(() => resolveDriftRanges({ reference_since: '2026-05-10T00:00:00.000Z' }, '1d', NOW)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'reference_since' })] }),
    );
  });
});
