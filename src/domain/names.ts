import { z } from 'zod';

/** What a model's name and version may hold (ModelNameSchema, ModelVersionSchema). */
export const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.:\- ]*$/u;

/** What an id may hold (RecordIdSchema): no control characters. */
export const RECORD_ID_PATTERN = /^[^\p{Cc}]+$/u;

/** A model's name: letters (any script), digits, `_ . : -` and spaces; it appears in URLs and entity ids. */
export const ModelNameSchema = z
  .string()
  .min(1, { error: 'model_name must not be empty' })
  .max(128, { error: 'model_name is longer than 128 characters' })
  .regex(NAME_PATTERN, { error: 'model_name may hold letters, digits, spaces and _ . : - and must start with a letter or digit' });

export const DEFAULT_MODEL_VERSION = '1.0';

/** A model's version, as the caller names it ("1.0", "2024-11-rc1"). */
export const ModelVersionSchema = z
  .string()
  .min(1, { error: 'model_version must not be empty' })
  .max(64, { error: 'model_version is longer than 64 characters' })
  .regex(NAME_PATTERN, { error: 'model_version may hold letters, digits, spaces and _ . : - and must start with a letter or digit' });

/** A caller-chosen identifier (prediction ids, training session ids): printable, at most 200 characters. */
export const RecordIdSchema = z
  .string()
  .min(1, { error: 'an id must not be empty' })
  .max(200, { error: 'an id is longer than 200 characters' })
  .regex(RECORD_ID_PATTERN, { error: 'an id must not contain control characters' });

/** An instant: ISO 8601 with a time-zone designator, normalised to UTC `...Z`. */
export const TimestampSchema = z.iso
  .datetime({ offset: true, error: 'expected an ISO 8601 date-time with a time zone, such as 2024-01-15T10:30:00Z' })
  .transform((value) => new Date(value).toISOString());

/** A probability such as a confidence: a finite number in [0, 1]. */
export const UnitIntervalSchema = z
  .number({ error: 'expected a number between 0 and 1' })
  .min(0, { error: 'must be between 0 and 1' })
  .max(1, { error: 'must be between 0 and 1' });
