import type { HealthProblem } from '../domain/responses.js';

type Reported = Omit<HealthProblem, 'since'>;

/**
 * What is wrong with the running service right now (an unreadable sealed segment, a hub that is
 * not connected), keyed by what it is about. Whoever finds a problem reports it; whoever sees it
 * cleared clears it. `GET /health` and the hub's problem sensor read the list.
 */
export class HealthProblems {
  readonly #problems = new Map<string, HealthProblem>();
  readonly #listeners = new Set<() => void>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Records a problem under `key`; reported again, it keeps its `since`. */
  report(key: string, problem: Reported): void {
    const previous = this.#problems.get(key);
    const next = { ...problem, since: previous?.since ?? this.#now().toISOString() };
    if (previous && JSON.stringify(previous) === JSON.stringify(next)) return;
    this.#problems.set(key, next);
    this.#changed();
  }

  clear(key: string): void {
    if (this.#problems.delete(key)) this.#changed();
  }

  /** The current problems, oldest first. */
  list(): HealthProblem[] {
    return [...this.#problems.values()].sort((a, b) => a.since.localeCompare(b.since));
  }

  /** Called after every change; returns its unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
