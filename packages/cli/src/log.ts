// --log-level: diagnostics on stderr, so stdout stays data (summary lines, NDJSON). The logger is
// the node's (pino underneath, one logger for server and CLI), writing `daq <level>: message`
// lines; imported from its own entry so a client command does not load the whole server.
import { createLogger, type Logger } from '@daqdata/server/log';

export type { Logger };

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
  return createLogger({ format: 'short', name: 'daq', level, sink: (line) => write(`${line}\n`) });
}
