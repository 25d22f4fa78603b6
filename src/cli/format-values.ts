import type { JsonValue } from '../domain/json.js';

/** What a table shows where there is no value. */
export const NONE = '—';

/** A rate in [0, 1] as a percentage with one decimal: `0.8734` → `87.3%`. */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return NONE;
  return `${(rate * 100).toFixed(1)}%`;
}

/** A difference of two rates in percentage points, always signed: `+3.0 pts`, `-1.2 pts`, `±0.0 pts`. */
export function formatDelta(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return NONE;
  const points = (delta * 100).toFixed(1);
  if (Number(points) === 0) return '±0.0 pts';
  return delta > 0 ? `+${points} pts` : `${points} pts`;
}

/** A plain number with a fixed count of decimals, or `—`. */
export function formatDecimal(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
  return value.toFixed(digits);
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return NONE;
  return String(value);
}

/** An ISO instant to the second, in UTC: `2024-01-15 10:30:00Z`. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Seconds as `42.0 s`, `20m 50s` or `3h 05m`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NONE;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** A p-value: three decimals, or `< 0.001`. */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return NONE;
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** `p = 0.043` or `p < 0.001`. */
export function formatPClause(p: number): string {
  const value = formatPValue(p);
  return value.startsWith('<') ? `p ${value}` : `p = ${value}`;
}

/** A class label or field value: strings as they are, anything else as JSON. */
export function formatJsonValue(value: JsonValue | undefined): string {
  if (value === undefined) return NONE;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A prediction or ground truth: the value of a single-key object, else `key=value, ...`; `—` for null. */
export function formatJsonObject(value: Record<string, JsonValue> | null | undefined): string {
  if (value === null || value === undefined) return NONE;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only) return formatJsonValue(only[1]);
  if (entries.length === 0) return '{}';
  return entries.map(([key, field]) => `${key}=${formatJsonValue(field)}`).join(', ');
}

/** Cuts text to `max` code points, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** `✓`, `✗` or `—` for a correctness flag. */
export function formatCheck(flag: boolean | null | undefined): string {
  if (flag === null || flag === undefined) return NONE;
  return flag ? '✓' : '✗';
}

/** An argument as a POSIX shell would need it, for hints the user can paste. */
export function shellQuote(arg: string): string {
  return /^[\w.:/@%+=,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
