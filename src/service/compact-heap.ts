import { Session } from 'node:inspector/promises';

/**
 * One full, memory-reducing garbage collection: what V8's memory reducer does by itself once the
 * process has been idle a while, done at once. Start-up at 1,000,000 stored (1,000 summaries
 * parsed, the aggregates built) leaves ~10 MB of garbage in the old generation and a young
 * generation grown to its largest semi-spaces (2 × 16 MB), which V8 gives back only in such a
 * collection: the service's RSS goes from ~146 MB to ~107 MB. It blocks the event loop while it
 * runs (two mark-compacts of the live heap, 90–180 ms at 1,000,000 stored on a two-core machine).
 *
 * Node has no other way to ask for it without `--expose-gc`: this goes through the in-process
 * inspector (`HeapProfiler.collectGarbage`, V8's low-memory notification), which opens no port.
 * Resolves with the milliseconds it took, or null when this Node has no inspector.
 */
export async function compactHeap(): Promise<number | null> {
  const began = performance.now();
  const session = new Session();
  try {
    session.connect();
  } catch {
    // A Node built without the inspector: the memory reducer does it later instead.
    return null;
  }
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
  return performance.now() - began;
}
