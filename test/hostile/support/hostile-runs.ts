import fc from 'fast-check';
import { onTestFinished } from 'vitest';

/**
 * How many generated cases the hostile properties run. Each property has a default sized for a
 * shared two-core machine; `HOSTILE_RUNS=<n>` multiplies every default by n (say 10 or 100 for a
 * long soak), and `HOSTILE_SEED=<seed>` replays a run that fast-check reported as failing.
 *
 * Seeds: a fresh random one on every local run (to keep finding new cases), but a fixed one in CI
 * (`CI=true`), so that whether a submission lands does not depend on luck. `HOSTILE_SEED=random`
 * forces a random seed in CI too.
 */
export const RUN_SCALE = parsePositiveInteger('HOSTILE_RUNS', process.env['HOSTILE_RUNS'], 1);
const CI_SEED = 20261126;
const SEED = process.env['HOSTILE_SEED'] ?? (process.env['CI'] === 'true' ? String(CI_SEED) : undefined);

function parsePositiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

/** The number of runs of a property whose default is `base`. */
export function runs(base: number): number {
  return base * RUN_SCALE;
}

/** A vitest timeout for a property of `base` runs that each take up to about `perRunMs`. */
export function timeoutFor(base: number, perRunMs: number): number {
  return Math.max(30_000, runs(base) * perRunMs + 15_000);
}

/** A vitest timeout for a check whose work grows with the store the properties filled (so with HOSTILE_RUNS). */
export function timeoutForStoreSize(baseMs: number): number {
  return baseMs * RUN_SCALE;
}

/** fast-check parameters: the scaled number of runs, and the seed when one is being replayed. */
export function propertyParameters(numRuns: number): fc.Parameters<unknown> {
  return { numRuns, ...(SEED !== undefined && SEED !== '' && SEED !== 'random' ? { seed: Number(SEED) } : {}) };
}

/** Counts the generated cases each area ran (shrinking included), and how they ended, for the README. */
export class CaseCounter {
  readonly #counts = new Map<string, number>();
  readonly #outcomes = new Map<string, Map<string, number>>();

  constructor(readonly file: string) {}

  add(area: string): void {
    this.#counts.set(area, (this.#counts.get(area) ?? 0) + 1);
  }

  /** Records how one case of `area` ended ("2xx", "400", "refused", "exit 2"...). */
  outcome(area: string, outcome: string): void {
    const outcomes = this.#outcomes.get(area) ?? new Map<string, number>();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    this.#outcomes.set(area, outcomes);
  }

  get total(): number {
    return [...this.#counts.values()].reduce((sum, n) => sum + n, 0);
  }

  /** One line per area (with its outcomes) and a total, printed once the file is done. */
  report(): string {
    const lines = [...this.#counts].map(([area, n]) => {
      const outcomes = [...(this.#outcomes.get(area) ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)).map(([outcome, count]) => `${outcome} ${count}`);
      return `  ${area}: ${n}${outcomes.length > 0 ? ` (${outcomes.join(', ')})` : ''}`;
    });
    return `[hostile] ${this.file}: ${this.total} generated cases (HOSTILE_RUNS=${RUN_SCALE})\n${lines.join('\n')}`;
  }
}

/**
 * Runs `check` on `numRuns` generated values, counting each case under `area`; `tally` records how
 * a case ended.
 *
 * When the test ends first (it timed out), the property stops: no case starts after that, and the
 * test's end waits for the case in flight. Without this, a timed-out property went on sending
 * requests during the tests after it, which then failed for what it did (issue 9b).
 */
export async function checkProperty<T>(
  counter: CaseCounter,
  area: string,
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  check: (value: T, tally: (outcome: string) => void) => Promise<void>,
): Promise<void> {
  let ended = false;
  const run = fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      if (ended) throw new Error(`${area}: the test ended (timed out?) before this case started; no case runs after it`);
      counter.add(area);
      await check(value, (outcome) => counter.outcome(area, outcome));
    }),
    propertyParameters(numRuns),
  );
  onTestFinished(async () => {
    ended = true;
    await run.catch(() => undefined);
  });
  await run;
}
