// `daq web` as a command: a port in use and an interval below the node minimum are refused
// with their reason and exit code; without --host it listens on 127.0.0.1 and prints its URL,
// and SIGTERM stops it with exit code 0.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { CliProcess, runCli } from './support/cli-process.js';

let taken: Server;
let port: number;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => taken.close(() => resolve()));
});

describe('daq web', () => {
  it('a port in use: exit 3 naming the address and what to do', async () => {
    const r = await runCli(['web', '--hosts', '127.0.0.1:1', '--port', String(port)]);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(`daq: cannot listen on 127.0.0.1:${port} (EADDRINUSE): choose another --port or --host`);
  });

  it('bad values: an interval below the node minimum, a port out of range, no nodes', async () => {
    const interval = await runCli(['web', '--hosts', '127.0.0.1:1', '--port', '0', '--interval', '0.0001']);
    expect(interval.code).toBe(EXIT.usage);
    expect(interval.stderr).toContain('--interval 0.0001: below the node minimum 0.001 s');
    const badPort = await runCli(['web', '--hosts', '127.0.0.1:1', '--port', '70000']);
    expect(badPort.code).toBe(EXIT.usage);
    expect(badPort.stderr).toContain('"70000" is not a port 0-65535');
    const none = await runCli(['web', '--port', '0']);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toContain('no DAQ nodes given');
  });

  it('listens on 127.0.0.1 by default, prints the URL and the nodes, and stops on SIGTERM', async () => {
    const web = new CliProcess(['web', '--hosts', '127.0.0.1:1', '--port', '0']);
    await web.waitFor('the dashboard URL', (out) => /^nodes: /m.test(out));
    const url = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(web.stdout)?.[1];
    expect(url, web.stdout).toBeDefined();
    expect(web.stdout).toContain('nodes: 127.0.0.1:1');
    expect((await fetch(url!)).status).toBe(200);
    web.kill('SIGTERM');
    expect((await web.exited).code).toBe(0);
  });
});
