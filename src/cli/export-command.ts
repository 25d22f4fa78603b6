import type { CliIo } from './cli-io.js';
import { CliError } from './cli-errors.js';
import { parseReadOptions, type ExportArgs } from './cli-options.js';
import { openMetricsSource } from './read-command.js';
import { renderProgress } from './render-progress.js';

/** The progress line is redrawn at most this often. */
const REDRAW_MS = 100;
const LINE_FEED = 0x0a;

function lineFeeds(chunk: string | Uint8Array): number {
  let count = 0;
  if (typeof chunk === 'string') {
    for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) count += 1;
  } else {
    for (const byte of chunk) if (byte === LINE_FEED) count += 1;
  }
  return count;
}

/**
 * Writes pieces to `out` with backpressure (waiting for 'drain' when its buffer is full), keeping
 * an error listener on it from the first write until everything written is flushed, so a closed
 * pipe (`| head`) is reported as an error, never thrown at the process.
 */
class BackpressureWriter {
  #failure: Error | null = null;
  #wake: (() => void) | null = null;
  readonly #onError = (error: unknown) => {
    this.#failure = error instanceof Error ? error : new Error(String(error));
    this.#wake?.();
  };

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.#onError);
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    this.#check();
    if (!this.out.write(chunk)) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.out.once('drain', resolve);
      });
      this.out.off('drain', this.#wake ?? (() => undefined));
      this.#wake = null;
    }
    this.#check();
  }

  /** Waits until what was written is flushed, then stops listening. */
  async finish(): Promise<void> {
    try {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.out.write('', () => resolve());
      });
      this.#check();
    } finally {
      this.out.off('error', this.#onError);
    }
  }

  #check(): void {
    if (this.#failure) throw new CliError(`could not write the export to standard output: ${this.#failure.message}`);
  }
}

/**
 * `hap ml-metrics export NAME`: streams the export (from the store's files or `--url`) to standard
 * output with backpressure, so memory stays bounded whatever the size; on a terminal, a progress
 * line on standard error. Records are counted by line feeds: no exported field holds a raw one
 * (JSON escapes them; ids and names refuse control characters), so each ends one record.
 */
export async function runExport(modelName: string, query: ExportArgs, rawOptions: Record<string, unknown>, io: CliIo): Promise<void> {
  const options = parseReadOptions(rawOptions);
  const source = await openMetricsSource(options, io);
  try {
    const exported = await source.exportPredictions(modelName, query);
    const decoder = new TextDecoder();
    let lines = 0;
    let bytes = 0;
    let drawn = 0;
    const header = query.format === 'csv' ? 1 : 0;
    const draw = (final: boolean) => {
      if (io.stderrIsTTY !== true) return;
      const now = Date.now();
      if (!final && now - drawn < REDRAW_MS) return;
      drawn = now;
      io.stderr(`\r${renderProgress(Math.max(0, lines - header), bytes, exported.expected_records)}${final ? '\n' : ''}`);
    };
    // On a failure the writer keeps its error listener: a write still pending may yet fail.
    const writer = io.stdoutStream ? new BackpressureWriter(io.stdoutStream) : null;
    for await (const chunk of exported.chunks) {
      lines += lineFeeds(chunk);
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
      if (writer) await writer.write(chunk);
      else io.stdout(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      draw(false);
    }
    await writer?.finish();
    draw(true);
  } finally {
    await source.close();
  }
}
