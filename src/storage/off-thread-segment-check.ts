import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OutcomeReader } from './newest-outcomes.js';
import type { OutcomeColumns, SegmentOutcomes } from './outcome-columns.js';
import { CorruptFileError, SegmentCheckUnavailableError } from './storage-errors.js';

/** What the worker is asked for one segment: to check it, or to read its outcome columns (which checks it too). */
export interface SegmentCheckRequest {
  id: number;
  segment: number;
  outcomes: boolean;
}

/** What the worker answers (`outcomes` when asked for: the segment's outcome columns by model, their buffers transferred). */
export type SegmentCheckAnswer =
  | { id: number; segment: number; ok: true; outcomes?: [string, OutcomeColumns][] }
  | { id: number; segment: number; ok: false; path: string; reason: string };

/** Checks one sealed segment (reads and validates it); rejects with CorruptFileError when it does not. */
export interface SegmentCheck {
  verify(segment: number): Promise<void>;
  /** Ends the check (and whatever it started); idempotent. */
  close(): Promise<void>;
}

const WORKER_URL = new URL('./segment-check-worker.js', import.meta.url);

/**
 * How long the worker may stay idle before it is ended: its isolate held ~18 MB of the service's
 * RSS after the label-free estimate's reads (measured at 1,000,000 stored: 127–129 MB after the
 * query phase against 146–147 MB kept alive), and it is needed in bursts (the estimate's reads,
 * about once a minute; the background check, whose pauses between segments are far shorter).
 * Starting it again costs a few tens of milliseconds.
 */
export const WORKER_IDLE_MS = 1000;

/**
 * The worker's heap limits for segments of at most `segmentMaxBytes` (segment_max_bytes, 1 MiB by
 * default) of JSON. Checking 1 MiB segments one after another its heap stays under ~12 MB (measured
 * at 1,000,000 stored, --trace-gc): 16 MB of old generation per MiB, and a 2 MB young generation
 * (the default 8 MB one only made its isolate, which counts in the service's RSS, bigger). Should a
 * segment still not fit, the verifier checks the rest on the main thread.
 */
export function workerLimits(segmentMaxBytes: number): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  return { maxOldGenerationSizeMb: 16 * Math.max(1, Math.ceil(segmentMaxBytes / (1024 * 1024))), maxYoungGenerationSizeMb: 2 };
}

/**
 * Reads and validates sealed segments in a worker thread, one at a time: a 1000-record segment
 * costs 7–35 ms of JSON parse and schema check, which on the main thread delayed every request
 * that arrived meanwhile (the HTTP query tail during the start-up scan). The worker starts on the
 * first request and ends on close(). While it runs it also reads segments for the label-free
 * estimate (`readOutcomes`): only their ~30 B-a-record outcome columns come back, so the parse
 * and its garbage stay off the main thread and out of its heap. Idle for `idleMs`, it is ended
 * (its memory goes back to the system); the next request starts it again.
 *
 * `open` returns null when the compiled worker file is not beside this module (running from the
 * TypeScript sources, as the tests do): the caller then checks on its own thread.
 */
export class OffThreadSegmentCheck implements SegmentCheck, OutcomeReader {
  readonly #dataDir: string;
  readonly #limits: ReturnType<typeof workerLimits>;
  #worker: Worker | null = null;
  readonly #pending = new Map<number, { segment: number; resolve: (answer: SegmentCheckAnswer & { ok: true }) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  #closed = false;
  readonly #idleMs: number;
  #idle: NodeJS.Timeout | undefined = undefined;

  private constructor(dataDir: string, segmentMaxBytes: number, idleMs: number) {
    this.#dataDir = dataDir;
    this.#limits = workerLimits(segmentMaxBytes);
    this.#idleMs = idleMs;
  }

  /**
   * `segmentMaxBytes`: the largest segment it will read (storage.segment_max_bytes; 1 MiB when
   * not given); `idleMs`: how long the worker may stay idle before it is ended.
   */
  static open(dataDir: string, segmentMaxBytes = 1024 * 1024, idleMs = WORKER_IDLE_MS): OffThreadSegmentCheck | null {
    return existsSync(fileURLToPath(WORKER_URL)) ? new OffThreadSegmentCheck(dataDir, segmentMaxBytes, idleMs) : null;
  }

  /** Whether the worker is running (for tests and diagnostics). */
  get running(): boolean {
    return this.#worker !== null;
  }

  async verify(segment: number): Promise<void> {
    if (this.#closed) throw new Error('the segment check is closed');
    await this.#ask(segment, false);
  }

  /** The segment's outcome columns, read and validated as `verify` does (SegmentCheckUnavailableError once closed). */
  async readOutcomes(segment: number): Promise<SegmentOutcomes> {
    if (this.#closed) throw new SegmentCheckUnavailableError('the segment check is closed');
    const answer = await this.#ask(segment, true);
    return new Map(answer.outcomes ?? []);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idle);
    const worker = this.#worker;
    this.#worker = null;
    this.#settleAll(new SegmentCheckUnavailableError('the segment check was closed'));
    if (worker) await worker.terminate();
  }

  #ask(segment: number, outcomes: boolean): Promise<SegmentCheckAnswer & { ok: true }> {
    clearTimeout(this.#idle);
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { segment, resolve, reject });
      worker.postMessage({ id, segment, outcomes } satisfies SegmentCheckRequest);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    // Its heap holds one parsed segment at a time (a few MB): a small limit keeps the service's RSS down.
    const worker = new Worker(WORKER_URL, { workerData: { dataDir: this.#dataDir }, resourceLimits: this.#limits });
    // A background check never keeps the process alive.
    worker.unref();
    worker.on('message', (answer: SegmentCheckAnswer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      this.#pending.delete(answer.id);
      if (answer.segment !== pending.segment) pending.reject(new Error(`the worker answered for segment ${answer.segment}, not ${pending.segment}`));
      else if (answer.ok) pending.resolve(answer);
      else pending.reject(new CorruptFileError(answer.path, answer.reason));
      if (this.#pending.size === 0) this.#endWhenIdle(worker);
    });
    // A worker ended for being idle had nothing pending: what is pending belongs to its successor.
    worker.on('error', (error) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      this.#settleAll(new SegmentCheckUnavailableError(`the segment check worker failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      this.#settleAll(new SegmentCheckUnavailableError(`the segment check worker exited (code ${code})`));
    });
    this.#worker = worker;
    return worker;
  }

  /** Ends `worker` once it has been idle for `idleMs` (a new request before then cancels it). */
  #endWhenIdle(worker: Worker): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      if (this.#worker !== worker || this.#pending.size > 0) return;
      this.#worker = null;
      void worker.terminate();
    }, this.#idleMs);
    this.#idle.unref();
  }

  #settleAll(error: Error): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const { reject } of pending) reject(error);
  }
}
