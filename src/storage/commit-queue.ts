import { setImmediate } from 'node:timers/promises';
import type { PredictionLog } from '../domain/prediction.js';
import type { Relabel } from './store-options.js';
import { StorageError } from './storage-errors.js';

/** A write the store was asked for: it goes in the next commit. */
export type WriteOperation =
  | { kind: 'insert'; record: PredictionLog; resolve: () => void; reject: (error: Error) => void }
  | { kind: 'label'; id: string; relabel: Relabel; resolve: (record: PredictionLog) => void; reject: (error: Error) => void };

/** A write, or a step that must run alone between commits (retention, a rebuild from the files). */
export type Operation = WriteOperation | { kind: 'exclusive'; run: () => Promise<void>; resolve: () => void; reject: (error: Error) => void };

/**
 * The store's write queue, drained one batch at a time: operations that arrive while a commit is
 * on disk wait here and go together in the next one (group commit).
 */
export class CommitQueue {
  readonly #commit: (batch: Operation[]) => Promise<void>;
  readonly #readOnly: boolean;
  #queue: Operation[] = [];
  #draining: Promise<void> | null = null;
  #closed = false;

  /** `commit` commits one batch; it must settle every operation in it (or `requeue` them). */
  constructor(commit: (batch: Operation[]) => Promise<void>, readOnly: boolean) {
    this.#commit = commit;
    this.#readOnly = readOnly;
  }

  get closed(): boolean {
    return this.#closed;
  }

  enqueue(operation: Operation): void {
    if (this.#closed) {
      operation.reject(new StorageError('the store is closed'));
      return;
    }
    if (this.#readOnly) {
      operation.reject(new StorageError('the store was opened read-only'));
      return;
    }
    this.#queue.push(operation);
    this.#draining ??= this.#drain();
  }

  /** Runs `run` alone, after the commits queued before it. */
  exclusive(run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'exclusive', run, resolve, reject }));
  }

  /** Puts operations back at the head of the queue: they go in the next commit. */
  requeue(operations: Operation[]): void {
    this.#queue.unshift(...operations);
  }

  /** Waits for every queued operation, then refuses new ones. */
  async close(): Promise<void> {
    while (this.#draining) await this.#draining;
    this.#closed = true;
  }

  async #drain(): Promise<void> {
    // Each batch waits for the rest of this turn of the event loop: the callers a commit answers
    // send their next writes in it, and they all go in one commit. Without the wait the next
    // commit starts with the first few of them, and the rest wait for the one after (batches of
    // 240 and 16 in turn, two fsyncs where one does).
    await setImmediate();
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      await this.#commit(batch);
      await setImmediate();
    }
    this.#draining = null;
  }
}
