import { parseArgs } from 'node:util';

/** `npm run bench` options: what each phase measures and how much. */
export const USAGE = `usage: npx tsx bench/run.ts [options]
  --json                 also print one JSON object on the last line
  --predictions N        predictions in the query/start-up store (default 1000000)
  --seconds S            time budget of each ingest phase (default 10)
  --concurrency C        logPrediction calls in flight (tracker and naive lowdb; default 256)
  --sweep LIST           also run the tracker ingest at these concurrencies, 5 s each (default 64,128; "none")
  --connections K        keep-alive connections of the HTTP ingest (default 64)
  --queries Q            measured requests per query series (default 2000)
  --warmup W             warm-up requests per query series (default 200)
  --naive-start N        predictions already in the file for the second lowdb baseline (default 100000)
  --trickle N            predictions sent one at a time (each acknowledged first) to the service and each sink (default 1000)
  --reseed               rebuild the cached store even if present
  --cpu-prof             spawned services write V8 CPU profiles to .bench/profiles/`;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number, got "${raw}"`);
  return value;
}

export type BenchOptions = ReturnType<typeof parseOptions>;

export function parseOptions() {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      predictions: { type: 'string' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      sweep: { type: 'string' },
      connections: { type: 'string' },
      queries: { type: 'string' },
      warmup: { type: 'string' },
      'naive-start': { type: 'string' },
      trickle: { type: 'string' },
      reseed: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    json: values.json!,
    help: values.help!,
    predictions: positiveInt('predictions', values.predictions, 1_000_000),
    seconds: positiveInt('seconds', values.seconds, 10),
    concurrency: positiveInt('concurrency', values.concurrency, 256),
    sweep:
      values.sweep === 'none' || values.sweep === ''
        ? []
        : (values.sweep ?? '64,128').split(',').map((part) => positiveInt('sweep', part.trim(), 0)),
    connections: positiveInt('connections', values.connections, 64),
    queries: positiveInt('queries', values.queries, 2000),
    warmup: positiveInt('warmup', values.warmup, 200),
    naiveStart: positiveInt('naive-start', values['naive-start'], 100_000),
    trickle: positiveInt('trickle', values.trickle, 1000),
    reseed: values.reseed!,
    cpuProf: values['cpu-prof']!,
  };
}
