import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExportQuerySchema } from '../domain/export-query.js';
import { exportChunks } from '../export/export-chunks.js';
import { exportFileName } from '../export/export-file-name.js';
import { InvalidInputError } from '../tracker/errors.js';
import { exportPredictions } from '../tracker/export-predictions.js';
import { throughStore } from '../tracker/storage-failure.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import type { ApiRoute, RequestContext } from './api-route.js';
import { collectMetricFamilies } from './prometheus-metrics.js';
import { PROMETHEUS_CONTENT_TYPE, renderExposition } from './prometheus-exposition.js';

export interface FeedOptions {
  /** The window of the Prometheus gauges: the sensors' window (default 7d, as theirs). */
  metricsWindow?: string;
}

const EXPORT_CONTENT_TYPES = { csv: 'text/csv; charset=utf-8; header=present', jsonl: 'application/x-ndjson; charset=utf-8' } as const;

/** The exposition text of `/metrics` takes no query (a scrape config's `params` would be refused, not ignored). */
function noQuery(context: RequestContext): void {
  const keys = Object.keys(context.query);
  if (keys.length > 0) {
    throw new InvalidInputError(
      `this endpoint takes no query parameters: ${keys.join(', ')}`,
      keys.map((key) => ({ path: key, message: `unknown query parameter "${key}"` })),
    );
  }
}

/** `first` (already read from `rest`), then the rest. */
async function* startingWith(first: IteratorResult<string>, rest: AsyncGenerator<string>): AsyncGenerator<string> {
  if (first.done === true) return;
  yield first.value;
  yield* rest;
}

/** Feeds for other tools: Prometheus `/metrics`, and the CSV / JSON lines export of a model's predictions. */
export function createFeedRoutes(tracker: ModelPerformanceTracker, apiPrefix: string, options: FeedOptions = {}): ApiRoute[] {
  const window = options.metricsWindow ?? '7d';
  return [
    {
      method: 'GET',
      path: '/metrics',
      handler: async (context) => {
        noQuery(context);
        const text = renderExposition(await collectMetricFamilies(tracker, window));
        return {
          status: 200,
          headers: { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': String(Buffer.byteLength(text, 'utf8')) },
          write: async (out) => {
            await new Promise<void>((resolve, reject) => {
              out.once('error', reject);
              out.end(text, () => resolve());
            });
          },
        };
      },
      doc: {
        operationId: 'prometheusMetrics',
        summary: 'Prometheus text exposition: counters per model and version (all time), gauges over the sensor window',
        response: { status: 200, description: 'Prometheus text format 0.0.4', text: [PROMETHEUS_CONTENT_TYPE] },
        errors: [400, 503],
      },
    },
    {
      method: 'GET',
      path: `${apiPrefix}/models/{name}/export`,
      handler: async (context) => {
        const exported = await exportPredictions(tracker, context.params['name'] ?? '', context.query);
        // The first piece is read before the status is sent: a store that fails at once (an
        // unreadable first segment) is answered 503 with the reason, not a cut connection.
        const pieces = exportChunks(exported.records, exported.format);
        const first = await throughStore(() => pieces.next());
        return {
          status: 200,
          headers: {
            'Content-Type': EXPORT_CONTENT_TYPES[exported.format],
            'Content-Disposition': exportFileName(exported).header,
            'X-Expected-Records': String(exported.expected_records),
          },
          // Readable.from pulls the next piece (highWaterMark 1: one piece ahead) only when the socket has taken the last one.
          write: (out) => pipeline(Readable.from(startingWith(first, pieces), { highWaterMark: 1 }), out),
        };
      },
      doc: {
        operationId: 'exportPredictions',
        summary: 'Every stored prediction of a model in the order stored, as CSV (header row) or JSON lines, streamed',
        query: ExportQuerySchema,
        response: { status: 200, description: 'The predictions (an attachment)', text: Object.values(EXPORT_CONTENT_TYPES) },
        errors: [400, 404, 503],
      },
    },
  ];
}
