// Logging for the node: human lines by default, JSON lines on request. A child logger carries
// fields (e.g. the per-client id) so every line of a stream names its client without each
// call site repeating it. The sink is injectable so tests and embedders can capture lines.
import type { LogFormat } from '../config/server-config.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One log line in the given format: pure, so the format is testable. */
export function formatLogLine(format: LogFormat, time: Date, level: LogLevel, msg: string, fields: LogFields): string {
  const defined = Object.entries(fields).filter(([, v]) => v !== undefined);
  if (format === 'json') {
    return JSON.stringify({ time: time.toISOString(), level, msg, ...Object.fromEntries(defined) });
  }
  const tail = defined.map(([k, v]) => `${k}=${typeof v === 'string' && /\s|"/.test(v) ? JSON.stringify(v) : v}`);
  return [time.toISOString(), level.toUpperCase().padEnd(5), msg, ...tail].join(' ');
}

export function createLogger(options: {
  format: LogFormat;
  level?: LogLevel;
  sink?: LogSink;
  fields?: LogFields;
}): Logger {
  const minRank = LEVEL_RANK[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = options.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < minRank) return;
    sink(formatLogLine(options.format, new Date(), level, msg, { ...base, ...fields }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, sink, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (library use without logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
