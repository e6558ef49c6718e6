// Benchmarks of the PFF library; prints figures and asserts nothing about time.
//  1. Full-file parse throughput for img16 and ph256 next to a raw read of the same bytes.
//  2. Last-frame lookup on a 1 MB and a 1 GB file (sparse: real frames at both ends), which
//     must cost the same order: random access is arithmetic plus one read.
//  3. Re-synchronisation: time to scan N bytes of garbage (random, and the worst case of every
//     byte a '{') up to the next good frame, as the server follower does (shape checks) and as
//     readFrames does (every header parsed).
// Run: npm run bench -w packages/core (after a build).
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_PRODUCTS, detectLayout, encodeFrame, formatDataFileName, readFrames, scanFrames, type DataProductInfo, type FrameLayout, type QuaboHeader } from '../index.js';
import { PffFile } from '../node.js';

const REAL_PH256 = fileURLToPath(new URL('../../../../fixtures/pff/start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_254.seqno_0.pff', import.meta.url));

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Best of `runs` timings in ms (the least disturbed by the other work on a shared machine). */
async function best(runs: number, f: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await f();
    min = Math.min(min, msSince(start));
  }
  return min;
}

function img16Frame(i: number): Uint8Array {
  const p = (q: number) => ({ pkt_num: i % 65536, pkt_tai: (i >> 10) % 1024, pkt_nsec: (i * 1_000_003) % 1e9, tv_sec: 1_754_112_728 + (i >> 10), tv_usec: (i * 7 + q) % 1e6 });
  const header: QuaboHeader = { quabo_0: p(0), quabo_1: p(1), quabo_2: p(2), quabo_3: p(3) };
  return encodeFrame(header, Array.from({ length: 1024 }, (_, k) => (k * 37 + i) % 4096), DATA_PRODUCTS.img16);
}

function repeatToSize(unit: Uint8Array, targetBytes: number): Uint8Array {
  const copies = Math.max(1, Math.floor(targetBytes / unit.length));
  const out = new Uint8Array(copies * unit.length);
  for (let i = 0; i < copies; i++) out.set(unit, i * unit.length);
  return out;
}

async function parseThroughput(dir: string, label: string, dp: DataProductInfo, bytes: Uint8Array): Promise<void> {
  const path = join(dir, formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: dp.name, moduleId: 1, seqno: 0 }));
  await writeFile(path, bytes);
  await readFile(path); // warm the page cache: both figures then measure CPU, not the disk
  let frames = 0;
  const raw = await best(5, () => readFile(path));
  const parse = await best(5, async () => {
    const data = await readFile(path);
    const layout = detectLayout(data, dp, path);
    if (layout === 'need-more') throw new Error(`${path}: no complete header`);
    const result = readFrames(data, 0, layout, { file: path });
    if (result.errors.length > 0) throw result.errors[0]!;
    frames = result.frames.length;
  });
  const mb = bytes.length / 1e6;
  console.log(
    `${label.padEnd(28)} ${frames.toString().padStart(7)} frames ${mb.toFixed(1).padStart(6)} MB | ` +
      `raw read ${raw.toFixed(1).padStart(7)} ms ${(mb / (raw / 1e3)).toFixed(0).padStart(6)} MB/s | ` +
      `parse ${parse.toFixed(1).padStart(7)} ms ${(frames / (parse / 1e3)).toFixed(0).padStart(8)} frames/s ${(mb / (parse / 1e3)).toFixed(0).padStart(5)} MB/s | ` +
      `parse/raw ${(parse / raw).toFixed(1)}x`,
  );
  await rm(path);
}

/** A file of `targetBytes` (rounded down to whole frames) with real frames at both ends and a hole between. */
async function sparseFile(dir: string, moduleId: number, targetBytes: number): Promise<{ path: string; frames: number }> {
  const path = join(dir, formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: 'img16', moduleId, seqno: 0 }));
  const frameSize = img16Frame(0).length;
  const frames = Math.floor(targetBytes / frameSize);
  const handle = await open(path, 'w');
  try {
    for (const k of [0, 1, frames - 1]) {
      const frame = img16Frame(k);
      await handle.write(frame, 0, frame.length, k * frameSize);
    }
  } finally {
    await handle.close();
  }
  return { path, frames };
}

async function lastFrameLookup(dir: string, label: string, moduleId: number, targetBytes: number): Promise<void> {
  const { path, frames } = await sparseFile(dir, moduleId, targetBytes);
  const iterations = 2000;
  const file = await PffFile.open(path);
  let lastIndex = -1;
  try {
    await file.readLastFrame(); // warm-up
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) lastIndex = (await file.readLastFrame())?.index ?? -1;
    const perLookupUs = (msSince(start) * 1e3) / iterations;
    const openAndRead = await best(50, async () => {
      const f = await PffFile.open(path);
      await f.readLastFrame();
      await f.close();
    });
    console.log(
      `${label.padEnd(28)} ${frames.toString().padStart(7)} frames | last frame #${lastIndex}: ` +
        `${perLookupUs.toFixed(1)} us per readLastFrame (mean of ${iterations}) | open + readLastFrame + close ${(openAndRead * 1e3).toFixed(0)} us (best of 50)`,
    );
  } finally {
    await file.close();
    await rm(path);
  }
}

/** Deterministic random bytes. */
function noise(length: number): Uint8Array {
  let x = 0x9e3779b9;
  return Uint8Array.from({ length }, () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x >>> 24));
}

function bestSync(runs: number, f: () => unknown): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    f();
    min = Math.min(min, msSince(start));
  }
  return min;
}

function resync(label: string, garbage: Uint8Array): void {
  const frames = [0, 1, 2, 3, 4].map(img16Frame);
  const size = frames[0]!.length;
  const bytes = new Uint8Array(5 * size + garbage.length);
  bytes.set(frames[0]!, 0);
  bytes.set(garbage, size);
  frames.slice(1).forEach((f, i) => bytes.set(f, size + garbage.length + i * size));
  const layout = detectLayout(bytes.subarray(0, size + 1), DATA_PRODUCTS.img16, 'bench') as FrameLayout;
  const opts = { file: 'bench', chunkOffset: 0, start: size } as const;
  let resumedAt: number | 'end' | undefined;
  const shape = bestSync(5, () => {
    resumedAt = scanFrames(bytes, layout, { ...opts, atEnd: 'take', headers: 'shape' }).skipped[0]?.resumedAt;
  });
  if (resumedAt !== size + garbage.length) throw new Error(`${label}: re-synchronised at ${String(resumedAt)}, expected ${size + garbage.length}`);
  const parse = bestSync(5, () => readFrames(bytes, size, layout, { file: 'bench', final: true }));
  const rate = (ms: number) => ((garbage.length / 1e6) / (ms / 1e3)).toFixed(0).padStart(5);
  console.log(
    `${label.padEnd(28)} follower (shape checks) ${(shape * 1e3).toFixed(0).padStart(6)} us ${rate(shape)} MB/s | ` +
      `readFrames (4 frames parsed too) ${(parse * 1e3).toFixed(0).padStart(6)} us ${rate(parse)} MB/s`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daqdata-bench-'));
  try {
    console.log(`@daqdata/core bench (node ${process.version}); times are best of 5, page cache warm\n`);
    console.log('Full-file parse throughput');
    await parseThroughput(dir, 'img16 (synthetic)', DATA_PRODUCTS.img16, repeatToSize(img16Frame(1), 64e6));
    await parseThroughput(dir, 'ph256 (real file repeated)', DATA_PRODUCTS.ph256, repeatToSize(await readFile(REAL_PH256), 32e6));
    console.log('\nLast-frame lookup (sparse files, img16)');
    await lastFrameLookup(dir, '1 MB file', 1, 1 << 20);
    await lastFrameLookup(dir, '1 GB file', 2, 1 << 30);
    console.log('\nRe-synchronisation after garbage (img16, best of 5): scan from the garbage to the next good frame');
    resync('100 B random', noise(100));
    resync('64 KiB random', noise(64 * 1024));
    resync('1 MiB random', noise(1024 * 1024));
    resync("64 KiB of '{' (worst case)", new Uint8Array(64 * 1024).fill(0x7b));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
