// Wire compatibility with the reference service's clients: a Python grpcio client, generated
// from proto/daq_data.proto by grpc_tools.protoc (Debian's python3-grpcio and
// python3-grpc-tools, installed by scripts/install.sh), talks to a real node.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerFor, pixelsFor, RecorderFile, runDir, startTestNode, tempDir, type TestNode } from './helpers.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(here, '../../../proto');
const python = '/usr/bin/python3';

describe('a Python client generated from our proto (as reference users have)', () => {
  let node: TestNode;
  let stubs: string;

  beforeAll(async () => {
    stubs = await tempDir('daq-py-stubs-');
    await run(python, ['-m', 'grpc_tools.protoc', `-I${protoDir}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, join(protoDir, 'daq_data.proto')]);
    // Metrics on: their gRPC middleware wraps every call, and must not change the wire.
    node = await startTestNode({ metricsPort: 0 });
  });
  afterAll(async () => {
    await node?.stop();
    if (stubs) await rm(stubs, { recursive: true, force: true });
  });

  it('pings, gets the documented errors, follows a run and round-trips an uploaded image', async () => {
    const file = await RecorderFile.create(await runDir(node.root, 3), 'img16', 3);
    const newest = await file.write(2, 700); // frames 0 and 1, in chunks that split frames
    await file.close();
    const pixels = pixelsFor('ph256', 5); // includes negative pulse heights
    const upload = {
      module_id: 9,
      file: 'uploaded.pff',
      frame_number: 5,
      header: headerFor('ph256', 5),
      image_array: pixels.map((v) => v & 0xffff),
    };
    const { stdout } = await run(python, [join(here, 'fixtures/reference_client.py'), stubs, `127.0.0.1:${node.server.port}`, node.root, JSON.stringify(upload)], { timeout: 60_000 });
    const seen = JSON.parse(stdout);

    expect(seen.ping).toBe(true);
    expect(seen.no_flags[0]).toBe('INVALID_ARGUMENT');
    expect(seen.escape[0]).toBe('PERMISSION_DENIED');
    expect(seen.init).toEqual([true, '']);

    expect(seen.movie.name).toBe('test-node');
    expect(seen.movie.timestamp_seconds).toBeGreaterThan(1_700_000_000);
    const movie = seen.movie.image;
    expect(movie.type).toBe('MOVIE');
    expect(movie.shape).toEqual([32, 32]);
    expect(movie.bytes_per_pixel).toBe(2);
    expect(movie.module_id).toBe(3);
    expect(movie.frame_number ?? 0).toBe(newest);
    expect(movie.file).toBe(file.path.split('/').pop());
    expect(movie.image_array).toEqual(pixelsFor('img16', newest));
    expect(movie.header).toEqual(headerFor('img16', newest));

    expect(seen.uploaded.equal).toBe(true);
    expect(seen.uploaded.image.image_array).toEqual(upload.image_array);
    expect(seen.uploaded.image.header).toEqual(upload.header);
  });
});
