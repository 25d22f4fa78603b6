import type { z } from 'zod';
import type { ComponentName } from './openapi-components.js';
import type { HttpMethod, Route } from './router.js';

/** What a handler sees of a request: decoded path parameters, the query, and its JSON body on demand. */
export interface RequestContext {
  params: Record<string, string>;
  query: Record<string, string>;
  /** The body parsed as a JSON object; `undefined` when the request has none. */
  readBody(): Promise<Record<string, unknown> | undefined>;
}

export interface HandlerResult {
  status: number;
  body: unknown;
}

export type Handler = (context: RequestContext) => Promise<HandlerResult>;

/** How an operation appears in the OpenAPI document. */
export interface OperationDoc {
  operationId: string;
  summary: string;
  /** Query parameters, from the schema the tracker validates them with. */
  query?: z.ZodObject;
  /** Query parameters that may come in the body instead, so none is required in the query. */
  queryMayBeInBody?: boolean;
  requestBody?: { schema: ComponentName; required: boolean };
  response: { status: number; description: string; schema: ComponentName };
  /** Other answers with a body that is not the error body. */
  otherResponses?: { status: number; description: string; schema: ComponentName }[];
  /** Error statuses this operation can answer besides 401 and 500. */
  errors: number[];
}

export interface ApiRoute extends Route<Handler> {
  method: HttpMethod;
  /** Answered without a token even when one is configured. */
  public?: boolean;
  doc: OperationDoc;
}
