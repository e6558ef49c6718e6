// `daq plot view` end to end in a real terminal (tmux) against a real node: module tiles with
// coloured heat-map cells and a colour bar showing the map's limits, paging with the keys shown
// on screen (n / PgDn, p / PgUp) when the terminal is too small for every module, then `q`
// quits, the process exits 0 and the terminal is restored (main screen, cursor shown).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAQ_BIN } from './support/cli-process.js';
import { movieImage, ph256Image } from './support/pano-images.js';
import { startTestNode, type TestNode } from './support/test-node.js';
import { ansiCells, stripAnsi } from './support/ansi-cells.js';
import { robustLimits } from '@daqdata/core';
import { formatLimit } from '../src/plot/colour-bar.js';

const run = promisify(execFile);
const SOCKET = `daq-cli-test-${process.pid}`;
const SESSION = 'plot';

function tmux(...args: string[]): Promise<string> {
  return run('tmux', ['-L', SOCKET, ...args]).then((r) => r.stdout);
}

/** Polls the pane (tmux has no "content changed" event) until pred holds; the timeout is only the failure bound. */
async function paneUntil(what: string, pred: (ansi: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await tmux('capture-pane', '-e', '-p', '-t', SESSION);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`pane never showed ${what}; last capture:\n${stripAnsi(last)}`);
}

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode();
  await tmux('new-session', '-d', '-s', SESSION, '-x', '160', '-y', '50', '-e', 'COLORTERM=truecolor', '-e', 'PS1=$ ', 'bash --norc --noprofile');
});

afterAll(async () => {
  await tmux('kill-server').catch(() => undefined);
  await node?.stop();
});

describe('daq plot view in tmux', () => {
  it('shows labelled, coloured maps and quits on q, restoring the terminal', async () => {
    const done = tmux('wait-for', 'daq-exited');
    const command = `${process.execPath} ${DAQ_BIN} plot view --host ${node.address} --refresh-period 0.2; echo DAQ_EXIT=$?; tmux -L ${SOCKET} wait-for -S daq-exited`;
    await tmux('send-keys', '-t', SESSION, command, 'Enter');
    await paneUntil('the view title', (p) => p.includes('daq plot view'));
    expect((await tmux('display-message', '-p', '-t', SESSION, '#{alternate_on} #{cursor_flag}')).trim()).toBe('1 0');

    await node.upload([movieImage(1, 0), ph256Image(1, 1, 0), movieImage(2, 0), ph256Image(2, 3, 0)]);
    const screen = await paneUntil('both modules', (p) => {
      const text = stripAnsi(p);
      return text.includes('module 1 · ') && text.includes('module 2 · ') && text.includes('pulse-height ph256 q3 · frame 0') && text.includes('pulse-height ph256 q1 · frame 0');
    });
    expect(stripAnsi(screen)).toContain('run 2025-08-02T05_31_36Z');
    // Heat-map cells: half blocks with 24-bit (or tmux's 256-colour) foreground and background.
    const coloured = screen.match(/\x1b\[[0-9;]*(?:38;[25];[0-9;]+)[0-9;]*m▀/g) ?? [];
    expect(coloured.length).toBeGreaterThan(100);
    expect(screen).toMatch(/48;[25];/);
    expect(stripAnsi(screen)).toMatch(/2025-08-02 \d\d:\d\d:\d\d\.\d{6} WR/);
    // Module 1's movie colour bar: its robust limits either side of a run of coloured cells.
    const limits = robustLimits([movieImage(1, 0).imageArray])!;
    const barCells = screen.split('\n').map(ansiCells).find((cells) => {
      const text = cells.map((c) => c.char).join('');
      const at = text.indexOf(`${formatLimit(limits.lo)} `);
      const end = at < 0 ? -1 : text.indexOf(` ${formatLimit(limits.hi)}`, at);
      return end > at + 10 && cells.slice(at + formatLimit(limits.lo).length + 1, end).every((c) => c.char === ' ' && c.bg !== '49');
    });
    expect(barCells, 'a colour bar with the limits of module 1').toBeDefined();
    expect(stripAnsi(screen)).toContain('page 1 of 1 · modules 1–2');

    // A smaller terminal (SIGWINCH): one module per page, the paging keys on screen.
    await tmux('resize-window', '-t', SESSION, '-x', '70', '-y', '30');
    const small = await paneUntil('the paged re-layout', (p) => stripAnsi(p).includes('page 1 of 2'));
    expect(stripAnsi(small)).toContain('n/PgDn next · p/PgUp previous');
    expect(stripAnsi(small)).toContain('module 1 · ');
    expect(stripAnsi(small)).not.toContain('module 2 · ');
    for (const line of stripAnsi(small).split('\n')) expect([...line.trimEnd()].length).toBeLessThanOrEqual(70);
    const onPage = (n: number) => (p: string) => stripAnsi(p).includes(`page ${n} of 2 · module ${n} `) && stripAnsi(p).includes(`module ${n} · `);
    await tmux('send-keys', '-t', SESSION, 'n');
    expect(stripAnsi(await paneUntil('page 2 after n', onPage(2)))).not.toContain('module 1 · ');
    await tmux('send-keys', '-t', SESSION, 'p');
    await paneUntil('page 1 after p', onPage(1));
    await tmux('send-keys', '-t', SESSION, 'NPage');
    await paneUntil('page 2 after PgDn', onPage(2));
    // Past the last page stays on it; two keys in one go (one chunk for the view: each counts).
    await tmux('send-keys', '-t', SESSION, 'n', 'PPage');
    await paneUntil('page 1 after PgUp', onPage(1));

    await tmux('send-keys', '-t', SESSION, 'q');
    await done;
    const after = await paneUntil('the exit status', (p) => stripAnsi(p).includes('DAQ_EXIT='));
    expect(stripAnsi(after)).toContain('DAQ_EXIT=0');
    expect((await tmux('display-message', '-p', '-t', SESSION, '#{alternate_on} #{cursor_flag}')).trim()).toBe('0 1');
  });
});
