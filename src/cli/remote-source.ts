import type { z } from 'zod';
import { BreakdownSchema } from '../domain/breakdown.js';
import { DriftSchema } from '../domain/drift.js';
import { ModelComparisonSchema } from '../domain/comparison.js';
import { ModelPerformanceSchema } from '../domain/performance.js';
import { TimeseriesSchema } from '../domain/timeseries.js';
import { ModelVersionListSchema } from '../domain/versions.js';
import { AssignmentSchema, ExperimentListSchema, ExperimentReportSchema } from '../domain/experiments.js';
import { CalibrationSchema } from '../domain/calibration.js';
import { SlicesSchema } from '../domain/slices.js';
import {
  ModelListResponseSchema,
  PredictionPageResponseSchema,
  TrainingHistoryResponseSchema,
} from '../domain/responses.js';
import { CliError, CliUsageError, RemoteServiceError, errorMessage, oneLine, unknownModelError } from './cli-errors.js';
import type { BreakdownArgs, CalibrationArgs, CompareArgs, DriftArgs, ExportArgs, PerformanceArgs, PredictionsArgs, SlicesArgs, TrendArgs } from './cli-options.js';
import type { Answer, ExportStream, MetricsSource } from './metrics-source.js';

export const API_PREFIX = '/api/v1/ml-metrics';

export interface RemoteSourceOptions {
  /** As the user gave it: `http://localhost:8000` (a trailing `/api/v1/ml-metrics` is accepted too). */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

/** The text of an error body: `{error: "..."}`, `{error: {message}}`, `{message}` or `{detail}`. */
function messageOfBody(body: unknown): string | null {
  if (typeof body === 'string' && body.trim()) return oneLine(body).slice(0, 300);
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  for (const key of ['error', 'message', 'detail']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return oneLine(value);
    if (typeof value === 'object' && value !== null) {
      const nested = messageOfBody(value);
      if (nested) return nested;
    }
  }
  return null;
}

/** The low-level reason a request failed (`connect ECONNREFUSED 127.0.0.1:8000`). */
function causeOf(error: unknown, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `no answer within ${timeoutMs >= 1000 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof AggregateError && cause.errors.length > 0) return errorMessage(cause.errors[0]);
  if (cause !== undefined) return errorMessage(cause);
  return errorMessage(error);
}

/** Reads a running service's REST API; every answer is checked against its schema. */
export class RemoteSource implements MetricsSource {
  private readonly base: URL;
  private readonly shownUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: RemoteSourceOptions) {
    this.shownUrl = options.url;
    const base = new URL(options.url);
    const root = base.pathname.replace(/\/+$/, '').replace(/\/api\/v1\/ml-metrics$/, '');
    base.pathname = `${root}${API_PREFIX}`;
    base.search = '';
    base.hash = '';
    this.base = base;
    this.token = options.token?.trim() || undefined;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? fetch;
  }

  listModels() {
    return this.request('GET', '/models', {}, ModelListResponseSchema, null);
  }

  getPerformance(modelName: string, query: PerformanceArgs) {
    return this.request('GET', `/models/${encodeURIComponent(modelName)}`, { ...query }, ModelPerformanceSchema, modelName);
  }

  getBreakdown(modelName: string, query: BreakdownArgs) {
    return this.request('GET', `/models/${encodeURIComponent(modelName)}/breakdown`, { ...query }, BreakdownSchema, modelName);
  }

  getDrift(modelName: string, query: DriftArgs) {
    return this.request('GET', `/models/${encodeURIComponent(modelName)}/drift`, { ...query }, DriftSchema, modelName);
  }

  getCalibration(modelName: string, query: CalibrationArgs) {
    return this.request('GET', `/models/${encodeURIComponent(modelName)}/calibration`, { ...query }, CalibrationSchema, modelName);
  }

  getSlices(modelName: string, query: SlicesArgs) {
    return this.request('GET', `/models/${encodeURIComponent(modelName)}/slices`, { ...query }, SlicesSchema, modelName);
  }

  getTimeseries(modelName: string, query: TrendArgs) {
    return this.request('GET', `/models/${encodeURIComponent(modelName)}/timeseries`, { ...query }, TimeseriesSchema, modelName);
  }

  getPredictions(modelName: string, query: PredictionsArgs) {
    const path = `/models/${encodeURIComponent(modelName)}/predictions`;
    return this.request('GET', path, { ...query }, PredictionPageResponseSchema, modelName);
  }

  async getTrainingHistory(modelName: string) {
    const path = `/models/${encodeURIComponent(modelName)}/training`;
    const answer = await this.request('GET', path, {}, TrainingHistoryResponseSchema, modelName);
    if (answer.value.sessions.length === 0) await this.assertKnown(modelName);
    return answer;
  }

  compareVersions(modelName: string, query: CompareArgs) {
    const path = `/models/${encodeURIComponent(modelName)}/compare`;
    return this.request('POST', path, { ...query }, ModelComparisonSchema, modelName);
  }

  listVersions(modelName: string) {
    return this.request('GET', `/models/${encodeURIComponent(modelName)}/versions`, {}, ModelVersionListSchema, modelName);
  }

  listExperiments() {
    return this.request('GET', '/experiments', {}, ExperimentListSchema, null);
  }

  getExperiment(id: string) {
    return this.request('GET', `/experiments/${encodeURIComponent(id)}`, {}, ExperimentReportSchema, null);
  }

  createExperiment(input: Record<string, unknown>) {
    return this.request('POST', '/experiments', {}, ExperimentReportSchema, null, input);
  }

  stopExperiment(id: string) {
    return this.request('POST', `/experiments/${encodeURIComponent(id)}/stop`, {}, ExperimentReportSchema, null);
  }

  assignExperiment(id: string, unit: string) {
    return this.request('GET', `/experiments/${encodeURIComponent(id)}/assign`, { unit }, AssignmentSchema, null);
  }

  /** Streams the export's body; the timeout covers the wait for the answer's headers, not the whole download. */
  async exportPredictions(modelName: string, query: ExportArgs): Promise<ExportStream> {
    const url = this.urlOf(`/models/${encodeURIComponent(modelName)}/export`, { ...query });
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetch(url, { method: 'GET', headers, signal: controller.signal });
    } catch (error) {
      throw new RemoteServiceError(`cannot reach ${this.shownUrl}: ${causeOf(error, this.timeoutMs, timedOut)}`);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON: the text itself is the message.
      }
      throw await this.failure(response.status, messageOfBody(body), modelName, url);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!/^(text\/csv|application\/x-ndjson)/.test(type) || response.body === null) throw this.unexpected(url, `the answer is ${type || 'untyped'}, not CSV or JSON lines`);
    const expected = Number(response.headers.get('x-expected-records'));
    return { chunks: this.cutOffReported(response.body), expected_records: Number.isSafeInteger(expected) && expected >= 0 && response.headers.has('x-expected-records') ? expected : null };
  }

  /** The body's pieces; a connection cut before the end (the service failed mid-way) is an error that says so. */
  private async *cutOffReported(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      yield* body;
    } catch (error) {
      throw new RemoteServiceError(`the export from ${this.shownUrl} was cut off before its end (${causeOf(error, this.timeoutMs, false)}); the service's log says why`);
    }
  }

  async close(): Promise<void> {}

  private urlOf(path: string, query: Query): URL {
    const url = new URL(`${this.base.pathname}${path}`, this.base);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    query: Query,
    schema: S,
    modelName: string | null,
    payload?: Record<string, unknown>,
  ): Promise<Answer<z.output<S>>> {
    const url = this.urlOf(path, query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      response = await this.fetch(url, { method, headers, signal, ...(payload === undefined ? {} : { body: JSON.stringify(payload) }) });
      text = await response.text();
    } catch (error) {
      throw new RemoteServiceError(`cannot reach ${this.shownUrl}: ${causeOf(error, this.timeoutMs, signal.aborted)}`);
    }
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: an error page from a proxy, say. Kept as text for the message below.
      if (response.ok) throw this.unexpected(url, 'the answer is not JSON');
    }
    if (!response.ok) throw await this.failure(response.status, messageOfBody(body), modelName, url);
    const checked = schema.safeParse(body);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'it does not validate';
      throw this.unexpected(url, where);
    }
    return { value: checked.data, json: body };
  }

  private unexpected(url: URL, why: string): RemoteServiceError {
    return new RemoteServiceError(
      `unexpected answer from ${url.href} (${why}); is --url the address of the ml-metrics service?`,
    );
  }

  private async failure(status: number, message: string | null, modelName: string | null, url: URL): Promise<CliError> {
    const said = message ?? `HTTP ${status}`;
    if (status === 400 || status === 422) return new CliUsageError(said);
    if (status === 401 || status === 403) {
      const fix = this.token
        ? 'check that ML_METRICS_API_TOKEN holds the add-on\'s api_token'
        : 'set ML_METRICS_API_TOKEN to the add-on\'s api_token';
      return new CliError(`${this.shownUrl} refused the request (HTTP ${status}); ${fix}`);
    }
    if (status === 404) {
      if (modelName !== null) {
        const known = await this.knownModels();
        if (known !== null && !known.includes(modelName)) return unknownModelError(modelName, known);
      }
      if (message === null) return this.unexpected(url, 'HTTP 404');
      return new CliError(said);
    }
    return new CliError(`${this.shownUrl} answered ${status}: ${said}`);
  }

  private async knownModels(): Promise<string[] | null> {
    try {
      const list = await this.listModels();
      return list.value.models.map((summary) => summary.model_name);
    } catch {
      // The list is only used to word the "unknown model" message; without it the service's own message stands.
      return null;
    }
  }

  private async assertKnown(modelName: string): Promise<void> {
    const known = await this.knownModels();
    if (known !== null && !known.includes(modelName)) throw unknownModelError(modelName, known);
  }
}
