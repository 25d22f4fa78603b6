/**
 * JSON texts of answers, exactly as `JSON.stringify` writes them, with the text of each frozen
 * part kept. A kept performance answer is a fresh object around the same deeply frozen figures
 * (per-class metrics, confusion matrix, averages: three quarters of its 2.3 KB), and writing
 * them anew for each request was ~7 % of the main thread's busy time over the bench's query
 * series.
 *
 * Exact: a part's text is kept only when it can never change, i.e. it is frozen plain data all
 * the way down (plain objects and arrays, data properties only, no `toJSON`); such a value's
 * text is a function of the value alone. Anything else is written by `JSON.stringify` itself.
 */
export class JsonTexts {
  /** Texts of frozen plain data, by the value. */
  readonly #texts = new WeakMap<object, string>();
  /** Frozen values found not to be plain data all the way down (not looked at again). */
  readonly #unkept = new WeakSet<object>();

  /** `JSON.stringify(value)` for a value of an answer (a plain object at the top). */
  stringify(value: unknown): string {
    if (!isPlainObject(value) || Object.isFrozen(value)) return this.#part(value) ?? JSON.stringify(value);
    let text = '';
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      // Omitted by JSON.stringify, as in an object.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      // JSON.stringify hands toJSON the property's key: let it write the whole answer.
      if (typeof item === 'object' && item !== null && typeof (item as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(value);
      const part = this.#part(item) ?? JSON.stringify(item);
      text += `${text === '' ? '{' : ','}${JSON.stringify(key)}:${part}`;
    }
    return text === '' ? '{}' : `${text}}`;
  }

  /** The kept text of frozen plain data (made on first use); undefined for any other value. */
  #part(value: unknown): string | undefined {
    if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return undefined;
    const kept = this.#texts.get(value);
    if (kept !== undefined) return kept;
    if (this.#unkept.has(value) || !isFrozenPlainData(value, 0)) {
      this.#unkept.add(value);
      return undefined;
    }
    const text = JSON.stringify(value);
    this.#texts.set(value, text);
    return text;
  }
}

/** Nesting past this is written by JSON.stringify each time (answers are a few levels deep). */
const MAX_DEPTH = 16;

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isFrozenPlainData(value: object, depth: number): boolean {
  if (depth > MAX_DEPTH || !Object.isFrozen(value)) return false;
  if (!Array.isArray(value) && !isPlainObject(value)) return false;
  if (Array.isArray(value) && Object.getPrototypeOf(value) !== Array.prototype) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const key of Reflect.ownKeys(value)) {
    const property = Object.getOwnPropertyDescriptor(value, key)!;
    if (!('value' in property)) return false;
    const item: unknown = property.value;
    if (typeof item === 'object' && item !== null && !isFrozenPlainData(item, depth + 1)) return false;
  }
  return true;
}
