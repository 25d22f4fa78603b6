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

/** Writes one piece to `out`, waiting for 'drain' when its buffer is full; rejects when the stream fails (a closed pipe). */
function writeWithBackpressure(out: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: unknown) => reject(error instanceof Error ? error : new Error(String(error)));
    out.once('error', onError);
    const done = () => {
      out.off('error', onError);
      resolve();
    };
    if (out.write(chunk)) done();
    else out.once('drain', done);
  });
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
    for await (const chunk of exported.chunks) {
      lines += lineFeeds(chunk);
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
      if (io.stdoutStream) {
        try {
          await writeWithBackpressure(io.stdoutStream, chunk);
        } catch (error) {
          throw new CliError(`could not write the export to standard output: ${error instanceof Error ? error.message : String(error)}`);
        }
      } else {
        io.stdout(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      }
      draw(false);
    }
    draw(true);
  } finally {
    await source.close();
  }
}
