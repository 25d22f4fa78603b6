import { describeError } from './to-error.js';

/** Levels in increasing severity. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Extra `key=value` pairs of a line; `error` may be anything thrown (it is rendered through describeError). */
export type LogFields = Record<string, unknown>;

/** A namespaced logger (`storage`, `api`, `integration`...). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(namespace: string): Logger;
}

export interface LoggerOptions {
  /** Default level for every namespace. */
  level: LogLevel;
  /** Per-namespace levels, e.g. `{ storage: 'debug' }`. */
  levels?: Record<string, LogLevel>;
  /** Where lines go (default: standard error). */
  write?: (line: string) => void;
  /** Clock, for tests. */
  now?: () => Date;
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text =
      key === 'error' ? describeError(value) : typeof value === 'string' ? value : value instanceof Error ? value.message : JSON.stringify(value);
    parts.push(`${key}=${/\s/.test(text ?? '') ? JSON.stringify(text) : text}`);
  }
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/** Lines look like `2026-11-26T12:00:00.000Z info  storage: opened data dir path=./data`. */
export function createLogger(options: LoggerOptions, namespace = 'ml-metrics'): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const threshold = LOG_LEVELS.indexOf(options.levels?.[namespace] ?? options.level);
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    write(`${now().toISOString()} ${level.padEnd(5)} ${namespace}: ${message}${formatFields(fields)}`);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (child) => createLogger(options, child),
  };
}

/** A logger that drops everything (library use, tests that do not read logs). */
export const silentLogger: Logger = createLogger({ level: 'silent', write: () => {} });
