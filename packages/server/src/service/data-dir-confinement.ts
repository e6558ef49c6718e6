// InitHpIo's data_dir must lie inside a configured root. First a lexical check (so `..` is
// refused before the path is touched at all), then the same check on the real path (so a
// symlink pointing outside is refused too). Roots null means unconfined (a node loaded from the
// reference's config, which has none): any existing directory, as the reference follows.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type Confinement =
  | { ok: true; dataDir: string }
  | { ok: false; problem: 'outside-roots' | 'missing' | 'not-a-directory'; reason: string };

/** Whether `path` is `root` or below it; both absolute and normalised. */
export function isWithin(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export async function confineDataDir(requested: string, allowedRoots: readonly string[] | null): Promise<Confinement> {
  const lexical = resolve(requested);
  const missing: Confinement = { ok: false, problem: 'missing', reason: `data_dir '${requested}' does not exist.` };
  if (allowedRoots === null) {
    const real = await realpath(lexical).catch(() => null);
    if (real === null) return missing;
    return directoryAt(requested, real);
  }
  if (allowedRoots.length === 0) {
    return { ok: false, problem: 'outside-roots', reason: 'this node has no allowed data roots configured (allowedDataRoots)' };
  }
  const outside = (what: string): Confinement => ({
    ok: false,
    problem: 'outside-roots',
    reason: `data_dir ${JSON.stringify(requested)} ${what} outside the allowed data roots (${allowedRoots.join(', ')})`,
  });
  if (!allowedRoots.some((root) => isWithin(lexical, root))) return outside('is');
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    return missing;
  }
  const realRoots = await Promise.all(allowedRoots.map((r) => realpath(r).catch(() => r)));
  if (!realRoots.some((root) => isWithin(real, root))) return outside(`resolves to ${JSON.stringify(real)},`);
  return directoryAt(requested, real);
}

async function directoryAt(requested: string, real: string): Promise<Confinement> {
  if ((await stat(real)).isDirectory()) return { ok: true, dataDir: real };
  return { ok: false, problem: 'not-a-directory', reason: `data_dir ${JSON.stringify(requested)} is not a directory` };
}
