// --log-level: diagnostics on stderr, so stdout stays data (summary lines, NDJSON).

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function parseLogLevel(value: string): LogLevel {
  const v = value.toLowerCase();
  // The reference CLI takes Python's names too.
  const alias: Record<string, LogLevel> = { warning: 'warn', critical: 'error' };
  const level = alias[v] ?? v;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`--log-level: "${value}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}

export function stderrLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at = (l: LogLevel) => (message: string) => {
    if (LOG_LEVELS.indexOf(l) >= threshold) write(`daq ${l}: ${message}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
