// deploy/grafana/daqdata.json against a real Prometheus (Debian's, installed by
// scripts/install.sh): two real `daq serve` nodes, each following a data directory that a
// `daq simulate` process writes, are scraped every second; once both targets are up, every
// query of the dashboard (panels and template variables) is evaluated through the HTTP API:
// each must return data and none may error.
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DaqDataDefinition } from '@daqdata/core';
import { createChannel, createClient } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const cliBin = join(here, '..', '..', 'cli', 'dist', 'bin.js');
const dashboardFile = join(here, '..', '..', '..', 'deploy', 'grafana', 'daqdata.json');
const PROMETHEUS = '/usr/bin/prometheus';
/** What Grafana would put for its variables: a window holding several 1 s scrapes, every node. */
const GRAFANA_VARIABLES: Record<string, string> = { $__rate_interval: '15s', $instance: '.+' };

interface Started {
  proc: ChildProcess;
  output: string[];
  exited: Promise<unknown>;
}

const children: Started[] = [];
function start(command: string, args: string[]): Started {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [proc.stdout!, proc.stderr!]) createInterface({ input: stream }).on('line', (l) => output.push(l));
  const s = { proc, output, exited: new Promise((resolve) => proc.once('exit', resolve)) };
  children.push(s);
  return s;
}

/** Polls `probe` until it gives a value (not undefined); the error says what was awaited. */
async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Every PromQL expression of the dashboard: panel targets (rows included) and query variables. */
function dashboardQueries(dashboard: { panels?: unknown[]; templating?: { list?: unknown[] } }): { panel: string[]; variables: Array<{ metric: string; label: string }> } {
  const panel: string[] = [];
  const walk = (panels: unknown[] = []) => {
    for (const p of panels as Array<{ targets?: Array<{ expr?: string }>; panels?: unknown[] }>) {
      for (const t of p.targets ?? []) if (t.expr) panel.push(t.expr);
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  const variables = (dashboard.templating?.list ?? [])
    .map((v) => (v as { type: string; definition?: string }).type === 'query' ? (v as { definition: string }).definition : null)
    .filter((d): d is string => d !== null)
    .map((d) => {
      const m = /^label_values\((\w+),\s*(\w+)\)$/.exec(d);
      if (!m) throw new Error(`template variable query ${d}: only label_values(metric, label) is supported`);
      return { metric: m[1]!, label: m[2]! };
    });
  return { panel, variables };
}

describe('the Grafana dashboard against a real Prometheus scraping two simulated nodes', () => {
  let dir: string;
  let prometheusUrl: string;
  const nodes: Array<{ grpc: string; metrics: string }> = [];

  beforeAll(async () => {
    await access(PROMETHEUS).catch(() => {
      throw new Error(`${PROMETHEUS} is missing: scripts/install.sh installs Debian's prometheus package`);
    });
    dir = await tempDir('daq-prometheus-');
    for (const [i, modules] of ['1,2', '3,4'].entries()) {
      const dataDir = join(dir, `node-${i + 1}`);
      await mkdir(dataDir);
      start(process.execPath, [cliBin, 'simulate', '--synthetic', '--modules', modules, '--rate', '20', dataDir]);
      const serve = start(process.execPath, [cliBin, 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--data-dir', dataDir, '--node-name', `node-${i + 1}`, '--log-format', 'json']);
      const listening = await until(async () => {
        if (serve.proc.exitCode !== null) throw new Error(`daq serve exited: ${serve.output.join('\n')}`);
        return serve.output.map((l) => JSON.parse(l) as { msg?: string; address?: string; metrics?: string }).find((l) => l.msg === 'listening');
      }, 'daq serve to listen');
      nodes.push({ grpc: listening.address!, metrics: listening.metrics! });
    }
    // A completed call on each node, so the gRPC panel has something to show.
    for (const n of nodes) {
      const channel = createChannel(n.grpc);
      await createClient(DaqDataDefinition, channel).ping({});
      channel.close();
    }
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const targets = nodes.map((n) => `'${new URL(n.metrics).host}'`).join(', ');
    const config = join(dir, 'prometheus.yml');
    await writeFile(
      config,
      ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: daqdata', '    static_configs:', `      - targets: [${targets}]`, ''].join('\n'),
    );
    const prometheus = start(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`]);
    await until(async () => {
      if (prometheus.proc.exitCode !== null) throw new Error(`prometheus exited: ${prometheus.output.slice(-10).join('\n')}`);
      const res = await fetch(`${prometheusUrl}/api/v1/targets`);
      const body = (await res.json()) as { data: { activeTargets: Array<{ health: string }> } };
      const up = body.data.activeTargets.filter((t) => t.health === 'up').length;
      return up === nodes.length ? true : undefined;
    }, 'both targets up in Prometheus');
  }, 60_000);

  afterAll(async () => {
    for (const c of children.splice(0).reverse()) {
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
      await c.exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('evaluates every query of deploy/grafana/daqdata.json: each returns data, none errors', async () => {
    const dashboard = JSON.parse(await readFile(dashboardFile, 'utf8'));
    const { panel, variables } = dashboardQueries(dashboard);
    expect(panel.length).toBeGreaterThanOrEqual(10);
    for (const { metric, label } of variables) {
      const values = await until(async () => {
        const res = await fetch(`${prometheusUrl}/api/v1/label/${label}/values?match[]=${encodeURIComponent(metric)}`);
        const body = (await res.json()) as { status: string; data: string[] };
        expect(body.status).toBe('success');
        return body.data.length === nodes.length ? body.data : undefined;
      }, `label_values(${metric}, ${label}) to list both nodes`);
      expect(values.sort()).toEqual(nodes.map((n) => new URL(n.metrics).host).sort());
    }
    for (const expr of panel) {
      const query = Object.entries(GRAFANA_VARIABLES).reduce((q, [name, value]) => q.replaceAll(name, value), expr);
      expect(query, 'a Grafana variable the test does not know').not.toMatch(/\$/);
      const result = await until(() => evaluate(query), `data for ${query}`);
      expect(result, query).not.toHaveProperty('error');
    }
    // The check itself tells errors apart: a broken expression is reported, not awaited.
    expect(await evaluate('sum(rate(daq_frames_published_total[15s])')).toHaveProperty('error');
  }, 90_000);

  /** One instant query: its error (final: no waiting makes a bad query good), its series count, or undefined while it has no data. */
  async function evaluate(query: string): Promise<{ error: string } | { series: number } | undefined> {
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
    if (body.status !== 'success') return { error: body.error ?? `HTTP ${res.status}` };
    return body.data!.result.length > 0 ? { series: body.data!.result.length } : undefined;
  }
});
