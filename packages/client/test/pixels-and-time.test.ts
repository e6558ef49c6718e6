// Parsed images against the files a real node follows: the pixels equal the file's bytes for
// every data product (signed pulse-height included), and the recorded unsynchronised White
// Rabbit fixture gives wrUnixNs === null with a valid arrival time.
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, detectLayout, isoFromUnixNs, pixelsFromBytes, type DataProduct, type QuaboPacket } from '@daqdata/core';
import { DaqClient, type ParsedImage } from '../src/index.js';
import { startDaqNode, type DaqNodeProcess } from './helpers/daq-node-process.js';
import { headerFor, makeRunDir, openFrameFile, packet, pixelsFor } from './helpers/images.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/pff/start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_254.seqno_0.pff', import.meta.url));
const PRODUCTS: DataProduct[] = ['img16', 'img8', 'ph1024', 'ph256'];
const FIXTURE_MODULE = 254;

let root: string;
let node: DaqNodeProcess;
const filesByModule = new Map<number, string>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'daq-client-pixels-'));
  node = await startDaqNode({ dataRoot: root, dataDir: root });
});
afterAll(async () => {
  await node?.kill();
  await rm(root, { recursive: true, force: true });
});

/** The frame's pixels read straight from the file's bytes. */
async function filePixels(path: string, dp: DataProduct, frameNumber: number) {
  const bytes = new Uint8Array(await readFile(path));
  const layout = detectLayout(bytes, DATA_PRODUCTS[dp], basename(path));
  if (layout === 'need-more') throw new Error(`${path}: no complete frame`);
  const start = frameNumber * layout.frameSize + layout.headerLength + 1;
  return pixelsFromBytes(DATA_PRODUCTS[dp], bytes.subarray(start, start + layout.pixelBytes));
}

describe('parsed images from a followed data directory', () => {
  it('pixels equal the file bytes for every data product; real unsynchronised WR data gives wrUnixNs null', async () => {
    await using client = DaqClient.fromAddresses([node.address]);
    const connected = new Promise<void>((resolve) => client.onStatus((e) => e.type === 'connected' && resolve()));
    const stream = client.streamImages({ updateIntervalSeconds: 0.01 });
    const first = stream.next();
    await connected;

    // One module per synthetic product (1-4), written after the stream is open, plus the real fixture.
    const writes = PRODUCTS.map(async (dp, i) => {
      const moduleId = i + 1;
      const writer = await openFrameFile(await makeRunDir(root, moduleId), dp, moduleId);
      filesByModule.set(moduleId, writer.path);
      for (let f = 0; f < 3; f++) await writer.append(headerFor(dp, packet(1_754_112_728 + f, 1000 * f), f % 4), pixelsFor(dp, f + 10 * i));
      await writer.close();
    });
    const fixtureDir = await makeRunDir(root, FIXTURE_MODULE);
    const fixtureCopy = join(fixtureDir, basename(FIXTURE));
    filesByModule.set(FIXTURE_MODULE, fixtureCopy);
    await Promise.all([...writes, copyFile(FIXTURE, fixtureCopy)]);

    const byModule = new Map<number, ParsedImage[]>();
    const take = (img: ParsedImage) => byModule.set(img.moduleId, [...(byModule.get(img.moduleId) ?? []), img]);
    const r = await first;
    if (!r.done) take(r.value);
    for await (const image of { [Symbol.asyncIterator]: () => stream }) {
      take(image);
      if ([1, 2, 3, 4, FIXTURE_MODULE].every((m) => byModule.has(m))) break;
    }

    for (const [i, dp] of PRODUCTS.entries()) {
      for (const img of byModule.get(i + 1)!) {
        expect(img.dataProduct).toBe(dp);
        expect(img.pixels).toEqual(await filePixels(filesByModule.get(i + 1)!, dp, img.frameNumber));
        expect(img.pixels.constructor).toBe(dp === 'img8' ? Uint8Array : dp === 'img16' ? Uint16Array : Int16Array);
        expect(img.shape).toEqual([DATA_PRODUCTS[dp].rows, DATA_PRODUCTS[dp].cols]);
        expect(img.at(1, 2)).toBe(img.pixels[1 * DATA_PRODUCTS[dp].cols + 2]);
        expect(img.time?.wrSynchronised).toBe(true);
        expect(img.time?.wrUnixNs).toBe(BigInt(1_754_112_728 + img.frameNumber) * 1_000_000_000n + BigInt(1000 * img.frameNumber));
      }
    }
    // Pulse-height pixels really are signed: the synthetic pattern has negatives.
    expect(byModule.get(3)!.some((img) => Array.from(img.pixels).some((v) => v < 0))).toBe(true);

    const real = byModule.get(FIXTURE_MODULE)!;
    for (const img of real) {
      expect(img.dataProduct).toBe('ph256');
      expect(img.pixels).toEqual(await filePixels(FIXTURE, 'ph256', img.frameNumber));
      const h = img.header as unknown as QuaboPacket & { quabo_num: number };
      expect(img.quabo).toBe(h.quabo_num);
      expect(img.time).not.toBeNull();
      expect(img.time!.wrUnixNs).toBeNull();
      expect(img.time!.wrSynchronised).toBe(false);
      expect(img.time!.arrivalUnixNs).toBe(BigInt(h.tv_sec) * 1_000_000_000n + BigInt(h.tv_usec) * 1000n);
      // Not synchronised: the ISO time is the arrival clock's, to the nanosecond.
      expect(img.time!.iso).toBe(isoFromUnixNs(img.time!.arrivalUnixNs));
      expect(img.time!.iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    }
  });
});
