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

/** Lines that may repeat many times a second (one per call) and are summarised instead. */
export interface RepeatedLines {
  /** The first lines of (level, msg, group) in a window are logged as they are; later ones are counted. */
  log(level: LogLevel, msg: string, group: string, fields?: LogFields): void;
  /** Logs the pending summaries and stops the window timer. */
  close(): void;
}

/** More groups than this in one window are counted together under "other". */
const MAX_REPEATED_GROUPS = 10_000;

/**
 * One mechanism for every line a client can cause at will ("stream started", "call refused"):
 * a client opening and resetting 18,000 streams in 5 s wrote 1,811 "stream started" lines and
 * made logging a large part of the flood's cost. Per window of `windowMs`, the first
 * `firstLines` lines of each (level, message, group) go out at once, so a normal client's
 * lines are unchanged; the rest are counted and logged at the end of the window as one line
 * `"<msg>" repeated count=N from=<group> seconds=S`.
 */
export function aggregateRepeatedLines(log: Logger, options: { windowMs?: number; firstLines?: number } = {}): RepeatedLines {
  const windowMs = options.windowMs ?? 10_000;
  const firstLines = options.firstLines ?? 10;
  const counts = new Map<string, { level: LogLevel; msg: string; group: string; logged: number; count: number }>();
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    timer = null;
    for (const { level, msg, group, count } of counts.values()) {
      if (count > 0) log[level](`"${msg}" repeated`, { count, from: group, seconds: windowMs / 1000 });
    }
    counts.clear();
  };
  return {
    log(level, msg, group, fields) {
      const g = counts.size >= MAX_REPEATED_GROUPS && !counts.has(`${level}\0${msg}\0${group}`) ? 'other' : group;
      const key = `${level}\0${msg}\0${g}`;
      let seen = counts.get(key);
      if (!seen) {
        seen = { level, msg, group: g, logged: 0, count: 0 };
        counts.set(key, seen);
      }
      if (seen.logged >= firstLines) {
        seen.count++;
        return;
      }
      seen.logged++;
      log[level](msg, fields);
      if (!timer) {
        timer = setTimeout(flush, windowMs);
        timer.unref();
      }
    },
    close() {
      if (timer) clearTimeout(timer);
      flush();
    },
  };
}
