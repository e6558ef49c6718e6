// The `module` label's values, bounded: module ids come from directory names, recorder sockets
// (any 16-bit id) and uploads, so a broken or hostile source could otherwise create a series
// per id. The first MAX_MODULE_LABELS distinct ids get their own label; later ones share
// OTHER_MODULE. A PANOSETI node reads out a handful of modules, far below the bound.

export const MAX_MODULE_LABELS = 256;
export const OTHER_MODULE = 'other';

export class ModuleLabels {
  private readonly labels = new Map<number, string>();

  constructor(private readonly max = MAX_MODULE_LABELS) {}

  of(moduleId: number): string {
    const known = this.labels.get(moduleId);
    if (known !== undefined) return known;
    if (this.labels.size >= this.max) return OTHER_MODULE;
    const label = String(moduleId);
    this.labels.set(moduleId, label);
    return label;
  }
}

/** Counts per label set (`key` names it; bounded labels, bounded keys), kept as numbers and turned into samples only when scraped. */
export class LabelledCounts {
  private readonly counts = new Map<string, { labels: Record<string, string>; value: number }>();

  add(labels: Record<string, string>, key: string, n: number): void {
    const entry = this.counts.get(key);
    if (entry) entry.value += n;
    else this.counts.set(key, { labels, value: n });
  }

  entries(): Iterable<{ labels: Record<string, string>; value: number }> {
    return this.counts.values();
  }
}
