// UploadImages failing on some hosts: one error naming each host with the gRPC status it ended
// with, so a caller can act on the kind of failure (node down vs node refused the images)
// without parsing the message.
import { ClientError, Status } from 'nice-grpc';

export interface UploadFailure {
  host: string;
  /** The gRPC status the upload ended with; undefined when it failed without one. */
  code: Status | undefined;
  /** The status name ('UNAVAILABLE', 'INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED'...), or the error's name without a status. */
  codeName: string;
  /** The status details (or the error message). */
  details: string;
}

export function uploadFailure(host: string, err: unknown): UploadFailure {
  if (err instanceof ClientError) return { host, code: err.code, codeName: Status[err.code], details: err.details };
  if (err instanceof Error) return { host, code: undefined, codeName: err.name, details: err.message };
  return { host, code: undefined, codeName: 'Error', details: String(err) };
}

export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    /** One entry per host whose upload failed, in the order the hosts were given. */
    readonly failures: readonly UploadFailure[],
    /** How many hosts the upload went to. */
    readonly hostCount: number,
  ) {
    super(`UploadImages failed on ${failures.length} of ${hostCount} host(s): ${failures.map((f) => `${f.host}: ${f.codeName}: ${f.details}`).join('; ')}`);
  }
}
