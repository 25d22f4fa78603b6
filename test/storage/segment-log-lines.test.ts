import { describe, expect, it } from 'vitest';
import { recordLine, recordLineBytes } from '../../src/storage/segment-log-lines.js';

describe('recordLineBytes', () => {
  it.each(['{}', '{"a":"plain"}', '{"a":"émoji 🎙️ and ü"}', '{"a":"\\u0000"}'])('is the UTF-8 length of the record line of %s', (text) => {
    expect(recordLineBytes(Buffer.byteLength(text))).toBe(Buffer.byteLength(recordLine(text)));
  });
});
