// The ROI extension over the wire to a Python grpcio client generated from our proto (issue
// 17): the refusal's status and text, every uploaded frame's record with exact numbers (int64
// fields as JSON strings, as protobuf's JSON mapping gives them), the statistics.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { roiStats } from '@daqdata/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { headerFor, pixelsFor, startTestNode, tempDir, type TestNode } from './helpers.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(here, '../../../proto');
const python = '/usr/bin/python3';

let node: TestNode;
let stubs: string;
beforeAll(async () => {
  stubs = await tempDir('daq-py-roi-stubs-');
  await run(python, ['-m', 'grpc_tools.protoc', `-I${protoDir}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, join(protoDir, 'daq_data.proto')]);
  node = await startTestNode();
});
afterAll(async () => {
  await node?.stop();
  if (stubs) await rm(stubs, { recursive: true, force: true });
});

it('a Python client is refused with the ROI and the rule, gets one exact record per uploaded frame, and the statistics', async () => {
  const images = [0, 1, 2].map((k) => ({ module_id: 4, frame_number: k, header: headerFor('img16', k), image_array: pixelsFor('img16', k) }));
  const { stdout } = await run(python, [join(here, 'fixtures/roi_client.py'), stubs, `127.0.0.1:${node.server.port}`, JSON.stringify(images)], { timeout: 60_000 });
  const seen = JSON.parse(stdout) as {
    refused: [string, string];
    incarnation: string;
    records: Array<{ module_id: number; type: string; node_sequence: string; frame_number: number; rois: Array<Record<string, unknown>> }>;
    statistics: { frames_processed: string; roi_computations: string; active_streams?: number };
  };
  expect(seen.refused).toEqual(['INVALID_ARGUMENT', 'ROI "star": offset_x 30 + size_x 4 = 34 is beyond the image\'s 32 columns (must be inside the image)']);
  expect(seen.incarnation).toBe(node.server.node.incarnation);
  expect(seen.records.map((r) => r.frame_number)).toEqual([0, 1, 2]);
  seen.records.forEach((r, k) => {
    expect(r.module_id).toBe(4);
    expect(r.type).toBe('MOVIE');
    const pixels = images[k]!.image_array;
    const star = roiStats(pixels, 32, { rect: [3, 4, 5, 2], background: [0, 32, 31, 1] });
    const corner = roiStats(pixels, 32, { rect: [31, 1, 31, 1] });
    for (const [got, want] of [[r.rois[0]!, star], [r.rois[1]!, corner]] as const) {
      expect({
        sum: Number(got.sum),
        mean: got.mean,
        max: got.max,
        pixels: got.pixels,
        profileX: (got.profile_x as string[]).map(Number),
        profileY: (got.profile_y as string[]).map(Number),
        signal: got.signal,
      }).toEqual(want);
      expect(got.outside_image).toBe(false);
    }
  });
  expect(Number(seen.records[2]!.node_sequence) - Number(seen.records[0]!.node_sequence)).toBe(2);
  expect(Number(seen.statistics.frames_processed)).toBe(3);
  expect(Number(seen.statistics.roi_computations)).toBe(6);
});
