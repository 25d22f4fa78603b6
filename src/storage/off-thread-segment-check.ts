import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CorruptFileError } from './storage-errors.js';

/** What the worker answers for one segment. */
export type SegmentCheckAnswer = { segment: number; ok: true } | { segment: number; ok: false; path: string; reason: string };

/** The worker itself failed (crashed, ran out of its memory limit, could not start): says nothing about the file. */
export class SegmentCheckUnavailableError extends Error {
  override name = 'SegmentCheckUnavailableError';
}

/** Checks one sealed segment (reads and validates it); rejects with CorruptFileError when it does not. */
export interface SegmentCheck {
  verify(segment: number): Promise<void>;
  /** Ends the check (and whatever it started); idempotent. */
  close(): Promise<void>;
}

const WORKER_URL = new URL('./segment-check-worker.js', import.meta.url);
/** A segment file is at most segment_max_bytes (1 MiB by default) of JSON: well inside these. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

/**
 * Reads and validates sealed segments in a worker thread, one at a time: a 1000-record segment
 * costs 7–35 ms of JSON parse and schema check, which on the main thread delayed every request
 * that arrived meanwhile (the HTTP query tail during the start-up scan). The worker starts on the
 * first verify and ends on close().
 *
 * `open` returns null when the compiled worker file is not beside this module (running from the
 * TypeScript sources, as the tests do): the caller then checks on its own thread.
 */
export class OffThreadSegmentCheck implements SegmentCheck {
  readonly #dataDir: string;
  #worker: Worker | null = null;
  #pending: { segment: number; resolve: () => void; reject: (error: Error) => void } | null = null;
  #closed = false;

  private constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  static open(dataDir: string): OffThreadSegmentCheck | null {
    return existsSync(fileURLToPath(WORKER_URL)) ? new OffThreadSegmentCheck(dataDir) : null;
  }

  verify(segment: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the segment check is closed'));
    if (this.#pending) return Promise.reject(new Error('one segment check at a time'));
    const worker = this.#start();
    return new Promise((resolve, reject) => {
      this.#pending = { segment, resolve, reject };
      worker.postMessage(segment);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    this.#settle((pending) => pending.reject(new Error('the segment check was closed')));
    if (worker) await worker.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    // Its heap holds one parsed segment at a time (a few MB): a small limit keeps the service's RSS down.
    const worker = new Worker(WORKER_URL, { workerData: { dataDir: this.#dataDir }, resourceLimits: WORKER_LIMITS });
    // A background check never keeps the process alive.
    worker.unref();
    worker.on('message', (answer: SegmentCheckAnswer) => {
      this.#settle((pending) => {
        if (answer.segment !== pending.segment) pending.reject(new Error(`the worker answered for segment ${answer.segment}, not ${pending.segment}`));
        else if (answer.ok) pending.resolve();
        else pending.reject(new CorruptFileError(answer.path, answer.reason));
      });
    });
    worker.on('error', (error) => {
      this.#worker = null;
      this.#settle((pending) => pending.reject(new SegmentCheckUnavailableError(`the segment check worker failed: ${error.message}`)));
    });
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = null;
      this.#settle((pending) => pending.reject(new SegmentCheckUnavailableError(`the segment check worker exited (code ${code})`)));
    });
    this.#worker = worker;
    return worker;
  }

  #settle(how: (pending: { segment: number; resolve: () => void; reject: (error: Error) => void }) => void): void {
    const pending = this.#pending;
    this.#pending = null;
    if (pending) how(pending);
  }
}
