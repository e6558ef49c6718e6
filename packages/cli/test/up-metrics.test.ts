// `daq up` turns on each node's metrics endpoint and prints its URL; while the simulated
// recorders write, each node's /metrics shows the data-path figures non-zero and /readyz is 200.
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess } from './support/cli-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** What a running simulated node must show above zero. */
const WHILE_WRITING = ['daq_frames_read_total', 'daq_frames_published_total', 'daq_read_bytes_total', 'daq_newest_frame_age_seconds', 'daq_watched_files', 'daq_watched_directories', 'daq_node_info'];

/** Metric names (from WHILE_WRITING) with no sample above zero in the text exposition `text`. */
function zeroIn(text: string): string[] {
  const positive = new Set<string>();
  for (const m of text.matchAll(/^([a-z_]+)(?:\{[^}]*\})? (\S+)$/gm)) if (Number(m[2]) > 0) positive.add(m[1]!);
  return WHILE_WRITING.filter((name) => !positive.has(name));
}

describe('daq up metrics', () => {
  it("prints each node's metrics URL; each shows the data path non-zero while the simulator writes, and is ready", async () => {
    const base = 42_000 + Math.floor(Math.random() * 15_000);
    const up = new CliProcess(['up', '--nodes', '2', '--base-port', String(base), '--speed', '5']);
    cleanup.push(async () => {
      up.kill('SIGKILL');
      await up.exited;
    });
    await up.waitFor('the config line', (out) => /^config: /m.test(out), 60_000);
    const urls = [...up.stdout.matchAll(/^ {2}node-\d .* metrics (http:\/\/127\.0\.0\.1:\d+)\/metrics$/gm)].map((m) => m[1]!);
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      const deadline = Date.now() + 20_000;
      let missing = zeroIn(await (await fetch(`${url}/metrics`)).text());
      while (missing.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        missing = zeroIn(await (await fetch(`${url}/metrics`)).text());
      }
      expect(missing, `${url}: metrics still zero`).toEqual([]);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    }
    up.kill('SIGINT');
    expect((await up.exited).code).toBe(0);
  });
});
