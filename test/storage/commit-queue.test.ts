import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/storage/commit-queue.js';
import { CommitQueue } from '../../src/storage/commit-queue.js';

/** A queue whose commits record their batch sizes and answer every operation at once. */
function recordingQueue(): { queue: CommitQueue; batches: number[] } {
  const batches: number[] = [];
  const queue = new CommitQueue(async (batch: Operation[]) => {
    batches.push(batch.length);
    await Promise.resolve();
    for (const operation of batch) if (operation.kind === 'insert') operation.resolve();
  }, false);
  return { queue, batches };
}

/** Inserts through `queue` (the record is never looked at), resolving once committed. */
function insert(queue: CommitQueue): Promise<void> {
  return new Promise((resolve, reject) => queue.enqueue({ kind: 'insert', record: {} as never, resolve, reject }));
}

describe('CommitQueue', () => {
  it('puts the writes of one turn of the event loop in one commit', async () => {
    const { queue, batches } = recordingQueue();
    await Promise.all(Array.from({ length: 10 }, () => insert(queue)));
    expect(batches).toEqual([10]);
  });

  it('puts the next writes of all the callers one commit answered in one commit (a caller that writes again after a few awaits too)', async () => {
    const { queue, batches } = recordingQueue();
    const caller = async (rounds: number) => {
      for (let round = 0; round < rounds; round += 1) {
        await insert(queue);
        // Some work between writes, as a tracker does (its own awaits after the store answers).
        for (let step = 0; step < 5; step += 1) await Promise.resolve();
      }
    };
    await Promise.all(Array.from({ length: 50 }, () => caller(4)));
    await queue.close();
    expect(batches).toEqual([50, 50, 50, 50]);
  });
});
