/**
 * Yields `read(item)` for each item, in order, with up to `depth` reads under way ahead of the one
 * the caller is at: start-up reads 1,000 summaries at 1,000,000 stored, and one at a time it waited
 * on each file's open, stat, read and close in turn. A read that fails rejects where its item is
 * reached, as it would have one at a time; reads started ahead of a failure are left to finish.
 */
export async function* readAhead<T, R>(items: readonly T[], read: (item: T) => Promise<R>, depth: number): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  let next = 0;
  const fill = (): void => {
    while (next < items.length && pending.length < depth) {
      const reading = read(items[next]!);
      next += 1;
      // Its rejection is seen where it is awaited below; this only keeps a read started ahead of an
      // earlier failure from being reported as unhandled.
      reading.catch(() => undefined);
      pending.push(reading);
    }
  };
  fill();
  while (pending.length > 0) {
    const value = await pending.shift()!;
    fill();
    yield value;
  }
}
