import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/panel/sse-parser.js';

describe('SseParser', () => {
  it('returns complete events across chunk boundaries and skips comments and retry lines', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 2000\n: connected\n\nevent: cha')).toEqual([]);
    expect(parser.push('nge\ndata: {"kind":"label"}\n\n: heartbeat\n\ndata: a\r\ndata: b\r\n\r\n')).toEqual([
      { event: 'change', data: '{"kind":"label"}' },
      { event: 'message', data: 'a\nb' },
    ]);
  });
});
