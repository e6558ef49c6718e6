// The watcher's start-up racing a recorder: module and run directories, and the files in them,
// appear while InitHpIo starts the watcher (its initial scan). chokidar reads a directory
// before it watches it (paulmillr/chokidar#1471), so what appears in between was missed and
// the node served only some of its modules. Every module must be served whatever the order.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { formatDataFileName, formatRunDirName } from '@daqdata/core';
import { afterEach, describe, expect, it } from 'vitest';
import { RUN_START, StreamRecorder, frameBytes, startTestNode, type Received, type TestNode } from './helpers.js';

const TREE_WRITER = fileURLToPath(new URL('./fixtures/tree-writer.mjs', import.meta.url));
const MODULES = Array.from({ length: 32 }, (_, i) => i + 1);
const ROUNDS = 4;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface TreeWriter {
  /** Starts writing; resolves once every directory and file exists. */
  go(): Promise<void>;
}

/** The writer process, started and waiting, so that writing begins exactly when the test says. */
async function treeWriter(entries: Array<{ dir: string; file: string; from: string }>): Promise<TreeWriter> {
  const child = spawn(process.execPath, [TREE_WRITER, JSON.stringify(entries)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const lines = createInterface({ input: child.stdout! });
  const line = (text: string) =>
    new Promise<void>((resolve, reject) => {
      lines.on('line', (l) => l === text && resolve());
      void exited.then((code) => reject(new Error(`tree writer exited (code ${code}) before "${text}"`)));
    });
  await line('ready');
  return {
    go() {
      const done = line('done');
      child.stdin!.write('go\n');
      return done;
    },
  };
}

function modulesWithFrame(received: Received[]): Set<number> {
  return new Set(received.flatMap((r) => (r.response.panoImage ? [r.response.panoImage.moduleId] : [])));
}

describe('watcher start-up racing the recorder', () => {
  it('serves every module whose directories and files appear while InitHpIo starts the watcher', async () => {
    const n: TestNode = await startTestNode();
    cleanups.push(() => n.stop());
    const run = formatRunDirName({ obs: 'Lick', start: RUN_START, runtype: 'sci-data' });
    for (let round = 0; round < ROUNDS; round++) {
      const dataDir = join(n.root, `round-${round}`);
      const staging = join(n.root, `staging-${round}`);
      await mkdir(staging, { recursive: true });
      // Half of the module directories exist (empty) before InitHpIo: their run directories
      // appear while the module directory is scanned. The others appear whole, mid-scan of data_dir.
      const entries = await Promise.all(
        MODULES.map(async (m) => {
          const file = formatDataFileName({ start: RUN_START, dataProduct: 'img16', moduleId: m, seqno: 0 });
          const from = join(staging, file);
          await writeFile(from, frameBytes('img16', m));
          if (m % 2 === 0) await mkdir(join(dataDir, `module_${m}`), { recursive: true });
          return { dir: join(dataDir, `module_${m}`, run), file, from };
        }),
      );
      await mkdir(dataDir, { recursive: true });
      const writer = await treeWriter(entries);
      const [init] = await Promise.all([n.client.initHpIo({ dataDir, updateIntervalSeconds: n.config.minUpdateIntervalSeconds, force: true }), writer.go()]);
      expect(init).toEqual({ success: true, errorMessage: '' });

      const s = new StreamRecorder(n.client, { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: 0 });
      cleanups.push(() => s.cancel());
      const all = (rs: Received[]) => modulesWithFrame(rs).size === MODULES.length;
      await s.until(all, `a frame of every module (round ${round})`).catch(() => undefined);
      const missing = MODULES.filter((m) => !modulesWithFrame(s.received).has(m));
      expect(missing, `round ${round}: modules never served`).toEqual([]);
      await s.cancel();
    }
  }, 120_000);
});
