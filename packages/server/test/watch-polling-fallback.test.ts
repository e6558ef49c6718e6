// When the kernel refuses a watch (inotify's max_user_watches: ENOSPC; EMFILE), the path is
// polled instead, said once in the log with the path and the errno, and counted: a module
// never goes quiet silently. The refusal is injected at the OS boundary (the watch function),
// so no system-wide limit is touched; everything else is real: files, appends, server, client.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { osWatch, type WatchFunction } from '../src/watch/path-watches.js';
import { RecorderFile, StreamRecorder, hasFrame, runDir, startTestNode, streamsStarted, type TestNode } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function refusing(code: 'ENOSPC' | 'EMFILE', refuses: (path: string) => boolean): { watch: WatchFunction; refused: string[] } {
  const refused: string[] = [];
  const watch: WatchFunction = (path, options, listener) => {
    if (refuses(path)) {
      refused.push(path);
      throw Object.assign(new Error(`${code}: System limit for number of file watchers reached, watch '${path}'`), { code, syscall: 'watch', path });
    }
    return osWatch(path, options, listener);
  };
  return { watch, refused };
}


async function recorder(dataDir: string, moduleId: number): Promise<RecorderFile> {
  const f = await RecorderFile.create(await runDir(dataDir, moduleId), 'img16', moduleId);
  cleanups.push(() => f.close());
  return f;
}

/** A node with the given kernel watch, following data_dir with module 1 recording, and a movie stream started. */
async function followingOneModule(watch: WatchFunction): Promise<{ node: TestNode; dataDir: string; file: RecorderFile; stream: StreamRecorder }> {
  const node = await startTestNode({}, { watch });
  cleanups.push(() => node.stop());
  const dataDir = join(node.root, 'data');
  const file = await recorder(dataDir, 1);
  await file.write(1);
  expect(await node.client.initHpIo({ dataDir, updateIntervalSeconds: 0.001 })).toEqual({ success: true, errorMessage: '' });
  const stream = new StreamRecorder(node.client, { streamMovieData: true, streamPulseHeightData: false, updateIntervalSeconds: 0 });
  cleanups.push(() => stream.cancel());
  await streamsStarted(node, 1);
  return { node, dataDir, file, stream };
}

describe('polling when the kernel refuses a watch', () => {
  it('streams real appends through polling when every watch is refused (ENOSPC), and says so once per path', async () => {
    const { watch, refused } = refusing('ENOSPC', () => true);
    const { node, dataDir, file: f, stream: s } = await followingOneModule(watch);
    for (let round = 0; round < 5; round++) {
      const last = await f.write(2, 700);
      await s.until(hasFrame(1, null, last), `appended frame ${last}`);
    }
    // A module that appears later is found by polling too.
    const later = await recorder(dataDir, 2);
    const last2 = await later.write(2);
    await s.until(hasFrame(2, null, last2), `frame ${last2} of a module created after the start`);

    const fileLines = node.logs.lines.filter((l) => /kernel refused to watch this file \(ENOSPC\); polling/.test(l) && l.includes(f.path.split('/').at(-1)!));
    expect(fileLines).toHaveLength(1);
    expect(fileLines[0]).toContain('errno=ENOSPC');
    expect(node.logs.lines.some((l) => /kernel refused to watch this directory \(ENOSPC\)/.test(l) && /path=\.( |$)/.test(l))).toBe(true);
    const counts = node.server.node.watchCounts()!;
    expect(counts.watchedFiles).toBe(2);
    expect(counts.watchedDirectories).toBe(1 + 2 + 2); // data_dir, two module dirs, two run dirs
    expect(counts.polledPaths).toBe(counts.watchedFiles + counts.watchedDirectories);
    expect(counts.pollingFallbacks).toBe(refused.length);
  });

  it('polls only the file whose watch was refused (EMFILE); the rest stays on kernel watches', async () => {
    const { watch, refused } = refusing('EMFILE', (path) => path.endsWith('.pff'));
    const { node, file: polled, stream: s } = await followingOneModule(watch);
    const last = await polled.write(3, 500);
    await s.until(hasFrame(1, null, last), `frame ${last} through polling`);
    const counts = node.server.node.watchCounts()!;
    expect(refused).toEqual([polled.path]);
    expect(counts).toEqual({ watchedFiles: 1, watchedDirectories: 3, polledPaths: 1, pollingFallbacks: 1 });
    expect(node.logs.lines.filter((l) => /kernel refused to watch/.test(l))).toHaveLength(1);
  });
});
