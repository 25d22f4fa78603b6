import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The dashboard's files, built by `npm run build` into dist/panel (two folders up from src/api and dist/api). */
export const PANEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'panel');

/** The only paths served: request path → file in PANEL_DIR and its content type. */
const PANEL_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/panel/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/panel/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** Same-origin only; uPlot sizes its elements through the style attribute. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

/**
 * Serves the panel's fixed allow-list of files from memory (read once, gzipped once), with an
 * ETag: browsers revalidate (`no-cache`) and get 304 when nothing changed.
 */
export class PanelAssets {
  readonly #dir: string;
  readonly #cache = new Map<string, Promise<Asset | null>>();

  constructor(dir: string = PANEL_DIR) {
    this.#dir = dir;
  }

  /** True for a path of the allow-list. */
  has(rawPath: string): boolean {
    return Object.hasOwn(PANEL_FILES, rawPath);
  }

  /** Answers GET or HEAD of an allow-listed path; a panel that was not built is a 404 that says so. */
  async serve(req: IncomingMessage, res: ServerResponse, rawPath: string, headers: Record<string, string>): Promise<number> {
    const entry = PANEL_FILES[rawPath];
    const asset = entry ? await this.#load(entry.file, entry.type) : null;
    if (!asset) {
      const text = 'The dashboard is not built: run `npm run build` (it writes dist/panel).\n';
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
      res.end(req.method === 'HEAD' ? undefined : text);
      return 404;
    }
    const common = {
      ...headers,
      ETag: asset.etag,
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Referrer-Policy': 'no-referrer',
    };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, common).end();
      return 304;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzipped : asset.body;
    res.writeHead(200, {
      ...common,
      'Content-Type': asset.type,
      'Content-Length': String(body.length),
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return 200;
  }

  #load(file: string, type: string): Promise<Asset | null> {
    let loading = this.#cache.get(file);
    if (!loading) {
      loading = readFile(join(this.#dir, file)).then(
        (body) => ({ type, body, gzipped: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }),
        () => null,
      );
      // A missing file is looked for again next time (the build may come later); a found one is kept.
      void loading.then((asset) => {
        if (asset === null) this.#cache.delete(file);
      });
      this.#cache.set(file, loading);
    }
    return loading;
  }
}
