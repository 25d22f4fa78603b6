import { driveHttp } from './drive-http.js';
import { keepAliveAgent, send } from './http-client.js';
import { removeScratch, scratchDir } from './paths.js';
import { bytesWrittenBetween, processCpuMs, readProcIo } from './proc-stats.js';
import { schedstat, spawnService, stopService, waitHealthy } from './service-process.js';
import { meanBytes, requestBodies } from './write-cost.js';

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
  /** The service's /proc/<pid>/io write_bytes (minus cancelled) over the measured requests. */
  bytesWritten: number;
  bytesPerPrediction: number;
  /** Mean size of the JSON request bodies sent. */
  requestBytes: number;
  storedAfter: number | null;
  /** Over the measured seconds (main threads): the service on a CPU / runnable but waiting; the client on a CPU / waiting. */
  serviceCpuS: number;
  serviceWaitS: number;
  /** The service process's CPU over the measured seconds, every thread (event loop, thread pool, GC helpers). */
  serviceProcessCpuS: number;
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
    const bodies = requestBodies();
    // Open the connections first (not counted).
    await Promise.all(Array.from({ length: options.connections }, () => send(agent, `${service!.baseUrl}/api/v1/ml-metrics/health`, 'GET')));
    const serviceBefore = schedstat(service.pid);
    const serviceProcessBefore = processCpuMs(service.pid);
    const clientBefore = schedstat('self');
    const ioBefore = readProcIo(service.pid);
    const drive = await driveHttp({ agent, url, bodies, connections: options.connections, seconds: options.seconds, maxRequests: options.maxRequests });
    const bytesWritten = bytesWrittenBetween(ioBefore, readProcIo(service.pid));
    const { created, seconds } = drive;
    const serviceAfter = schedstat(service.pid);
    const serviceProcessAfter = processCpuMs(service.pid);
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
    return {
      created,
      seconds,
      perS: drive.perS,
      connections: options.connections,
      non201: drive.non201,
      non201ByStatus: drive.non201ByStatus,
      firstNon201: drive.firstNon201,
      latencyP50Ms: drive.latencyP50Ms,
      latencyP99Ms: drive.latencyP99Ms,
      bytesWritten,
      bytesPerPrediction: bytesWritten / Math.max(1, created),
      requestBytes: meanBytes(bodies),
      storedAfter,
      serviceCpuS: (serviceAfter.cpuMs - serviceBefore.cpuMs) / 1000,
      serviceWaitS: (serviceAfter.waitMs - serviceBefore.waitMs) / 1000,
      serviceProcessCpuS: (serviceProcessAfter - serviceProcessBefore) / 1000,
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
