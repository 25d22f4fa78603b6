import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { createExperimentRoutes } from '../../src/api/experiment-routes.js';
import { createRoutes } from '../../src/api/routes.js';
import { Experiments } from '../../src/experiments/experiments-service.js';
import { createLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { type ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';

const PATHS = [
  '/api/v1/ml-metrics/predictions',
  '/api/v1/ml-metrics/predictions/{prediction_id}/ground-truth',
  '/api/v1/ml-metrics/models',
  '/api/v1/ml-metrics/models/{name}',
  '/api/v1/ml-metrics/models/{name}/predictions',
  '/api/v1/ml-metrics/models/{name}/timeseries',
  '/api/v1/ml-metrics/models/{name}/breakdown',
  '/api/v1/ml-metrics/models/{name}/drift',
  '/api/v1/ml-metrics/models/{name}/calibration',
  '/api/v1/ml-metrics/models/{name}/slices',
  '/api/v1/ml-metrics/training',
  '/api/v1/ml-metrics/models/{name}/training',
  '/api/v1/ml-metrics/models/{name}/versions',
  '/api/v1/ml-metrics/models/{name}/compare',
  '/api/v1/ml-metrics/models/{name}/comparisons',
  '/api/v1/ml-metrics/experiments',
  '/api/v1/ml-metrics/experiments/{id}',
  '/api/v1/ml-metrics/experiments/{id}/stop',
  '/api/v1/ml-metrics/experiments/{id}/assign',
  '/api/v1/ml-metrics/health',
  '/api/v1/ml-metrics/openapi.json',
  '/api/v1/ml-metrics/models/{name}/export',
  '/metrics',
];

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { parameters: { name: string; in: string; required: boolean }[]; requestBody?: unknown; responses: Record<string, unknown>; security?: unknown[] }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

let text = '';
let document: Document;
let stop: () => Promise<void> = async () => {};

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ml-metrics-openapi-'));
  const tracker = await openTracker({ dataDir });
  const logger = createLogger({ level: 'silent' });
  const experiments = await Experiments.open({ dataDir, tracker, logger });
  const extraRoutes = createExperimentRoutes(experiments);
  const server = createApiServer({ tracker, logger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024, apiToken: 'tok', extraRoutes });
  const { url } = await server.start();
  const response = await fetch(`${url}/api/v1/ml-metrics/openapi.json`, { headers: { authorization: 'Bearer tok' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  text = await response.text();
  document = JSON.parse(text) as Document;
  stop = async () => {
    await server.stop();
    await experiments.flush();
    await tracker.close();
    await rm(dataDir, { recursive: true, force: true });
  };
});

afterAll(async () => {
  await stop();
});

function collectRefs(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') into.add(child);
      else collectRefs(child, into);
    }
  }
  return into;
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.0 document listing every path', () => {
    expect(document.openapi).toMatch(/^3\.0\./);
    expect(Object.keys(document.paths).sort()).toEqual([...PATHS].sort());
  });

  it('lists exactly the routes the server answers, with their methods', () => {
    const routes = createRoutes({} as ModelPerformanceTracker, undefined, undefined, createExperimentRoutes({} as Experiments));
    for (const route of routes) {
      expect(document.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    }
    const operations = Object.values(document.paths).flatMap((item) => Object.keys(item));
    expect(operations).toHaveLength(routes.length);
  });

  it('resolves every $ref inside the document', () => {
    for (const ref of collectRefs(document, new Set())) {
      const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
      expect(name, ref).toBeDefined();
      expect(document.components.schemas[name ?? ''], ref).toBeDefined();
    }
    expect(text).not.toContain('"$id"');
    expect(text).not.toContain('#/definitions/');
  });

  it('has request bodies, responses and query parameters from the domain schemas', () => {
    const schemas = document.components.schemas;
    for (const name of ['PredictionInput', 'GroundTruthInput', 'TrainingInput', 'LoggedPrediction', 'PredictionLog', 'ModelPerformance', 'ModelSummary', 'TrainingLog', 'ModelComparison', 'ErrorBody']) {
      expect(schemas[name], name).toBeDefined();
    }
    expect(schemas.PredictionInput?.required).toEqual(['model_name', 'prediction']);
    expect(schemas.ErrorBody?.required).toEqual(['error', 'issues']);
    const logPrediction = document.paths['/api/v1/ml-metrics/predictions']?.post;
    expect(logPrediction?.requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/PredictionInput' } } } });
    expect(Object.keys(logPrediction?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '409', '413', '500']));
    const performance = document.paths['/api/v1/ml-metrics/models/{name}']?.get;
    expect(performance?.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
      'path:name',
      'query:version',
      'query:window',
      'query:since',
      'query:until',
    ]);
    const predictions = document.paths['/api/v1/ml-metrics/models/{name}/predictions']?.get;
    expect(predictions?.parameters.map((parameter) => parameter.name)).toEqual(['name', 'limit', 'cursor', 'version']);
    const compare = document.paths['/api/v1/ml-metrics/models/{name}/compare']?.post;
    expect(compare?.parameters.filter((parameter) => parameter.in === 'query').every((parameter) => !parameter.required)).toBe(true);
    expect(document.paths['/api/v1/ml-metrics/health']?.get?.security).toEqual([]);
  });
});
