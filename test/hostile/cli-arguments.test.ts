/**
 * Hostile `hap` arguments (issue 5): random commands, names (unicode, path-like, huge, flag-like),
 * flags and values, in process through runCli with captured output, and a few spawned
 * `node bin/hap.js` runs. Never a throw or a crash: exit 0, or exit 1/2 with exactly one
 * `hap: ...` line on stderr and no stack trace; no file is ever created (a read command never
 * creates a data directory, never writes the store it reads); no prototype is polluted.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { digestTree, expectPrototypesUnchanged, PathWatch, snapshotPrototypes } from './support/hostile-guards.js';
import { CaseCounter, checkProperty, runs, timeoutFor } from './support/hostile-runs.js';
import { fixedClock, HOSTILE_CONFIG, SEEDED_IDS, SEEDED_MODELS, seedStore } from './support/hostile-service.js';
import { hostileString, PATH_LIKE, POISON_KEYS } from './support/hostile-strings.js';
import { runHapInProcess } from '../support/run-hap.js';
import { spawnHap } from '../support/run-hap.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { freePort } from '../support/spawn-service.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const counter = new CaseCounter('CLI arguments');

/** The read commands; `serve` is never generated (it would start a service). */
const READ_COMMANDS = ['list', 'performance', 'predictions', 'training', 'compare'] as const;
const KNOWN_FLAGS = ['--version', '--window', '--since', '--until', '--limit', '--cursor', '--version-a', '--version-b', '--json', '--port', '--host', '-v', '-x', '--', '-', '---', '--no-json', '--help', '-h'];

let scratch: string;
/** A real store (seeded), an existing empty directory, a file, config files good and bad. */
let storeDir: string;
let emptyDir: string;
let configs: string[];
let closedUrl: string;
let prototypes: ReturnType<typeof snapshotPrototypes>;
let watch: PathWatch;

beforeAll(async () => {
  prototypes = snapshotPrototypes();
  scratch = await mkdtemp(path.join(tmpdir(), 'hap-hostile-cli-'));
  storeDir = path.join(scratch, 'store');
  emptyDir = path.join(scratch, 'empty');
  await mkdir(emptyDir);
  const tracker = await openTracker({ dataDir: storeDir, config: HOSTILE_CONFIG, now: fixedClock, logger: silentLogger });
  await seedStore(tracker);
  await tracker.close();
  const write = async (name: string, text: string): Promise<string> => {
    const file = path.join(scratch, name);
    await writeFile(file, text);
    return file;
  };
  configs = [
    await write('good.json', JSON.stringify(HOSTILE_CONFIG)),
    await write('not-json.json', '{"schema_version": 1,'),
    await write('proto.json', '{"__proto__": {"polluted": true}, "schema_version": 1, "models": {"__proto__": {"label_key": "x"}}}'),
    await write('array.json', '[]'),
    await write('nan.json', '{"schema_version": NaN}'),
    await write('deep.json', `{"schema_version": 1, "models": ${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`),
  ];
  closedUrl = `http://127.0.0.1:${await freePort()}`;
  watch = await PathWatch.start([ROOT, tmpdir(), scratch], [ROOT, scratch]);
});

afterAll(async () => {
  console.log(counter.report());
  await rm(scratch, { recursive: true, force: true });
});

const hap = runHapInProcess;

/** The contract for any run: exit 0 with nothing on stderr, or 1/2 with one `hap:` line (commander's help for a bare group is the one exception). */
function expectCleanExit(run: { code: number | null; stdout: string; stderr: string }, argv: string[]): void {
  const shown = JSON.stringify(argv.map((arg) => (arg.length > 80 ? `${arg.slice(0, 80)}…(${arg.length})` : arg)));
  expect([0, 1, 2], `exit code ${run.code} for ${shown}: ${run.stderr.slice(0, 300)}`).toContain(run.code);
  expect(run.stderr, `stack trace for ${shown}`).not.toMatch(/^\s+at\s/m);
  if (run.code === 0) {
    expect(run.stderr, `stderr on success for ${shown}`).toBe('');
    return;
  }
  if (run.code === 2 && run.stderr.startsWith('Usage: hap')) return;
  const lines = run.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines.length, `stderr of ${shown}: ${run.stderr.slice(0, 500)}`).toBe(1);
  expect(lines[0], `stderr of ${shown}`).toMatch(/^hap: \S/);
}

/** A flag and its value: one token `--flag=value`, two tokens, or the flag alone. */
type Unit = string[];

function flagUnit(flag: fc.Arbitrary<string>, value: fc.Arbitrary<string>): fc.Arbitrary<Unit> {
  return fc.tuple(flag, value, fc.constantFrom('pair', 'equals', 'alone')).map(([name, text, form]) => (form === 'pair' ? [name, text] : form === 'equals' ? [`${name}=${text}`] : [name]));
}

/** Values for flags: names of the seeded store, valid-looking values, and anything (huge included, NUL excluded: argv cannot hold it). */
const flagValue = fc.oneof(
  fc.constantFrom('1.0', '1.1', '7d', 'all', '500', '0', '-1', '1001', '99999999999w', '2024-01-15T00:00:00Z', 'yesterday', '', '--json', ...PATH_LIKE, ...POISON_KEYS),
  hostileString({ maxLength: 30, huge: true }),
);

/** Plausible values for each read-command flag. */
const PLAUSIBLE: Record<string, fc.Arbitrary<string>> = {
  '--version': fc.constantFrom('1.0', '1.1', '9.9'),
  '--window': fc.constantFrom('all', '30m', '12h', '7d', '2w', '500', '1'),
  '--since': fc.constantFrom('2024-01-14T00:00:00Z', '2024-01-15T11:00:00+01:00'),
  '--until': fc.constantFrom('2024-01-15T12:00:00Z', '2030-01-01T00:00:00Z'),
  '--limit': fc.integer({ min: 1, max: 1000 }).map(String),
  '--cursor': fc.nat({ max: 60 }).map(String),
  '--version-a': fc.constantFrom('1.0', '1.1'),
  '--version-b': fc.constantFrom('1.0', '1.1'),
};

/** The flags each read command takes (besides --data-dir, --config, --url). */
const FLAGS_OF: Record<(typeof READ_COMMANDS)[number], string[]> = {
  list: [],
  performance: ['--version', '--window', '--since', '--until'],
  predictions: ['--limit', '--cursor', '--version'],
  training: [],
  compare: ['--version-a', '--version-b', '--window'],
};

/** One of `flags` with a value that is mostly plausible (so runs get past parsing to the store and the renderers), sometimes hostile; or --json. */
function plausibleFlag(flags: readonly string[]): fc.Arbitrary<Unit> {
  const units = flags.map((flag) =>
    fc.oneof({ weight: 4, arbitrary: PLAUSIBLE[flag]!.map((text): Unit => [flag, text]) }, { weight: 1, arbitrary: flagUnit(fc.constant(flag), flagValue) }),
  );
  return fc.oneof(fc.constant<Unit>(['--json']), ...units);
}

/** A read command with flags that fit it (compare always gets both versions, perhaps hostile ones). */
const readCommandArgs = fc.constantFrom(...READ_COMMANDS).chain((command) =>
  fc.tuple(
    fc.constant(command),
    fc.array(plausibleFlag(FLAGS_OF[command]), { maxLength: 3 }),
    command === 'compare' ? fc.tuple(plausibleFlag(['--version-a']), plausibleFlag(['--version-b'])).map(([a, b]) => [...a, ...b]) : fc.constant<string[]>([]),
  ),
);

/** Places a read command may look for a store: the real one, an empty dir, a file, paths that do not exist (some outside scratch). */
function dataDirValue(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(storeDir) },
    { weight: 1, arbitrary: fc.constant(emptyDir) },
    { weight: 1, arbitrary: fc.constantFrom(...configs) },
    { weight: 3, arbitrary: hostileString({ maxLength: 20 }).map((name) => path.join(scratch, 'missing', name.replaceAll('\u0000', ''))) },
  );
}

const urlValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(closedUrl, `${closedUrl}/api/v1/ml-metrics`, 'ftp://x', 'javascript:alert(1)', 'http//x', '', 'http://', 'http://[::1', '://x', 'localhost:8000', 'file:///etc/passwd'),
    hostileString({ maxLength: 20 }).filter((text) => !text.includes(':')),
  );

/** Structured argv: `ml-metrics <command>` with names and flags in any order (built once the scratch paths exist). */
function structuredArgv(): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...READ_COMMANDS) },
        { weight: 1, arbitrary: fc.constantFrom('help', 'lst', 'perf', 'Performance', '') },
        { weight: 1, arbitrary: hostileString({ maxLength: 12 }) },
      ),
      fc.array(fc.oneof(fc.constantFrom(...SEEDED_MODELS, ...SEEDED_IDS), hostileString({ maxLength: 30, huge: true })).map((name) => [name]), { maxLength: 3 }),
      fc.array(
        fc.oneof(
          { weight: 4, arbitrary: plausibleFlag(Object.keys(PLAUSIBLE)) },
          { weight: 2, arbitrary: flagUnit(fc.constantFrom(...KNOWN_FLAGS), flagValue) },
          { weight: 4, arbitrary: flagUnit(fc.constant('--data-dir'), dataDirValue()) },
          { weight: 1, arbitrary: flagUnit(fc.constant('--config'), fc.oneof(fc.constantFrom(...configs), fc.constant(path.join(scratch, 'no-such.json')), fc.constant(storeDir))) },
          { weight: 1, arbitrary: flagUnit(fc.constant('--url'), urlValue()) },
          { weight: 1, arbitrary: flagUnit(hostileString({ maxLength: 10 }).map((name) => `--${name}`), flagValue) },
        ),
        { maxLength: 5 },
      ),
      fc.array(fc.double({ noNaN: true }), { minLength: 8, maxLength: 8 }),
    )
    .map(([command, names, flags, order]) => {
      const units = [...names, ...flags].map((unit, index) => ({ unit, key: order[index % order.length]! + index / 1000 }));
      units.sort((a, b) => a.key - b.key);
      return ['ml-metrics', command, ...units.flatMap(({ unit }) => unit)].filter((arg) => !arg.includes('\u0000'));
    })
    .filter((argv) => !argv.includes('serve'));
}

/** Anything at all, except what would start a service or read another store (serve, --data-dir, --config, --url). */
const rawArgv = fc
  .array(fc.oneof(fc.constantFrom('ml-metrics', ...READ_COMMANDS, '--json', '--help', '--', '-'), hostileString({ maxLength: 20, huge: true })), { maxLength: 8 })
  .map((argv) => argv.filter((arg) => !arg.includes('\u0000')))
  .filter((argv) => !argv.some((arg) => arg === 'serve' || /^--(data-dir|config|url)/.test(arg)));

function noteArgv(argv: string[]): void {
  for (const arg of argv) {
    watch.note(arg);
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined;
    if (value !== undefined) watch.note(value);
  }
}

describe('random arguments, in process', () => {
  it(`never throw; exit 0, or 1/2 with one "hap:" line; never create or change a file (${runs(250)} cases)`, async () => {
    const cases = fc.record({
      argv: fc.oneof(
        { weight: 4, arbitrary: structuredArgv() },
        { weight: 1, arbitrary: rawArgv },
        // Well-formed commands aimed at any directory: missing ones must stay missing.
        {
          weight: 3,
          arbitrary: fc
            .tuple(readCommandArgs, fc.constantFrom(...SEEDED_MODELS), dataDirValue())
            .map(([[command, flags, required], name, dir]) => ['ml-metrics', command, ...(command === 'list' ? [] : [name]), ...flags.flat(), ...required, '--data-dir', dir]),
        },
      ),
      token: fc.option(hostileString({ maxLength: 20 }), { nil: undefined }),
    });
    const env = (token: string | undefined): NodeJS.ProcessEnv => ({
      ML_METRICS_DATA_DIR: path.join(scratch, 'env-data-dir'),
      ...(token === undefined ? {} : { ML_METRICS_API_TOKEN: token }),
    });
    const before = await digestTree(scratch);
    await checkProperty(counter, 'runCli, random argv', cases, runs(250), async ({ argv, token }, tally) => {
      noteArgv(argv);
      let run: { code: number; stdout: string; stderr: string };
      try {
        run = await hap(argv, env(token));
      } catch (error) {
        expect.fail(`runCli threw for ${JSON.stringify(argv).slice(0, 300)}: ${(error as Error).stack ?? String(error)}`);
      }
      tally(`exit ${run.code}`);
      expectCleanExit(run, argv);
      expect(await digestTree(scratch), `files changed by hap ${JSON.stringify(argv).slice(0, 300)}`).toEqual(before);
      expectPrototypesUnchanged(prototypes);
    });
    await watch.expectNothingCreated();
  }, timeoutFor(250, 200));

  it(`read commands on the real store, with hostile names and values, answer and never write a byte (${runs(120)} cases)`, async () => {
    const before = await digestTree(storeDir);
    const cases = fc.record({
      args: readCommandArgs,
      name: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SEEDED_MODELS) }, { weight: 1, arbitrary: hostileString({ maxLength: 30 }) }),
    });
    await checkProperty(counter, 'runCli, read commands on a real store', cases, runs(120), async ({ args: [command, flags, required], name }, tally) => {
      const argv = ['ml-metrics', command, ...(command === 'list' ? [] : [name]), ...flags.flat(), ...required, '--data-dir', storeDir].filter((arg) => !arg.includes('\u0000'));
      noteArgv(argv);
      const run = await hap(argv, {});
      tally(`exit ${run.code}`);
      expectCleanExit(run, argv);
      expect(await digestTree(storeDir), `hap ${JSON.stringify(argv).slice(0, 200)} changed the store`).toEqual(before);
    });
    await watch.expectNothingCreated();
  }, timeoutFor(120, 200));
});

// ------------------------------------------------------------------ spawned


describe('random arguments, spawned', () => {
  beforeAll(ensureBuilt, 180_000);

  it(`node bin/hap.js exits 1 or 2 with one "hap:" line and creates no ./data (${runs(8)} cases)`, async () => {
    const cwd = path.join(scratch, 'spawn-cwd');
    await mkdir(cwd);
    // No --data-dir, --config, --url or --help: every read command must fail (there is no ./data here).
    const spawned = fc
      .tuple(
        fc.oneof(
          { weight: 4, arbitrary: readCommandArgs },
          { weight: 1, arbitrary: hostileString({ maxLength: 12 }).map((word) => [word, [], []] as [string, Unit[], string[]]) },
        ),
        fc.oneof(fc.constantFrom(...SEEDED_MODELS, ...PATH_LIKE), hostileString({ maxLength: 30, huge: true })),
      )
      .map(([[command, flags, required], name]) =>
        ['ml-metrics', command, ...(command === 'list' ? [] : [name]), ...flags.flat(), ...required].filter(
          // Linux refuses one argument over 128 KiB (E2BIG): keep each under 100,000 bytes.
          (arg) => !arg.includes('\u0000') && !/^-h$|^--help/.test(arg) && Buffer.byteLength(arg) < 100_000,
        ),
      )
      .filter((argv) => argv[1] !== 'serve' && argv[1] !== 'help');
    await checkProperty(counter, 'node bin/hap.js, random argv', spawned, runs(8), async (argv, tally) => {
      noteArgv(argv);
      const run = await spawnHap(argv, { cwd });
      tally(`exit ${run.code}`);
      expect([1, 2], `exit ${run.code} for ${JSON.stringify(argv).slice(0, 300)}: ${run.stderr.slice(0, 300)}`).toContain(run.code);
      expectCleanExit(run, argv);
      expect(await readdir(cwd), 'a read command created files in its working directory').toEqual([]);
    });
    await watch.expectNothingCreated();
  }, timeoutFor(8, 3_000));
});
