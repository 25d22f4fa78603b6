import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/storage/read-ahead.js';

/** A read whose promise the test settles by hand, with a log of when each read started. */
function manualReads() {
  const started: number[] = [];
  const settle = new Map<number, { resolve: (value: string) => void; reject: (error: Error) => void }>();
  const read = (item: number) =>
    new Promise<string>((resolve, reject) => {
      started.push(item);
      settle.set(item, { resolve, reject });
    });
  return { started, settle, read };
}

async function collect<T>(values: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of values) out.push(value);
  return out;
}

describe('readAhead', () => {
  it('yields every read in item order, whatever order the reads finish in', async () => {
    const delays = [30, 5, 20, 0, 10, 1];
    const read = (item: number) => new Promise<string>((resolve) => setTimeout(() => resolve(`r${item}`), delays[item]));
    expect(await collect(readAhead([0, 1, 2, 3, 4, 5], read, 3))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await collect(readAhead([], read, 3))).toEqual([]);
  });

  it('has at most `depth` reads under way, and starts the next one when the caller takes a value', async () => {
    const { started, settle, read } = manualReads();
    const values = readAhead([1, 2, 3, 4, 5], read, 2);
    const first = values.next();
    await Promise.resolve();
    expect(started).toEqual([1, 2]);
    settle.get(2)!.resolve('two');
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1, 2]);
    settle.get(1)!.resolve('one');
    expect((await first).value).toBe('one');
    expect(started).toEqual([1, 2, 3]);
    expect((await values.next()).value).toBe('two');
    expect(started).toEqual([1, 2, 3, 4]);
    await values.return(undefined);
  });

  it('rejects where the failed item is reached, after the values before it, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const read = (item: number) => (item === 2 || item === 3 ? Promise.reject(new Error(`item ${item} is damaged`)) : Promise.resolve(item));
      const seen: number[] = [];
      await expect(
        (async () => {
          for await (const value of readAhead([0, 1, 2, 3, 4], read, 4)) seen.push(value);
        })(),
      ).rejects.toThrow('item 2 is damaged');
      expect(seen).toEqual([0, 1]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
