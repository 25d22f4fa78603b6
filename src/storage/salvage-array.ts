import type { z } from 'zod';

/** What could be read back of one JSON array in a damaged file. */
export interface SalvagedArray<T> {
  /** Elements that parse and validate, in file order. */
  items: T[];
  /** Elements (or stretches of garbage standing where an element would) that could not be read. */
  lost: number;
  /** Index of the line that closes the array, or of the line after the last when the file ends first. */
  end: number;
  /** False when the file ends before the array's closing bracket (it was cut off). */
  closed: boolean;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Reads the elements of a JSON array from `lines`, starting after its opening line, one element at
 * a time: an element is the run of lines (one, in the files the store writes; several in a
 * pretty-printed file) that parses on its own, without its trailing comma. A stretch that never
 * parses, or parses and fails `validate`, counts as one lost element, and reading resumes at the
 * next line that starts an element; a garbage line costs only itself. Stops at the closing `]`.
 */
export function salvageArray<T>(lines: readonly string[], start: number, validate: (value: unknown) => T | null): SalvagedArray<T> {
  const items: T[] = [];
  let lost = 0;
  let buffer: string[] = [];
  let indent = 0;
  for (let index = start; index < lines.length; index += 1) {
    const line = lines[index]!;
    const trimmed = line.trim();
    if (buffer.length === 0) {
      if (trimmed === '') continue;
      if (trimmed.startsWith(']')) return { items, lost, end: index, closed: true };
    } else if ((trimmed.startsWith('{') && indentOf(line) <= indent) || (trimmed.startsWith(']') && indentOf(line) < indent)) {
      // A new element (or the array's end) where the buffered one should have ended: that one is damaged.
      lost += 1;
      buffer = [];
      if (trimmed.startsWith(']')) return { items, lost, end: index, closed: true };
    }
    if (buffer.length === 0) indent = indentOf(line);
    buffer.push(line);
    const text = buffer.join('\n').trimEnd().replace(/,$/, '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not whole yet (a pretty-printed element spans lines) or garbage: the next lines decide.
      continue;
    }
    const item = validate(parsed);
    if (item === null) lost += 1;
    else items.push(item);
    buffer = [];
  }
  if (buffer.length > 0) lost += 1;
  return { items, lost, end: lines.length, closed: false };
}

/** A validator from a zod schema: the parsed value, or null when it does not match. */
export function validatorOf<T>(schema: z.ZodType<T>): (value: unknown) => T | null {
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : null;
  };
}
