import type { TrackerHealth } from '../domain/responses.js';
import { BreakdownQuerySchema } from '../domain/breakdown.js';
import { DriftQuerySchema } from '../domain/drift.js';
import { CalibrationQuerySchema } from '../domain/calibration.js';
import { SlicesQuerySchema } from '../domain/slices.js';
import { ModelNameSchema } from '../domain/names.js';
import { READABLE_ERRORS } from '../domain/readable-errors.js';
import { CompareQuerySchema, PerformanceQuerySchema, PredictionsQuerySchema, TrainingQuerySchema } from '../domain/queries.js';
import { getCalibration } from '../tracker/build-calibration.js';
import { getSlices } from '../tracker/build-slices.js';
import { TimeseriesQuerySchema } from '../domain/timeseries.js';
import { InvalidInputError } from '../tracker/errors.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import { HttpError } from './http-error.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import { createFeedRoutes, type FeedOptions } from './feed-routes.js';
import type { ApiRoute, RequestContext } from './api-route.js';

export const API_PREFIX = '/api/v1/ml-metrics';

function param(context: RequestContext, name: string): string {
  const value = context.params[name];
  if (value === undefined) throw new Error(`route has no path parameter ${name}`);
  return value;
}

/** The `{name}` path parameter, checked here so a bad one is reported as `name` (the tracker checks it again). */
function modelName(context: RequestContext): string {
  const value = param(context, 'name');
  const parsed = ModelNameSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: 'name', message: issue.message }));
    throw new InvalidInputError(`invalid model name in the path: ${issues.map((issue) => issue.message).join('; ')}`, issues);
  }
  return parsed.data;
}

/** Endpoints that take no query parameters refuse any, as the others refuse unknown ones. */
export function noQuery(context: RequestContext): void {
  const keys = Object.keys(context.query);
  if (keys.length > 0) {
    throw new InvalidInputError(
      `this endpoint takes no query parameters: ${keys.join(', ')}`,
      keys.map((key) => ({ path: key, message: `unknown query parameter "${key}"` })),
    );
  }
}

async function requiredBody(context: RequestContext): Promise<Record<string, unknown>> {
  const body = await context.readBody();
  if (body === undefined) {
    throw new HttpError(400, 'request body is empty; send a JSON object with Content-Type: application/json');
  }
  return body;
}

/** `compare` takes version_a/version_b in the query or in a JSON body; a key in both must agree. */
function mergeCompareInput(query: Record<string, string>, body: Record<string, unknown> | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...body };
  const clashes: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (Object.hasOwn(merged, key) && merged[key] !== value) clashes.push(key);
    Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (clashes.length > 0) {
    throw new HttpError(
      400,
      `${clashes.join(', ')} differ between the query and the body; give each once`,
      clashes.map((key) => ({ path: key, message: 'given in both the query and the body with different values' })),
    );
  }
  return merged;
}

/** The REST API over the tracker: every endpoint, its handler and its documentation. */
/** Adds to the health report what the tracker does not know (the hub, the problems found since start-up). */
export type HealthExtras = () => Partial<Pick<TrackerHealth, 'hub' | 'problems'>>;

export function createRoutes(tracker: ModelPerformanceTracker, healthExtras?: HealthExtras, feeds?: FeedOptions, extraRoutes: readonly ApiRoute[] = []): ApiRoute[] {
  let openApiDocument: OpenApiDocument | undefined;
  const routes: ApiRoute[] = [
    {
      method: 'POST',
      path: `${API_PREFIX}/predictions`,
      handler: async (context) => ({ status: 201, body: await tracker.logPrediction(await requiredBody(context)) }),
      doc: {
        operationId: 'logPrediction',
        summary: 'Log a prediction (with its ground truth when known)',
        requestBody: { schema: 'PredictionInput', required: true },
        response: { status: 201, description: 'Stored on disk', schema: 'LoggedPrediction' },
        errors: [400, 409, 413, 415, 503],
      },
    },
    {
      method: 'POST',
      path: `${API_PREFIX}/predictions/{prediction_id}/ground-truth`,
      handler: async (context) => ({
        status: 200,
        body: await tracker.recordGroundTruth(param(context, 'prediction_id'), await requiredBody(context)),
      }),
      doc: {
        operationId: 'recordGroundTruth',
        summary: "Set or replace a prediction's ground truth (or only whether it was correct)",
        requestBody: { schema: 'GroundTruthInput', required: true },
        response: { status: 200, description: 'The updated prediction', schema: 'PredictionLog' },
        errors: [400, 404, 413, 415, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models`,
      handler: async (context) => {
        noQuery(context);
        return { status: 200, body: { models: await tracker.listModels() } };
      },
      doc: {
        operationId: 'listModels',
        summary: 'Every tracked model with a summary',
        response: { status: 200, description: 'The models', schema: 'ModelList' },
        errors: [503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}`,
      handler: async (context) => ({ status: 200, body: await tracker.getPerformance(modelName(context), context.query) }),
      doc: {
        operationId: 'getPerformance',
        summary: 'Metrics of one model version over a window',
        query: PerformanceQuerySchema,
        response: { status: 200, description: 'The metrics', schema: 'ModelPerformance' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/predictions`,
      handler: async (context) => ({ status: 200, body: await tracker.getPredictions(modelName(context), context.query) }),
      doc: {
        operationId: 'getPredictions',
        summary: 'Logged predictions, newest first, paged with cursor',
        query: PredictionsQuerySchema,
        response: { status: 200, description: 'One page of predictions', schema: 'PredictionPage' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/breakdown`,
      handler: async (context) => ({ status: 200, body: await tracker.getBreakdown(modelName(context), context.query) }),
      doc: {
        operationId: 'getBreakdown',
        summary: 'Counts and accuracy per value of a context key (e.g. by=automation), from the raw records of a window',
        query: BreakdownQuerySchema,
        response: { status: 200, description: 'One group per value, sorted; records without the key under null', schema: 'Breakdown' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/drift`,
      handler: async (context) => ({ status: 200, body: await tracker.getDrift(modelName(context), context.query) }),
      doc: {
        operationId: 'getDrift',
        summary: 'Drift between a reference window and the current one: confidences (KS, PSI), predicted labels (chi-square, PSI), accuracy (z test) and change points (ADWIN), from the raw records',
        query: DriftQuerySchema,
        response: { status: 200, description: 'The two windows and their statistics; null where a window has too little data', schema: 'Drift' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/calibration`,
      handler: async (context) => ({ status: 200, body: await getCalibration(tracker, modelName(context), context.query) }),
      doc: {
        operationId: 'getCalibration',
        summary: 'Reliability curve (equal-width confidence bins), ECE and Brier score of the labeled predictions with a confidence, from the raw records of a window',
        query: CalibrationQuerySchema,
        response: { status: 200, description: 'Every bin, empty ones with null means', schema: 'Calibration' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/slices`,
      handler: async (context) => ({ status: 200, body: await getSlices(tracker, modelName(context), context.query) }),
      doc: {
        operationId: 'getSlices',
        summary: 'Metrics per value of a field (by=context.device, input_data.x, model_version), largest first, from the raw records of a window',
        query: SlicesQuerySchema,
        response: { status: 200, description: 'The largest `limit` slices, the rest folded into "(other)"', schema: 'Slices' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/timeseries`,
      handler: async (context) => ({ status: 200, body: await tracker.getTimeseries(modelName(context), context.query) }),
      doc: {
        operationId: 'getTimeseries',
        summary: 'Metrics of one model version per hour, UTC day or ISO week (Monday), from the hourly aggregates; empty buckets included',
        query: TimeseriesQuerySchema,
        response: { status: 200, description: 'One point per bucket, oldest first (at most 1000)', schema: 'Timeseries' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'POST',
      path: `${API_PREFIX}/training`,
      handler: async (context) => ({ status: 201, body: await tracker.logTraining(await requiredBody(context)) }),
      doc: {
        operationId: 'logTraining',
        summary: 'Log a training session',
        requestBody: { schema: 'TrainingInput', required: true },
        response: { status: 201, description: 'Stored on disk', schema: 'TrainingLog' },
        errors: [400, 409, 413, 415, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/training`,
      handler: async (context) => {
        const name = modelName(context);
        const parsed = TrainingQuerySchema.safeParse(context.query, READABLE_ERRORS);
        if (!parsed.success) throw InvalidInputError.fromZod('query', parsed.error);
        const sessions = tracker.getTrainingHistory(name).slice(0, parsed.data.limit);
        return { status: 200, body: { model_name: name, sessions } };
      },
      doc: {
        operationId: 'getTrainingHistory',
        summary: 'Training sessions of a model, newest first',
        query: TrainingQuerySchema,
        response: { status: 200, description: 'The sessions', schema: 'TrainingHistory' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'POST',
      path: `${API_PREFIX}/models/{name}/compare`,
      handler: async (context) => {
        const name = modelName(context);
        const input = mergeCompareInput(context.query, await context.readBody());
        return { status: 201, body: await tracker.compareVersions(name, input) };
      },
      doc: {
        operationId: 'compareVersions',
        summary: 'Compare two versions of a model and store the comparison',
        query: CompareQuerySchema,
        queryMayBeInBody: true,
        requestBody: { schema: 'CompareInput', required: false },
        response: { status: 201, description: 'The stored comparison', schema: 'ModelComparison' },
        errors: [400, 404, 413, 415, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/versions`,
      handler: async (context) => {
        const name = modelName(context);
        noQuery(context);
        return { status: 200, body: tracker.listVersions(name) };
      },
      doc: {
        operationId: 'listVersions',
        summary: "A model's versions registry, in natural version order",
        response: { status: 200, description: 'The versions', schema: 'ModelVersionList' },
        errors: [404, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/models/{name}/comparisons`,
      handler: async (context) => {
        const name = modelName(context);
        noQuery(context);
        return { status: 200, body: { model_name: name, comparisons: tracker.listComparisons(name) } };
      },
      doc: {
        operationId: 'listComparisons',
        summary: 'Stored comparisons of a model, newest first',
        response: { status: 200, description: 'The comparisons', schema: 'ComparisonList' },
        errors: [404, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/health`,
      public: true,
      handler: async () => {
        const memory = process.memoryUsage();
        const base = tracker.health();
        const extras = healthExtras?.() ?? {};
        const problems = extras.problems ?? [];
        const health: TrackerHealth = {
          ...base,
          // Anything wrong (an unreadable segment, the hub gone) makes the service degraded, not only failing writes.
          status: base.status === 'ok' && problems.length === 0 ? 'ok' : 'degraded',
          problems,
          process: { rss_bytes: memory.rss, heap_used_bytes: memory.heapUsed, uptime_s: Math.round(process.uptime()) },
          ...(extras.hub ? { hub: extras.hub } : {}),
        };
        return { status: health.status === 'ok' ? 200 : 503, body: health };
      },
      doc: {
        operationId: 'health',
        summary: 'Service health (503 with the same body when degraded); needs no token',
        response: { status: 200, description: 'Healthy', schema: 'Health' },
        otherResponses: [{ status: 503, description: 'Degraded: the store cannot take writes, or `problems` lists what is wrong (an unreadable file, the hub not connected)', schema: 'Health' }],
        errors: [],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/openapi.json`,
      handler: async () => {
        openApiDocument ??= buildOpenApiDocument(routes);
        return { status: 200, body: openApiDocument };
      },
      doc: {
        operationId: 'openApi',
        summary: 'This document',
        response: { status: 200, description: 'OpenAPI 3.0 document', schema: 'OpenApiDocument' },
        errors: [],
      },
    },
  ];
  routes.push(...createFeedRoutes(tracker, API_PREFIX, feeds));
  // Routes of other services (experiments): also in the OpenAPI document, which is built on first request.
  routes.push(...extraRoutes);
  return routes;
}
