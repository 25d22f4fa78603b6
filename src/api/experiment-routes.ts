import type { Experiments } from '../experiments/experiments-service.js';
import type { ApiRoute, RequestContext } from './api-route.js';
import { AssignQuerySchema } from '../domain/experiments.js';
import { HttpError } from './http-error.js';
import { API_PREFIX, noQuery } from './routes.js';

function experimentId(context: RequestContext): string {
  const id = context.params['id'];
  if (id === undefined) throw new Error('route has no path parameter id');
  return id;
}

/** `/experiments`: A/B experiments between two versions of a model (README, "Experiments"). */
export function createExperimentRoutes(experiments: Experiments): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: `${API_PREFIX}/experiments`,
      handler: async (context) => {
        noQuery(context);
        const body = await context.readBody();
        if (body === undefined) throw new HttpError(400, 'request body is empty; send a JSON object with Content-Type: application/json');
        return { status: 201, body: await experiments.create(body) };
      },
      doc: {
        operationId: 'createExperiment',
        summary: 'Start an A/B experiment between two versions of a model',
        requestBody: { schema: 'ExperimentInput', required: true },
        response: { status: 201, description: 'The experiment, running', schema: 'ExperimentReport' },
        errors: [400, 409, 413, 415, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/experiments`,
      handler: async (context) => {
        noQuery(context);
        return { status: 200, body: { experiments: await experiments.list() } };
      },
      doc: {
        operationId: 'listExperiments',
        summary: 'Every experiment with its figures now, newest first',
        response: { status: 200, description: 'The experiments', schema: 'ExperimentList' },
        errors: [400, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/experiments/{id}`,
      handler: async (context) => {
        noQuery(context);
        return { status: 200, body: await experiments.get(experimentId(context)) };
      },
      doc: {
        operationId: 'getExperiment',
        summary: 'An experiment with its figures, always-valid p-value, winner and decision',
        response: { status: 200, description: 'The experiment', schema: 'ExperimentReport' },
        errors: [400, 404, 503],
      },
    },
    {
      method: 'POST',
      path: `${API_PREFIX}/experiments/{id}/stop`,
      handler: async (context) => {
        noQuery(context);
        return { status: 200, body: await experiments.stop(experimentId(context)) };
      },
      doc: {
        operationId: 'stopExperiment',
        summary: 'Stop a running experiment now',
        response: { status: 200, description: 'The stopped experiment', schema: 'ExperimentReport' },
        errors: [400, 404, 409, 503],
      },
    },
    {
      method: 'GET',
      path: `${API_PREFIX}/experiments/{id}/assign`,
      handler: async (context) => ({ status: 200, body: experiments.assign(experimentId(context), context.query) }),
      doc: {
        operationId: 'assignExperiment',
        summary: 'The version a unit (a device or user id) gets: the same every time',
        query: AssignQuerySchema,
        response: { status: 200, description: 'The assignment', schema: 'Assignment' },
        errors: [400, 404],
      },
    },
  ];
}
