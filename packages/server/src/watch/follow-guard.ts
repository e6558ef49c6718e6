// The watcher's gate for everything it is about to follow: module and run directories (after
// resolving their links), and every frame file on the descriptor it opened. A refusal is
// logged once per path and target, naming the link and where it leads (not on every listing
// or append), and the path is simply not followed; everything else goes on.
import type { Logger } from '../log/logger.js';
import type { DataRoots, RootsVerdict } from './data-roots.js';

export class FollowGuard {
  /** Paths refused, with the target their refusal named (logged once each). */
  private readonly refused = new Map<string, string>();

  constructor(
    private readonly roots: DataRoots,
    private readonly log: Logger,
  ) {}

  /** Whether the directory or file at `path` may be followed; false also when it no longer exists (not logged). */
  async admits(path: string): Promise<boolean> {
    if (!this.roots.confined) return true;
    return this.judge(path, await this.roots.check(path));
  }

  /** Whether the file open on `fd` (opened from `path`) may be read. */
  async admitsOpened(fd: number, path: string): Promise<boolean> {
    if (!this.roots.confined) return true;
    return this.judge(path, await this.roots.checkOpened(fd, path));
  }

  private judge(path: string, verdict: RootsVerdict): boolean {
    if (verdict.allowed) {
      this.refused.delete(path);
      return true;
    }
    if (verdict.real === undefined || this.refused.get(path) === verdict.real) return false;
    this.refused.set(path, verdict.real);
    this.log.warn('refused to follow a link that leads outside the allowed data roots', {
      link: path,
      target: verdict.real,
      roots: this.roots.real!.join(','),
    });
    return false;
  }
}
