import http from 'node:http';
import net from 'node:net';
import { expect } from 'vitest';
import { ErrorBodySchema } from '../../../src/api/error-response.js';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method: string;
  /** The request target exactly as sent: path and query, already encoded (bytes 0x21-0xff only). */
  target: string;
  body?: Buffer | string;
  /** Content-Type of the body; default application/json. */
  contentType?: string;
}

/** Percent-encodes the UTF-8 bytes of `text` except unreserved characters (lone surrogates become U+FFFD). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `text` written into a URL in one of several hostile ways: fully encoded, double-encoded, or
 * "raw": printable ASCII left as is (so `%`, `..`, `%2F`, `+`, `=` and `&` reach the server
 * verbatim), everything else encoded. `keepSlashes` leaves `/` raw too (more path segments).
 */
export function writeIntoUrl(text: string, how: 'encoded' | 'double' | 'raw' | 'raw-slashes'): string {
  if (how === 'encoded') return percentEncode(text);
  if (how === 'double') return percentEncode(percentEncode(text));
  let out = '';
  for (const char of text) {
    const keep = /^[\x21-\x7e]$/.test(char) && char !== '#' && char !== '?' && (how === 'raw-slashes' || char !== '/');
    out += keep ? char : percentEncode(char);
  }
  return out;
}

/** A small HTTP/1.1 client that sends request targets verbatim (fetch would normalise `..` and encodings). */
export class RawHttpClient {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  static fromUrl(url: string): RawHttpClient {
    const parsed = new URL(url);
    return new RawHttpClient(parsed.hostname, Number(parsed.port));
  }

  send(request: RawRequest): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
      const headers: Record<string, string> = {};
      if (body !== undefined) {
        headers['content-type'] = request.contentType ?? 'application/json';
        headers['content-length'] = String(body.length);
      }
      const req = http.request(
        { host: this.host, port: this.port, method: request.method, path: request.target, headers, agent: this.#agent, timeout: 20_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer to ${request.method} ${request.target.slice(0, 200)} within 20 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Sends raw bytes on a new connection and returns the status of the answer (0 when the server only closed). */
export function sendRawBytes(host: string, port: number, bytes: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve(parse());
      else reject(error);
    });
    socket.on('close', () => resolve(parse()));
    function parse(): { status: number; text: string } {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      return { status: match ? Number(match[1]) : 0, text };
    }
  });
}

/** Parses a JSON answer body; fails the test with the text when it is not JSON. */
export function jsonOf(answer: RawAnswer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    expect.fail(`answer ${answer.status} is not JSON: ${answer.text.slice(0, 300)}`);
  }
}

/**
 * The contract for every answer to hostile input: never 5xx; a 4xx is JSON with a non-empty
 * `error` and an `issues` array. Returns the parsed body.
 */
export function expectNoServerError(answer: RawAnswer, what: string): unknown {
  expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.status, `${what} → ${answer.status}`).toBeGreaterThanOrEqual(200);
  if (answer.status >= 400) {
    expect(answer.headers['content-type'], `${what}: content type`).toMatch(/^application\/json/);
    const body = jsonOf(answer);
    const parsed = ErrorBodySchema.safeParse(body);
    expect(parsed.success, `${what}: error body ${answer.text.slice(0, 300)}`).toBe(true);
    expect((body as { error: string }).error.trim().length, `${what}: empty error message`).toBeGreaterThan(0);
    return body;
  }
  // The text feeds (Prometheus /metrics, CSV and JSON-lines exports) answer text, not JSON.
  if (/^(text\/|application\/x-ndjson)/.test(String(answer.headers['content-type']))) return answer.text;
  return answer.text === '' ? undefined : jsonOf(answer);
}
