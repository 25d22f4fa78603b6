import { send, keepAliveAgent } from './http-client.js';
import type { ServiceProcess } from './service-process.js';
import { rssMb, schedstat, spawnService, waitHealthy } from './service-process.js';

export interface StartupResult {
  service: ServiceProcess;
  /** Spawn → first 200 from GET /health. */
  startupS: number;
  /** Spawn → "REST API listening" on stderr. */
  listeningS: number;
  rssMb: number;
  /** The service's main thread until healthy: on a CPU, and runnable but waiting for one (ms). */
  cpuMs: number;
  waitMs: number;
  storedPredictions: number;
  segments: number;
}

/** Spawns the service on `dataDir` and times it until GET /health answers 200; the caller stops it. */
export async function benchStartup(dataDir: string, nodeArgs: string[] = []): Promise<StartupResult> {
  const service = await spawnService(dataDir, { timeoutMs: 120_000, nodeArgs });
  const listeningAt = performance.now();
  const healthyAt = await waitHealthy(service.baseUrl);
  const rss = rssMb(service.pid);
  const sched = schedstat(service.pid);
  const agent = keepAliveAgent(1);
  try {
    const health = JSON.parse((await send(agent, `${service.baseUrl}/api/v1/ml-metrics/health`, 'GET')).body) as {
      stored_predictions: number;
      segments: number;
    };
    return {
      service,
      startupS: (healthyAt - service.spawnedAt) / 1000,
      listeningS: (listeningAt - service.spawnedAt) / 1000,
      rssMb: rss,
      cpuMs: sched.cpuMs,
      waitMs: sched.waitMs,
      storedPredictions: health.stored_predictions,
      segments: health.segments,
    };
  } finally {
    agent.destroy();
  }
}
