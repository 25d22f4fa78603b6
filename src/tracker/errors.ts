import type { z } from 'zod';

/** One problem with an input: where it is (`confidence`, `ground_truth.user_id`) and what is wrong. */
export interface InputIssue {
  path: string;
  message: string;
}

/** Base of every error the tracker reports to its callers (REST API, CLI, hub integration). */
export class TrackerError extends Error {
  override name = 'TrackerError';
}

/** The input did not validate; nothing was stored. */
export class InvalidInputError extends TrackerError {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    readonly issues: InputIssue[],
  ) {
    super(message);
  }

  static fromZod(what: string, error: z.ZodError): InvalidInputError {
    const issues = error.issues.flatMap((issue) => {
      const base = issue.path.map(String);
      // An unknown key is reported at the key itself, so the caller sees which field to drop.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: `unknown field "${key}"` }));
      }
      return [{ path: base.join('.') || '(root)', message: issue.message }];
    });
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return new InvalidInputError(`invalid ${what}: ${summary}`, issues);
  }
}

/** A model, version or prediction that does not exist. */
export class NotFoundError extends TrackerError {
  override name = 'NotFoundError';
}

/** An id that is already taken (a prediction or training session logged twice). */
export class ConflictError extends TrackerError {
  override name = 'ConflictError';
}

/** The store cannot take writes now (disk full, read-only, a failed commit being recovered). */
export class StorageUnavailableError extends TrackerError {
  override name = 'StorageUnavailableError';
}
