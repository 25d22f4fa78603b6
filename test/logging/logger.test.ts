import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';

function lineOf(fields: Record<string, unknown>): string {
  const lines: string[] = [];
  createLogger({ level: 'debug', write: (line) => lines.push(line), now: () => new Date(0) }, 'test').error('failed', fields);
  return lines[0] ?? '';
}

describe('logger fields', () => {
  it('renders the error field through describeError, whatever was thrown', () => {
    expect(lineOf({ error: new Error('disk full') })).toMatch(/ error="disk full"$/);
    expect(lineOf({ error: 3 })).toMatch(/ error=3$/);
    expect(lineOf({ error: { message: 'no such subscription' } })).toMatch(/ error="no such subscription"$/);
    expect(lineOf({ error: 'already a message' })).toMatch(/ error="already a message"$/);
  });

  it('renders other fields as before', () => {
    expect(lineOf({ count: 2, name: 'a b', skipped: undefined })).toBe('1970-01-01T00:00:00.000Z error test: failed count=2 name="a b"');
  });
});
