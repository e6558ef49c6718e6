// `daq up --gateway` and `daq gateway` as a user runs them: real processes (nodes, Debian's
// nats-server, the gateway), real gRPC, and each node's own metrics for its stream count.
import { DaqClient } from '@daqdata/client';
import { freePort } from '@daqdata/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from './support/cli-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** daq_active_streams from a node's /metrics. */
async function activeStreams(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  return Number(/^daq_active_streams (\S+)$/m.exec(text)?.[1]);
}

describe('daq up --gateway', () => {
  it('starts NATS and a gateway beside the nodes, prints how to connect; 20 viewers there cost each node two streams (previews, every event)', async () => {
    const base = await freePort();
    const up = new CliProcess(['up', '--nodes', '2', '--base-port', String(base), '--gateway']);
    cleanup.push(async () => {
      up.kill('SIGKILL');
      await up.exited;
    });
    await up.waitFor('the gateway line', (out) => /^ {2}npx daq stream --hosts /m.test(out), 60_000);
    const gateway = /^gateway: DaqData on (\S+) relaying every node through NATS (nats:\/\/\S+) /m.exec(up.stdout);
    expect(gateway, up.stdout).not.toBeNull();
    const address = gateway![1]!;
    const metrics = [...up.stdout.matchAll(/ metrics (http:\/\/127\.0\.0\.1:\d+)\/metrics$/gm)].map((m) => m[1]!);
    expect(metrics).toHaveLength(2);

    const client = DaqClient.fromAddresses([address]);
    cleanup.push(() => client.close());
    const controller = new AbortController();
    cleanup.push(async () => controller.abort());
    // Every module of both nodes through the gateway.
    const seen = new Set<string>();
    for await (const image of client.streamImages({ hosts: [address], updateIntervalSeconds: 0.05, signal: controller.signal })) {
      seen.add(`${image.moduleId}:${image.type}`);
      if (seen.size === 8) break;
    }
    expect([...seen].sort()).toEqual(['1:movie', '1:pulse-height', '2:movie', '2:pulse-height', '3:movie', '3:pulse-height', '4:movie', '4:pulse-height']);
    const viewers = Array.from({ length: 20 }, () => client.streamImages({ hosts: [address], updateIntervalSeconds: 0.5, signal: controller.signal }));
    await Promise.all(viewers.map((v) => v.next()));
    for (const url of metrics) expect(await activeStreams(url), url).toBe(2);

    up.kill('SIGINT');
    const result = await up.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/gateway stopped \(exit code 0\)/);
    expect(result.stdout).toMatch(/nats-server stopped/);
  });
});

describe('daq gateway', () => {
  it('NATS not there: exit 4 naming the URL', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const r = await runCli(['gateway', '--hosts', '127.0.0.1:1', '--nats', url, '--port', '0']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`cannot connect to NATS at ${url}`);
  });

  it('neither nodes nor --port: a usage error saying what to give', async () => {
    const r = await runCli(['gateway', '--nats', 'nats://127.0.0.1:4222']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to do: give DAQ nodes to relay .* and\/or --port to serve/);
  });
});
