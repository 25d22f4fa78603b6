import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/logging/to-error.js';

describe('describeError', () => {
  it('describes anything thrown for a log line', () => {
    expect(describeError(new Error('x'))).toBe('x');
    expect(describeError({ code: 'not_found', message: 'Subscription not found.' })).toMatch(/Subscription not found/);
    expect(describeError(42)).toBe('42');
  });
});
