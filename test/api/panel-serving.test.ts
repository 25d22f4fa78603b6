/** The dashboard's files, the event stream and the ingress listener of the API server. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../src/api/create-api-server.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { freePort } from '../support/spawn-service.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

const undo: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (undo.length > 0) await undo.pop()?.();
});

async function start(options: Partial<ApiServerOptions> = {}): Promise<{ url: string; ingressUrl?: string; tracker: ModelPerformanceTracker; server: ApiServer; dir: TempDir }> {
  const dir = await createTempDir('panel-serving-');
  undo.push(() => dir.remove());
  const panelDir = join(dir.path, 'panel');
  await mkdir(panelDir);
  await writeFile(join(panelDir, 'index.html'), '<!doctype html><title>ML Metrics</title><script src="panel/app.js"></script>');
  await writeFile(join(panelDir, 'app.js'), `console.log(${JSON.stringify('x'.repeat(2000))});`);
  await writeFile(join(panelDir, 'app.css'), 'body{margin:0}');
  const tracker = await openTracker({ dataDir: join(dir.path, 'data') });
  undo.push(() => tracker.close());
  const server = createApiServer({
    tracker,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 1 << 20,
    panelDir,
    changes: (listener) => tracker.onChange(listener),
    ...options,
  });
  const started = await server.start();
  undo.push(() => server.stop());
  return { url: started.url, ...(started.ingressUrl ? { ingressUrl: started.ingressUrl } : {}), tracker, server, dir };
}

describe('the dashboard files', () => {
  it('serves the allow-list only, with content types, an ETag (304 on a match) and gzip when asked', async () => {
    const { url } = await start({ apiToken: 'secret' });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('panel/app.js');
    const etag = page.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect((await fetch(`${url}/`, { headers: { 'if-none-match': etag ?? '' } })).status).toBe(304);
    const css = await fetch(`${url}/panel/app.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    // fetch() sends Accept-Encoding and decodes; a raw request shows the compressed size.
    const { request } = await import('node:http');
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      request(`${url}/panel/app.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(raw.encoding).toBe('gzip');
    expect(raw.body.length).toBeLessThan(200);
    expect(gunzipSync(raw.body).toString()).toContain('console.log');
    // Nothing outside the list, and the API still wants its token.
    expect((await fetch(`${url}/panel/../package.json`)).status).toBe(401);
    expect((await fetch(`${url}/panel/other.js`)).status).toBe(401);
    expect((await fetch(`${url}/api/v1/ml-metrics/models`)).status).toBe(401);
  });
});

describe('the event stream', () => {
  it('sends a change event for each stored prediction and label, and ends on stop', async () => {
    const { url, tracker, server } = await start();
    const response = await fetch(`${url}/api/v1/ml-metrics/events/stream`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${needle}; got ${text}`);
        text += value;
      }
    };
    await readUntil(': connected');
    const logged = await tracker.logPrediction({ model_name: 'voice', prediction: { user: 'a' } });
    await readUntil('"kind":"prediction"');
    await tracker.recordGroundTruth(logged.prediction_id, { ground_truth: { user: 'a' } });
    await readUntil('"kind":"label"');
    expect(text).toContain('event: change\ndata: {"model_name":"voice","model_version":"1.0","kind":"prediction"}\n\n');
    await server.stop();
    while (!(await reader.read()).done);
  });

  it('wants the token when one is configured', async () => {
    const { url } = await start({ apiToken: 'secret' });
    expect((await fetch(`${url}/api/v1/ml-metrics/events/stream`)).status).toBe(401);
    const allowed = await fetch(`${url}/api/v1/ml-metrics/events/stream`, { headers: { authorization: 'Bearer secret' } });
    expect(allowed.status).toBe(200);
    await allowed.body?.cancel();
  });
});

describe('the ingress listener', () => {
  it('answers the proxy address without a token, while the main port still wants one', async () => {
    const port = await freePort();
    const { url, ingressUrl } = await start({ apiToken: 'secret', ingress: { host: '127.0.0.1', port, allowedAddress: '127.0.0.1' } });
    expect(ingressUrl).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${ingressUrl}/api/v1/ml-metrics/models`, { headers: { 'x-ingress-path': '/api/hassio_ingress/abc' } })).status).toBe(200);
    expect((await fetch(`${url}/api/v1/ml-metrics/models`)).status).toBe(401);
  });

  it('drops connections from any other address', async () => {
    const port = await freePort();
    const { ingressUrl } = await start({ ingress: { host: '127.0.0.1', port, allowedAddress: '172.30.32.2' } });
    await expect(fetch(`${ingressUrl}/api/v1/ml-metrics/models`)).rejects.toThrow();
  });
});
