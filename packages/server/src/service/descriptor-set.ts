// The DaqData file descriptor set that gRPC reflection serves. @daqdata/core ships it as
// dist/gen/daq_data.binpb (export "@daqdata/core/descriptor"); when core runs from source
// (tests) and has not been built, the committed src/gen copy is used.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The descriptor set reflection serves (DaqData and the standard health service), from the built core or its sources. */
export async function loadDaqDataDescriptorSet(): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const candidates: string[] = [];
  try {
    candidates.push(require.resolve('@daqdata/core/descriptor'));
  } catch {
    // not built: fall through to the source copy
  }
  for (const modules of require.resolve.paths('@daqdata/core') ?? []) {
    candidates.push(join(modules, '@daqdata', 'core', 'src', 'gen', 'daq_data.binpb'));
  }
  for (const path of candidates) {
    try {
      return new Uint8Array(await readFile(path));
    } catch {
      // try the next location
    }
  }
  throw new Error(`DaqData descriptor set not found (looked in ${candidates.join(', ')})`);
}
