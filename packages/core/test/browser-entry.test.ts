// @daqdata/core/browser and the main entry must stay loadable in a web page: following every
// import from the entry (relative files and bare packages, through the built output) reaches
// no Node built-in module. @daqdata/core/node is where file access lives.
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const IMPORT = /(?:^|[;\n])\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g;

/** Every module reached from entry, and the Node built-ins among the specifiers. */
function importGraph(entry: string): { files: Set<string>; builtins: string[] } {
  const files = new Set<string>();
  const builtins: string[] = [];
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const require = createRequire(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (BUILTINS.has(spec) || spec.startsWith('node:')) builtins.push(`${file}: ${spec}`);
      else if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else visit(require.resolve(spec));
    }
  };
  visit(entry);
  return { files, builtins };
}

const built = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

describe('@daqdata/core/browser', () => {
  it('imports no Node built-in, directly or through any module it reaches', () => {
    const { files, builtins } = importGraph(built('browser.js'));
    expect(files.size).toBeGreaterThan(4);
    expect([...files].some((f) => f.includes('d3-scale-chromatic'))).toBe(true);
    expect(builtins).toEqual([]);
  });

  it('reaches the record format and its MessagePack decoder, still with no Node built-in', () => {
    const { files, builtins } = importGraph(built('browser.js'));
    expect([...files].some((f) => f.endsWith('/record/record-format.js'))).toBe(true);
    expect([...files].some((f) => f.endsWith('/record/record-stream.js'))).toBe(true);
    expect([...files].some((f) => f.includes('@msgpack/msgpack'))).toBe(true);
    expect(builtins).toEqual([]);
  });
});

describe('@daqdata/core (main entry)', () => {
  it('imports no Node built-in either: file access is behind @daqdata/core/node', () => {
    const { files, builtins } = importGraph(built('index.js'));
    expect([...files].some((f) => f.endsWith('/gen/daq_data.js'))).toBe(true);
    expect(builtins).toEqual([]);
  });
});

describe('@daqdata/core/node', () => {
  it('does reach Node built-ins (the check can fail)', () => {
    const { builtins } = importGraph(built('node.js'));
    expect(builtins.some((b) => b.endsWith('/pff/pff-file.js: node:fs/promises'))).toBe(true);
    expect(builtins.some((b) => b.endsWith('/record/record-file.js: node:fs'))).toBe(true);
  });
});
