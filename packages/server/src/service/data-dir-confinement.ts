// InitHpIo's data_dir must lie inside a configured root. First a lexical check (so `..` is
// refused before the path is touched at all), then the same check on the real path (so a
// symlink pointing outside is refused too). The rule itself is watch/data-roots.ts, which the
// watcher applies again to everything it follows below data_dir. Roots null means unconfined
// (a node loaded from the reference's config, which has none): any existing directory, as the
// reference follows.
import { stat } from 'node:fs/promises';
import { DataRoots } from '../watch/data-roots.js';

export type Confinement =
  | { ok: true; dataDir: string }
  | { ok: false; problem: 'outside-roots' | 'missing' | 'not-a-directory'; reason: string };

export async function confineDataDir(requested: string, allowedRoots: readonly string[] | null): Promise<Confinement> {
  if (allowedRoots !== null && allowedRoots.length === 0) {
    return { ok: false, problem: 'outside-roots', reason: 'this node has no allowed data roots configured (allowedDataRoots)' };
  }
  const roots = await DataRoots.resolve(allowedRoots);
  const outside = (what: string): Confinement => ({
    ok: false,
    problem: 'outside-roots',
    reason: `data_dir ${JSON.stringify(requested)} ${what} outside the allowed data roots (${(allowedRoots ?? []).join(', ')})`,
  });
  // Outside the roots is refused before the path is touched: no existence oracle.
  if (!roots.lexicallyAllows(requested)) return outside('is');
  const verdict = await roots.check(requested);
  if (verdict.real === undefined) return { ok: false, problem: 'missing', reason: `data_dir '${requested}' does not exist.` };
  if (!verdict.allowed) return outside(`resolves to ${JSON.stringify(verdict.real)},`);
  if (!(await stat(verdict.real)).isDirectory()) {
    return { ok: false, problem: 'not-a-directory', reason: `data_dir ${JSON.stringify(requested)} is not a directory` };
  }
  return { ok: true, dataDir: verdict.real };
}
