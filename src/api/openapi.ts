import { z } from 'zod';
import { ModelNameSchema, RecordIdSchema } from '../domain/names.js';
import { OPENAPI_COMPONENTS, type ComponentName } from './openapi-components.js';
import type { ApiRoute } from './api-route.js';

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, unknown>> };

type JsonSchema = Record<string, unknown>;

const SCHEMA_OPTIONS = {
  target: 'openapi-3.0',
  // TimestampSchema normalises with a transform, which has no JSON Schema; its input (an ISO 8601
  // date-time string) is also what every response carries, so input shapes are documented.
  io: 'input',
} as const;

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input: see issues',
  401: 'Missing or wrong bearer token',
  404: 'Unknown path, model or prediction',
  405: 'Method not allowed (see the Allow header)',
  409: 'The id is already taken',
  413: 'Request body larger than the limit',
  415: 'Request body is not JSON',
  500: 'Internal error (details in the service log)',
  503: 'Storage cannot take writes now',
};

const PATH_PARAMETERS: Record<string, { schema: z.ZodType; description: string }> = {
  name: { schema: ModelNameSchema, description: 'The model name (URL-encoded: spaces and any script allowed)' },
  prediction_id: { schema: RecordIdSchema, description: 'The prediction id returned when it was logged' },
  id: { schema: z.string(), description: 'The experiment id returned when it was created (exp-…)' },
};

const QUERY_DESCRIPTIONS: Record<string, string> = {
  version: 'Model version (default: the newest version seen)',
  window: '"all", a duration back from now (30m, 12h, 7d, 2w) or the last N labeled predictions (500); not with since/until',
  since: 'Start of a time range, included (ISO 8601 with time zone); at or before until',
  until: 'End of a time range, excluded (ISO 8601 with time zone)',
  limit: 'Page size',
  cursor: 'The next_cursor of the previous page',
  version_a: 'The baseline version',
  version_b: 'The candidate version',
  bucket: 'Bucket width: 1h, 1d (UTC day) or 1w (ISO week, Monday 00:00 UTC); default 1d',
  unit: 'What is assigned: a device or user id (the same unit always gets the same version)',
  format: 'Export format: csv (default; a header row) or jsonl (one record per line)',
};

const ref = (name: ComponentName): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

function jsonContent(name: ComponentName): JsonSchema {
  return { 'application/json': { schema: ref(name) } };
}

function textContent(mediaTypes: readonly string[]): JsonSchema {
  return Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string' } }]));
}

function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(OPENAPI_COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { ...SCHEMA_OPTIONS, uri: (id) => `#/components/schemas/${id}` });
  // OpenAPI 3.0 schema objects have no `$id`.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

function parameterSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, SCHEMA_OPTIONS) as JsonSchema;
  return rest;
}

function queryParameters(route: ApiRoute): JsonSchema[] {
  const { query, queryMayBeInBody } = route.doc;
  if (query === undefined) return [];
  const converted = z.toJSONSchema(query, SCHEMA_OPTIONS) as { properties?: Record<string, JsonSchema>; required?: string[] };
  const required = new Set(converted.required ?? []);
  return Object.entries(converted.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name) && queryMayBeInBody !== true,
    description: `${QUERY_DESCRIPTIONS[name] ?? name}${queryMayBeInBody === true ? ' (or in the JSON body)' : ''}`,
    schema,
  }));
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => {
    const known = PATH_PARAMETERS[name];
    return {
      name,
      in: 'path',
      required: true,
      description: known?.description ?? name,
      schema: known === undefined ? { type: 'string' } : parameterSchema(known.schema),
    };
  });
}

function operation(route: ApiRoute): JsonSchema {
  const { doc } = route;
  const responses: Record<string, unknown> = {
    [doc.response.status]: {
      description: doc.response.description,
      content: 'text' in doc.response ? textContent(doc.response.text) : jsonContent(doc.response.schema),
    },
  };
  for (const other of doc.otherResponses ?? []) {
    responses[other.status] = { description: other.description, content: jsonContent(other.schema) };
  }
  const errors = [...doc.errors, ...(route.public === true ? [] : [401]), 500].sort((a, b) => a - b);
  for (const status of errors) {
    responses[status] ??= { description: STATUS_TEXT[status] ?? `HTTP ${status}`, content: jsonContent('ErrorBody') };
  }
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(route.public === true ? { security: [] } : {}),
    parameters: [...pathParameters(route.path), ...queryParameters(route)],
    ...(doc.requestBody === undefined
      ? {}
      : { requestBody: { required: doc.requestBody.required, content: jsonContent(doc.requestBody.schema) } }),
    responses,
  };
}

/** The OpenAPI 3.0 document of `routes`, generated from the zod schemas of src/domain. */
export function buildOpenApiDocument(routes: readonly ApiRoute[]): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'hap-ml-metrics',
      version: '1',
      description:
        'Tracks how well the machine-learning models of a smart home are doing. When the add-on has an api_token, ' +
        'every endpoint except health needs `Authorization: Bearer <token>`. Errors are `{error, issues}`.',
    },
    // Without a configured token no authentication is needed; with one, bearerAuth is.
    security: [{}, { bearerAuth: [] }],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    },
  };
}
