/** A rate in [0, 1] as percent with one decimal (0.875 → 87.5). */
export function toPercent(rate: number): number {
  return Math.round(rate * 1000) / 10;
}

/** A rate as a sensor state: `"87.5"`, or `unknown` when there is none. */
export function formatPercent(rate: number | null): string {
  return rate === null ? 'unknown' : toPercent(rate).toFixed(1);
}
