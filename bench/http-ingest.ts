import { keepAliveAgent, percentile, send } from './http-client.js';
import { removeScratch, scratchDir } from './paths.js';
import { schedstat, spawnService, stopService, waitHealthy } from './service-process.js';
import { bodyPool } from './ingest.js';

export interface HttpIngestResult {
  created: number;
  seconds: number;
  perS: number;
  connections: number;
  /** Non-201 answers by status, and network errors as status 0. */
  non201: number;
  non201ByStatus: Record<string, number>;
  firstNon201: string | null;
  latencyP50Ms: number;
  latencyP99Ms: number;
  storedAfter: number | null;
  /** Over the measured seconds (main threads): the service on a CPU / runnable but waiting; the client on a CPU / waiting. */
  serviceCpuS: number;
  serviceWaitS: number;
  clientCpuS: number;
  clientWaitS: number;
  stoppedCleanly: boolean;
}

/**
 * The service as a process (`node dist/main.js`, empty temp data dir, free port); `connections`
 * keep-alive connections each POSTing predictions back to back for `seconds` or `maxRequests`.
 */
export async function benchHttpIngest(options: { seconds: number; connections: number; maxRequests: number; nodeArgs?: string[] }): Promise<HttpIngestResult> {
  const dataDir = scratchDir('http-ingest');
  let service: Awaited<ReturnType<typeof spawnService>> | undefined;
  const agent = keepAliveAgent(options.connections);
  try {
    service = await spawnService(dataDir, { nodeArgs: options.nodeArgs ?? [] });
    await waitHealthy(service.baseUrl);
    const url = `${service.baseUrl}/api/v1/ml-metrics/predictions`;
    const bodies = bodyPool(8192, 11).map((body) => Buffer.from(JSON.stringify(body)));
    // Open the connections first (not counted).
    await Promise.all(Array.from({ length: options.connections }, () => send(agent, `${service!.baseUrl}/api/v1/ml-metrics/health`, 'GET')));
    const latencies: number[] = [];
    const byStatus: Record<string, number> = {};
    let firstNon201: string | null = null;
    let issued = 0;
    let created = 0;
    const serviceBefore = schedstat(service.pid);
    const clientBefore = schedstat('self');
    const began = performance.now();
    const deadline = began + options.seconds * 1000;
    const worker = async () => {
      while (issued < options.maxRequests && performance.now() < deadline) {
        const body = bodies[issued++ % bodies.length]!;
        const started = performance.now();
        let status: number;
        let text: string;
        try {
          ({ status, body: text } = await send(agent, url, 'POST', body));
        } catch (error) {
          status = 0;
          text = (error as Error).message;
        }
        if (status === 201) {
          created += 1;
          latencies.push(performance.now() - started);
        } else {
          byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
          firstNon201 ??= `${status} ${text.slice(0, 300)}`;
        }
      }
    };
    await Promise.all(Array.from({ length: options.connections }, worker));
    const seconds = (performance.now() - began) / 1000;
    const serviceAfter = schedstat(service.pid);
    const clientAfter = schedstat('self');
    let storedAfter: number | null = null;
    try {
      const health = await send(agent, `${service.baseUrl}/api/v1/ml-metrics/health`, 'GET');
      storedAfter = (JSON.parse(health.body) as { stored_predictions: number }).stored_predictions;
    } catch {
      storedAfter = null;
    }
    agent.destroy();
    const stopped = await stopService(service);
    service = undefined;
    latencies.sort((a, b) => a - b);
    const non201 = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
    return {
      created,
      seconds,
      perS: created / seconds,
      connections: options.connections,
      non201,
      non201ByStatus: byStatus,
      firstNon201,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      storedAfter,
      serviceCpuS: (serviceAfter.cpuMs - serviceBefore.cpuMs) / 1000,
      serviceWaitS: (serviceAfter.waitMs - serviceBefore.waitMs) / 1000,
      clientCpuS: (clientAfter.cpuMs - clientBefore.cpuMs) / 1000,
      clientWaitS: (clientAfter.waitMs - clientBefore.waitMs) / 1000,
      stoppedCleanly: stopped.clean,
    };
  } finally {
    agent.destroy();
    if (service) await stopService(service, 5000);
    removeScratch(dataDir);
  }
}
