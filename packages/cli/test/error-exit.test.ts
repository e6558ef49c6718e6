// exitReport: the SDK's typed errors map to exit codes by their type and gRPC status.
import { UploadError } from '@daqdata/client';
import { Status } from 'nice-grpc-common';
import { describe, expect, it } from 'vitest';
import { exitReport } from '../src/error-exit.js';
import { EXIT } from '../src/exit-codes.js';

const failure = (host: string, code: Status) => ({ host, code, codeName: Status[code], details: 'why' });

describe('exitReport of an UploadError', () => {
  it('every node down: unreachable (4), with the message naming each host', () => {
    const err = new UploadError([failure('10.0.0.5:50051', Status.UNAVAILABLE), failure('10.0.0.6:50051', Status.DEADLINE_EXCEEDED)], 2);
    expect(exitReport(err)).toEqual({
      message: 'UploadImages failed on 2 of 2 host(s): 10.0.0.5:50051: UNAVAILABLE: why; 10.0.0.6:50051: DEADLINE_EXCEEDED: why',
      code: EXIT.unreachable,
    });
  });

  it('a node that answered and refused: rejected (5)', () => {
    expect(exitReport(new UploadError([failure('10.0.0.5:50051', Status.UNAVAILABLE), failure('10.0.0.6:50051', Status.INVALID_ARGUMENT)], 3)).code).toBe(EXIT.rejected);
    expect(exitReport(new UploadError([{ host: 'h:1', code: undefined, codeName: 'Error', details: 'stream reset' }], 1)).code).toBe(EXIT.rejected);
  });
});
