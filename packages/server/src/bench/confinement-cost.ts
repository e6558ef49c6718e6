// The cost of confinement: time for DataDirWatcher.start (initial scan of N modules x M frame
// files, then following the newest file of each module) unconfined (allowedRoots null: no
// link resolution at all) versus confined (every directory and file resolved and checked,
// every opened file checked on its descriptor), in one run, alternating, so both see the same
// load. Prints min/median/max and `uptime`; asserts nothing about time.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_PRODUCTS, encodeFrame, formatDataFileName, formatRunDirName } from '@daqdata/core';
import { createLogger } from '../log/logger.js';
import { DataDirWatcher } from '../watch/data-dir-watcher.js';

const RUNS = 5;
const SHAPES = [
  { modules: 45, files: 8 },
  { modules: 200, files: 20 },
];
const START = new Date('2024-07-25T04:34:06Z');

function frame(n: number): Uint8Array {
  const info = DATA_PRODUCTS.img16;
  const p = { pkt_num: n, pkt_tai: 500, pkt_nsec: n, tv_sec: 1_700_000_000, tv_usec: n };
  return encodeFrame({ quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p }, new Array<number>(info.rows * info.cols).fill(n), info);
}

async function tree(root: string, modules: number, files: number): Promise<void> {
  const bytes = frame(1);
  const run = formatRunDirName({ obs: 'Lick', start: START, runtype: 'sci-data' });
  for (let m = 1; m <= modules; m++) {
    const dir = join(root, `module_${m}`, run);
    await mkdir(dir, { recursive: true });
    for (let seqno = 0; seqno < files; seqno++) {
      await writeFile(join(dir, formatDataFileName({ start: START, dataProduct: 'img16', moduleId: m, seqno })), bytes);
    }
  }
}

async function startMs(dataDir: string, allowedRoots: readonly string[] | null): Promise<number> {
  let images = 0;
  const t0 = performance.now();
  const w = await DataDirWatcher.start({
    dataDir,
    moduleIds: new Set(),
    log: createLogger({ format: 'human', level: 'error' }),
    clock: () => Date.now(),
    readIntervalMs: () => 0,
    onImage: () => images++,
    allowedRoots,
  });
  const ms = performance.now() - t0;
  const followed = w.followedFiles().length;
  await w.close();
  if (followed === 0 || images === 0) throw new Error(`nothing followed (${followed} files, ${images} images)`);
  return ms;
}

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return `min ${s[0]!.toFixed(1)} median ${s[Math.floor(s.length / 2)]!.toFixed(1)} max ${s.at(-1)!.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'daq-confine-bench-'));
  try {
    for (const { modules, files } of SHAPES) {
      const dataDir = join(root, `${modules}x${files}`);
      await tree(dataDir, modules, files);
      await startMs(dataDir, null); // warm the page cache and the code paths once
      const unconfined: number[] = [];
      const confined: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        unconfined.push(await startMs(dataDir, null));
        confined.push(await startMs(dataDir, [root]));
      }
      console.log(`watcher start, ${modules} modules x ${files} files (${RUNS} runs each, alternating):`);
      console.log(`  unconfined (allowedRoots null): ${summary(unconfined)}`);
      console.log(`  confined (allowedRoots [root]): ${summary(confined)}`);
    }
    console.log(`load: ${execFileSync('uptime').toString().trim()}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
