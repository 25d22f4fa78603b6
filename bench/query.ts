import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openTracker } from '../src/open-tracker.js';
import { shippedConfig } from './config.js';
import { keepAliveAgent, percentile, send } from './http-client.js';
import { removeScratch, scratchDir } from './paths.js';
import { schedstat } from './service-process.js';
import { spawnSink } from './sinks.js';
import { QUERY_MODEL } from './workload.js';

export interface QuerySeries {
  path: string;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** From the first answer: what the query covered. */
  modelVersion: string;
  totalPredictions: number;
  /** Over the measured requests: the service's main thread on a CPU, and runnable but waiting for one. */
  serviceCpuMs: number;
  serviceWaitMs: number;
  /** The same for the benchmark (client) process. */
  clientWaitMs: number;
}

export interface QueryResult {
  all: QuerySeries;
  week: QuerySeries;
  worstP99Ms: number;
  /** The window=all answer's bytes, for the static floor. */
  answer: string;
}

/** One series: `warmup` GETs of `path`, then `requests` timed ones, one at a time over one keep-alive connection. */
export async function querySeries(pid: number, baseUrl: string, path: string, warmup: number, requests: number): Promise<QuerySeries> {
  const agent = keepAliveAgent(1);
  try {
    const url = `${baseUrl}${path}`;
    const first = await send(agent, url, 'GET');
    if (first.status !== 200) throw new Error(`GET ${path} answered ${first.status}: ${first.body.slice(0, 300)}`);
    const body = JSON.parse(first.body) as { model_version?: string; total_predictions?: number };
    for (let i = 0; i < warmup; i += 1) await send(agent, url, 'GET');
    const times: number[] = [];
    const serviceBefore = schedstat(pid);
    const clientBefore = schedstat('self');
    for (let i = 0; i < requests; i += 1) {
      const started = performance.now();
      const answer = await send(agent, url, 'GET');
      times.push(performance.now() - started);
      if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    }
    const serviceAfter = schedstat(pid);
    const clientAfter = schedstat('self');
    times.sort((a, b) => a - b);
    return {
      path,
      requests,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      maxMs: times.at(-1)!,
      modelVersion: body.model_version ?? '',
      totalPredictions: body.total_predictions ?? 0,
      serviceCpuMs: serviceAfter.cpuMs - serviceBefore.cpuMs,
      serviceWaitMs: serviceAfter.waitMs - serviceBefore.waitMs,
      clientWaitMs: clientAfter.waitMs - clientBefore.waitMs,
    };
  } finally {
    agent.destroy();
  }
}

/** Sequential GET /models/voice_recognition (window all, then 7d) on one keep-alive connection. */
export async function benchQuery(pid: number, baseUrl: string, options: { warmup: number; requests: number }): Promise<QueryResult> {
  const base = `/api/v1/ml-metrics/models/${QUERY_MODEL}`;
  const all = await querySeries(pid, baseUrl, base, options.warmup, options.requests);
  const week = await querySeries(pid, baseUrl, `${base}?window=7d`, options.warmup, options.requests);
  const answer = (await send(keepAliveAgent(1), `${baseUrl}${base}`, 'GET')).body;
  return { all, week, worstP99Ms: Math.max(all.p99Ms, week.p99Ms), answer };
}

/**
 * window=all again once the service is warm: after the two measured series and `2 * requests`
 * more (a few thousand requests after start-up). Not a target: it shows how much of the p99
 * above is the first few thousand requests after a start (the JIT compiling on its helper
 * threads, which then hold the CPU the event loop wakes on).
 */
export async function benchQueryWarm(pid: number, baseUrl: string, options: { requests: number }): Promise<QuerySeries> {
  return querySeries(pid, baseUrl, `/api/v1/ml-metrics/models/${QUERY_MODEL}`, 2 * options.requests, options.requests);
}

export interface QueryFloorResult {
  first: QuerySeries;
  second: QuerySeries;
}

/**
 * The same two series (same client, warm-up and count) against a fresh static server that
 * answers the service's window=all bytes: the latency of no work at all on this machine, right
 * after start-up (first series) and once warm (second).
 */
export async function benchQueryFloor(answer: string, options: { warmup: number; requests: number }): Promise<QueryFloorResult> {
  const file = join(scratchDir('query-floor'), 'answer.json');
  writeFileSync(file, answer);
  const server = await spawnSink('static', file);
  try {
    const first = await querySeries(server.pid, server.baseUrl, '/', options.warmup, options.requests);
    const second = await querySeries(server.pid, server.baseUrl, '/', options.warmup, options.requests);
    return { first, second };
  } finally {
    await server.stop();
    removeScratch(dirname(file));
  }
}

export interface InProcessQueryResult {
  /** openTracker (read-only) on the store, in this process. */
  openS: number;
  all: { p50Ms: number; p99Ms: number };
  week: { p50Ms: number; p99Ms: number };
}

/**
 * The same two queries through the tracker API in this process (no HTTP, no second process), each
 * answer computed anew (no kept answers): how much of the HTTP latency is the computation itself.
 */
export async function benchQueryInProcess(dataDir: string, options: { warmup: number; requests: number }): Promise<InProcessQueryResult> {
  const began = performance.now();
  // Every answer computed: kept answers (performance-answers.ts) would make this a cache lookup,
  // and this figure is the one the service's kept answers cannot help (the first query after each write).
  const tracker = await openTracker({ dataDir, config: shippedConfig(dataDir), readOnly: true, keepAnswers: false });
  const openS = (performance.now() - began) / 1000;
  try {
    const time = async (query: Record<string, string>) => {
      for (let i = 0; i < options.warmup; i += 1) await tracker.getPerformance(QUERY_MODEL, query);
      const times: number[] = [];
      for (let i = 0; i < options.requests; i += 1) {
        const started = performance.now();
        await tracker.getPerformance(QUERY_MODEL, query);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
    };
    return { openS, all: await time({}), week: await time({ window: '7d' }) };
  } finally {
    await tracker.close();
  }
}
