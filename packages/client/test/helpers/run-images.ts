// A recorded run read back from disk through core: every frame of every PFF file under
// DATA_DIR/module_N/<run>/, as the parsed images a node would send (PanoImage -> parser).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_PRODUCTS, panoImageFromFrame, parsePanoImage, type ParsedImage } from '@daqdata/core';
import { readPffFile } from '@daqdata/core/node';

/** Every frame of one PFF file as parsed images. */
export async function readFileImages(path: string, host: string): Promise<ParsedImage[]> {
  const { name, frames, errors } = await readPffFile(path);
  if (errors.length > 0) throw new Error(`${path}: ${errors.map((e) => e.message).join('; ')}`);
  return frames.map((frame) => parsePanoImage(panoImageFromFrame(frame, { file: name.fileName, moduleId: name.moduleId, dataProduct: DATA_PRODUCTS[name.dataProduct] }), { host }));
}

export async function readRunImages(dataDir: string, host: string): Promise<ParsedImage[]> {
  const images: ParsedImage[] = [];
  for (const moduleDir of (await readdir(dataDir, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name.startsWith('module_'))) {
    for (const runDir of await readdir(join(dataDir, moduleDir.name))) {
      for (const file of (await readdir(join(dataDir, moduleDir.name, runDir))).filter((f) => f.endsWith('.pff'))) {
        images.push(...(await readFileImages(join(dataDir, moduleDir.name, runDir, file), host)));
      }
    }
  }
  return images;
}

/** Images of several nodes merged in the order a client would see them: by the DAQ computers' arrival clock. */
export function inArrivalOrder(images: ParsedImage[]): ParsedImage[] {
  return [...images].sort((a, b) => (a.time!.arrivalUnixNs < b.time!.arrivalUnixNs ? -1 : a.time!.arrivalUnixNs > b.time!.arrivalUnixNs ? 1 : 0));
}
