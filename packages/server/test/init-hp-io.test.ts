// InitHpIo: force / non-force, rollback, confinement, argument checks, simulate_daq, token.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { RecorderFile, StreamRecorder, bearer, hasFrame, runDir, startTestNode, streamsStarted, tempDir, type TestNode } from './helpers.js';
import { rm } from 'node:fs/promises';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(config: Parameters<typeof startTestNode>[0] = {}, options: Parameters<typeof startTestNode>[1] = {}): Promise<TestNode> {
  const n = await startTestNode(config, options);
  cleanups.push(() => n.stop());
  return n;
}

function stream(n: TestNode): StreamRecorder {
  const s = new StreamRecorder(n.client, { streamMovieData: true, streamPulseHeightData: true });
  cleanups.push(() => s.cancel());
  return s;
}

async function dataDirWithFrames(n: TestNode, name: string): Promise<{ dir: string; file: RecorderFile }> {
  const dir = join(n.root, name);
  const file = await RecorderFile.create(await runDir(dir, 1), 'img16', 1);
  cleanups.push(() => file.close());
  return { dir, file };
}

/** InitHpIo at the node's minimum interval unless the test gives one (0, the message default, is refused). */
function init(n: TestNode, request: Parameters<TestNode['client']['initHpIo']>[0], options?: Parameters<TestNode['client']['initHpIo']>[1]) {
  return n.client.initHpIo({ updateIntervalSeconds: n.config.minUpdateIntervalSeconds, ...request }, options);
}

function grpcCode(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

describe('InitHpIo', () => {
  it('without force is FAILED_PRECONDITION naming how many stream and leaves them alone; with force cancels them and switches', async () => {
    const n = await node();
    const a = await dataDirWithFrames(n, 'a');
    const b = await dataDirWithFrames(n, 'b');
    expect(await init(n, { dataDir: a.dir })).toEqual({ success: true, errorMessage: '' });
    const s = stream(n);
    await streamsStarted(n, 1);
    await a.file.write(1);
    await s.until(hasFrame(1, null, 0), 'frame from a');

    const refused = await init(n, { dataDir: b.dir }).catch((e: unknown) => e);
    expect(grpcCode(refused)).toBe(Status.FAILED_PRECONDITION);
    expect(String(refused)).toMatch(/Cannot modify server state: 1 clients are streaming: c\d+@.*force/);
    await a.file.write(1);
    await s.until(hasFrame(1, null, 1), 'a still followed, stream undisturbed');

    expect(await init(n, { dataDir: b.dir, force: true })).toEqual({ success: true, errorMessage: '' });
    await s.done;
    expect(grpcCode(s.error)).toBe(Status.CANCELLED);
    expect(String(s.error)).toMatch(/reconfigured/);
    expect(n.server.node.dataDir).toBe(b.dir);

    const s2 = stream(n);
    await streamsStarted(n, 2);
    await b.file.write(3);
    await s2.until(hasFrame(1, b.file.path.split('/').pop()!, 2), 'frame from b');
    expect(s2.images().every((p) => p.file === b.file.path.split('/').pop())).toBe(true);
  });

  it('runs concurrent InitHpIo calls one after another, in arrival order', async () => {
    const n = await node();
    const dirs = await Promise.all(['a', 'b', 'c'].map(async (d) => (await dataDirWithFrames(n, d)).dir));
    const results = await Promise.all(dirs.map((dataDir) => init(n, { dataDir })));
    expect(results.every((r) => r.success)).toBe(true);
    expect(n.server.node.dataDir).toBe(dirs[2]);
    const order = n.logs.lines.filter((l) => /following data/.test(l)).map((l) => /dataDir=(\S+)/.exec(l)![1]);
    expect(order).toEqual(dirs);
  });

  it('a failed reconfiguration keeps the previous one running (success=false, error_message set)', async () => {
    const n = await node();
    const a = await dataDirWithFrames(n, 'a');
    await init(n, { dataDir: a.dir });
    const s = stream(n);
    await streamsStarted(n, 1);
    const notADir = join(n.root, 'plain-file');
    await writeFile(notADir, 'x');
    const res = await init(n, { dataDir: notADir, force: true });
    expect(res.success).toBe(false);
    expect(res.errorMessage).toMatch(/not a directory/);
    expect(n.server.node.dataDir).toBe(a.dir);
    await a.file.write(1);
    await s.until(hasFrame(1, null, 0), 'previous configuration still delivering');
    expect(s.ended).toBe(false);
  });

  it('refuses paths outside the allowed roots, by .. or by symlink, without touching them (PERMISSION_DENIED)', async () => {
    const n = await node();
    const outside = await tempDir('daq-outside-');
    cleanups.push(() => rm(outside, { recursive: true, force: true }));
    await mkdir(join(outside, 'module_1'));
    await symlink(outside, join(n.root, 'escape'));
    for (const dataDir of [join(n.root, '..', outside.split('/').pop()!), join(n.root, 'escape'), join(n.root, 'escape', 'module_1', '..'), '/etc']) {
      const err = await init(n, { dataDir }).catch((e: unknown) => e);
      expect(grpcCode(err), dataDir).toBe(Status.PERMISSION_DENIED);
      expect(String(err)).toMatch(/outside the allowed data roots/);
    }
    expect(n.server.node.dataDir).toBeNull();
  });

  it('checks its arguments: missing directory, interval below the minimum (INVALID_ARGUMENT)', async () => {
    const n = await node({ minUpdateIntervalSeconds: 0.05 });
    const missing = await init(n, { dataDir: join(n.root, 'nope') }).catch((e: unknown) => e);
    expect(grpcCode(missing)).toBe(Status.INVALID_ARGUMENT);
    expect(String(missing)).toMatch(/does not exist/);
    const empty = await init(n, { dataDir: '' }).catch((e: unknown) => e);
    expect(grpcCode(empty)).toBe(Status.INVALID_ARGUMENT);
    await mkdir(join(n.root, 'ok'));
    const fast = await init(n, { dataDir: join(n.root, 'ok'), updateIntervalSeconds: 0.01 }).catch((e: unknown) => e);
    expect(grpcCode(fast)).toBe(Status.INVALID_ARGUMENT);
    expect(String(fast)).toMatch(/below this node's minimum of 0.05/);
    expect(await init(n, { dataDir: join(n.root, 'ok'), updateIntervalSeconds: 0.05 })).toEqual({ success: true, errorMessage: '' });
  });

  it('answers simulate_daq with UNIMPLEMENTED when no simulator is plugged in, and uses one when it is', async () => {
    const n = await node();
    const err = await init(n, { simulateDaq: true }).catch((e: unknown) => e);
    expect(grpcCode(err)).toBe(Status.UNIMPLEMENTED);
    expect(String(err)).toMatch(/no simulator is plugged in/);

    // A simulator is any producer of a DATA_DIR tree: here the test plays one.
    let stopped = false;
    let file: RecorderFile | undefined;
    const simDir = await tempDir('daq-sim-');
    const withSim = await node({}, {
      simulator: {
        async start() {
          file = await RecorderFile.create(await runDir(simDir, 7), 'ph256', 7);
          await file.write(1);
          return { dataDir: simDir, stop: async () => { stopped = true; await file!.close(); await rm(simDir, { recursive: true, force: true }); } };
        },
      },
    });
    expect(await init(withSim, { simulateDaq: true })).toEqual({ success: true, errorMessage: '' });
    const s = stream(withSim);
    await s.until(hasFrame(7, null, 0), 'simulated frame');
    await s.cancel();
    await init(withSim, { dataDir: await mkdir(join(withSim.root, 'real'), { recursive: true }).then(() => join(withSim.root, 'real')) });
    expect(stopped).toBe(true);
  });

  it('needs the bearer token for InitHpIo and UploadImages when one is configured (UNAUTHENTICATED)', async () => {
    const n = await node({ authToken: 's3cret' });
    await mkdir(join(n.root, 'd'));
    const none = await init(n, { dataDir: join(n.root, 'd') }).catch((e: unknown) => e);
    expect(grpcCode(none)).toBe(Status.UNAUTHENTICATED);
    const wrong = await init(n, { dataDir: join(n.root, 'd') }, bearer('nope')).catch((e: unknown) => e);
    expect(grpcCode(wrong)).toBe(Status.UNAUTHENTICATED);
    expect(await init(n, { dataDir: join(n.root, 'd') }, bearer('s3cret'))).toEqual({ success: true, errorMessage: '' });
    const upload = await n.client.uploadImages((async function* () {})()).catch((e: unknown) => e);
    expect(grpcCode(upload)).toBe(Status.UNAUTHENTICATED);
    expect(await n.client.uploadImages((async function* () {})(), bearer('s3cret'))).toEqual({});
    // Reads stay open.
    expect(await n.client.ping({})).toEqual({});
  });
});
