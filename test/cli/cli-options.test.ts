import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/cli/cli-errors.js';
import {
  parseCompareArgs,
  parseModelName,
  parsePerformanceArgs,
  parsePredictionsArgs,
  parseReadOptions,
  parseServeOptions,
} from '../../src/cli/cli-options.js';

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('CLI arguments are checked with the domain schemas', () => {
  it('accepts and normalises good values', () => {
    expect(parsePerformanceArgs({ window: '7d' })).toEqual({ window: '7d' });
    expect(parsePerformanceArgs({ since: '2024-01-15T12:00:00+02:00' })).toEqual({ since: '2024-01-15T10:00:00.000Z' });
    // A window and a range together are refused, naming the flags.
    expect(() => parsePerformanceArgs({ window: '7d', since: '2024-01-15T12:00:00+02:00' })).toThrow(/invalid --window "7d": give either window or since/);
    expect(parsePredictionsArgs({ limit: '20', cursor: '40' })).toEqual({ limit: 20, cursor: '40' });
    expect(parsePredictionsArgs({})).toEqual({ limit: 50 });
    expect(parseCompareArgs({ versionA: '1.0', versionB: '1.1' })).toEqual({ version_a: '1.0', version_b: '1.1' });
    expect(parseModelName('voice_recognition')).toBe('voice_recognition');
  });

  it('names the flag, the value and the fix', () => {
    expect(usageMessage(() => parsePredictionsArgs({ limit: 'abc' }))).toBe('invalid --limit "abc": limit must be a whole number');
    expect(usageMessage(() => parsePredictionsArgs({ limit: '5000' }))).toBe('invalid --limit "5000": limit must be at most 1000');
    expect(usageMessage(() => parsePerformanceArgs({ window: 'week' }))).toMatch(/^invalid --window "week": window must be "all", a duration/);
    expect(usageMessage(() => parsePerformanceArgs({ since: 'yesterday' }))).toMatch(/^invalid --since "yesterday": expected an ISO 8601/);
    expect(usageMessage(() => parseCompareArgs({ versionA: '1.0' }))).toMatch(/^--version-b is required/);
    expect(usageMessage(() => parseModelName('a/b'))).toMatch(/^invalid model name "a\/b": model_name may hold letters/);
  });

  it('checks --url and --port', () => {
    expect(parseReadOptions({ url: 'http://localhost:8000', json: true })).toEqual({ url: 'http://localhost:8000', json: true });
    expect(parseReadOptions({ config: '/etc/ml.json' })).toEqual({ configPath: '/etc/ml.json', json: false });
    expect(usageMessage(() => parseReadOptions({ url: 'localhost:8000' }))).toMatch(/^invalid --url "localhost:8000": must be an http/);
    expect(parseServeOptions({ port: '8080' })).toEqual({ port: 8080 });
    expect(usageMessage(() => parseServeOptions({ port: '99999' }))).toMatch(/^invalid --port "99999"/);
    expect(usageMessage(() => parseServeOptions({ port: 'http' }))).toMatch(/^invalid --port "http"/);
  });
});
