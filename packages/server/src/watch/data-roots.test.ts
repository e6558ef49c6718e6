// The path rule, against models that do not share its code: lexically, random paths with
// `..`, `.` and repeated separators are inside a root exactly when a segment-stack
// normalisation says so; on a real file system, chains of symbolic links (relative or
// absolute, each placed inside or outside the root) are allowed exactly when their final
// target is inside, whether checked by path or on an opened descriptor.
import { mkdir, mkdtemp, open, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataRoots, isWithin } from './data-roots.js';

/** Absolute path → its segments, `.` dropped, `..` popping (never above `/`), empty segments ignored. */
function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

function modelWithin(path: string, root: string): boolean {
  const p = segments(path);
  const r = segments(root);
  return r.every((s, i) => p[i] === s);
}

const segment = fc.constantFrom('data', 'root', 'a', 'b', 'root2', '..', '.', '', 'ro', 'root..', '...');
const absolute = fc.array(segment, { maxLength: 8 }).chain((parts) =>
  fc.constantFrom('/', '//').map((sep) => `/${parts.join(sep)}`),
);

describe('isWithin (lexical)', () => {
  it('agrees with a segment-stack model on paths with .., ., repeated separators', () => {
    fc.assert(
      fc.property(absolute, absolute, (path, root) => {
        expect(isWithin(resolve(path), resolve(root))).toBe(modelWithin(path, root));
      }),
      { numRuns: 2000 },
    );
  });

  it('DataRoots.lexicallyAllows resolves the path itself, so .. cannot climb out', async () => {
    const roots = await DataRoots.resolve(['/root/data']);
    fc.assert(
      fc.property(absolute, (path) => {
        expect(roots.lexicallyAllows(path)).toBe(modelWithin(path, '/root/data'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('DataRoots on a real file system', () => {
  let base: string;
  let inside: string;
  let outsideDir: string;

  beforeAll(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'daq-roots-')));
    inside = join(base, 'root');
    outsideDir = join(base, 'out');
    for (const d of [inside, outsideDir]) {
      await mkdir(join(d, 'target-dir'), { recursive: true });
      await writeFile(join(d, 'target-file'), 'x');
    }
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  // A chain: link 0 → link 1 → … → a target; each link inside or outside, relative or absolute.
  const chain = fc.record({
    links: fc.array(fc.record({ inside: fc.boolean(), relative: fc.boolean() }), { minLength: 1, maxLength: 5 }),
    targetInside: fc.boolean(),
    targetIsFile: fc.boolean(),
  });

  let n = 0;
  async function build(c: { links: Array<{ inside: boolean; relative: boolean }>; targetInside: boolean; targetIsFile: boolean }): Promise<string> {
    const id = n++;
    const target = join(c.targetInside ? inside : outsideDir, c.targetIsFile ? 'target-file' : 'target-dir');
    let next = target;
    // Built from the last link back to the first, each pointing at the one after it.
    for (let i = c.links.length - 1; i >= 0; i--) {
      const l = c.links[i]!;
      const at = join(l.inside ? inside : outsideDir, `link-${id}-${i}`);
      await symlink(l.relative ? relative(dirname(at), next) : next, at);
      next = at;
    }
    return next;
  }

  it('allows a chain of links exactly when its final target is inside, by path and on the opened descriptor', async () => {
    const roots = await DataRoots.resolve([inside]);
    await fc.assert(
      fc.asyncProperty(chain, async (c) => {
        const first = await build(c);
        const verdict = await roots.check(first);
        expect(verdict.allowed).toBe(c.targetInside);
        if (c.targetIsFile) {
          const handle = await open(first, 'r');
          try {
            expect((await roots.checkOpened(handle.fd, first)).allowed).toBe(c.targetInside);
          } finally {
            await handle.close();
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a root that is itself reached through a link still contains its real paths', async () => {
    const rootLink = join(base, 'root-link');
    await symlink(inside, rootLink);
    const roots = await DataRoots.resolve([rootLink]);
    expect((await roots.check(join(rootLink, 'target-dir'))).allowed).toBe(true);
    expect((await roots.check(join(inside, 'target-dir'))).allowed).toBe(true);
    expect((await roots.check(join(outsideDir, 'target-dir'))).allowed).toBe(false);
    expect(await roots.check(join(inside, 'missing'))).toEqual({ allowed: false, real: undefined });
  });

  it('null roots are unconfined: everything is allowed without a look-up', async () => {
    expect(DataRoots.unconfined.confined).toBe(false);
    expect(DataRoots.unconfined.lexicallyAllows('/etc/../anywhere')).toBe(true);
    expect(DataRoots.unconfined.allowsReal('/anywhere')).toBe(true);
  });
});
