/// <reference lib="dom" />
// `daq web` in a real browser: Debian's Chromium driven by playwright-core, against a real
// `daq up --synthetic --seed` and a real `daq web`, both child processes. Every module tile
// appears; a pixel of a known frame (read back from the PFF file the node served it from) is
// drawn with the colour the scale gives it; the large view opens on click and shows that
// pixel's value on hover; each tile's rate strip fills with the module's data rate; the health
// panel shows each node's drops from its own /metrics (daq up writes metrics_port into the
// config); a killed node shows as down, its modules quiet, and the array recovers when restarted.
// A screenshot goes to .test-results/daq-web.png for a person to look at.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { colourOf, level } from '@daqdata/core';
import { PffFile } from '@daqdata/core/node';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess } from './support/cli-process.js';

const RESULTS = fileURLToPath(new URL('../../../.test-results/', import.meta.url));
const TILE_SCALE = 4;

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function startUp(base: number, dir: string): CliProcess {
  const up = new CliProcess(['up', '--nodes', '2', '--base-port', String(base), '--dir', dir, '--synthetic', '--seed', '7']);
  cleanup.push(async () => {
    up.kill('SIGKILL');
    await up.exited;
  });
  return up;
}

/** Modules and pids daq up lists for its nodes ("node-1  127.0.0.1:P  modules 1,2  pid 123 ..."). */
function upNodes(stdout: string): Array<{ name: string; address: string; modules: number[]; pid: number }> {
  return [...stdout.matchAll(/^ {2}(node-\d+) +(\S+) +modules ([\d,]+) +pid (\d+)/gm)].map((m) => ({
    name: m[1]!,
    address: m[2]!,
    modules: m[3]!.split(',').map(Number),
    pid: Number(m[4]),
  }));
}

function findFile(root: string, name: string): string | undefined {
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    } else if (e.name === name) return p;
  }
  return undefined;
}

const nodeStates = (page: Page) =>
  page.$$eval('#nodes tbody tr', (rows) => Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset.host!, (r as HTMLElement).dataset.state!])));

describe('daq web in Chromium', () => {
  it('every module tile, a known pixel in its scale colour, large view with hover, a killed node down (its modules quiet) then recovered', async () => {
    const base = 42_000 + Math.floor(Math.random() * 15_000);
    const work = mkdtempSync(join(tmpdir(), 'daq-web-'));
    cleanup.push(async () => rmSync(work, { recursive: true, force: true }));
    const upDir = join(work, 'up1');
    let up = startUp(base, upDir);
    await up.waitFor('daq up ready', (out) => /^config: /m.test(out), 60_000);
    const nodes = upNodes(up.stdout);
    expect(nodes).toHaveLength(2);
    const modules = nodes.flatMap((n) => n.modules).sort((a, b) => a - b);

    const web = new CliProcess(['web', join(upDir, 'daq_config.json'), '--port', '0', '--interval', '0.05']);
    cleanup.push(async () => {
      web.kill('SIGKILL');
      await web.exited;
    });
    await web.waitFor('the dashboard URL', (out) => /^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m.test(out));
    const url = /^dashboard: (\S+)$/m.exec(web.stdout)![1]!;

    const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    cleanup.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);

    // Every module of every node: one tile each, labelled, with both maps drawn.
    for (const id of modules) {
      await page.waitForSelector(`.tile[data-module="${id}"] .map[data-kind="movie"][data-frame]`, { timeout: 20_000 });
      await page.waitForSelector(`.tile[data-module="${id}"] .map[data-kind="pulse-height"][data-frame]`, { timeout: 20_000 });
    }
    expect(await page.$$eval('.tile h3', (hs) => hs.map((h) => h.firstChild!.textContent))).toEqual(modules.map((id) => `module ${id}`));
    await page.waitForFunction((n) => (window as any).daqWeb.stats.lastHealth?.nodes.filter((x: any) => x.state === 'up').length === n, nodes.length);

    // Drops, from each node's metrics: the panel's count never exceeds what the node's
    // /metrics says afterwards (a counter only grows).
    const metricsUrls = [...up.stdout.matchAll(/^ {2}node-\d+ +\S+ .* metrics (http:\/\/\S+\/metrics)$/gm)].map((m) => m[1]!);
    expect(metricsUrls).toHaveLength(nodes.length);
    for (const [i, n] of nodes.entries()) {
      // A read that succeeded last (on a loaded machine one may time out now and then).
      const cell = `#nodes tr[data-host="${n.address}"] td.drops[data-dropped][title="${metricsUrls[i]}"]`;
      await page.waitForSelector(cell, { timeout: 20_000 });
      const shown = await page.$eval(cell, (td) => ({ dropped: Number((td as HTMLElement).dataset.dropped), text: td.textContent, title: (td as HTMLElement).title }));
      expect(shown.title).toBe(metricsUrls[i]);
      expect(shown.text).toMatch(/^\d+ images dropped · \d+ malformed frames$/);
      const text = await (await fetch(metricsUrls[i]!)).text();
      const now = Number(/^daq_stream_images_dropped_total (\S+)$/m.exec(text)![1]);
      expect(shown.dropped).toBeLessThanOrEqual(now);
    }
    // Rate strips: every tile's fills with its module's movie data rate over the last minute.
    for (const id of modules) {
      await page.waitForFunction((m) => {
        const strip = document.querySelector(`.tile[data-module="${m}"] canvas.rates`) as HTMLCanvasElement | null;
        return (JSON.parse(strip?.dataset.movie ?? '[]') as (number | null)[]).some((r) => r !== null && r > 0);
      }, id, { timeout: 15_000 });
      expect(await page.textContent(`.tile[data-module="${id}"] .rates-label`)).toMatch(/^data rate, last 60 s: movie \d[\d.]* fps/);
    }

    // Freeze, so the canvas holds one frame; read what it says it drew.
    await page.click('#freeze');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const module = modules[0]!;
    const drawn = await page.$eval(`.tile[data-module="${module}"] .map[data-kind="movie"]`, (el) => ({ ...(el as HTMLElement).dataset }));
    const path = findFile(upDir, drawn.file!);
    expect(path, `${drawn.file} under ${upDir}`).toBeDefined();
    const pff = await PffFile.open(path!);
    const frame = await pff.readFrame(Number(drawn.frame));
    await pff.close();
    // The brightest pixel (a star) and a pixel of the sky: two levels of the scale.
    let brightest = 0;
    for (let i = 1; i < frame.pixels.length; i++) if (frame.pixels[i]! > frame.pixels[brightest]!) brightest = i;
    const limits = { lo: Number(drawn.lo), hi: Number(drawn.hi) };
    for (const i of [brightest, 5 * 32 + 9]) {
      const [row, col] = [Math.floor(i / 32), i % 32];
      const rgba = await page.$eval(
        `.tile[data-module="${module}"] .map[data-kind="movie"] canvas.field`,
        (c, [x, y]) => [...(c as HTMLCanvasElement).getContext('2d')!.getImageData(x!, y!, 1, 1).data],
        [col * TILE_SCALE + 2, row * TILE_SCALE + 2],
      );
      expect(rgba, `pixel (${row}, ${col}) = ${frame.pixels[i]} with limits ${limits.lo}..${limits.hi}`).toEqual([...colourOf(level(frame.pixels[i]!, limits)), 255]);
    }

    // Click the tile: the large view, and the value of the hovered pixel.
    await page.click(`.tile[data-module="${module}"] h3`);
    await page.waitForSelector('#large:not([hidden])');
    expect(await page.textContent('#large h2')).toBe(`module ${module}`);
    const [row, col] = [Math.floor(brightest / 32), brightest % 32];
    const big = (await page.$('#large canvas[data-kind="movie"]'))!;
    const box = (await big.boundingBox())!;
    await page.mouse.move(box.x + ((col + 0.5) * box.width) / 32, box.y + ((row + 0.5) * box.height) / 32);
    expect(await page.textContent('#hover')).toMatch(new RegExp(`^movie row ${row} col ${col} · quabo \\d · ${frame.pixels[brightest]} ADC$`));
    mkdirSync(RESULTS, { recursive: true });
    await page.click('#large-close');
    await page.click('#freeze');

    // Kill one node: it shows as down, the other stays up.
    const victim = nodes[1]!;
    process.kill(victim.pid, 'SIGKILL');
    await page.waitForFunction((host) => (window as any).daqWeb.stats.lastHealth?.nodes.find((x: any) => x.host === host)?.state === 'down', victim.address, { timeout: 20_000 });
    expect(await nodeStates(page)).toEqual({ [nodes[0]!.address]: 'up', [victim.address]: 'down' });
    // Its metrics cannot be read either: the drops cell says why (refused) instead of the URL.
    await page.waitForFunction(
      ([host, url]) => {
        const td = document.querySelector(`#nodes tr[data-host="${host}"] td.drops`) as HTMLElement | null;
        return td !== null && td.title.startsWith(`${url}: `) && td.title.includes('ECONNREFUSED');
      },
      [victim.address, metricsUrls[1]!] as const,
      { timeout: 10_000 },
    );
    // Its modules go quiet (nothing for at least 5 s), the other node's do not.
    for (const id of victim.modules) await page.waitForSelector(`.tile[data-module="${id}"].quiet`, { timeout: 20_000 });
    expect(await page.$$eval('.tile.quiet', (ts) => ts.map((t) => Number((t as HTMLElement).dataset.module)))).toEqual(victim.modules);

    // Restart the array on the same ports: every node up again, and the victim's modules draw new frames.
    up.kill('SIGINT');
    await up.exited;
    up = startUp(base, join(work, 'up2'));
    await up.waitFor('daq up ready again', (out) => /^config: /m.test(out), 60_000);
    await page.waitForFunction((n) => (window as any).daqWeb.stats.lastHealth?.nodes.filter((x: any) => x.state === 'up').length === n, nodes.length, { timeout: 30_000 });
    const imagesOf = (id: number) => page.$eval(`.tile[data-module="${id}"]`, (el) => Number((el as HTMLElement).dataset.images));
    const before = await imagesOf(victim.modules[0]!);
    await page
      .waitForFunction(([id, n]) => Number((document.querySelector(`.tile[data-module="${id}"]`) as HTMLElement).dataset.images) > n, [victim.modules[0]!, before] as const, { timeout: 20_000 })
      .catch(async (err: unknown) => {
        await page.screenshot({ path: join(RESULTS, 'daq-web-failed.png') });
        throw err;
      });
    expect(await nodeStates(page)).toEqual(Object.fromEntries(nodes.map((n) => [n.address, 'up'])));
    for (const id of victim.modules) await page.waitForSelector(`.tile[data-module="${id}"]:not(.quiet)`, { timeout: 20_000 });
    await page.screenshot({ path: join(RESULTS, 'daq-web.png') });
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
