import { describe, expect, it } from 'vitest';
import {
  NONE,
  formatCheck,
  formatDecimal,
  formatDelta,
  formatDuration,
  formatJsonObject,
  formatJsonValue,
  formatPClause,
  formatPValue,
  formatPercent,
  formatTimestamp,
  shellQuote,
  truncate,
} from '../../src/cli/format-values.js';

describe('formatPercent', () => {
  it('shows a rate as a percentage with one decimal', () => {
    expect(formatPercent(0.87)).toBe('87.0%');
    expect(formatPercent(0.87349)).toBe('87.3%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
  });
  it('shows — for null, undefined and non-finite numbers', () => {
    expect(formatPercent(null)).toBe(NONE);
    expect(formatPercent(undefined)).toBe(NONE);
    expect(formatPercent(Number.NaN)).toBe(NONE);
  });
});

describe('formatDelta', () => {
  it('always carries a sign, in percentage points', () => {
    expect(formatDelta(0.03)).toBe('+3.0 pts');
    expect(formatDelta(-0.012)).toBe('-1.2 pts');
    expect(formatDelta(0)).toBe('±0.0 pts');
    expect(formatDelta(0.00001)).toBe('±0.0 pts');
    expect(formatDelta(null)).toBe(NONE);
  });
});

describe('formatTimestamp', () => {
  it('shows UTC to the second', () => {
    expect(formatTimestamp('2024-01-15T10:30:00.123Z')).toBe('2024-01-15 10:30:00Z');
    expect(formatTimestamp('2024-01-15T12:30:00+02:00')).toBe('2024-01-15 10:30:00Z');
  });
  it('passes through what it cannot parse, and shows — for null', () => {
    expect(formatTimestamp('soon')).toBe('soon');
    expect(formatTimestamp(null)).toBe(NONE);
  });
});

describe('formatDuration', () => {
  it('picks a unit that reads well', () => {
    expect(formatDuration(42)).toBe('42.0 s');
    expect(formatDuration(1250.5)).toBe('20m 51s');
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe('3h 05m');
    expect(formatDuration(null)).toBe(NONE);
  });
});

describe('formatPValue and formatDecimal', () => {
  it('shows three decimals, or < 0.001', () => {
    expect(formatPValue(0.04321)).toBe('0.043');
    expect(formatPValue(0.0000123)).toBe('< 0.001');
    expect(formatPValue(null)).toBe(NONE);
    expect(formatPClause(0.04321)).toBe('p = 0.043');
    expect(formatPClause(0.0001)).toBe('p < 0.001');
    expect(formatDecimal(0.15)).toBe('0.150');
    expect(formatDecimal(null)).toBe(NONE);
  });
});

describe('JSON values', () => {
  it('shows a single-key object by its value and others as key=value pairs', () => {
    expect(formatJsonObject({ user_id: 1 })).toBe('1');
    expect(formatJsonObject({ intent: 'turn_on' })).toBe('turn_on');
    expect(formatJsonObject({ user_id: 1, confidence: 0.9 })).toBe('user_id=1, confidence=0.9');
    expect(formatJsonObject({})).toBe('{}');
    expect(formatJsonObject(null)).toBe(NONE);
  });
  it('shows strings bare and everything else as JSON', () => {
    expect(formatJsonValue('alice')).toBe('alice');
    expect(formatJsonValue(true)).toBe('true');
    expect(formatJsonValue({ a: [1] })).toBe('{"a":[1]}');
  });
});

describe('small helpers', () => {
  it('truncates with an ellipsis', () => {
    expect(truncate('voice_recognition', 8)).toBe('voice_r…');
    expect(truncate('short', 8)).toBe('short');
  });
  it('marks correctness', () => {
    expect(formatCheck(true)).toBe('✓');
    expect(formatCheck(false)).toBe('✗');
    expect(formatCheck(null)).toBe(NONE);
  });
  it('quotes shell arguments only when needed', () => {
    expect(shellQuote('voice_recognition')).toBe('voice_recognition');
    expect(shellQuote('living room')).toBe("'living room'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
