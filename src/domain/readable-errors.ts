import type { z } from 'zod';

/**
 * Parse options for input a person wrote: a missing field reads "required" (zod's own message is
 * `Invalid input: expected record, received undefined`). A schema's own message still wins.
 */
export const READABLE_ERRORS: z.core.ParseContext<z.core.$ZodIssue> = {
  error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined),
};
