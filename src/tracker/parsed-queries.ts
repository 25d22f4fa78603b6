import type { z } from 'zod';
import { parseInput } from './parse-input.js';

/** How many distinct queries of one schema are kept (the oldest goes first). */
const KEPT_PER_SCHEMA = 64;
/** Longer query texts are parsed each time: what a client can make the tracker keep stays small. */
const MAX_KEPT_TEXT_LENGTH = 512;

type FlatResult = Record<string, string | number | boolean | undefined>;

/**
 * Query parses, kept by the query's text. A dashboard, the sensors and scripts ask the same few
 * queries again and again, and zod's walk over `{ window: '7d' }` was ~9 % of the main thread's
 * busy time over the bench's query series. Exact: only a query that is text alone (absent, or
 * a plain object whose own values are all strings, as the REST API gives), and short, is kept;
 * the query schemas are pure functions of their input; a refused query is never kept (it is
 * parsed, and refused with the same issues, again); each caller gets its own copy of the flat
 * result.
 */
export class ParsedQueries {
  readonly #kept = new Map<z.ZodType, Map<string, FlatResult>>();

  parse<S extends z.ZodType>(schema: S, query: unknown, what: string): z.output<S> {
    const key = textKey(query);
    if (key === undefined || key.length > MAX_KEPT_TEXT_LENGTH) return parseInput(schema, query, what);
    let kept = this.#kept.get(schema);
    const known = kept?.get(key);
    if (known !== undefined) return { ...known } as z.output<S>;
    const parsed = parseInput(schema, query, what);
    if (isFlat(parsed)) {
      if (kept === undefined) this.#kept.set(schema, (kept = new Map()));
      kept.set(key, { ...parsed });
      if (kept.size > KEPT_PER_SCHEMA) kept.delete(kept.keys().next().value!);
    }
    return parsed;
  }
}

/** The query's text when it is text alone, else undefined (such a query is parsed each time). */
function textKey(query: unknown): string | undefined {
  if (query === undefined) return '';
  if (typeof query !== 'object' || query === null) return undefined;
  const prototype = Object.getPrototypeOf(query) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  for (const name of Reflect.ownKeys(query)) {
    const property = Object.getOwnPropertyDescriptor(query, name)!;
    if (typeof name !== 'string' || !property.enumerable || typeof property.value !== 'string') return undefined;
  }
  return JSON.stringify(query);
}

function isFlat(value: unknown): value is FlatResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((item) => item === undefined || typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean');
}
