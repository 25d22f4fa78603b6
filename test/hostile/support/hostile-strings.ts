import fc from 'fast-check';
import type { z } from 'zod';
import { ModelNameSchema, ModelVersionSchema, RecordIdSchema } from '../../../src/domain/names.js';

/** Keys that reach prototypes when code assigns them blindly. */
export const POISON_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'polluted',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupGetter__',
] as const;

/** Ids and names that look like paths, encoded paths, or the store's own file names. */
export const PATH_LIKE = [
  '../x',
  '../../etc/passwd',
  '..%2F..%2Fetc',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f',
  '%252e%252e%252f',
  '%00',
  'a%00b',
  '\u0000',
  'x\u0000.json',
  '..',
  '.',
  '/',
  '//',
  '/etc/passwd',
  '\\..\\..\\x',
  'C:\\Windows\\x',
  '~',
  '~/x',
  '$HOME',
  'NUL',
  'con.json',
  'segment-00000001.json',
  'segment-00000001.jsonl',
  'training.json',
  'comparisons.json',
  '.lock',
  'predictions',
  'aggregates',
  'data/../../x',
  'x/../../../y',
  'file:///etc/passwd',
  '?a=b#c',
] as const;

/** Pieces of text that trouble renderers, comparers and regular expressions. */
export const UNICODE_PIECES = [
  '模型',
  'Ωμέγα',
  'مرحبا',
  'שלום',
  'कृत्रिम',
  '😀',
  '👩‍👩‍👧',
  '🏳️‍🌈',
  '\u200b', // zero-width space
  '\u200c', // zero-width non-joiner
  '\u200d', // zero-width joiner
  '\u200e', // left-to-right mark
  '\u200f', // right-to-left mark
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\ufeff', // byte-order mark
  '\u0301', // combining acute accent
  'e\u0301',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'ǅ',
  'ﬀ',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u007f',
  '\t',
  '\n',
  '\r',
  '"',
  "'",
  '\\',
  '%',
  '%%',
  '%zz',
  '&',
  '=',
  '+',
  '#',
  '?',
  '/',
  ' ',
] as const;

/** Letters and digits of several scripts: each is \p{L} or \p{N}, so a model name may start with it. */
const NAME_START = ['a', 'Z', 'q', '7', '0', 'é', 'ß', 'Ω', 'ж', 'م', 'ש', '模', '型', 'あ', '한', '٣', 'Ⅻ', '²', 'ǅ'] as const;
const NAME_REST = [...NAME_START, '_', '.', ':', '-', ' '] as const;

const unicodePiece = fc.constantFrom(...UNICODE_PIECES);

/** Text of any kind, from empty to about 100 kB: ASCII, any code point, graphemes, troublesome pieces, paths. */
export function hostileString(options: { maxLength?: number; huge?: boolean } = {}): fc.Arbitrary<string> {
  const maxLength = options.maxLength ?? 24;
  const arbitraries: fc.WeightedArbitrary<string>[] = [
    { weight: 4, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 3, arbitrary: fc.string({ unit: unicodePiece, minLength: 1, maxLength: Math.min(maxLength, 8) }) },
    { weight: 2, arbitrary: fc.constantFrom(...PATH_LIKE, ...POISON_KEYS) },
  ];
  if (options.huge) arbitraries.push({ weight: 1, arbitrary: hugeString() });
  return fc.oneof(...arbitraries);
}

/** A string of 1 kB to 100 kB (a repeated piece, so generating it is cheap). */
export function hugeString(minLength = 1_000, maxLength = 100_000): fc.Arbitrary<string> {
  return fc
    .tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), unicodePiece), fc.integer({ min: minLength, max: maxLength }))
    .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));
}

/** A model name the schema accepts, often outside ASCII. */
export const validModelName: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...NAME_START), fc.array(fc.constantFrom(...NAME_REST), { maxLength: 30 }))
  .map(([first, rest]) => first + rest.join(''))
  .filter((name) => ModelNameSchema.safeParse(name).success);

/** A model version the schema accepts. */
export const validModelVersion: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...NAME_START), fc.array(fc.constantFrom(...NAME_REST), { maxLength: 12 }))
  .map(([first, rest]) => first + rest.join(''))
  .filter((version) => ModelVersionSchema.safeParse(version).success);

/**
 * A prediction or training-session id the schema accepts: printable text, path-like ids
 * included (`../x`, `%00` are valid ids; they must never become paths). No lone surrogates, so
 * the id can be written into a URL.
 */
export const validRecordId: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    fc.constantFrom(...PATH_LIKE, ...POISON_KEYS),
    fc.string({ unit: fc.constantFrom('模型', '😀', '\u200b', '\u202e', '../', '%2F', 'é'), minLength: 1, maxLength: 6 }),
  )
  .filter((id) => RecordIdSchema.safeParse(id).success && isWellFormed(id));

/** True when the text has no lone surrogate (so encodeURIComponent can write it). */
export function isWellFormed(text: string): boolean {
  return !/\p{Surrogate}/u.test(text);
}

/** Values that are not strings: numbers, booleans, null, arrays, objects. */
export const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
);

/** Strings that `schema` refuses, built from the usual ways a name goes wrong. */
export function refusedString(schema: z.ZodType, maxLength: number): fc.Arbitrary<string> {
  const bad = fc.constantFrom('/', '\\', '\u0000', '\n', '%', '?', '#', '😀', '\u200b', '\u200d', '\u200f', '\u202e', '\ud800', '<', '"', "'", '\t', '\u2028', '@', '!', '*', '+', '=', ',', ';', '$', '\u0301', '\u00a0');
  return fc
    .oneof(
      fc.constant(''),
      fc.tuple(fc.constantFrom('_', '.', ':', '-', ' ', '/', '\u200b', '😀', '\u0301', '%', '\u202e', '\ufeff', '\u0000'), validModelVersion).map(([first, rest]) => first + rest),
      fc.tuple(validModelVersion, bad, fc.array(fc.constantFrom(...NAME_REST), { maxLength: 5 })).map(([head, char, rest]) => head + char + rest.join('')),
      fc.integer({ min: maxLength + 1, max: 100_000 }).map((length) => 'a'.repeat(length)),
      fc.constantFrom(...PATH_LIKE, '__proto__'),
    )
    .filter((value) => !schema.safeParse(value).success);
}

/** Ids the schema refuses: empty, over 200 characters, or holding a control character. */
export const refusedRecordId: fc.Arbitrary<string> = fc
  .oneof(
    fc.constant(''),
    fc.integer({ min: 201, max: 100_000 }).map((length) => 'i'.repeat(length)),
    fc
      .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '\u0001', '\n', '\r', '\t', '\u007f', '\u0085', '\u009f'), fc.string({ maxLength: 8 }))
      .map(([a, control, b]) => a + control + b),
  )
  .filter((id) => !RecordIdSchema.safeParse(id).success);
