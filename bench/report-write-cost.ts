import type { HttpIngestResult } from './http-ingest.js';
import { fmt, fmtInt, type Row } from './report.js';
import type { WriteCostResult } from './write-cost.js';

/** Issue 10's write-cost targets. */
export const WRITE_TARGETS = {
  trickleBytesPerPrediction: 8192,
  trickleAckP50Ms: 5,
  /** Bytes written per prediction at 64 connections, as a multiple of the request's JSON size. */
  burstBytesPerRequestByte: 3,
  /** HTTP ingest as a share of the bare sink's rate in the same run. */
  shareOfBareSink: 0.8,
  /** HTTP ingest as a multiple of the SQLite WAL sink's rate in the same run. */
  timesSqlite: 1,
};

export interface WriteCostInput {
  http: HttpIngestResult | undefined;
  bare: WriteCostResult | undefined;
  sqlite: WriteCostResult | undefined;
  trickle: { service: WriteCostResult | undefined; sqlite: WriteCostResult | undefined; bare: WriteCostResult | undefined };
  /** Where the trickle ran: a loop-mounted ext4 image with a journal, or the scratch directory (and why not the image). */
  trickleFileSystem?: { journaledImage: true } | { journaledImage: false; why: string };
}

export interface WriteCostJson {
  trickle_bytes_written_per_prediction: number | null;
  trickle_ack_ms: { p50: number; p99: number } | null;
  /** Bytes at the block device per trickled prediction, the file system's journal included (no target). */
  trickle_device_bytes_per_prediction: { service: number | null; bare_sink: number | null; sqlite_sink: number | null } | null;
  http_bytes_written_per_prediction: number | null;
  http_vs_bare_sink: number | null;
  bare_sink_per_s: number | null;
  http_vs_sqlite_sink: number | null;
  sqlite_sink_per_s: number | null;
  sqlite_bytes_written_per_prediction: number | null;
  sqlite_trickle_bytes_written_per_prediction: number | null;
  /** CPU per 201 at 64 connections, in µs: each server's process (every thread) and main thread, and the client's main thread in each run. */
  cpu_us_per_request: {
    service: { all: number | null; main: number | null; client_main: number | null };
    bare_sink: { all: number | null; main: number | null; client_main: number | null };
  } | null;
}

const round = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));

type CpuFigures = { all: number; main: number; client_main: number };

/**
 * CPU per acknowledged prediction at 64 connections, in µs, of the service and of the bare sink
 * (process and main thread) and of the client driving each: on a 2-core machine the client and the
 * server share the cores, so the rate each reaches follows what the two spend per request.
 */
function cpuPerRequest(http: HttpIngestResult, bare: WriteCostResult): { service: CpuFigures; bare_sink: CpuFigures } {
  const per = (ms: number, created: number) => (ms * 1000) / Math.max(1, created);
  return {
    service: { all: per(http.serviceProcessCpuS * 1000, http.created), main: per(http.serviceCpuS * 1000, http.created), client_main: per(http.clientCpuS * 1000, http.created) },
    bare_sink: { all: per(bare.serverCpuMs, bare.created), main: per(bare.serverMainCpuMs, bare.created), client_main: per(bare.clientMainCpuMs, bare.created) },
  };
}

function roundCpu(figures: { service: CpuFigures; bare_sink: CpuFigures }): NonNullable<WriteCostJson['cpu_us_per_request']> {
  const each = (f: CpuFigures) => ({ all: round(f.all, 1), main: round(f.main, 1), client_main: round(f.client_main, 1) });
  return { service: each(figures.service), bare_sink: each(figures.bare_sink) };
}

/** Rows, notes and JSON fields of the write-cost phases (trickle, bare sink, SQLite sink). */
export function writeCostReport(input: WriteCostInput): { rows: Row[]; notes: string[]; json: WriteCostJson } {
  const { http, bare, sqlite, trickle } = input;
  const rows: Row[] = [];
  const notes: string[] = [];
  const t = WRITE_TARGETS;
  const failed = (measure: string, target?: string) => rows.push({ measure, value: 'phase failed', ...(target ? { target, pass: false } : {}) });

  // One at a time, each acknowledged before the next.
  const ts = trickle.service;
  if (ts) {
    rows.push({
      measure: `trickle_bytes_written_per_prediction (1 conn, ${fmtInt(ts.created)} acknowledged one at a time)`,
      value: `${fmtInt(ts.bytesPerPrediction)} B`,
      target: `<= ${fmtInt(t.trickleBytesPerPrediction)} B`,
      pass: ts.bytesPerPrediction <= t.trickleBytesPerPrediction,
    });
    rows.push({ measure: 'trickle_ack_ms p50 / p99', value: `${fmt(ts.latencyP50Ms, 2)} / ${fmt(ts.latencyP99Ms, 2)} ms`, target: `p50 <= ${t.trickleAckP50Ms} ms`, pass: ts.latencyP50Ms <= t.trickleAckP50Ms });
    if (ts.non201 > 0) notes.push(`NOTE trickle: ${ts.non201} non-201 answers; first: ${ts.firstNon201}`);
  } else {
    failed('trickle_bytes_written_per_prediction', `<= ${fmtInt(t.trickleBytesPerPrediction)} B`);
    failed('trickle_ack_ms', `p50 <= ${t.trickleAckP50Ms} ms`);
  }
  for (const other of [trickle.sqlite, trickle.bare]) {
    if (!other) continue;
    rows.push({
      measure: `  same, ${other.target === 'sqlite' ? 'SQLite WAL sink' : 'bare append+fdatasync sink'}`,
      value: `${fmtInt(other.bytesPerPrediction)} B, ack p50 / p99 ${fmt(other.latencyP50Ms, 2)} / ${fmt(other.latencyP99Ms, 2)} ms`,
    });
  }
  if (ts && trickle.sqlite && trickle.sqlite.bytesPerPrediction > 0) {
    rows.push({ measure: '  service / SQLite bytes per trickled prediction', value: `${fmt(ts.bytesPerPrediction / trickle.sqlite.bytesPerPrediction, 2)}x` });
  }
  const atDevice = (result: WriteCostResult | undefined) =>
    result?.device ? `${fmtInt(result.device.bytesPerPrediction)} B in ${fmt(result.device.writesPerPrediction, 2)} writes` : 'not measured';
  if (ts) {
    rows.push({
      measure: `  same at the block device${input.trickleFileSystem?.journaledImage ? ' (ext4 image with a journal)' : ''}: service / bare sink / SQLite sink`,
      value: `${atDevice(ts)} / ${atDevice(trickle.bare)} / ${atDevice(trickle.sqlite)} per prediction`,
    });
    const measuredWhere = ts.device ? `${ts.device.statFile}, ${ts.device.fileSystem}` : 'no block device under the scratch directory';
    const fileSystem = input.trickleFileSystem;
    const ranWhere = fileSystem?.journaledImage
      ? 'The trickle ran on a fresh loop-mounted ext4 image (bench/journaled-image.ts: 4 KiB blocks, the defaults of mkfs.ext4, a journal), as the SD card of a Raspberry Pi holds; its journal adds three or more blocks to each fdatasync that grows a file.'
      : `The trickle ran in .bench/tmp, not on a journaled ext4 image (${fileSystem && !fileSystem.journaledImage ? fileSystem.why : 'not tried'}): without a journal the device figure is lower than on an SD card.`;
    notes.push(
      [
        `Trickle at the device: ${measuredWhere}, sectors and write I/Os completed between a sync before and one after the measured requests:`,
        'what reached the disk for them, the journal of the file system included where it keeps one (and anything else the machine wrote meanwhile).',
        `No target: the figure of issue 10 is the process's own. ${ranWhere}`,
      ].join(' '),
    );
  }

  // 64 connections.
  if (http) {
    const limit = t.burstBytesPerRequestByte * http.requestBytes;
    rows.push({
      measure: `HTTP bytes written per prediction (${http.connections} conns; request ${fmtInt(http.requestBytes)} B)`,
      value: `${fmtInt(http.bytesPerPrediction)} B (${fmt(http.bytesPerPrediction / http.requestBytes, 1)}x the request)`,
      target: `<= ${t.burstBytesPerRequestByte}x = ${fmtInt(limit)} B`,
      pass: http.bytesPerPrediction <= limit,
    });
  }
  if (http && bare) {
    const share = http.perS / bare.perS;
    rows.push({
      measure: `http_vs_bare_sink (${bare.connections} conns, same run)`,
      value: `${fmt(share * 100, 0)} % (${fmtInt(http.perS)} vs ${fmtInt(bare.perS)} /s)`,
      target: `>= ${fmt(t.shareOfBareSink * 100, 0)} %`,
      pass: share >= t.shareOfBareSink,
    });
    rows.push({ measure: '  bare sink: bytes per prediction, latency p50 / p99', value: `${fmtInt(bare.bytesPerPrediction)} B, ${fmt(bare.latencyP50Ms, 1)} / ${fmt(bare.latencyP99Ms, 1)} ms, ${bare.non201} non-201` });
    const cpu = cpuPerRequest(http, bare);
    rows.push({
      measure: '  CPU per 201, all threads / main thread',
      value: `service ${fmtInt(cpu.service.all)} / ${fmtInt(cpu.service.main)} µs, bare sink ${fmtInt(cpu.bare_sink.all)} / ${fmtInt(cpu.bare_sink.main)} µs; client main thread ${fmtInt(cpu.service.client_main)} / ${fmtInt(cpu.bare_sink.client_main)} µs`,
    });
  } else failed('http_vs_bare_sink', `>= ${fmt(t.shareOfBareSink * 100, 0)} %`);
  if (http && sqlite) {
    const times = http.perS / sqlite.perS;
    rows.push({
      measure: `HTTP vs SQLite WAL sink (${sqlite.connections} conns, same run)`,
      value: `${fmt(times, 2)}x (${fmtInt(http.perS)} vs ${fmtInt(sqlite.perS)} /s)`,
      target: `>= ${fmt(t.timesSqlite, 1)}x`,
      pass: times >= t.timesSqlite,
    });
    rows.push({ measure: '  SQLite sink: bytes per prediction, latency p50 / p99', value: `${fmtInt(sqlite.bytesPerPrediction)} B, ${fmt(sqlite.latencyP50Ms, 1)} / ${fmt(sqlite.latencyP99Ms, 1)} ms, ${sqlite.non201} non-201` });
  } else failed('HTTP vs SQLite WAL sink', `>= ${fmt(t.timesSqlite, 1)}x`);
  for (const sink of [bare, sqlite, trickle.bare, trickle.sqlite]) {
    if (sink && sink.non201 > 0) notes.push(`NOTE ${sink.target} sink (${sink.connections} conns): ${sink.non201} non-201; first: ${sink.firstNon201}`);
  }
  notes.push(
    'Bytes written = write_bytes - cancelled_write_bytes of the server process in /proc/<pid>/io over the measured requests: ' +
      'the page-cache data it dirtied (file data, whole 4 KiB pages), not the ext4 journal the kernel writes for it; measured, not estimated. ' +
      'Sinks: bench/bare-sink.ts (Node http, append one line, fdatasync per group) and bench/sqlite-sink.py ' +
      '(Python 3.11 asyncio + sqlite3, WAL, synchronous=FULL, one transaction per group of pending requests), each spawned on a fresh scratch directory, ' +
      'driven by the same client code and bodies as the service.',
  );
  return {
    rows,
    notes,
    json: {
      trickle_bytes_written_per_prediction: round(ts?.bytesPerPrediction, 0),
      trickle_ack_ms: ts ? { p50: round(ts.latencyP50Ms, 3)!, p99: round(ts.latencyP99Ms, 3)! } : null,
      trickle_device_bytes_per_prediction: ts
        ? { service: round(ts.device?.bytesPerPrediction, 0), bare_sink: round(trickle.bare?.device?.bytesPerPrediction, 0), sqlite_sink: round(trickle.sqlite?.device?.bytesPerPrediction, 0) }
        : null,
      http_bytes_written_per_prediction: round(http?.bytesPerPrediction, 0),
      http_vs_bare_sink: http && bare ? round(http.perS / bare.perS, 3) : null,
      bare_sink_per_s: round(bare?.perS, 0),
      http_vs_sqlite_sink: http && sqlite ? round(http.perS / sqlite.perS, 3) : null,
      sqlite_sink_per_s: round(sqlite?.perS, 0),
      sqlite_bytes_written_per_prediction: round(sqlite?.bytesPerPrediction, 0),
      sqlite_trickle_bytes_written_per_prediction: round(trickle.sqlite?.bytesPerPrediction, 0),
      cpu_us_per_request: http && bare ? roundCpu(cpuPerRequest(http, bare)) : null,
    },
  };
}
