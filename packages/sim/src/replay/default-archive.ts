// The bundled archive: the real recorded pulse-height file and the small synthetic img16 +
// ph256 run, in the repository's fixtures/ folder. This file sits at the same depth in src/
// and dist/, so one relative path finds the fixtures from both.
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));

/** fixtures/pff (real ph256 recording) and fixtures/sim (synthetic data directory). */
export const DEFAULT_ARCHIVE: readonly string[] = [
  fileURLToPath(new URL('../../../../fixtures/pff/', import.meta.url)),
  fileURLToPath(new URL('../../../../fixtures/sim/', import.meta.url)),
];
