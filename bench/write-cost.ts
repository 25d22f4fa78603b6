import { join } from 'node:path';
import { driveHttp, type DriveResult } from './drive-http.js';
import { keepAliveAgent, send } from './http-client.js';
import { bodyPool } from './ingest.js';
import { removeScratch, scratchDir } from './paths.js';
import { blockDeviceOf, bytesWrittenBetween, describeDeviceFileSystem, processCpuMs, readProcIo, syncedDeviceWrites } from './proc-stats.js';
import { schedstat, spawnService, stopService, waitHealthy } from './service-process.js';
import { spawnSink, type SinkKind } from './sinks.js';

/** What is measured: the service (`node dist/main.js`), or one of the yardstick sinks. */
export type Target = 'service' | Exclude<SinkKind, 'static'>;

export const TARGET_LABELS: Record<Target, string> = {
  service: 'hap-ml-metrics service',
  bare: 'bare append+fdatasync sink',
  sqlite: 'SQLite WAL sink (Python)',
};

export interface WriteCostResult extends DriveResult {
  target: Target;
  connections: number;
  /** write_bytes (minus cancelled) of the server process over the measured requests, from /proc/<pid>/io. */
  bytesWritten: number;
  bytesPerPrediction: number;
  /** CPU over the measured requests, in ms: the server process (every thread), its main thread, and the client's main thread. */
  serverCpuMs: number;
  serverMainCpuMs: number;
  clientMainCpuMs: number;
  /**
   * What the block device holding the data reached over the measured requests, the file system's
   * journal included (`sync` before and after; everything else the machine wrote meanwhile is in
   * it too): only when asked (`deviceWrites`), null when there is no block device to read.
   */
  device: { bytesPerPrediction: number; writesPerPrediction: number; statFile: string; fileSystem: string } | null;
  stoppedCleanly: boolean;
}

/** The request bodies every target gets (the same pool as the HTTP ingest phase). */
export function requestBodies(): Buffer[] {
  return bodyPool(8192, 11).map((body) => Buffer.from(JSON.stringify(body)));
}

export function meanBytes(bodies: readonly Buffer[]): number {
  return bodies.reduce((sum, body) => sum + body.length, 0) / Math.max(1, bodies.length);
}

async function start(target: Target, dir: string, nodeArgs: string[]): Promise<{ pid: number; url: string; warmUrl: string; stop: () => Promise<{ clean: boolean }> }> {
  if (target === 'service') {
    const service = await spawnService(dir, { nodeArgs });
    await waitHealthy(service.baseUrl);
    return {
      pid: service.pid,
      url: `${service.baseUrl}/api/v1/ml-metrics/predictions`,
      warmUrl: `${service.baseUrl}/api/v1/ml-metrics/health`,
      stop: () => stopService(service),
    };
  }
  const sink = await spawnSink(target, join(dir, target === 'bare' ? 'sink.jsonl' : 'sink.db'));
  return { pid: sink.pid, url: `${sink.baseUrl}/predictions`, warmUrl: `${sink.baseUrl}/`, stop: () => sink.stop() };
}

/**
 * One target on a fresh scratch directory: `connections` keep-alive connections POST the bodies
 * back to back for `seconds` or `maxRequests`; bytes written are the server process's own
 * /proc/<pid>/io write_bytes over the measured requests (file data and what the file system
 * charges the process; the journal's writes by the kernel are not in it).
 */
export async function benchWriteCost(
  target: Target,
  options: { connections: number; seconds: number; maxRequests: number; bodies: readonly Buffer[]; nodeArgs?: string[]; deviceWrites?: boolean; scratchParent?: string },
): Promise<WriteCostResult> {
  const dir = scratchDir(`write-cost-${target}`, options.scratchParent);
  const agent = keepAliveAgent(options.connections);
  let server: Awaited<ReturnType<typeof start>> | undefined;
  try {
    server = await start(target, dir, options.nodeArgs ?? []);
    const { url, warmUrl, pid } = server;
    // Open the connections first (not counted).
    await Promise.all(Array.from({ length: options.connections }, () => send(agent, warmUrl, 'GET')));
    const device = options.deviceWrites ? blockDeviceOf(dir) : null;
    const deviceBefore = syncedDeviceWrites(device);
    const ioBefore = readProcIo(pid);
    const cpuBefore = { server: processCpuMs(pid), main: schedstat(pid).cpuMs, client: schedstat('self').cpuMs };
    const result = await driveHttp({ agent, url, bodies: options.bodies, connections: options.connections, seconds: options.seconds, maxRequests: options.maxRequests });
    const bytesWritten = bytesWrittenBetween(ioBefore, readProcIo(pid));
    const deviceAfter = syncedDeviceWrites(device);
    const perPrediction = (value: number) => value / Math.max(1, result.created);
    const deviceUse =
      deviceBefore && deviceAfter
        ? { statFile: deviceAfter.statFile, fileSystem: describeDeviceFileSystem(deviceAfter.statFile), bytesPerPrediction: perPrediction(deviceAfter.bytes - deviceBefore.bytes), writesPerPrediction: perPrediction(deviceAfter.ios - deviceBefore.ios) }
        : null;
    const cpu = { serverCpuMs: processCpuMs(pid) - cpuBefore.server, serverMainCpuMs: schedstat(pid).cpuMs - cpuBefore.main, clientMainCpuMs: schedstat('self').cpuMs - cpuBefore.client };
    agent.destroy();
    const stopped = await server.stop();
    server = undefined;
    return { ...result, target, connections: options.connections, bytesWritten, bytesPerPrediction: bytesWritten / Math.max(1, result.created), ...cpu, device: deviceUse, stoppedCleanly: stopped.clean };
  } finally {
    agent.destroy();
    if (server) await server.stop();
    removeScratch(dir);
  }
}
