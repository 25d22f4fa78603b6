import type { LogFields, Logger, LogLevel } from '../../src/logging/logger.js';
import { createLogger, LOG_LEVELS } from '../../src/logging/logger.js';

/** One call to the logger, as made. */
export interface LogEntry {
  level: Exclude<LogLevel, 'silent'>;
  namespace: string;
  message: string;
  fields: LogFields | undefined;
}

/** A Logger that keeps what it was given: the calls (`entries`) and the formatted `lines`. Its children record into the same lists. */
export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
  readonly lines: string[];
}

/** The one recording logger of the tests. Records from `level` up (default: everything). */
export function recordingLogger(namespace = 'test', level: LogLevel = 'debug'): RecordingLogger {
  const entries: LogEntry[] = [];
  const lines: string[] = [];
  const threshold = LOG_LEVELS.indexOf(level);
  const make = (name: string): RecordingLogger => {
    const formatter = createLogger({ level, write: (line) => lines.push(line) }, name);
    const record =
      (entryLevel: LogEntry['level']) =>
      (message: string, fields?: LogFields): void => {
        if (LOG_LEVELS.indexOf(entryLevel) >= threshold) entries.push({ level: entryLevel, namespace: name, message, fields });
        formatter[entryLevel](message, fields);
      };
    return {
      entries,
      lines,
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
      child: (child) => make(child),
    };
  };
  return make(namespace);
}
