// Test images: valid PanoImages for UploadImages, and PFF run directories a node watches.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_PRODUCTS, formatDataFileName, formatRunDirName, panoImageFromFrame, type DataProduct, type FrameHeader, type PanoImage, type QuaboPacket } from '@daqdata/core';
import { PffWriter } from '@daqdata/core/node';

/** A synchronised packet: d = (tv_sec - pkt_tai + 37) mod 1024 = 0. */
export function packet(tvSec: number, nsec: number, pktNum = 1): QuaboPacket {
  return { pkt_num: pktNum, pkt_tai: (((tvSec + 37) % 1024) + 1024) % 1024, pkt_nsec: nsec, tv_sec: tvSec, tv_usec: Math.floor(nsec / 1000) };
}

export function headerFor(dp: DataProduct, p: QuaboPacket, quabo = 0): FrameHeader {
  if (DATA_PRODUCTS[dp].headerLayout === 'flat') return { ...p, quabo_num: quabo };
  return { quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p };
}

/** Deterministic pixels covering the product's range, negatives included for pulse-height. */
export function pixelsFor(dp: DataProduct, seed: number): number[] {
  const info = DATA_PRODUCTS[dp];
  const n = info.rows * info.cols;
  return Array.from({ length: n }, (_, i) => {
    const v = (i * 7919 + seed * 104729) % (info.bytesPerPixel === 1 ? 256 : 65536);
    return info.signed ? v - 32768 : v;
  });
}

/** A valid PanoImage for UploadImages. `seq` goes into frame_number so tests can follow order. */
export function panoImage(o: { dp?: DataProduct; moduleId: number; seq: number; tvSec?: number }): PanoImage {
  const dp = DATA_PRODUCTS[o.dp ?? 'img16'];
  const header = headerFor(dp.name, packet(o.tvSec ?? 1_754_112_728, 123_456_789));
  const pixels = pixelsFor(dp.name, o.seq);
  const typed = dp.bytesPerPixel === 1 ? Uint8Array.from(pixels) : dp.signed ? Int16Array.from(pixels) : Uint16Array.from(pixels);
  return panoImageFromFrame(
    { index: o.seq, offset: 0, header, pixels: typed, raw: new Uint8Array() },
    { file: `upload.module_${o.moduleId}.pff`, moduleId: o.moduleId, dataProduct: dp },
  );
}

/** DATA_DIR/module_N/<run>.pffd/: the directory a node follows. */
export async function makeRunDir(dataDir: string, moduleId: number): Promise<string> {
  const dir = join(dataDir, `module_${moduleId}`, formatRunDirName({ obs: 'Test', start: '2025-08-02T05:31:00Z', runtype: 'sci-data' }));
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function openFrameFile(runDir: string, dp: DataProduct, moduleId: number): Promise<PffWriter> {
  const name = formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: dp, moduleId, seqno: 0 });
  return PffWriter.open(join(runDir, name), DATA_PRODUCTS[dp]);
}
