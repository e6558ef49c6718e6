// Exit codes of `daq` (documented in packages/cli/README.md). Scripts tell "fix your
// command line" from "fix your config" from "the node is down" without parsing messages.

export const EXIT = {
  ok: 0,
  /** An unexpected internal error (a bug: please report it with the message). */
  internal: 1,
  /** Bad usage: unknown command or option, bad option value, unknown --host, no command given. */
  usage: 2,
  /** A config file (daq_config.json, network_config.json, hp_io_config.json) is missing or invalid. */
  config: 3,
  /** A DAQ node did not answer. */
  unreachable: 4,
  /** A node answered but refused the request (InitHpIo failed, invalid argument, queue full...). */
  rejected: 5,
  /** A record file cannot be read or written, or is not a valid record file. */
  file: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on: printed as `daq: <message>` with its exit code, no stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly exitCode: ExitCode) {
    super(message);
  }
}
