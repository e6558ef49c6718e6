// The one rule for what the node may follow: a path is allowed when, with every symbolic link
// resolved, it lies inside one of the allowed data roots (themselves resolved, so a root that
// is itself reached through a link still works). Used for InitHpIo's data_dir
// (service/data-dir-confinement.ts) and by the watcher for every directory and file it
// follows. Files are checked on the descriptor actually opened (the kernel's name for it,
// /proc/self/fd/N on Linux), so a link swapped in between a check and an open cannot leak.
// `null` roots mean unconfined: everything is allowed and nothing is looked up.
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Whether `path` is `root` or below it; both absolute and normalised. Pure. */
export function isWithin(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Whether `path` lies inside any of `roots` (all absolute and normalised). Pure. */
export function isWithinAny(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => isWithin(path, root));
}

/** Where a path really leads (links resolved) and whether that is inside the roots. */
export type RootsVerdict = { allowed: true; real: string } | { allowed: false; real: string } | { allowed: false; real: undefined };

export class DataRoots {
  private constructor(
    /** The roots as configured (absolute, normalised); null: unconfined. */
    readonly lexical: readonly string[] | null,
    /** The same roots with their own links resolved. */
    readonly real: readonly string[] | null,
  ) {}

  static readonly unconfined = new DataRoots(null, null);

  /** Resolves the roots' own links once (a root that does not exist keeps its lexical form). */
  static async resolve(roots: readonly string[] | null): Promise<DataRoots> {
    if (roots === null) return DataRoots.unconfined;
    const lexical = roots.map((r) => resolve(r));
    const real = await Promise.all(lexical.map((r) => realpath(r).catch(() => r)));
    return new DataRoots(lexical, real);
  }

  get confined(): boolean {
    return this.real !== null;
  }

  /** The lexical check alone (before a path is touched): `..` cannot climb out. */
  lexicallyAllows(path: string): boolean {
    return this.lexical === null || isWithinAny(resolve(path), this.lexical);
  }

  /** Whether an already resolved path is inside the roots. Pure. */
  allowsReal(real: string): boolean {
    return this.real === null || isWithinAny(real, this.real);
  }

  /** Resolves every link of `path`; `real` is undefined when it does not exist (any more). */
  async check(path: string): Promise<RootsVerdict> {
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      return { allowed: false, real: undefined };
    }
    return { allowed: this.allowsReal(real), real } as RootsVerdict;
  }

  /**
   * Checks the file open on `fd` (opened from `path`): the kernel's own name for the
   * descriptor where there is one (Linux), else the path's resolution.
   */
  async checkOpened(fd: number, path: string): Promise<RootsVerdict> {
    if (process.platform === 'linux') {
      const real = await realpath(`/proc/self/fd/${fd}`).catch(() => undefined);
      if (real !== undefined && isAbsolute(real)) return { allowed: this.allowsReal(real), real } as RootsVerdict;
    }
    return this.check(path);
  }
}
