// Logging for the node and the CLI: one logger, pino underneath. JSON lines for a daemon (the
// journal, a log shipper), human lines on a terminal, `daq warn: ...` lines for the CLI's
// diagnostics. A child logger carries fields (e.g. the per-client id) so every line of a stream
// names its client without each call site repeating it. The sink is injectable so tests and
// embedders can capture lines. The human formats are our own formatter over pino's JSON line,
// not pino-pretty: pino-pretty brings about fifteen packages and runs as a worker-thread
// transport, which the single-file daq-server bundle cannot carry, and it would change the
// human lines operators and tests read.
import { pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogFormat } from '../config/server-config.js';

/** The levels the node logs at, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Fields of a line: flat values (undefined ones are left out of the line). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** What the node and the CLI log through; {@link createLogger} makes one. */
export interface Logger {
  /** Detail for debugging (off at the default level, info). */
  debug(msg: string, fields?: LogFields): void;
  /** What the node does: listening, following a directory, a stream started. */
  info(msg: string, fields?: LogFields): void;
  /** Something went wrong that the node works around (a malformed frame, a refused call). */
  warn(msg: string, fields?: LogFields): void;
  /** Something failed (a start, a shutdown). */
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. the client of a stream). */
  child(fields: LogFields): Logger;
}

/** Where finished lines go, one call per line without its newline (default: stderr). */
export type LogSink = (line: string) => void;

/**
 * How a line is written: `json` (pino's line: time, level, fields, msg), `human`
 * (`<time> INFO  msg key=value`), `short` (`<name> info: msg key=value`, the CLI's diagnostics),
 * or `auto`: human when stderr is a terminal, JSON otherwise.
 */
export type LineFormat = LogFormat | 'short';

/**
 * Field names whose values never reach a log line, at the top level or one object down: the
 * auth token (a node started with --auth-token) and request metadata that carries it.
 */
export const REDACTED_FIELDS = ['authorization', 'authToken', 'token', 'auth_token'] as const;
const REDACT_PATHS = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`]);
/** What a redacted field's value is written as. */
export const REDACTED = '[redacted]';

/** `auto` resolved against the stream the lines go to. */
export function resolveLogFormat(format: LineFormat, stream: { isTTY?: boolean } = process.stderr): Exclude<LineFormat, 'auto'> {
  if (format !== 'auto') return format;
  return stream.isTTY ? 'human' : 'json';
}

/** One human or short line from its parts: pure, so the format is testable. */
export function formatLogLine(format: 'human' | 'short', time: Date, level: LogLevel, msg: string, fields: LogFields, name = 'daq'): string {
  const defined = Object.entries(fields).filter(([, v]) => v !== undefined);
  const tail = defined.map(([k, v]) => `${k}=${typeof v === 'string' && /\s|"/.test(v) ? JSON.stringify(v) : v}`);
  if (format === 'short') return [`${name} ${level}: ${msg}`, ...tail].join(' ');
  return [time.toISOString(), level.toUpperCase().padEnd(5), msg, ...tail].join(' ');
}

/** pino's JSON line rewritten as a human or short line. */
function reformat(format: 'human' | 'short', jsonLine: string): string {
  const { time, level, msg, name, ...fields } = JSON.parse(jsonLine) as LogFields & { time: string; level: LogLevel; msg: string; name?: string };
  return formatLogLine(format, new Date(time), level, msg, fields, name);
}

/** A pino logger behind the {@link Logger} interface, writing `format` lines at `level` and above to `sink`. */
export function createLogger(options: {
  format: LineFormat;
  level?: LogLevel | 'silent';
  sink?: LogSink;
  fields?: LogFields;
  /** Names the program in `short` lines (and as `name` in JSON lines when given). */
  name?: string;
}): Logger {
  const format = resolveLogFormat(options.format);
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  // pino writes each line whole, ending in a newline, with one write() call.
  const destination: DestinationStream = {
    write: format === 'json' ? (line) => sink(line.trimEnd()) : (line) => sink(reformat(format, line)),
  };
  const root = pino(
    {
      level: options.level ?? 'info',
      base: options.name === undefined ? null : { name: options.name },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    destination,
  );
  return wrapPino(options.fields ? root.child(options.fields) : root);
}

function wrapPino(p: PinoLogger): Logger {
  return {
    debug: (m, f) => p.debug(f ?? {}, m),
    info: (m, f) => p.info(f ?? {}, m),
    warn: (m, f) => p.warn(f ?? {}, m),
    error: (m, f) => p.error(f ?? {}, m),
    child: (fields) => wrapPino(p.child(fields)),
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
