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

/**
 * An answer that is not JSON (Prometheus text, an export stream): sent with `headers`, then
 * `write` writes the body into `out` and resolves when it is all written (honouring backpressure).
 * A failure in `write` cuts the connection: the client sees an incomplete answer, never a short one.
 */
export interface StreamResult {
  status: number;
  headers: Record<string, string>;
  write: (out: NodeJS.WritableStream) => Promise<void>;
}

export type Handler = (context: RequestContext) => Promise<HandlerResult | StreamResult>;

export function isStreamResult(result: HandlerResult | StreamResult): result is StreamResult {
  return 'write' in result;
}

/** How an operation appears in the OpenAPI document. */
export interface OperationDoc {
  operationId: string;
  summary: string;
  /** Query parameters, from the schema the tracker validates them with. */
  query?: z.ZodObject;
  /** Query parameters that may come in the body instead, so none is required in the query. */
  queryMayBeInBody?: boolean;
  requestBody?: { schema: ComponentName; required: boolean };
  /** The success answer: a JSON component, or (`text`) media types whose body is text. */
  response: { status: number; description: string; schema: ComponentName } | { status: number; description: string; text: string[] };
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
