import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../tools/ha-fixtures/fixture-writer.js';

describe('scrubSecrets', () => {
  it('replaces the given secrets wherever they occur, and token fields, and keeps ids and error codes', () => {
    const recorded = {
      message: 'Bearer abc.def.ghi was used',
      nested: [{ access_token: 'anything', refresh_token: 'else', auth_code: 'x' }],
      context: { id: '01ABC', user_id: 'u1', parent_id: null },
      data: { code: 'no_intent_match' },
      count: 3,
    };
    expect(scrubSecrets(recorded, ['abc.def.ghi'])).toEqual({
      message: 'Bearer <scrubbed> was used',
      nested: [{ access_token: '<scrubbed>', refresh_token: '<scrubbed>', auth_code: '<scrubbed>' }],
      context: { id: '01ABC', user_id: 'u1', parent_id: null },
      data: { code: 'no_intent_match' },
      count: 3,
    });
  });
});
