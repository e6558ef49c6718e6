// Copies non-TypeScript assets next to the compiled output: copy-assets.mjs <from> <to> [<from> <to> ...]
import { cpSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const args = process.argv.slice(2);
for (let i = 0; i + 1 < args.length; i += 2) {
  mkdirSync(dirname(args[i + 1]), { recursive: true });
  cpSync(args[i], args[i + 1], { recursive: true });
}
