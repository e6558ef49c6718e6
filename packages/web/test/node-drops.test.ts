// A node's drops as the health panel shows them: read from the Prometheus text the node serves
// (a real HTTP server here), with the reason when they cannot be read, and metrics URLs taken
// from daq_config's metrics_port with a bad one refused by node and field.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DaqClient } from '@daqdata/client';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dropsFromMetrics, MAX_METRICS_BYTES, metricSum, metricsUrls, scrapeDrops } from '../src/server/node-drops.js';
import { NodeHealthBoard } from '../src/server/node-health.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`;
}

const TEXT = [
  '# HELP daq_stream_images_dropped_total Images replaced.',
  '# TYPE daq_stream_images_dropped_total counter',
  'daq_stream_images_dropped_total 17',
  'daq_stream_images_dropped_total_extra 99',
  'daq_malformed_frames_total{source="a.pff"} 2',
  'daq_malformed_frames_total{source="recorder ph256"} 3',
  '',
].join('\n');

describe('node drops', () => {
  it('sums every sample of a metric, and only of that name', () => {
    expect(metricSum(TEXT, 'daq_stream_images_dropped_total')).toBe(17);
    expect(metricSum(TEXT, 'daq_malformed_frames_total')).toBe(5);
    expect(metricSum(TEXT, 'daq_absent_total')).toBeNull();
    expect(dropsFromMetrics(TEXT)).toEqual({ streamImagesDropped: 17, malformedFrames: 5 });
    expect(dropsFromMetrics('daq_frames_read_total 3\n')).toEqual({ problem: 'no daq_stream_images_dropped_total in the metrics' });
  });

  it('a sum over labelled samples is the sum of their values', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9 ._]{0,12}$/), fc.nat(1e9)), { maxLength: 20 }), (samples) => {
        const text = samples.map(([label, v]) => `daq_malformed_frames_total{source="${label}"} ${v}`).join('\n');
        expect(metricSum(text, 'daq_malformed_frames_total')).toBe(samples.length ? samples.reduce((a, [, v]) => a + v, 0) : null);
      }),
    );
  });

  it('reads a served /metrics, and says why when the status, size or content is wrong', async () => {
    const ok = await serve((_req, res) => res.end(TEXT));
    expect(await scrapeDrops(ok, AbortSignal.timeout(5000))).toEqual({ streamImagesDropped: 17, malformedFrames: 5 });
    const missing = await serve((_req, res) => res.writeHead(404).end('no'));
    expect(await scrapeDrops(missing, AbortSignal.timeout(5000))).toEqual({ problem: `${missing}: HTTP 404` });
    const huge = await serve((_req, res) => res.writeHead(200, { 'content-length': String(MAX_METRICS_BYTES + 1) }).end());
    expect(await scrapeDrops(huge, AbortSignal.timeout(5000))).toEqual({ problem: `${huge}: ${MAX_METRICS_BYTES + 1} bytes, over ${MAX_METRICS_BYTES}` });
    // No length given, a body that never ends: reading stops at the bound, not at the end.
    let sent = 0;
    const endless = await serve((_req, res) => {
      const block = Buffer.alloc(64 * 1024, 0x61);
      const more = () => {
        while (!res.destroyed && sent <= 4 * MAX_METRICS_BYTES) {
          sent += block.length;
          if (!res.write(block)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    expect(await scrapeDrops(endless, AbortSignal.timeout(10_000))).toEqual({ problem: `${endless}: over ${MAX_METRICS_BYTES} bytes` });
    expect(sent).toBeLessThan(4 * MAX_METRICS_BYTES);
    // A node that never answers: the signal ends the read.
    const silent = await serve(() => undefined);
    const controller = new AbortController();
    const pending = scrapeDrops(silent, controller.signal);
    controller.abort(new Error('stopped'));
    const r = await pending;
    expect('problem' in r && r.problem.startsWith(`${silent}: `)).toBe(true);
    // Nothing listening: the cause is named.
    const gone = await serve((_req, res) => res.end(TEXT));
    await new Promise((r2) => servers.pop()!.close(r2));
    const refused = await scrapeDrops(gone, AbortSignal.timeout(5000));
    expect(refused).toEqual({ problem: `${gone}: fetch failed (ECONNREFUSED)` });
  });

  it("takes metrics URLs from daq_config's metrics_port and refuses a bad one by node and field", async () => {
    const client = new DaqClient({ daqConfig: { daq_nodes: [{ ip_addr: '127.0.0.1:5001', metrics_port: 9100 }, { ip_addr: '127.0.0.2:5002' }] } });
    try {
      expect(metricsUrls(client.nodes)).toEqual(new Map([['127.0.0.1:5001', 'http://127.0.0.1:9100/metrics']]));
    } finally {
      await client.close();
    }
    for (const bad of [0, 70000, 1.5, '9100']) {
      const c = new DaqClient({ daqConfig: { daq_nodes: [{ ip_addr: '127.0.0.3:5003', metrics_port: bad }] } });
      try {
        expect(() => metricsUrls(c.nodes)).toThrow(`daq_nodes[0] (127.0.0.3:5003): metrics_port must be an integer port 1-65535, got ${JSON.stringify(bad)}`);
      } finally {
        await c.close();
      }
    }
  });

  it('the health board keeps the last counters and shows why a later read failed', () => {
    const url = 'http://127.0.0.1:9/metrics';
    const board = new NodeHealthBoard(['a:1', 'b:2'], new Map([['a:1', url]]));
    expect(board.list().map((n) => [n.drops, n.metrics])).toEqual([[null, url], [null, 'no metrics']]);
    board.onDrops('a:1', url, { streamImagesDropped: 4, malformedFrames: 0 });
    board.onDrops('a:1', url, { problem: `${url}: fetch failed` });
    expect(board.list()[0]).toMatchObject({ drops: { streamImagesDropped: 4, malformedFrames: 0 }, metrics: `${url}: fetch failed` });
  });
});
