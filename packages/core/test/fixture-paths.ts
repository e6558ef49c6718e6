// Where the real recorded file lives, for tests and the bench.
import { fileURLToPath } from 'node:url';

export const REAL_PH256_NAME = 'start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_254.seqno_0.pff';
export const REAL_PH256_PATH = fileURLToPath(new URL(`../../../fixtures/pff/${REAL_PH256_NAME}`, import.meta.url));
