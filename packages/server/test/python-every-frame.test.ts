// Every-frame delivery (issue 13) over the wire to a Python grpcio client generated from our
// proto (Debian's python3-grpcio, as python-client.test.ts): the new fields as another
// language's generated code sees them. Delivery EVERY_FRAME, node_sequence contiguous, batches
// up to the batch limit, a resume point continuing after sequence N with no duplicate, and a
// gap record with the exact count from a small ring.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RecorderFile, published, runDir, startTestNode, streamsStarted, tempDir, type TestNode } from './helpers.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(here, '../../../proto');
const python = '/usr/bin/python3';
/** A few dozen ph256 frames (~1.2 kB each with the per-entry estimate): 100 more overrun it. */
const RING_BYTES = 40_000;

interface Seen {
  responses: Array<{
    has_every_frame: boolean;
    incarnation: string;
    batch: number;
    gap: { first: number; count: number; reason: string } | null;
    images: Array<{ sequence: number; frame_number: number; file?: string; module?: number; pff?: string }>;
  }>;
}

let node: TestNode;
let stubs: string;
let file: RecorderFile;
beforeAll(async () => {
  stubs = await tempDir('daq-py-every-stubs-');
  await run(python, ['-m', 'grpc_tools.protoc', `-I${protoDir}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, join(protoDir, 'daq_data.proto')]);
  node = await startTestNode({ ringBytes: RING_BYTES });
  const dataDir = join(node.root, 'data');
  file = await RecorderFile.create(await runDir(dataDir, 1), 'ph256', 1);
  expect(await node.client.initHpIo({ dataDir, updateIntervalSeconds: 0.001 })).toEqual({ success: true, errorMessage: '' });
});
afterAll(async () => {
  await file?.close();
  await node?.stop();
  if (stubs) await rm(stubs, { recursive: true, force: true });
});

function everyFrameClient(plan: { batch_limit: number; want: number; resume: { incarnation: string; after: number } | null; pff_frames?: boolean }): Promise<Seen> {
  return run(python, [join(here, 'fixtures/every_frame_client.py'), stubs, `127.0.0.1:${node.server.port}`, JSON.stringify(plan)], { timeout: 60_000 }).then(({ stdout }) => JSON.parse(stdout) as Seen);
}

const imagesOf = (seen: Seen) => seen.responses.flatMap((r) => r.images);
const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);

it('a Python client gets every frame with contiguous sequences in batches, resumes after sequence N without a duplicate, and gets an exact gap record from a small ring', async () => {
  // The first frame, to a stream that is open (the node holds frames while an every-frame client wants them).
  const first = everyFrameClient({ batch_limit: 8, want: 1, resume: null });
  await streamsStarted(node, 1);
  await file.write(1, 300);
  const a = await first;
  expect(a.responses.every((r) => r.has_every_frame)).toBe(true);
  const incarnation = a.responses[0]!.incarnation;
  expect(incarnation).toBe(node.server.node.incarnation);
  const s0 = imagesOf(a)[0]!.sequence;
  expect(imagesOf(a)[0]!.frame_number).toBe(0);

  // 19 more while nobody reads: the ring holds them; resuming after s0 gets them all, batched.
  await file.write(19, 700);
  await published(node, s0 + 19);
  const b = await everyFrameClient({ batch_limit: 8, want: 19, resume: { incarnation, after: s0 } });
  expect(imagesOf(b).map((i) => i.sequence)).toEqual(range(s0 + 1, 19));
  expect(imagesOf(b).map((i) => i.frame_number)).toEqual(range(1, 19));
  for (const r of b.responses) {
    expect(r.gap).toBeNull();
    expect(r.images.length).toBeLessThanOrEqual(8);
    expect(r.batch).toBe(r.images.length - 1);
  }
  expect(b.responses[0]!.images.length).toBe(8); // a backlog goes out in full batches

  // Resume after sequence N: exactly the frames after it, none twice.
  const c = await everyFrameClient({ batch_limit: 8, want: 10, resume: { incarnation, after: s0 + 9 } });
  expect(imagesOf(c).map((i) => i.sequence)).toEqual(range(s0 + 10, 10));

  // 100 more than the ring holds: resuming after s0 + 19 starts with a gap record whose count is exact.
  await file.write(100, 4096);
  await published(node, s0 + 119);
  const oldest = node.server.node.ring.oldestHeld;
  expect(oldest).toBeGreaterThan(s0 + 20);
  const d = await everyFrameClient({ batch_limit: 64, want: s0 + 119 - oldest + 1, resume: { incarnation, after: s0 + 19 } });
  expect(d.responses[0]!.gap).toEqual({ first: s0 + 20, count: oldest - (s0 + 20), reason: 'RING_OVERRUN' });
  expect(d.responses.slice(1).every((r) => r.gap === null)).toBe(true);
  expect(imagesOf(d).map((i) => i.sequence)).toEqual(range(oldest, s0 + 119 - oldest + 1));
  expect(imagesOf(d).map((i) => i.frame_number)).toEqual(range(oldest - s0, s0 + 119 - oldest + 1));
});

it('a Python client that sets pff_frames gets each frame byte for byte as the file holds it, in PFF runs with their sequences, and no PanoImage', async () => {
  const started = node.logs.lines.filter((l) => /stream started/.test(l)).length;
  const newest = node.server.node.ring.newestSequence;
  const seen = everyFrameClient({ batch_limit: 64, want: 30, resume: { incarnation: node.server.node.incarnation, after: newest }, pff_frames: true });
  await streamsStarted(node, started + 1);
  const firstFrame = file.framesWritten;
  await file.write(30, 7);
  const s = await seen;
  const images = imagesOf(s);
  expect(s.responses.every((r) => r.batch === 0)).toBe(true);
  expect(images.map((i) => i.sequence)).toEqual(range(newest + 1, 30));
  expect(images.map((i) => i.frame_number)).toEqual(range(firstFrame, 30));
  const bytes = await readFile(file.path);
  const size = bytes.length / file.framesWritten;
  for (const i of images) {
    expect(i.file).toBe(basename(file.path));
    expect(i.module).toBe(1);
    expect(i.pff).toBe(bytes.subarray(i.frame_number * size, (i.frame_number + 1) * size).toString('hex'));
  }
});
