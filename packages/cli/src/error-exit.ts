// Every failure as one message and an exit code (see exit-codes.ts): the user sees what went
// wrong and where, never a stack trace, unless it is a bug (exit 1 prints the stack too).
import { ClientConfigError, NoResponsiveHostsError, UnknownHostError, AllHostsFailedError, UploadError } from '@daqdata/client';
import { ClientError, Status } from 'nice-grpc-common';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { RecordFormatError } from '@daqdata/core';

export interface ExitReport {
  message: string;
  code: ExitCode;
}

const UNREACHABLE = new Set([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED]);

export function exitReport(err: unknown): ExitReport {
  if (err instanceof CliError) return { message: err.message, code: err.exitCode };
  if (err instanceof ClientConfigError) return { message: err.message, code: EXIT.config };
  if (err instanceof UnknownHostError) return { message: err.message, code: EXIT.usage };
  if (err instanceof NoResponsiveHostsError) return { message: err.message, code: EXIT.unreachable };
  if (err instanceof RecordFormatError) return { message: err.message, code: EXIT.file };
  if (err instanceof AllHostsFailedError) {
    const reasons = err.errors.map((e) => (e instanceof Error ? e.message : String(e)));
    return { message: `every host refused the request: ${reasons.join('; ')}`, code: EXIT.rejected };
  }
  if (err instanceof UploadError) {
    // Nodes that were down (every failure a connection status) are unreachable; a node that answered and refused is a rejection.
    const unreachable = err.failures.every((f) => f.code !== undefined && UNREACHABLE.has(f.code));
    return { message: err.message, code: unreachable ? EXIT.unreachable : EXIT.rejected };
  }
  if (err instanceof ClientError) {
    return { message: `${err.path}: ${Status[err.code]}: ${err.details}`, code: UNREACHABLE.has(err.code) ? EXIT.unreachable : EXIT.rejected };
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    // A file system error (EACCES, ENOENT, EISDIR...): Node's message names the path.
    return { message: (err as Error).message, code: EXIT.file };
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { message: `internal error (please report): ${message}`, code: EXIT.internal };
}
