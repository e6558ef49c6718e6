// The committed protocol code must be what proto/generate.mjs makes from proto/daq_data.proto
// today: regenerate into a temporary folder and compare every file byte for byte.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const generator = fileURLToPath(new URL('../../../proto/generate.mjs', import.meta.url));
const committed = fileURLToPath(new URL('../src/gen', import.meta.url));

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe('generated protocol code', () => {
  let fresh: string;
  beforeAll(async () => {
    fresh = await mkdtemp(join(tmpdir(), 'daqdata-gen-'));
    await run(process.execPath, [generator, fresh]);
  });
  afterAll(async () => {
    await rm(fresh, { recursive: true, force: true });
  });

  it('packages/core/src/gen is up to date with proto/daq_data.proto (run `npm run generate` if not)', async () => {
    const files = await listFiles(fresh);
    expect(files).toContain('daq_data.ts');
    expect(files).toContain('daq_data.binpb');
    expect(await listFiles(committed)).toEqual(files);
    for (const file of files) {
      const [now, then] = await Promise.all([readFile(join(fresh, file)), readFile(join(committed, file))]);
      expect(now.equals(then), `${file} differs from a fresh generation`).toBe(true);
    }
  });
});
