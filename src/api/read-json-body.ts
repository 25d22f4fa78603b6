import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/**
 * The deepest nesting of objects and arrays a body may have (the body itself is level 1). The
 * validators recurse once per level, so a deeper body would overflow the stack (a 500) or, if
 * stored, make the store unreadable after a restart.
 */
export const MAX_BODY_DEPTH = 64;

/** True when the request announces a body (a non-zero Content-Length or any Transfer-Encoding). */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `request body is larger than the limit of ${limitBytes} bytes; send less data per request (api.body_limit_bytes)`);
}

/** Refuses a body whose media type is not JSON (also a guard against cross-site form posts). */
function checkContentType(req: IncomingMessage): void {
  const header = req.headers['content-type'];
  // What nearly every client sends: no need to split it into parameters.
  if (header === 'application/json') return;
  const [mediaType = '', ...parameters] = (header ?? '').split(';').map((part) => part.trim());
  const charset = parameters
    .map((parameter) => /^charset=(?:"?)([^"]*)(?:"?)$/i.exec(parameter)?.[1])
    .find((value) => value !== undefined);
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new HttpError(
      415,
      header === undefined
        ? 'request body has no Content-Type; send it as JSON with the header Content-Type: application/json'
        : `request body has Content-Type ${mediaType || '(empty)'}; send it as JSON with the header Content-Type: application/json`,
    );
  }
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new HttpError(415, `request body has charset ${charset}; send it as UTF-8 JSON`);
  }
}

/**
 * Checks the declared size before reading anything; 413 as soon as Content-Length or the bytes
 * actually received (chunked bodies) pass `limitBytes`.
 */
export function checkDeclaredLength(req: IncomingMessage, limitBytes: number): void {
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > limitBytes) throw tooLarge(limitBytes);
}

/**
 * Reads a request body of at most `limitBytes` and parses it as a JSON object. Resolves with
 * `undefined` when there is no body. Stops reading (without buffering the rest) once the limit
 * is passed. Throws HttpError 400, 413 or 415.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<Record<string, unknown> | undefined> {
  if (!hasBody(req)) return undefined;
  checkDeclaredLength(req, limitBytes);
  checkContentType(req);
  const raw = await readLimited(req, limitBytes);
  if (raw.length === 0) return undefined;
  if (!isUtf8(raw)) throw new HttpError(400, 'request body is not valid UTF-8; send UTF-8 encoded JSON');
  // A byte order mark is not part of the JSON text (as TextDecoder drops it).
  const text = raw.toString('utf8', hasByteOrderMark(raw) ? 3 : 0);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `request body is not valid JSON: ${reason}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new HttpError(400, `request body must be a JSON object, not ${kind}`);
  }
  if (nestingDepth(text, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    throw new HttpError(400, `request body is nested more than ${MAX_BODY_DEPTH} levels deep; send flatter JSON`);
  }
  return value as Record<string, unknown>;
}

function hasByteOrderMark(raw: Buffer): boolean {
  return raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
}

/** Deepest nesting of `{` and `[` in valid JSON text (brackets inside strings ignored); stops once past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
    }
  }
  return deepest;
}

function readLimited(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limitBytes) {
        cleanup();
        chunks.length = 0;
        // Stop reading: what is left is discarded by the server, never buffered.
        req.pause();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      // Most bodies arrive in one chunk: no copy then.
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new HttpError(400, `request body could not be read: ${error.message}`));
    };
    const onAborted = (): void => {
      cleanup();
      reject(new HttpError(400, 'request body was cut off by the client'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
