// A node that cannot start (`daq serve`, `daq up`): a non-zero exit code and a message that
// names the port and says what to do, never "internal error" or a silent exit 0.
import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { runCli } from './support/cli-process.js';
import { tempDir } from './support/test-node.js';

let taken: Server;
let port: number;
let dir: string;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as { port: number }).port;
  dir = await tempDir();
});

afterAll(async () => {
  await new Promise<void>((resolve) => taken.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('a node that cannot start', () => {
  it('daq serve with a missing config file exits with the configuration code, naming the file', async () => {
    const missing = join(dir, 'no-such-server.json');
    const r = await runCli(['serve', '--config', missing]);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain('daq: the node did not start');
  });

  it('daq serve on a port in use exits non-zero with the reason', async () => {
    const r = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port)]);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is in use`);
  });

  it('daq up on a port in use names the port and says to choose another --base-port', async () => {
    const r = await runCli(['up', '--nodes', '1', '--base-port', String(port), '--dir', dir, '--synthetic']);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(`node-1: port ${port} on 127.0.0.1 is in use`);
    expect(r.stderr).toContain('--base-port');
    expect(r.stderr).toMatch(/daq: node-1 exited before it was ready \(code 3; its reason is above\)/);
    expect(r.stderr).not.toContain('internal error');
  });
});
