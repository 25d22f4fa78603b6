import { describe, expect, it } from 'vitest';
import { CompareQuerySchema } from '../../src/domain/queries.js';
import { READABLE_ERRORS } from '../../src/domain/readable-errors.js';
import { openTracker } from '../../src/open-tracker.js';
import { InvalidInputError } from '../../src/tracker/errors.js';
import { createTempDir } from '../support/temp-dir.js';

describe('messages for a missing field', () => {
  it('say "required", not zod\'s "expected …, received undefined"', () => {
    const result = CompareQuerySchema.safeParse({ version_a: '1.0' }, READABLE_ERRORS);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['version_b', 'required']]);
  });

  it('reach the tracker\'s callers (REST 400 issues, CLI lines)', async () => {
    const dir = await createTempDir('readable-');
    const tracker = await openTracker({ dataDir: dir.path });
    try {
      const error = await tracker.logPrediction({ model_name: 'voice_recognition' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error instanceof InvalidInputError ? error.issues : null).toEqual([{ path: 'prediction', message: 'required' }]);
      // A wrong type still says what was expected.
      const wrong = await tracker.logPrediction({ model_name: 'voice_recognition', prediction: 3 }).catch((caught: unknown) => caught);
      expect(wrong instanceof InvalidInputError ? wrong.issues[0]?.message : null).not.toBe('required');
    } finally {
      await tracker.close();
      await dir.remove();
    }
  });
});
