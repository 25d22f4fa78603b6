import type { Agent } from 'node:http';
import { percentile, send } from './http-client.js';

export interface DriveResult {
  created: number;
  seconds: number;
  perS: number;
  /** Non-201 answers by status; network errors as status 0. */
  non201ByStatus: Record<string, number>;
  non201: number;
  firstNon201: string | null;
  /** Of the 201 answers. */
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/**
 * `connections` workers each POSTing bodies back to back over `agent` (one request in flight per
 * worker: with connections 1 each prediction is acknowledged before the next is sent), until
 * `seconds` have passed or `maxRequests` were sent.
 */
export async function driveHttp(options: { agent: Agent; url: string; bodies: readonly Buffer[]; connections: number; seconds: number; maxRequests: number }): Promise<DriveResult> {
  const { agent, url, bodies } = options;
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  let firstNon201: string | null = null;
  let issued = 0;
  let created = 0;
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
        text = error instanceof Error ? error.message : String(error);
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
  latencies.sort((a, b) => a - b);
  return {
    created,
    seconds,
    perS: created / seconds,
    non201ByStatus: byStatus,
    non201: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    firstNon201,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
  };
}
