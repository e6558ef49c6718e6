// Bench: what parsing costs per image on top of decoding the protobuf message, per data
// product. Figures only (CONTRIBUTING: performance is measured, not assumed).
import {
  DATA_PRODUCTS,
  StreamImagesResponse,
  panoImageFromFrame,
  parsePanoImage,
  pixelCount,
  type DataProduct,
  type FrameHeader,
  type Pixels,
} from '@daqdata/core';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20_000);

function header(dp: DataProduct): FrameHeader {
  const p = { pkt_num: 1234, pkt_tai: (1_754_112_728 + 37) % 1024, pkt_nsec: 985_339_000, tv_sec: 1_754_112_728, tv_usec: 985_339 };
  return DATA_PRODUCTS[dp].headerLayout === 'flat' ? { ...p, quabo_num: 2 } : { quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p };
}

function pixels(dp: DataProduct): Pixels {
  const info = DATA_PRODUCTS[dp];
  const n = pixelCount(info);
  const values = Array.from({ length: n }, (_, i) => (i * 7919) % (info.bytesPerPixel === 1 ? 256 : 65536));
  if (info.bytesPerPixel === 1) return Uint8Array.from(values);
  return info.signed ? Int16Array.from(values.map((v) => v - 32768)) : Uint16Array.from(values);
}

function encoded(dp: DataProduct): Uint8Array {
  const panoImage = panoImageFromFrame(
    { index: 7, offset: 0, header: header(dp), pixels: pixels(dp), raw: new Uint8Array() },
    { file: `start_2025-08-02T05:31:36Z.dp_${dp}.bpp_${DATA_PRODUCTS[dp].bytesPerPixel}.module_1.seqno_0.pff`, moduleId: 1, dataProduct: DATA_PRODUCTS[dp] },
  );
  return StreamImagesResponse.encode({ name: 'bench', timestamp: new Date(), message: '', panoImage }).finish();
}

/** ns per call, best of 3 rounds (the least disturbed by GC and other load). */
function timeNs(fn: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  let sink: unknown;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) sink = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / ITERATIONS);
  }
  if (sink === undefined) throw new Error('bench produced nothing');
  return best;
}

console.log(`client bench: ${ITERATIONS} images per round, best of 3, ns per image`);
console.log('product  bytes  decode_ns  parse_ns  decode+parse_ns  parse/decode');
for (const dp of Object.keys(DATA_PRODUCTS) as DataProduct[]) {
  const bytes = encoded(dp);
  const decodedOnce = StreamImagesResponse.decode(bytes);
  const decode = timeNs(() => StreamImagesResponse.decode(bytes));
  const parse = timeNs(() => parsePanoImage(decodedOnce.panoImage!, { host: 'bench', serverTimestamp: decodedOnce.timestamp! }));
  const both = timeNs(() => {
    const r = StreamImagesResponse.decode(bytes);
    return parsePanoImage(r.panoImage!, { host: 'bench', serverTimestamp: r.timestamp! });
  });
  console.log(
    `${dp.padEnd(7)}  ${String(bytes.length).padStart(5)}  ${decode.toFixed(0).padStart(9)}  ${parse.toFixed(0).padStart(8)}  ${both.toFixed(0).padStart(15)}  ${(parse / decode).toFixed(2).padStart(12)}`,
  );
}
