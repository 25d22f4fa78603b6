/** The eight block heights, lowest first. */
export const SPARK_BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * One character per value: the lowest block for the smallest value, the full block for the
 * largest, a space for a missing value (an empty bucket). All values equal: the middle block.
 * Pure.
 */
export function sparkline(values: readonly (number | null)[]): string {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (present.length === 0) return ' '.repeat(values.length);
  const min = Math.min(...present);
  const max = Math.max(...present);
  const top = SPARK_BLOCKS.length - 1;
  return values
    .map((value) => {
      if (value === null || !Number.isFinite(value)) return ' ';
      const level = max === min ? Math.floor(top / 2) : Math.round(((value - min) / (max - min)) * top);
      return SPARK_BLOCKS[level] ?? ' ';
    })
    .join('');
}

/** The smallest, the largest and the last present value (null when none is). */
export function sparkStats(values: readonly (number | null)[]): { min: number | null; max: number | null; last: number | null } {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (present.length === 0) return { min: null, max: null, last: null };
  return { min: Math.min(...present), max: Math.max(...present), last: present.at(-1) ?? null };
}
