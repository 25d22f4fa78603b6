import type { z } from 'zod';
import { BreakdownSchema } from '../domain/breakdown.js';
import { ModelComparisonSchema } from '../domain/comparison.js';
import { ModelPerformanceSchema } from '../domain/performance.js';
import { TimeseriesSchema } from '../domain/timeseries.js';
import { ModelVersionListSchema } from '../domain/versions.js';
import { AssignmentSchema, ExperimentListSchema, ExperimentReportSchema } from '../domain/experiments.js';
import {
  ModelListResponseSchema,
  PredictionPageResponseSchema,
  TrainingHistoryResponseSchema,
} from '../domain/responses.js';
import { CliError, CliUsageError, RemoteServiceError, errorMessage, oneLine, unknownModelError } from './cli-errors.js';
import type { BreakdownArgs, CompareArgs, PerformanceArgs, PredictionsArgs, TrendArgs } from './cli-options.js';
import type { Answer, MetricsSource } from './metrics-source.js';

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
