/** Formatting for the panel. Pure: no DOM. */

export function percent(rate: number | null | undefined, digits = 1): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(digits)} %`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** `2024-01-15 10:30` in UTC, or `—`. */
export function utcTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '—';
}

/** A JSON value as short text: strings bare, the rest as JSON. */
export function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Whether a value is below its target (`false_positive_rate` is a ceiling: above is bad). */
export function missesTarget(metric: string, value: number | null, target: number | undefined): boolean {
  if (value === null || target === undefined) return false;
  return metric === 'false_positive_rate' ? value > target : value < target;
}
