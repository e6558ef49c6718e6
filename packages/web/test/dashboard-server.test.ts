// The dashboard server with a real SDK client whose node does not answer: it serves its own
// built files and nothing else (no path from a request reaches the disk), shows the node as
// down with the reason over the WebSocket, answers bad settings with an error naming the field
// and keeps the connection, and binds to 127.0.0.1 by default.
import { createServer } from 'node:net';
import { DaqClient } from '@daqdata/client';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startDashboard } from '../src/server/dashboard-server.js';
import type { HealthMessage } from '../src/shared/control-messages.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('dashboard server', () => {
  it('serves its files only; a down node is reported down; bad settings get an error and the connection stays', async () => {
    const node = `127.0.0.1:${await closedPort()}`;
    const client = new DaqClient({ addresses: [node] }, { pingTimeoutMs: 500 });
    cleanup.push(() => client.close());
    const dashboard = await startDashboard({ client, hosts: client.hosts, port: 0, updateIntervalS: 0.1, pingTimeoutMs: 500 });
    cleanup.push(() => dashboard.close());
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const page = await fetch(dashboard.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="dashboard.js">');
    expect((await fetch(new URL('dashboard.js', dashboard.url))).headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/etc/passwd', '/dashboard.js.map']) {
      expect((await fetch(dashboard.url.replace(/\/$/, '') + path)).status, path).toBe(404);
    }

    const ws = new WebSocket(new URL('ws', dashboard.url.replace(/^http/, 'ws')));
    cleanup.push(() => ws.terminate());
    const texts: Array<{ t: string }> = [];
    let waiter: (() => void) | undefined;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) texts.push(JSON.parse(data.toString()));
      waiter?.();
    });
    const until = (pred: () => boolean) => new Promise<void>((resolve) => (pred() ? resolve() : (waiter = () => pred() && resolve())));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ t: 'settings', intervalS: 0, moduleIds: null }));
    await until(() => texts.some((m) => m.t === 'error'));
    expect(texts.find((m) => m.t === 'error')).toEqual({ t: 'error', message: 'settings: intervalS must be 0.01-60 s, got 0' });
    await until(() => texts.some((m) => m.t === 'health' && (m as HealthMessage).nodes[0]!.state === 'down'));
    const down = texts.filter((m): m is HealthMessage => m.t === 'health').find((m) => m.nodes[0]!.state === 'down')!;
    expect(down.nodes[0]).toMatchObject({ host: node, state: 'down', latencyMs: null });
    expect(down.nodes[0]!.reason).toMatch(/UNAVAILABLE/);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(dashboard.browsers).toBe(1);
  });
});
