// @daqdata/core/browser must stay loadable in a web page: following every import from its
// entry (relative files and bare packages, through the built output) reaches no Node
// built-in module.
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../dist/browser.js', import.meta.url));
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

describe('@daqdata/core/browser', () => {
  it('imports no Node built-in, directly or through any module it reaches', () => {
    const { files, builtins } = importGraph(ENTRY);
    expect(files.size).toBeGreaterThan(4);
    expect([...files].some((f) => f.includes('d3-scale-chromatic'))).toBe(true);
    expect(builtins).toEqual([]);
  });

  it('the main entry, which reads files, does reach Node built-ins (the check can fail)', () => {
    expect(importGraph(fileURLToPath(new URL('../dist/index.js', import.meta.url))).builtins.length).toBeGreaterThan(0);
  });
});
