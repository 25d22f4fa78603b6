import { afterEach, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../src/api/create-api-server.js';
import { createApiServer } from '../../src/api/create-api-server.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { openTracker } from '../../src/open-tracker.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

let dir: TempDir;
let tracker: ModelPerformanceTracker;
let server: ApiServer;

async function start(corsOrigins: string[]): Promise<string> {
  dir = await createTempDir('hap-cors-');
  tracker = await openTracker({ dataDir: dir.path });
  server = createApiServer({ tracker, logger: silentLogger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1 << 20, corsOrigins });
  const { url } = await server.start();
  return `${url}/api/v1/ml-metrics`;
}

afterEach(async () => {
  await server.stop();
  await tracker.close();
  await dir.remove();
});

describe('CORS', () => {
  it('answers an allowed origin, preflight included, and ignores others', async () => {
    const base = await start(['http://dashboard.local']);
    const allowed = await fetch(`${base}/models`, { headers: { Origin: 'http://dashboard.local' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dashboard.local');
    expect(allowed.headers.get('vary')).toBe('Origin');
    const other = await fetch(`${base}/models`, { headers: { Origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${base}/predictions`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://dashboard.local', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
  });

  it('allows any origin with "*"', async () => {
    const base = await start(['*']);
    const response = await fetch(`${base}/health`, { headers: { Origin: 'http://anything.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
