import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { PerformanceQuerySchema, PredictionsQuerySchema } from '../../src/domain/queries.js';
import { TimeseriesQuerySchema } from '../../src/domain/timeseries.js';
import { parseInput } from '../../src/tracker/parse-input.js';
import { ParsedQueries } from '../../src/tracker/parsed-queries.js';

/** What parseInput gives for `query`: its result, or the refusal's message and issues. */
function outcome(parse: () => unknown): unknown {
  try {
    return { ok: parse() };
  } catch (error) {
    const { message, issues } = error as { message: string; issues?: unknown };
    return { refused: message, issues };
  }
}

describe('ParsedQueries', () => {
  it('gives what parseInput gives, the first time and again, for text queries valid or not', () => {
    const value = fc.oneof(
      fc.constantFrom('7d', 'all', '500', '0d', '12h', 'x', '', '1.0', '2.0.1', '2024-01-15T10:30:00Z', '2024-01-16T10:30:00+01:00', 'not a date'),
      fc.string({ maxLength: 12 }),
    );
    const query = fc.dictionary(fc.constantFrom('window', 'version', 'since', 'until', 'bucket', 'other'), value, { maxKeys: 4 });
    fc.assert(
      fc.property(query, (asked) => {
        const queries = new ParsedQueries();
        for (const schema of [PerformanceQuerySchema, TimeseriesQuerySchema]) {
          const expected = outcome(() => parseInput(schema, asked, 'query'));
          expect(outcome(() => queries.parse(schema, asked, 'query'))).toEqual(expected);
          expect(outcome(() => queries.parse(schema, { ...asked }, 'query'))).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parses a text query once; each caller gets its own copy', () => {
    const queries = new ParsedQueries();
    const parse = vi.spyOn(PerformanceQuerySchema, 'safeParse');
    try {
      const first = queries.parse(PerformanceQuerySchema, { window: '7d' }, 'query') as Record<string, unknown>;
      first['window'] = 'changed by a caller';
      const second = queries.parse(PerformanceQuerySchema, { window: '7d' }, 'query');
      expect(second).toEqual({ window: '7d' });
      expect(second).not.toBe(first);
      expect(queries.parse(PerformanceQuerySchema, undefined, 'query')).toEqual({});
      expect(queries.parse(PerformanceQuerySchema, undefined, 'query')).toEqual({});
      expect(parse).toHaveBeenCalledTimes(2);
    } finally {
      parse.mockRestore();
    }
  });

  it('parses again a query refused, one that is not text alone, and one past the kept ones', () => {
    const queries = new ParsedQueries();
    const parse = vi.spyOn(PerformanceQuerySchema, 'safeParse');
    try {
      for (let round = 0; round < 2; round += 1) expect(() => queries.parse(PerformanceQuerySchema, { window: 'x' }, 'query')).toThrow(/window must be/);
      expect(parse).toHaveBeenCalledTimes(2);
      let asked = 0;
      const changing = {
        get window() {
          asked += 1;
          return asked === 1 ? '7d' : 'all';
        },
      };
      // A getter is read anew each time: such a query is never kept.
      expect(queries.parse(PerformanceQuerySchema, changing, 'query')).toEqual({ window: '7d' });
      expect(queries.parse(PerformanceQuerySchema, changing, 'query')).toEqual({ window: 'all' });
      parse.mockClear();
      for (let index = 0; index < 100; index += 1) queries.parse(PerformanceQuerySchema, { window: `${index + 1}d` }, 'query');
      queries.parse(PerformanceQuerySchema, { window: '1d' }, 'query');
      queries.parse(PerformanceQuerySchema, { window: '100d' }, 'query');
      expect(parse).toHaveBeenCalledTimes(101);
    } finally {
      parse.mockRestore();
    }
    // A long query text is parsed each time, never kept.
    const pages = vi.spyOn(PredictionsQuerySchema, 'safeParse');
    try {
      const long = { cursor: '1'.repeat(600) };
      for (let round = 0; round < 2; round += 1) expect(queries.parse(PredictionsQuerySchema, long, 'query')).toMatchObject(long);
      expect(pages).toHaveBeenCalledTimes(2);
      queries.parse(PredictionsQuerySchema, { cursor: '1' }, 'query');
      queries.parse(PredictionsQuerySchema, { cursor: '1' }, 'query');
      expect(pages).toHaveBeenCalledTimes(3);
    } finally {
      pages.mockRestore();
    }
  });
});
