import { describe, expect, it } from 'vitest';
import { readiness } from './readiness.js';

describe('readiness', () => {
  const base = { listening: true, closing: false, dataDir: null, recorderSocketPaths: [] as string[] };

  it('is ready when following a data directory or listening on recorder sockets, saying which', () => {
    expect(readiness({ ...base, dataDir: '/data' })).toEqual({ ready: true, detail: 'following /data' });
    expect(readiness({ ...base, recorderSocketPaths: ['/tmp/a.sock', '/tmp/b.sock'] })).toEqual({ ready: true, detail: 'recorder sockets /tmp/a.sock, /tmp/b.sock' });
    expect(readiness({ ...base, dataDir: '/d', recorderSocketPaths: ['/s'] })).toEqual({ ready: true, detail: 'following /d; recorder sockets /s' });
  });

  it('is not ready, with the reason, when idle, not listening or shutting down', () => {
    expect(readiness(base)).toMatchObject({ ready: false, reason: expect.stringMatching(/following no data directory and no recorder socket/) });
    expect(readiness({ ...base, dataDir: '/d', listening: false })).toEqual({ ready: false, reason: 'the gRPC listener is not up yet' });
    expect(readiness({ ...base, dataDir: '/d', closing: true })).toEqual({ ready: false, reason: 'the node is shutting down' });
  });
});
