// A recorded run read back from disk through core: every frame of every PFF file under
// DATA_DIR/module_N/<run>/, as the parsed images a node would send (PanoImage -> parser).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_PRODUCTS, panoImageFromFrame, parsePanoImage, readPffFile, type ParsedImage } from '@daqdata/core';

export async function readRunImages(dataDir: string, host: string): Promise<ParsedImage[]> {
  const images: ParsedImage[] = [];
  for (const moduleDir of (await readdir(dataDir, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name.startsWith('module_'))) {
    for (const runDir of await readdir(join(dataDir, moduleDir.name))) {
      for (const file of (await readdir(join(dataDir, moduleDir.name, runDir))).filter((f) => f.endsWith('.pff'))) {
        const { name, frames, errors } = await readPffFile(join(dataDir, moduleDir.name, runDir, file));
        if (errors.length > 0) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
        for (const frame of frames) {
          const pano = panoImageFromFrame(frame, { file: name.fileName, moduleId: name.moduleId, dataProduct: DATA_PRODUCTS[name.dataProduct] });
          images.push(parsePanoImage(pano, { host }));
        }
      }
    }
  }
  return images;
}

/** Images of several nodes merged in the order a client would see them: by the DAQ computers' arrival clock. */
export function inArrivalOrder(images: ParsedImage[]): ParsedImage[] {
  return [...images].sort((a, b) => (a.time!.arrivalUnixNs < b.time!.arrivalUnixNs ? -1 : a.time!.arrivalUnixNs > b.time!.arrivalUnixNs ? 1 : 0));
}
