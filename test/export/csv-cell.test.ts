import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../src/export/csv-cell.js';

describe('csvCell (RFC 4180)', () => {
  it('leaves a field without comma, quote or line break as it is', () => {
    expect(csvCell('abc')).toBe('abc');
    expect(csvCell('')).toBe('');
    expect(csvCell(' spaced ')).toBe(' spaced ');
  });

  it('quotes a field with a comma, a quote, a CR or a LF, doubling inner quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell('{"user_id":"alice"}')).toBe('"{""user_id"":""alice""}"');
  });
});

describe('csvRow', () => {
  it('joins fields with commas and ends with CRLF', () => {
    expect(csvRow(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });
});
